"""Platform names as real registry exports spell them, folded to one code each."""

from __future__ import annotations

import re

# code -> (label used in notices, spellings seen in exports)
PLATFORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wechat_channels": ("微信视频号", ("微信视频号", "视频号")),
    "miniprogram": ("小程序", ("微信小程序", "支付宝小程序", "百度小程序", "抖音小程序", "小程序")),
    "wechat": ("微信公众号", ("微信公众号", "微信公众平台", "微信服务号", "微信订阅号", "公众号", "服务号", "订阅号",
                          "微信", "wechat", "weixin")),
    "weibo": ("新浪微博", ("新浪微博", "微博", "weibo", "sinaweibo")),
    "douyin": ("抖音", ("抖音号", "抖音短视频", "抖音", "douyin", "tiktok")),
    "toutiao": ("今日头条", ("今日头条号", "今日头条", "头条号", "头条", "toutiao")),
    "kuaishou": ("快手", ("快手号", "快手短视频", "快手", "kuaishou")),
    "baijiahao": ("百家号", ("百度百家号", "百家号", "baijiahao")),
    "dayu": ("大鱼号", ("大鱼号",)),
    "qie": ("企鹅号", ("企鹅号",)),
    "renminhao": ("人民号", ("人民号",)),
    "pengpai": ("澎湃号", ("澎湃号", "澎湃问政")),
    "xuexi": ("学习强国号", ("学习强国号", "学习强国", "强国号")),
    "netease": ("网易号", ("网易号",)),
    "sohu": ("搜狐号", ("搜狐号",)),
    "xigua": ("西瓜视频", ("西瓜视频",)),
    "tieba": ("百度贴吧", ("百度贴吧", "贴吧")),
    "bilibili": ("哔哩哔哩", ("哔哩哔哩", "b站", "bilibili")),
    "xiaohongshu": ("小红书", ("小红书",)),
    "alipay": ("支付宝生活号", ("支付宝生活号", "生活号")),
    "app": ("移动客户端", ("移动客户端app", "移动客户端", "客户端", "手机app", "app", "应用程序")),
}

# Longest spelling first, so that 微信小程序 is read before 微信 and 小程序.
_SPELLINGS = sorted(
    ((spelling.lower(), code) for code, (_label, spellings) in PLATFORMS.items() for spelling in spellings),
    key=lambda pair: -len(pair[0]),
)
_NOISE = re.compile(r"[\s\u3000（）()【】\[\]<>《》\"'“”‘’·]+")
_GAP = "\x00"


def platform_codes(text: str) -> list[str]:
    """Every platform named in ``text``, in order of first appearance, each spelling consumed once.

    ``微信公众号（订阅号）`` names one platform (wechat, twice); ``微信、微博`` names two.
    """
    folded = _NOISE.sub("", str(text or "")).lower()
    found: list[tuple[int, str]] = []
    for spelling, code in _SPELLINGS:
        start = folded.find(spelling)
        while start >= 0:
            found.append((start, code))
            folded = folded[:start] + _GAP * len(spelling) + folded[start + len(spelling):]
            start = folded.find(spelling)
    out: list[str] = []
    for _start, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


def normalize_platform(text: str) -> str | None:
    """``微信公众号(服务号)`` → ``wechat``; None when no platform, or more than one, is named."""
    codes = platform_codes(text)
    return codes[0] if len(codes) == 1 else None


def platform_label(code: str) -> str:
    return PLATFORMS.get(code, (code, ()))[0]
