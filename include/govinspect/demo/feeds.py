"""What the farm's RSSHub-like host and App Store lookup answer for the demo accounts.

Each readable account (:func:`govinspect.demo.county.feed_accounts`) has a designed outcome:
fresh or stale posts, a cancelled account (HTTP 404 with an RSSHub error page), an empty
channel, malformed XML, or a slow route. Dates are computed from ``today``; post times are
in China time and written as RFC 822 with ``+0800``, as RSSHub does.

The same host answers like Weibo's mobile JSON API under ``/weibo-api/`` (see :func:`weibo_reply`),
with the same posts for each Weibo account and the same designed outcomes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from urllib.parse import unquote

from govinspect.demo import county
from govinspect.demo.designed import SLOW_SECONDS
from govinspect.quarter import CHINA

FEED_ITEMS = 10


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    delay: float = 0.0


_POSTS = {
    "weibo": ("【提醒】近期气温下降，请做好森林草原防火工作", "#鄂托克前旗# 秋日草原美景如画", "【便民】{y}年度城乡居民医保缴费开始啦",
              "#乡村振兴# {town}特色产业助农增收", "【关注】我旗开展安全生产大检查", "【通知】关于政务服务中心办公时间调整的通知",
              "【权威发布】鄂托克前旗{m}月{d}日疫情防控情况通报", "【警情通报】关于一起电信诈骗案件的通报"),
    "douyin": ("#鄂托克前旗 {town}的秋天太美了", "带你走进红色城川", "民警提醒：谨防电信网络诈骗", "草原上的牧民生活",
               "#乡村振兴 {town}肉羊产业发展纪实", "今天带大家看看我们的政务服务大厅", "安全生产月：一起来学应急知识"),
    "toutiao": ("鄂托克前旗：多措并举推进{work}工作", "{town}：产业发展带动农牧民增收", "鄂托克前旗召开{work}工作推进会",
                "鄂托克前旗{m}月份重点项目建设综述", "{town}扎实开展人居环境整治"),
    "kuaishou": ("#鄂托克前旗 {town}风光", "交警提醒：冬季出行注意安全", "走进{town}看变化", "前旗美食推荐",
                 "一分钟了解城乡居民医保缴费"),
}
_TOWNS = ("敖勒召其镇", "上海庙镇", "城川镇", "昂素镇")
_WORKS = ("秋冬季森林草原防火", "安全生产", "人居环境整治", "优化营商环境", "秋季动物防疫")
_CHANNEL = {
    "weibo": ("{name}的微博", "https://weibo.com/{id}/", "{name}的微博"),
    "douyin": ("{name}的抖音", "https://www.douyin.com/user/{id}", "{name}的抖音作品"),
    "toutiao": ("今日头条：{name}", "https://www.toutiao.com/c/user/{id}/", "{name}的头条文章"),
    "kuaishou": ("{name} 的快手", "https://www.kuaishou.com/profile/{id}", "{name} 的快手作品"),
}
_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def _item_link(platform: str, account_id: str, rng: random.Random) -> str:
    if platform == "weibo":
        return f"https://weibo.com/{account_id}/" + "".join(rng.choice(_BASE62) for _ in range(9))
    number = rng.randint(6_800_000_000_000_000_000, 6_899_999_999_999_999_999)
    return {"douyin": f"https://www.douyin.com/video/{number}", "toutiao": f"https://www.toutiao.com/article/{number}/",
            "kuaishou": f"https://www.kuaishou.com/short-video/3x{number:x}"}[platform]


def _channel_head(platform: str, account_id: str, name: str, today: date) -> str:
    title, link, description = (part.format(name=name, id=account_id) for part in _CHANNEL[platform])
    built = datetime.combine(today, datetime.min.time(), CHINA).replace(hour=10)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">\n<channel>\n'
        f"<title><![CDATA[{title}]]></title>\n<link>{link}</link>\n"
        f'<atom:link href="http://rsshub.etkqq.demo{county.RSS_ROUTES[platform].format(id=account_id)}" rel="self" '
        'type="application/rss+xml" />\n'
        f"<description><![CDATA[{description} - Made with love by RSSHub(https://github.com/DIYgod/RSSHub)]]></description>\n"
        f"<generator>RSSHub</generator>\n<webMaster>i@diygod.me (DIYgod)</webMaster>\n<language>zh-cn</language>\n"
        f"<lastBuildDate>{_rfc822(built)}</lastBuildDate>\n<ttl>5</ttl>\n"
    )


def _feed_items(platform: str, account_id: str, newest_days_ago: int, today: date,
                items: int) -> list[tuple[datetime, str, str]]:
    """(time, title, link) of an account's newest ``items`` posts, newest first, seeded by the account."""
    rng = random.Random(f"{platform}:{account_id}")
    posts = _POSTS[platform]
    out = []
    days = newest_days_ago
    first = rng.randrange(len(posts))
    for n in range(items):
        if n:
            days += rng.randint(1, 4)
        day = today - timedelta(days=days)
        moment = datetime.combine(day, datetime.min.time(), CHINA).replace(hour=rng.randint(8, 20),
                                                                           minute=rng.randint(0, 59))
        title = posts[(first + n) % len(posts)].format(
            town=rng.choice(_TOWNS), work=rng.choice(_WORKS), y=day.year, m=day.month, d=day.day)
        out.append((moment, title, _item_link(platform, account_id, rng)))
    return out


def rss_document(platform: str, account_id: str, name: str, newest_days_ago: int, today: date,
                 items: int = FEED_ITEMS) -> str:
    """An RSSHub RSS 2.0 document whose newest item is ``newest_days_ago`` days before ``today``."""
    parts = [_channel_head(platform, account_id, name, today)]
    for moment, title, link in _feed_items(platform, account_id, newest_days_ago, today, items):
        parts.append(
            f"<item>\n<title><![CDATA[{title}]]></title>\n"
            f"<description><![CDATA[<p>{escape(title)}</p><p>来源：{escape(name)}</p>]]></description>\n"
            f"<pubDate>{_rfc822(moment)}</pubDate>\n<guid isPermaLink=\"false\">{link}</guid>\n<link>{link}</link>\n"
            f"<author><![CDATA[{name}]]></author>\n</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def _error_page(route: str, message: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>RSSHub</title></head>\n<body>\n"
        "<div class=\"content\">Looks like something went wrong in RSSHub!<br>"
        f"<b>Error message:</b> <code>{escape(message)}</code><br><b>Route:</b> <code>{escape(route)}</code><br>"
        "<b>Full Route:</b> <code>" + escape(route) + "</code><br><b>Node Version:</b> <code>v14.15.0</code><br>"
        "</div>\n</body>\n</html>\n"
    ).encode("utf-8")


_RSS_TYPE = "application/xml; charset=utf-8"


def rss_reply(path: str, today: date) -> Reply:
    """The answer of the RSSHub-like host for ``path`` (``/weibo/user/{uid}`` …)."""
    path = unquote(path)
    if path in ("/", ""):
        return Reply(200, "text/html; charset=utf-8", b"<!DOCTYPE html><html><body><p>Welcome to RSSHub!</p></body></html>")
    if path.startswith(WEIBO_API):
        return weibo_reply(path, today)
    accounts = county.feed_accounts()
    for platform, route in county.RSS_ROUTES.items():
        prefix = route.removesuffix("{id}")
        if not path.startswith(prefix):
            continue
        account_id = path[len(prefix):].strip("/")
        found = accounts.get((platform, account_id))
        if found is None:
            return Reply(404, "text/html; charset=utf-8", _error_page(path, "NotFoundError: 用户不存在"))
        name, outcome, days = found
        if outcome == "cancelled":
            return Reply(404, "text/html; charset=utf-8", _error_page(path, "NotFoundError: 该账号已注销或不存在"))
        if outcome == "empty":
            body = _channel_head(platform, account_id, name, today) + "</channel>\n</rss>\n"
            return Reply(200, _RSS_TYPE, body.encode("utf-8"))
        if outcome == "malformed":
            head = _channel_head(platform, account_id, name, today)
            broken = head + "<item>\n<title>【提醒】食品安全 & 消费警示</title>\n<description><![CDATA[<p>近期"
            return Reply(200, _RSS_TYPE, broken.encode("utf-8"))
        body = rss_document(platform, account_id, name, days or 0, today).encode("utf-8")
        return Reply(200, _RSS_TYPE, body, SLOW_SECONDS if outcome == "slow" else 0.0)
    return Reply(404, "text/html; charset=utf-8", _error_page(path, "NotFoundError: 该路由不存在"))


# Weibo's mobile JSON API (m.weibo.cn ``/api/container/getIndex``), served on the feed host with the
# query in the path: ``/weibo-api/profile/{uid}`` answers like ``?type=uid&value={uid}`` and
# ``/weibo-api/container/107603{uid}`` like ``…&containerid=107603{uid}``. Posts are the ones the
# RSSHub route lists (same times, titles and links), after one pinned post older than all of them.
WEIBO_API = "/weibo-api/"
WEIBO_CONTAINER = "107603"
_JSON_TYPE = "application/json; charset=utf-8"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PINNED_EXTRA_DAYS = 40  # the pinned post is this much older than the newest ordinary one


def _weibo_time(moment: datetime) -> str:
    """``Tue Oct 13 08:42:07 +0800 2020``, as Weibo writes ``created_at`` (locale-independent)."""
    return (f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment:%d %H:%M:%S} +0800 {moment.year}")


def _weibo_json(doc: dict, delay: float = 0.0) -> Reply:
    return Reply(200, _JSON_TYPE, json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), delay)


def _mblog(uid: str, name: str, moment: datetime, text: str, link: str, pinned: bool) -> dict:
    bid = link.rsplit("/", 1)[-1]
    mid = str(4_500_000_000_000_000 + int(moment.timestamp()) * 1000 % 10**15)
    blog = {"visible": {"type": 0, "list_id": 0}, "created_at": _weibo_time(moment), "id": mid, "mid": mid,
            "can_edit": False, "text": text, "source": "微博 weibo.com", "favorited": False,
            "user": {"id": int(uid), "screen_name": name, "verified": True, "verified_type": 1},
            "reposts_count": 0, "comments_count": 0, "attitudes_count": 3, "isLongText": False, "bid": bid}
    if pinned:
        blog.update({"isTop": 1, "title": {"text": "置顶", "base_color": 1}})
    return {"card_type": 9, "profile_type_id": f"{'proweibotop' if pinned else 'proweibo'}_{mid}",
            "itemid": f"{WEIBO_CONTAINER}{uid}_-_{mid}", "scheme": f"https://m.weibo.cn/status/{bid}?mblogid={bid}",
            "mblog": blog}


def weibo_reply(path: str, today: date) -> Reply:
    """The Weibo-like JSON of the feed host for ``/weibo-api/profile/{uid}`` and ``/weibo-api/container/{id}``."""
    kind, _, ident = path[len(WEIBO_API):].strip("/").partition("/")
    uid = ident.removeprefix(WEIBO_CONTAINER) if kind == "container" else ident
    found = county.feed_accounts().get(("weibo", uid))
    if kind not in ("profile", "container") or not uid.isdigit():
        return Reply(404, "text/plain; charset=utf-8", b"Not Found")
    if found is None:
        return _weibo_json({"ok": 0, "msg": "用户不存在"})
    name, outcome, days = found
    if outcome == "cancelled":
        return _weibo_json({"ok": 0, "msg": "该用户已注销", "data": {"cards": []}})
    if kind == "profile":
        return _weibo_json({"ok": 1, "data": {
            "userInfo": {"id": int(uid), "screen_name": name, "statuses_count": 1200 + int(uid) % 3000,
                         "verified": True, "verified_type": 1, "verified_reason": f"{name}官方微博",
                         "followers_count": 5000 + int(uid) % 40000},
            "tabsInfo": {"selectedTab": 1, "tabs": [
                {"id": 1, "tabKey": "profile", "title": "主页", "tab_type": "profile", "containerid": f"230283{uid}"},
                {"id": 2, "tabKey": "weibo", "title": "微博", "tab_type": "weibo", "containerid": f"{WEIBO_CONTAINER}{uid}"},
            ]}}})
    if outcome == "empty":
        return _weibo_json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
    items = _feed_items("weibo", uid, days or 0, today, FEED_ITEMS)
    if outcome == "malformed":
        moment, title, _link = items[0]
        broken = ('{"ok":1,"data":{"cardlistInfo":{"containerid":"' + WEIBO_CONTAINER + uid + '"},"cards":'
                  '[{"card_type":9,"mblog":{"created_at":"' + _weibo_time(moment) + '","text":"' + title[:6])
        return Reply(200, _JSON_TYPE, broken.encode("utf-8"))
    oldest = items[-1][0]
    pinned_at = oldest - timedelta(days=PINNED_EXTRA_DAYS)
    cards = [_mblog(uid, name, pinned_at, f"【置顶】欢迎关注{name}官方微博", f"https://weibo.com/{uid}/P{uid[-8:]}", True)]
    cards += [_mblog(uid, name, moment, title, link, False) for moment, title, link in items]
    doc = {"ok": 1, "data": {"cardlistInfo": {"containerid": WEIBO_CONTAINER + uid, "v_p": 42, "show_style": 1,
                                              "total": 1200 + int(uid) % 3000}, "cards": cards}}
    return _weibo_json(doc, SLOW_SECONDS if outcome == "slow" else 0.0)


_APP_DETAILS = {
    "1488078891": ("cn.etkqq.rmt", "2.3.1", "鄂托克前旗融媒体中心", "新闻"),
    "1488236922": ("cn.etkqq.zwt", "1.0.6", "鄂托克前旗政务服务局", "工具"),
}


def _iso_z(day: date) -> str:
    return f"{day.isoformat()}T08:00:00Z"


def itunes_reply(path: str, query: dict[str, str], today: date) -> Reply:
    """App Store ``/lookup?id=…`` JSON for the registered Apps (移动客户端)."""
    if path.rstrip("/") not in ("/lookup", "/cn/lookup"):
        return Reply(404, "text/plain; charset=utf-8", b"Not Found")
    wanted = [part.strip() for part in query.get("id", "").split(",") if part.strip()]
    apps = {a.account_id: a for a in county.REGISTERED if a.platform == "app"}
    results = []
    for app_id in wanted:
        app = apps.get(app_id)
        if app is None:
            continue
        bundle, version, seller, genre = _APP_DETAILS[app_id]
        updated = today - timedelta(days=app.newest_days_ago or 0)
        released = today - timedelta(days=(county.CHECK_POINT - app.opened).days - 4)
        results.append({
            "wrapperType": "software", "kind": "software", "trackId": int(app_id), "trackName": app.name,
            "bundleId": bundle, "version": version, "sellerName": seller, "artistName": seller,
            "currentVersionReleaseDate": _iso_z(updated), "releaseDate": _iso_z(released),
            "releaseNotes": "修复已知问题，优化使用体验。", "primaryGenreName": genre, "price": 0.0, "currency": "CNY",
            "minimumOsVersion": "10.0", "trackViewUrl": f"https://apps.apple.com/cn/app/id{app_id}",
            "description": f"{app.name}是{seller}推出的移动客户端。",
        })
    body = json.dumps({"resultCount": len(results), "results": results}, ensure_ascii=False, indent=None)
    return Reply(200, "text/javascript; charset=utf-8", body.encode("utf-8"))
