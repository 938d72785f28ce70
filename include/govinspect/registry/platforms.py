"""Platform names as real registry exports spell them, folded to one code each."""

from __future__ import annotations

import re

# code -> (label used in notices, spellings seen in exports; longest first wins)
PLATFORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wechat_channels": ("微信视频号", ("微信视频号", "视频号")),
    "miniprogram": ("小程序", ("微信小程序", "支付宝小程序", "百度小程序", "小程序")),
    "wechat": ("微信公众号", ("微信公众号", "微信公众平台", "微信服务号", "微信订阅号", "公众号", "服务号", "订阅号", "微信", "wechat")),
    "weibo": ("新浪微博", ("新浪微博", "微博", "weibo")),
    "douyin": ("抖音", ("抖音号", "抖音", "douyin")),
    "toutiao": ("今日头条", ("今日头条", "头条号", "头条", "toutiao")),
    "kuaishou": ("快手", ("快手号", "快手", "kuaishou")),
    "baijiahao": ("百家号", ("百度百家号", "百家号")),
    "dayu": ("大鱼号", ("大鱼号",)),
    "qie": ("企鹅号", ("企鹅号",)),
    "tieba": ("百度贴吧", ("百度贴吧", "贴吧")),
    "bilibili": ("哔哩哔哩", ("哔哩哔哩", "b站", "bilibili")),
    "xiaohongshu": ("小红书", ("小红书",)),
    "app": ("移动客户端", ("移动客户端app", "移动客户端", "客户端", "手机app", "app", "应用")),
}

_SPELLINGS = sorted(
    ((spelling.lower(), code) for code, (_label, spellings) in PLATFORMS.items() for spelling in spellings),
    key=lambda pair: -len(pair[0]),
)
_SPACE = re.compile(r"[\s\u3000（）()【】\[\]]+")


def normalize_platform(text: str) -> str | None:
    """``微信公众号(服务号)`` → ``wechat``; None when no platform is recognised."""
    folded = _SPACE.sub("", str(text or "")).lower()
    if not folded:
        return None
    for spelling, code in _SPELLINGS:
        if folded == spelling:
            return code
    for spelling, code in _SPELLINGS:
        if spelling in folded:
            return code
    return None


def platform_label(code: str) -> str:
    return PLATFORMS.get(code, (code, ()))[0]
