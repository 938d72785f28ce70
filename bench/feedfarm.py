"""Account sources for M generated new-media accounts, written as static files and served by nginx on loopback.

    python bench/feedfarm.py --accounts 600 --out /tmp/feedfarm --serve

``design_accounts`` gives every account a platform (the demo county's mix, scaled up), a designed
outcome and the newest post's age; ``write_sources`` writes what the account check reads for it:

* the bureau's RSSHub (``rsshub.province.bench``): ``/douyin/user/{id}``, ``/toutiao/user/{id}``,
  ``/kuaishou/profile/{id}``, ``/weibo/user/{id}`` as RSS 2.0 (``pubDate`` in RFC 822, ``+0800`` or
  ``GMT`` as RSSHub writes it) or Atom (``published`` in ISO 8601, UTC ``Z``); a cancelled account
  is HTTP 404 with RSSHub's error page ("NotFoundError: 该账号已注销或不存在");
* Weibo's mobile JSON API (``m.weibo.province.bench/api/container/getIndex``): nginx picks the file
  by ``$arg_value`` (the profile) and ``$arg_containerid`` (the timeline), in the shape
  ``govinspect.newmedia.weibo`` reads (a pinned post older than the rest, ``created_at`` as Weibo
  writes it, ``ok: 0`` with a message for a cancelled or empty account);
* the App Store lookup (``itunes.province.bench/lookup?id=…``): nginx picks the file by ``$arg_id``;
  an App missing from the store answers ``resultCount: 0``;
* WeChat and mini-program accounts have no public source: the manual evidence sheet
  (``manual_rows``) covers most of them, the rest stay unknown.

Outcomes: fresh (newest post 0–10 days before the check point), stale (20–400 days, NM2), empty
(a channel with no posts), gone (404 / ``ok: 0``), slow (nginx ``limit_rate``: a few seconds, still
read), and hostile: hang (nginx proxies to a socket that accepts and never answers → timeout), drip
(16 bytes a second → timeout), garbage (200 with random bytes) and malformed (a cut XML document).
``expected`` says what a correct check concludes for each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from sitefarm import AS_OF, free_port, start_nginx, stop_nginx

RSSHUB_HOST = "rsshub.province.bench"
WEIBO_HOST = "m.weibo.province.bench"
ITUNES_HOST = "itunes.province.bench"
HOSTS = (RSSHUB_HOST, WEIBO_HOST, ITUNES_HOST)
CHINA = timezone(timedelta(hours=8))
FEED_ITEMS = 10
WEIBO_CONTAINER = "107603"
FRESH_WINDOW = 14  # NM2: no post in the 14 days before the check point

RSS_ROUTES = {
    "weibo": "/weibo/user/{id}",
    "douyin": "/douyin/user/{id}",
    "toutiao": "/toutiao/user/{id}",
    "kuaishou": "/kuaishou/profile/{id}",
}
# The demo county's 64 accounts by platform (include/govinspect/demo/county.py), as weights.
PLATFORM_MIX = {"wechat": 28, "weibo": 8, "douyin": 12, "toutiao": 6, "kuaishou": 5, "app": 2, "miniprogram": 3}
LABELS = {
    "wechat": ("微信公众号", "微信公众号", "服务号", "订阅号", "微信", "微信公众平台"),
    "weibo": ("新浪微博", "微博"),
    "douyin": ("抖音", "抖音号"),
    "toutiao": ("今日头条", "头条号"),
    "kuaishou": ("快手", "快手号"),
    "app": ("移动客户端", "移动客户端（APP）"),
    "miniprogram": ("微信小程序", "小程序"),
}
# Outcomes of accounts a public source can read, as shares; the rest of each share is "fresh".
READABLE_MIX = (("stale", 0.20), ("empty", 0.03), ("gone", 0.04), ("slow", 0.02), ("hang", 0.003),
                ("drip", 0.003), ("garbage", 0.004), ("malformed", 0.004))
APP_MIX = (("stale", 0.25), ("gone", 0.05))
# WeChat and mini-programs: manual evidence (fresh or stale), or none at all.
MANUAL_MIX = (("manual_stale", 0.12), ("none", 0.14))
UNKNOWN_OUTCOMES = frozenset({"none", "hang", "drip", "garbage", "malformed"})
SLOW_RATE = "2k"  # a slow route's feed of ~5 KB takes two to three seconds

_TITLES = ("召开{work}工作推进会", "{town}：产业发展带动农牧民增收", "【提醒】近期气温下降，请做好森林草原防火工作",
           "#乡村振兴# {town}特色产业助农增收", "【关注】开展安全生产大检查", "【通知】关于政务服务中心办公时间调整的通知",
           "民警提醒：谨防电信网络诈骗", "一分钟了解城乡居民医保缴费", "走进{town}看变化", "{work}专项行动取得阶段性成效")
_TOWNS = ("敖勒召其镇", "上海庙镇", "城川镇", "昂素镇", "树林召镇", "沙圪堵镇", "薛家湾镇", "阿镇")
_WORKS = ("秋冬季森林草原防火", "安全生产", "人居环境整治", "优化营商环境", "秋季动物防疫", "政务公开")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class AccountSpec:
    """One generated account: how the registry lists it and what its source is designed to show."""

    platform: str
    label: str  # 平台类型 as the export writes it
    account_id: str
    name: str
    unit: str
    outcome: str  # fresh stale empty gone slow hang drip garbage malformed manual manual_stale none
    newest_days_ago: int | None  # the newest post (or the evidence's last post), days before the check point
    form: str = "rss"  # rss (+0800), rss_gmt, atom: how the RSSHub route writes the feed

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.account_id}"


def expected(spec: AccountSpec) -> tuple[str, str | None]:
    """(freshness, state) a correct check reports: fresh/stale/unknown, and ``gone`` for an account
    its source says is gone (None when the state is not designed)."""
    if spec.outcome == "gone":
        return "unknown", "gone"
    if spec.outcome in UNKNOWN_OUTCOMES or spec.outcome == "empty":
        return "unknown", None
    days = spec.newest_days_ago or 0
    return ("fresh" if days <= FRESH_WINDOW else "stale"), None


def _quota(count: int, mix: tuple[tuple[str, float], ...], default: str, rng: random.Random) -> list[str]:
    """``count`` outcomes in exactly the shares of ``mix`` (rounded), the rest ``default``, shuffled: every
    size holds the same proportion of each case, so that sizes compare."""
    out: list[str] = []
    for outcome, share in mix:
        out += [outcome] * round(count * share)
    out = out[:count] + [default] * max(0, count - len(out))
    rng.shuffle(out)
    return out


def _account_id(platform: str, rng: random.Random, serial: int) -> str:
    if platform in ("wechat",):
        return f"gh_{rng.getrandbits(44):011x}{serial % 10}"
    if platform == "miniprogram":
        return f"wx{rng.getrandbits(60):015x}{serial % 10}"
    digits = {"weibo": 10, "douyin": 11, "toutiao": 12, "kuaishou": 10, "app": 10}[platform]
    return str(rng.randint(10 ** (digits - 1), 10**digits - 1) // 10 * 10 + serial % 10)


def design_accounts(count: int, units: list[str], *, seed: int = 20201015, cover: bool = False) -> list[AccountSpec]:
    """``count`` accounts spread over ``units`` in the demo county's platform mix, with designed outcomes;
    ``cover`` gives every (platform, outcome) pair at least one account (for tests on a small size)."""
    rng = random.Random(seed)
    total = sum(PLATFORM_MIX.values())
    platforms: list[str] = []
    for platform, weight in PLATFORM_MIX.items():
        platforms += [platform] * round(count * weight / total)
    while len(platforms) < count:
        platforms.append("wechat")
    platforms = platforms[:count]
    rng.shuffle(platforms)
    seen: set[tuple[str, str]] = set()
    manual_class = ("wechat", "miniprogram")
    quotas = {
        "manual": _quota(sum(p in manual_class for p in platforms), MANUAL_MIX, "manual", rng),
        "app": _quota(platforms.count("app"), APP_MIX, "fresh", rng),
        "readable": _quota(sum(p in RSS_ROUTES for p in platforms), READABLE_MIX, "fresh", rng),
    }
    out = []
    for n, platform in enumerate(platforms):
        account_id = _account_id(platform, rng, n)
        while (platform, account_id) in seen:
            account_id = _account_id(platform, rng, n)
        seen.add((platform, account_id))
        unit = units[n % len(units)]
        outcome = quotas["manual" if platform in manual_class else "app" if platform == "app" else "readable"].pop()
        if outcome in ("stale", "manual_stale"):
            days: int | None = rng.choice((rng.randint(20, 60), rng.randint(61, 400)))
        elif outcome in ("fresh", "slow", "manual"):
            days = rng.randint(0, 10)
        else:
            days = None
        short = unit.removesuffix("人民政府").removesuffix("委员会")[:12]
        suffix = {"wechat": "发布", "weibo": "微博", "douyin": "抖音", "toutiao": "头条", "kuaishou": "快手",
                  "app": "客户端", "miniprogram": "服务"}[platform]
        form = rng.choice(("rss", "rss", "rss_gmt", "atom")) if platform in RSS_ROUTES else "rss"
        out.append(AccountSpec(platform, rng.choice(LABELS[platform]), account_id, f"{short}{suffix}{n % 97}", unit,
                               outcome, days, form))
    if cover:
        _cover(out, rng)
    return out


def _cover(accounts: list[AccountSpec], rng: random.Random) -> None:
    """Give every (platform, outcome) pair at least one account, taken from that platform's fresh or
    manual ones, so that a small province still holds every designed case."""
    wanted = {p: [o for o, _share in READABLE_MIX] + ["fresh"] for p in RSS_ROUTES}
    wanted["app"] = [o for o, _share in APP_MIX] + ["fresh"]
    wanted["wechat"] = wanted["miniprogram"] = [o for o, _share in MANUAL_MIX] + ["manual"]
    present = {(a.platform, a.outcome) for a in accounts}
    for platform, outcomes in wanted.items():
        spare = [a for a in accounts if a.platform == platform and a.outcome in ("fresh", "manual")]
        for outcome in outcomes:
            if (platform, outcome) in present or len(spare) < 2:
                continue
            a = spare.pop()
            a.outcome = outcome
            if outcome in ("stale", "manual_stale"):
                a.newest_days_ago = rng.randint(20, 400)
            elif outcome not in ("slow",):
                a.newest_days_ago = None
            present.add((platform, outcome))


# --- the documents --------------------------------------------------------------------------------------


def _posts(spec: AccountSpec, today: date) -> list[tuple[datetime, str, str]]:
    """(China time, title, link) of the account's newest posts, newest first, seeded by the account."""
    rng = random.Random(spec.key)
    days = spec.newest_days_ago or 0
    out = []
    for n in range(FEED_ITEMS):
        if n:
            days += rng.randint(1, 4)
        moment = datetime.combine(today - timedelta(days=days), datetime.min.time(), CHINA).replace(
            hour=rng.randint(8, 20), minute=rng.randint(0, 59), second=rng.randint(0, 59))
        title = rng.choice(_TITLES).format(town=rng.choice(_TOWNS), work=rng.choice(_WORKS))
        link = f"https://www.{spec.platform}.com/{spec.account_id}/{rng.getrandbits(48):x}"
        out.append((moment, title, link))
    return out


def _rss(spec: AccountSpec, today: date, items: list[tuple[datetime, str, str]]) -> str:
    route = RSS_ROUTES[spec.platform].format(id=spec.account_id)
    built = datetime.combine(today, datetime.min.time(), CHINA).replace(hour=10)

    def when(moment: datetime) -> str:
        if spec.form == "rss_gmt":
            return format_datetime(moment.astimezone(UTC), usegmt=True)
        return format_datetime(moment)

    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">\n'
        f"<channel>\n<title><![CDATA[{spec.name}]]></title>\n<link>https://www.{spec.platform}.com/{spec.account_id}</link>\n"
        f'<atom:link href="http://{RSSHUB_HOST}{route}" rel="self" type="application/rss+xml" />\n'
        f"<description><![CDATA[{spec.name} - Made with love by RSSHub(https://github.com/DIYgod/RSSHub)]]></description>\n"
        f"<generator>RSSHub</generator>\n<language>zh-cn</language>\n<lastBuildDate>{when(built)}</lastBuildDate>\n"
        "<ttl>5</ttl>\n"
    ]
    for moment, title, link in items:
        parts.append(f"<item>\n<title><![CDATA[{title}]]></title>\n<description><![CDATA[<p>{escape(title)}</p>"
                     f"<p>来源：{escape(spec.name)}</p>]]></description>\n<pubDate>{when(moment)}</pubDate>\n"
                     f'<guid isPermaLink="false">{link}</guid>\n<link>{link}</link>\n</item>\n')
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def _atom(spec: AccountSpec, today: date, items: list[tuple[datetime, str, str]]) -> str:
    route = RSS_ROUTES[spec.platform].format(id=spec.account_id)

    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    built = datetime.combine(today, datetime.min.time(), CHINA).replace(hour=10)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-cn">\n'
        f"<title><![CDATA[{spec.name}]]></title>\n<id>http://{RSSHUB_HOST}{route}</id>\n"
        f'<link href="http://{RSSHUB_HOST}{route}" rel="self"/>\n<updated>{iso(built)}</updated>\n'
        "<generator>RSSHub</generator>\n"
    ]
    for moment, title, link in items:
        parts.append(f"<entry>\n<title><![CDATA[{title}]]></title>\n<id>{link}</id>\n<link href=\"{link}\"/>\n"
                     f"<published>{iso(moment)}</published>\n<updated>{iso(moment + timedelta(hours=2))}</updated>\n"
                     f"<content type=\"html\"><![CDATA[<p>{escape(title)}</p>]]></content>\n</entry>\n")
    parts.append("</feed>\n")
    return "".join(parts)


def _rsshub_error(route: str, message: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>RSSHub</title></head>\n<body>\n"
            "<div class=\"content\">Looks like something went wrong in RSSHub!<br>"
            f"<b>Error message:</b> <code>{escape(message)}</code><br><b>Route:</b> <code>{escape(route)}</code><br>"
            "</div>\n</body>\n</html>\n")


def _weibo_time(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment:%d %H:%M:%S} +0800 {moment.year}"


def _weibo_card(spec: AccountSpec, moment: datetime, text: str, bid: str, pinned: bool) -> dict[str, Any]:
    mid = str(4_500_000_000_000_000 + int(moment.timestamp()) % 10**9)
    blog: dict[str, Any] = {"created_at": _weibo_time(moment), "id": mid, "mid": mid, "text": text, "bid": bid,
                            "source": "微博 weibo.com", "user": {"id": int(spec.account_id), "screen_name": spec.name},
                            "reposts_count": 0, "comments_count": 0, "attitudes_count": 3}
    if pinned:
        blog.update({"isTop": 1, "title": {"text": "置顶", "base_color": 1}})
    return {"card_type": 9, "profile_type_id": f"{'proweibotop' if pinned else 'proweibo'}_{mid}",
            "itemid": f"{WEIBO_CONTAINER}{spec.account_id}_-_{mid}", "mblog": blog}


def _weibo_documents(spec: AccountSpec, today: date) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(profile answer, timeline answer) of one Weibo account; None: the timeline file is not written."""
    uid = spec.account_id
    if spec.outcome == "gone":
        return {"ok": 0, "msg": "该用户已注销", "data": {"cards": []}}, None
    profile = {"ok": 1, "data": {
        "userInfo": {"id": int(uid), "screen_name": spec.name, "statuses_count": 0 if spec.outcome == "empty" else 1500,
                     "verified": True, "verified_type": 1},
        "tabsInfo": {"selectedTab": 1, "tabs": [
            {"id": 1, "tabKey": "profile", "title": "主页", "tab_type": "profile", "containerid": f"230283{uid}"},
            {"id": 2, "tabKey": "weibo", "title": "微博", "tab_type": "weibo", "containerid": f"{WEIBO_CONTAINER}{uid}"}]}}}
    if spec.outcome == "empty":
        return profile, {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}
    items = _posts(spec, today)
    pinned_at = items[-1][0] - timedelta(days=40)
    cards = [_weibo_card(spec, pinned_at, f"【置顶】欢迎关注{spec.name}", f"P{uid[-8:]}", True)]
    cards += [_weibo_card(spec, moment, title, link.rsplit("/", 1)[-1], False) for moment, title, link in items]
    return profile, {"ok": 1, "data": {"cardlistInfo": {"containerid": WEIBO_CONTAINER + uid, "total": 1500},
                                       "cards": cards}}


def _app_document(spec: AccountSpec, today: date) -> dict[str, Any]:
    updated = today - timedelta(days=spec.newest_days_ago or 0)
    return {"resultCount": 1, "results": [{
        "wrapperType": "software", "kind": "software", "trackId": int(spec.account_id), "trackName": spec.name,
        "bundleId": f"cn.gov.bench.a{spec.account_id}", "version": "2.3.1", "sellerName": spec.unit,
        "currentVersionReleaseDate": f"{updated.isoformat()}T08:00:00Z", "releaseDate": "2019-12-20T08:00:00Z",
        "releaseNotes": "修复已知问题，优化使用体验。", "primaryGenreName": "新闻", "price": 0.0, "currency": "CNY",
        "trackViewUrl": f"https://apps.apple.com/cn/app/id{spec.account_id}"}]}


@dataclass
class FeedManifest:
    """What ``write_sources`` wrote: the folder nginx serves and the routes that need their own rules."""

    root: str
    slow: list[str]  # request paths on the RSSHub host served at SLOW_RATE
    drip: list[str]  # paths dripped at 16 bytes a second
    hang: list[str]  # paths proxied to a socket that never answers
    files: int = 0
    bytes: int = 0

    def save(self) -> None:
        Path(self.root, "feeds.json").write_text(json.dumps(asdict(self), indent=1))

    @classmethod
    def load(cls, root: str | Path) -> FeedManifest:
        return cls(**json.loads(Path(root, "feeds.json").read_text()))


def write_sources(root: str | Path, accounts: list[AccountSpec], today: date = AS_OF, *,
                  seed: int = 20201015) -> FeedManifest:
    """Write the RSSHub routes, Weibo API answers and App Store lookups of ``accounts`` under ``root``."""
    root = Path(root)
    rng = random.Random(seed)
    for name in ("rsshub", "weibo", "itunes"):
        shutil.rmtree(root / name, ignore_errors=True)
        (root / name).mkdir(parents=True)
    manifest = FeedManifest(str(root), [], [], [])
    written = 0

    def put(path: Path, data: str | bytes) -> None:
        nonlocal written
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        path.write_bytes(payload)
        manifest.files += 1
        written += len(payload)

    (root / "itunes" / "_none.json").write_text('{"resultCount":0,"results":[]}')
    for spec in accounts:
        if spec.platform == "app":
            if spec.outcome != "gone":
                put(root / "itunes" / "apps" / f"{spec.account_id}.json", json.dumps(_app_document(spec, today)))
            continue
        if spec.platform not in RSS_ROUTES:
            continue
        route = RSS_ROUTES[spec.platform].format(id=spec.account_id)
        if spec.platform == "weibo" and spec.outcome not in ("hang", "drip", "garbage", "malformed"):
            profile, timeline = _weibo_documents(spec, today)
            put(root / "weibo" / "profile" / f"{spec.account_id}.json", json.dumps(profile, ensure_ascii=False))
            if timeline is not None:
                put(root / "weibo" / "timeline" / f"{WEIBO_CONTAINER}{spec.account_id}.json",
                    json.dumps(timeline, ensure_ascii=False))
        elif spec.platform == "weibo" and spec.outcome == "garbage":
            put(root / "weibo" / "profile" / f"{spec.account_id}.json", os.urandom(700))
        target = root / "rsshub" / f"{route.lstrip('/')}.xml"
        if spec.outcome == "gone":
            put(root / "rsshub" / "_gone" / f"{route.lstrip('/')}.html",
                _rsshub_error(route, "NotFoundError: 该账号已注销或不存在"))
        elif spec.outcome == "garbage":
            put(target, os.urandom(rng.randint(300, 3000)))
        elif spec.outcome == "malformed":
            head = _rss(spec, today, _posts(spec, today)[:1])
            put(target, head[: len(head) // 2])
        elif spec.outcome == "empty":
            put(target, _rss(spec, today, []))
        else:
            items = _posts(spec, today)
            put(target, _atom(spec, today, items) if spec.form == "atom" else _rss(spec, today, items))
            if spec.outcome == "slow":
                manifest.slow.append(route)
            elif spec.outcome == "drip":
                manifest.drip.append(route)
            elif spec.outcome == "hang":
                manifest.hang.append(route)
    manifest.bytes = written
    manifest.save()
    return manifest


def manual_rows(accounts: list[AccountSpec], today: date = AS_OF) -> list[tuple[str, ...]]:
    """Rows of the manual evidence sheet (账号ID, 平台类型, 最近发布时间, 核查人, 核查时间, 截图或链接, 备注)."""
    rows = []
    checked_on = today - timedelta(days=1)
    for n, spec in enumerate(a for a in accounts if a.outcome in ("manual", "manual_stale")):
        last = today - timedelta(days=spec.newest_days_ago or 0)
        note = "超过14天未更新" if (spec.newest_days_ago or 0) > FRESH_WINDOW else ""
        rows.append((spec.account_id, spec.label, last.isoformat(), ("王某", "高某", "李某")[n % 3],
                     checked_on.isoformat(), f"证据/{spec.account_id}.png", note))
    return rows


# --- nginx ----------------------------------------------------------------------------------------------


class FeedNginx:
    """nginx serving the written sources on ``127.0.0.1:port`` (one server per source host), plus a
    socket that accepts connections and never answers them, for the ``hang`` routes."""

    def __init__(self, manifest: FeedManifest, workers: int = 1) -> None:
        self.manifest = manifest
        self.workers = workers
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="nginx-feeds-", dir=manifest.root))
        self.process: subprocess.Popen[bytes] | None = None
        self.hang_socket: socket.socket | None = None

    def config(self, hang_port: int) -> str:
        root = Path(self.manifest.root)
        special = []
        for path in self.manifest.slow:
            special.append(f"location = {path} {{ limit_rate {SLOW_RATE}; try_files $uri.xml =404; }}")
        for path in self.manifest.drip:
            special.append(f"location = {path} {{ limit_rate 16; try_files $uri.xml =404; }}")
        for path in self.manifest.hang:
            special.append(f"location = {path} {{ proxy_pass http://127.0.0.1:{hang_port}; "
                           "proxy_read_timeout 600s; proxy_send_timeout 600s; }")
        user = "user root;" if os.geteuid() == 0 else ""
        return f"""
{user}
worker_processes {self.workers};
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log crit;
daemon off;
events {{ worker_connections 4096; }}
http {{
  types {{ application/rss+xml xml; application/json json; text/html html; }}
  default_type application/octet-stream;
  charset utf-8; charset_types application/rss+xml application/json text/html;
  access_log off;
  sendfile on; keepalive_requests 100000; keepalive_timeout 65;
  open_file_cache max=8000 inactive=120s;
  client_body_temp_path {self.dir}/body; proxy_temp_path {self.dir}/proxy; fastcgi_temp_path {self.dir}/fcgi;
  uwsgi_temp_path {self.dir}/uwsgi; scgi_temp_path {self.dir}/scgi;
  server {{
    listen 127.0.0.1:{self.port} default_server;
    server_name {RSSHUB_HOST};
    root {root}/rsshub;
    error_page 404 /_gone$uri.html;
    location /_gone/ {{ internal; try_files $uri =404; }}
    location / {{ try_files $uri.xml =404; }}
    {chr(10).join("    " + s for s in special)}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    server_name {WEIBO_HOST};
    root {root}/weibo;
    location = /api/container/getIndex {{
      if ($arg_containerid) {{ rewrite ^ /timeline/$arg_containerid.json last; }}
      rewrite ^ /profile/$arg_value.json last;
    }}
    location / {{ internal; }}
  }}
  server {{
    listen 127.0.0.1:{self.port};
    server_name {ITUNES_HOST};
    root {root}/itunes;
    location = /lookup {{ default_type application/json; try_files /apps/$arg_id.json /_none.json =404; }}
    location / {{ return 404; }}
  }}
}}
"""

    def start(self) -> FeedNginx:
        self.hang_socket = socket.socket()
        self.hang_socket.bind(("127.0.0.1", 0))
        self.hang_socket.listen(4096)  # connections wait in the backlog: never accepted, never answered
        conf = self.dir / "nginx.conf"
        conf.write_text(self.config(self.hang_socket.getsockname()[1]))
        self.process = start_nginx(conf, self.dir, self.port)
        return self

    def stop(self) -> None:
        stop_nginx(self.process)
        self.process = None
        if self.hang_socket is not None:
            self.hang_socket.close()
            self.hang_socket = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> FeedNginx:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def connect_to(self) -> dict[tuple[str, int], tuple[str, int]]:
        return {(host, 80): ("127.0.0.1", self.port) for host in HOSTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=600)
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "govinspect-feedfarm"))
    parser.add_argument("--serve", action="store_true", help="serve them with nginx until interrupted")
    args = parser.parse_args()
    units = [f"单位{n:03d}" for n in range(max(1, args.accounts // 6))]
    accounts = design_accounts(args.accounts, units)
    manifest = write_sources(args.out, accounts)
    print(f"feeds: {len(accounts)} accounts, {manifest.files} files, {manifest.bytes / 1e6:.1f} MB under {args.out}")
    if args.serve:
        with FeedNginx(manifest) as server:
            print(f"nginx on 127.0.0.1:{server.port}; hosts {', '.join(HOSTS)}")
            try:
                server.process.wait()
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
