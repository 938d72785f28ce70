"""The designed outcome of everything the farm serves, in one table.

Every date is given in days before the farm's ``today`` (for the 2020Q3 demo, the check
point 2020-10-15), so the same story plays on any real date. :func:`outcomes` resolves the
table for one ``today``: concrete newest dates, dead-link URLs, account last posts and the
verdict a correct pipeline reaches (fresh / stale / unknown for accounts; fresh / stale /
blank for columns, 栏目). ``OUTCOMES`` is that table for the demo day.

Column windows follow the national rules: 动态/要闻 14 days, 通知公告/政策文件 180 days,
人事/规划计划 365 days, other columns that should be updated 180 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from govinspect.demo import county

PORTAL = "www.etkqq.gov.cn"
XXGK = "xxgk.etkqq.gov.cn"
HANG = "zwfw.etkqq.gov.cn"
RSSHUB = "rsshub.etkqq.demo"
ITUNES = "itunes.apple.com"
SITE_HOSTS = (PORTAL, XXGK, RSSHUB, ITUNES)
HANG_HOSTS = (HANG,)

DEMO_TODAY = county.CHECK_POINT
SLOW_SECONDS = 30.0  # the slow feed answers after this long; a client deadline must cut it

WINDOWS = {"dynamic": 14, "notice": 180, "policy": 180, "personnel": 365, "planning": 365}
DEFAULT_WINDOW = 180


@dataclass(frozen=True)
class ColumnSpec:
    """One column (栏目) of the demo website and how the farm fills it.

    ``date_style`` is how its list shows dates: ``iso`` 2020-10-12, ``md`` [10-12],
    ``cn`` 2020年10月12日, ``slash`` 2020/10/12. ``gap`` bounds the days between consecutive
    items. ``dead_items`` maps an item index to the HTTP status its detail page answers with.
    """

    host: str
    path: str  # list directory, e.g. "/zwgk/tzgg/"
    name: str
    type: str
    level: int  # 1 = first-level column (一级栏目)
    state: str  # fresh | stale | blank
    newest_days_ago: int | None
    items: int
    gap: tuple[int, int] = (1, 3)
    date_style: str = "iso"
    section: str = ""  # breadcrumb parent (新闻中心, 政务公开 …) or the unit on the disclosure platform
    source: str = "鄂托克前旗人民政府"  # 来源 / 发布机构 on detail pages
    on_homepage: bool = False
    dead_items: tuple[tuple[int, int], ...] = ()

    @property
    def url(self) -> str:
        return f"http://{self.host}{self.path}index.html"

    @property
    def window(self) -> int:
        return WINDOWS.get(self.type, DEFAULT_WINDOW)

    def newest(self, today: date) -> date | None:
        return None if self.newest_days_ago is None else today - timedelta(days=self.newest_days_ago)


_NEWS = "新闻中心"
_OPEN = "政务公开"
_ZDLY = "重点领域信息公开"
_HDJL = "互动交流"

# fmt: off
COLUMNS: tuple[ColumnSpec, ...] = (
    # Portal, 新闻中心
    ColumnSpec(PORTAL, "/xwzx/ywdt/", "要闻动态", "dynamic", 1, "fresh", 2, 40, (0, 2), "iso", _NEWS,
               "旗融媒体中心", True, dead_items=((20, 404),)),
    ColumnSpec(PORTAL, "/xwzx/xzdt/", "乡镇动态", "dynamic", 1, "fresh", 3, 30, (1, 3), "md", _NEWS, on_homepage=True),
    ColumnSpec(PORTAL, "/xwzx/bmdt/", "部门动态", "dynamic", 1, "stale", 40, 30, (1, 4), "slash", _NEWS,
               on_homepage=True, dead_items=((9, 500),)),
    # Portal, 政务公开
    ColumnSpec(PORTAL, "/zwgk/tzgg/", "通知公告", "notice", 1, "fresh", 1, 25, (1, 5), "cn", _OPEN,
               "旗人民政府办公室", True),
    ColumnSpec(PORTAL, "/zwgk/zcwj/", "政策文件", "policy", 1, "fresh", 6, 20, (3, 12), "iso", _OPEN,
               "旗人民政府办公室", True),
    ColumnSpec(PORTAL, "/zwgk/zcjd/", "政策解读", "interpretation", 1, "stale", 240, 12, (10, 30), "iso", _OPEN,
               "旗人民政府办公室", True),
    ColumnSpec(PORTAL, "/zwgk/rsxx/", "人事信息", "personnel", 1, "fresh", 12, 10, (8, 30), "cn", _OPEN,
               "旗人力资源和社会保障局", True),
    ColumnSpec(PORTAL, "/zwgk/ghjh/", "规划计划", "planning", 1, "stale", 400, 8, (20, 60), "slash", _OPEN,
               "旗发展和改革委员会", True),
    # Portal, 重点领域信息公开 (sub-columns shown as tabs on the homepage)
    ColumnSpec(PORTAL, "/zwgk/zdly/czyjs/", "财政预决算", "other", 2, "fresh", 20, 8, (10, 40), "iso", _ZDLY,
               "旗财政局", True),
    ColumnSpec(PORTAL, "/zwgk/zdly/tpgj/", "脱贫攻坚", "other", 2, "fresh", 9, 10, (5, 15), "iso", _ZDLY,
               "旗扶贫开发办公室", True),
    ColumnSpec(PORTAL, "/zwgk/zdly/sthj/", "生态环境", "other", 2, "fresh", 30, 8, (10, 30), "iso", _ZDLY,
               "旗生态环境分局", True),
    ColumnSpec(PORTAL, "/zwgk/zdly/aqsc/", "安全生产", "other", 2, "fresh", 16, 8, (7, 25), "iso", _ZDLY,
               "旗应急管理局", True),
    ColumnSpec(PORTAL, "/zwgk/zdly/spyp/", "食品药品安全", "other", 2, "blank", None, 0, section=_ZDLY,
               on_homepage=True),
    # Portal, 互动交流
    ColumnSpec(PORTAL, "/hdjl/zxft/", "在线访谈", "interview", 1, "blank", None, 0, section=_HDJL, on_homepage=True),
    ColumnSpec(PORTAL, "/hdjl/qzxx/", "旗长信箱", "consult", 1, "fresh", 2, 15, section=_HDJL, on_homepage=True),
    ColumnSpec(PORTAL, "/hdjl/yjzj/", "意见征集", "survey", 1, "fresh", 9, 5, (10, 40), "iso", _HDJL,
               "旗司法局"),
    # 政府信息公开 platform (GBK): banner-level first-level columns …
    ColumnSpec(XXGK, "/zcwj/", "旗政府文件", "policy", 1, "fresh", 6, 18, (4, 15), "cn", "法定主动公开内容",
               "鄂托克前旗人民政府"),
    ColumnSpec(XXGK, "/gfxwj/", "规范性文件", "policy", 1, "stale", 210, 10, (15, 45), "cn", "法定主动公开内容",
               "鄂托克前旗人民政府"),
    # … and each unit's 通知公告 / 政策文件
    ColumnSpec(XXGK, "/fgw/tzgg/", "通知公告", "notice", 2, "fresh", 4, 8, (3, 15), "cn", "旗发展和改革委员会",
               "旗发展和改革委员会"),
    ColumnSpec(XXGK, "/fgw/zcwj/", "政策文件", "policy", 2, "fresh", 27, 6, (15, 40), "cn", "旗发展和改革委员会",
               "旗发展和改革委员会"),
    ColumnSpec(XXGK, "/jtj/tzgg/", "通知公告", "notice", 2, "fresh", 2, 10, (2, 8), "cn", "旗教育体育局",
               "旗教育体育局"),
    ColumnSpec(XXGK, "/jtj/zcwj/", "政策文件", "policy", 2, "fresh", 45, 6, (20, 50), "cn", "旗教育体育局",
               "旗教育体育局"),
    ColumnSpec(XXGK, "/czj/tzgg/", "通知公告", "notice", 2, "fresh", 7, 8, (4, 12), "cn", "旗财政局", "旗财政局"),
    ColumnSpec(XXGK, "/czj/zcwj/", "政策文件", "policy", 2, "fresh", 33, 6, (15, 45), "cn", "旗财政局", "旗财政局"),
    ColumnSpec(XXGK, "/zrzyj/tzgg/", "通知公告", "notice", 2, "fresh", 5, 8, (3, 12), "cn", "旗自然资源局",
               "旗自然资源局"),
    ColumnSpec(XXGK, "/zrzyj/zcwj/", "政策文件", "policy", 2, "fresh", 58, 5, (20, 50), "cn", "旗自然资源局",
               "旗自然资源局"),
    ColumnSpec(XXGK, "/nmj/tzgg/", "通知公告", "notice", 2, "fresh", 11, 8, (5, 15), "cn", "旗农牧局", "旗农牧局"),
    ColumnSpec(XXGK, "/nmj/zcwj/", "政策文件", "policy", 2, "fresh", 64, 5, (20, 60), "cn", "旗农牧局", "旗农牧局"),
    ColumnSpec(XXGK, "/wsjkw/tzgg/", "通知公告", "notice", 2, "fresh", 3, 10, (2, 9), "cn", "旗卫生健康委员会",
               "旗卫生健康委员会"),
    ColumnSpec(XXGK, "/wsjkw/zcwj/", "政策文件", "policy", 2, "fresh", 21, 6, (15, 40), "cn", "旗卫生健康委员会",
               "旗卫生健康委员会"),
)
# fmt: on

COLUMNS_BY_KEY = {(c.host, c.path): c for c in COLUMNS}

# Letters to the 旗长信箱 (政务咨询类): days before today it was written, days until the reply
# (None: not answered yet). The oldest unanswered letter is 40 days old — under the 3-month line.
LETTERS: tuple[tuple[int, int | None], ...] = (
    (2, None), (6, 3), (11, 4), (17, 2), (23, 6), (31, 5), (40, None), (48, 7),
    (57, 3), (66, 12), (80, 4), (95, 6), (110, 5), (130, 9), (150, 8),
)


@dataclass(frozen=True)
class DeadLink:
    """A link the farm answers with an error: the page it sits on, its target and the outcome."""

    page: str
    target: str
    outcome: str  # http_4xx | http_5xx | timeout
    status: int | None
    on_homepage: bool
    depth: int  # clicks from the homepage to the page holding the link


def _account_verdict(feed: str, days: int | None) -> str:
    if feed in ("fresh", "stale", "manual") and days is not None:
        return "fresh" if days <= county.FRESH_DAYS else "stale"
    return "unknown"


def account_outcomes(today: date) -> dict[tuple[str, str], dict[str, Any]]:
    """(platform, account id) → designed outcome for every registered and swept account."""
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for swept in county.SWEPT:
        days = swept.last_post_days_ago
        table[(swept.platform, swept.account_id)] = {
            "name": swept.name, "platform": swept.platform, "registered": False, "category": swept.category,
            "source": "rss" if swept.platform in county.RSS_ROUTES else "sweep", "feed": swept.feed,
            "newest_days_ago": days, "last_post": today - timedelta(days=days),
            "verdict": _account_verdict("fresh", days),
        }
    for account in county.REGISTERED:
        days = account.newest_days_ago
        visible = account.feed in ("fresh", "stale", "manual")
        key = (account.platform, account.account_id)
        category = table[key]["category"] if key in table else "registered"
        table[key] = {
            "name": account.name, "platform": account.platform, "registered": True, "category": category,
            "source": account.source, "feed": account.feed, "status": account.status,
            "newest_days_ago": days,
            "last_post": today - timedelta(days=days) if visible and days is not None else None,
            "verdict": _account_verdict(account.feed, days),
        }
    return table


def outcomes(today: date = DEMO_TODAY) -> dict[str, Any]:
    """The whole designed table for one ``today``: website, columns, dead links, interaction, accounts."""
    from govinspect.demo.site import Site

    site = Site(today)
    columns = {
        spec.url: {
            "name": spec.name, "type": spec.type, "level": spec.level, "state": spec.state,
            "newest_days_ago": spec.newest_days_ago, "latest": spec.newest(today), "items": spec.items,
            "window": spec.window, "host": spec.host,
        }
        for spec in COLUMNS
    }
    dead = site.dead_links()
    unanswered = [days for days, reply in LETTERS if reply is None]
    homepage_days = min(c.newest_days_ago for c in COLUMNS if c.on_homepage and c.newest_days_ago is not None)
    return {
        "today": today,
        "website": {
            "id": county.SITE_CODE, "name": county.SITE_NAME, "url": county.SITE_URL + "/",
            "homepage_latest": today - timedelta(days=homepage_days),
            "blank_columns": sum(1 for c in COLUMNS if c.state == "blank"),
            "stale_columns": sum(1 for c in COLUMNS if c.state == "stale"),
            "dead_links": {"homepage": sum(1 for d in dead if d.on_homepage),
                           "other": sum(1 for d in dead if not d.on_homepage)},
            "interaction": {"has_channel": True, "oldest_unanswered_days": max(unanswered)},
        },
        "columns": columns,
        "dead_links": dead,
        "letters": [{"written": today - timedelta(days=days),
                     "answered": None if reply is None else today - timedelta(days=days - reply)}
                    for days, reply in LETTERS],
        "accounts": account_outcomes(today),
    }


def __getattr__(name: str) -> Any:
    # OUTCOMES is built on first use: the site model is cheap but not free.
    if name == "OUTCOMES":
        value = outcomes(DEMO_TODAY)
        globals()["OUTCOMES"] = value
        return value
    raise AttributeError(name)
