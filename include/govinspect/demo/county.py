"""The demo county, 鄂托克前旗 (鄂尔多斯市, 内蒙古), 2020 Q3 — every record is invented.

This module is the one source of the demo: the registry exports in ``data/`` are written
from it (:mod:`govinspect.demo.build`) and the farm serves feeds and pages from it, so the
files and the served content always tell the same story. Each account carries its designed
outcome (what its source shows) so that tests can assert what a correct pipeline concludes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

COUNTY = "鄂托克前旗"
COUNTY_GOVERNMENT = "鄂托克前旗人民政府"
REGION_CODE = "150623"
QUARTER = "2020Q3"
CHECK_POINT = date(2020, 10, 15)
SWEEP_DATE = date(2020, 10, 13)
NOTICE_DATE = date(2020, 10, 21)
EXPORT_DATE = date(2020, 10, 12)
ISSUER = "鄂托克前旗政务服务局"
CONTACT_PHONE = "0477-7611234"

SITE_NAME = "鄂托克前旗人民政府门户网站"
SITE_CODE = "1506230001"
SITE_URL = "http://www.etkqq.gov.cn"
SITE_ICP = "蒙ICP备10002316号-1"
SITE_PSB = "蒙公网安备 15062302000001号"

# 单位类型 whose accounts the national new-media registry covers (报送范围).
IN_SCOPE_KINDS = ("政府", "开发区", "镇", "部门", "事业单位")
OUT_OF_SCOPE_KINDS = ("党群", "垂管", "嘎查村")

# Platforms the farm serves through an RSSHub-like server, and the route of each.
RSS_ROUTES = {
    "weibo": "/weibo/user/{id}",
    "douyin": "/douyin/user/{id}",
    "toutiao": "/toutiao/user/{id}",
    "kuaishou": "/kuaishou/profile/{id}",
}

# NM2 (内容不更新): no post in the 14 days before the check point.
FRESH_DAYS = 14


@dataclass(frozen=True)
class Unit:
    """One row of the unit directory (单位名录)."""

    name: str
    kind: str  # 单位类型
    parent: str
    has_services: bool  # 是否对外服务
    status: str = "正常"  # 正常 / 撤销 / 合并 / 更名
    successor: str = ""  # 继任单位
    changed_on: date | None = None  # 变更日期

    @property
    def in_scope(self) -> bool:
        return self.kind in IN_SCOPE_KINDS


_GOV = COUNTY_GOVERNMENT

_DEPARTMENTS = (
    ("旗人民政府办公室", True), ("旗发展和改革委员会", True), ("旗教育体育局", True), ("旗科学技术局", True),
    ("旗工业和信息化局", True), ("旗公安局", True), ("旗民政局", True), ("旗司法局", True), ("旗财政局", True),
    ("旗人力资源和社会保障局", True), ("旗自然资源局", True), ("旗生态环境分局", True),
    ("旗住房和城乡建设局", True), ("旗交通运输局", True), ("旗水利局", True), ("旗农牧局", True),
    ("旗文化和旅游局", True), ("旗卫生健康委员会", True), ("旗退役军人事务局", True), ("旗应急管理局", True),
    ("旗审计局", False), ("旗市场监督管理局", True), ("旗统计局", False), ("旗医疗保障局", True),
    ("旗林业和草原局", True), ("旗政务服务局", True), ("旗能源局", True), ("旗信访局", True),
    ("旗扶贫开发办公室", True), ("旗城市管理综合执法局", True), ("旗民族事务委员会", False),
)

# (name, parent, 是否对外服务)
_INSTITUTIONS = (
    ("旗融媒体中心", _GOV, False), ("旗公共资源交易中心", "旗政务服务局", True),
    ("旗疾病预防控制中心", "旗卫生健康委员会", True), ("旗社会保险事业管理中心", "旗人力资源和社会保障局", True),
    ("旗不动产登记中心", "旗自然资源局", True), ("旗就业服务中心", "旗人力资源和社会保障局", True),
    ("旗农牧业技术推广中心", "旗农牧局", True), ("旗林业和草原工作站", "旗林业和草原局", False),
    ("旗水利事业发展中心", "旗水利局", False), ("旗退役军人服务中心", "旗退役军人事务局", True),
    ("旗档案史志馆", _GOV, True), ("旗机关事务服务中心", _GOV, False),
    ("旗环境卫生服务中心", "旗城市管理综合执法局", False), ("旗园林绿化服务中心", "旗城市管理综合执法局", False),
    ("旗市场监督管理综合行政执法大队", "旗市场监督管理局", False),
    ("旗应急管理综合行政执法大队", "旗应急管理局", False), ("旗农牧业综合行政执法大队", "旗农牧局", False),
)

TOWNS = ("敖勒召其镇人民政府", "上海庙镇人民政府", "城川镇人民政府", "昂素镇人民政府")

UNITS: tuple[Unit, ...] = (
    Unit(_GOV, "政府", "鄂尔多斯市人民政府", True),
    Unit("上海庙经济开发区管委会", "开发区", _GOV, True),
    *(Unit(town, "镇", _GOV, True) for town in TOWNS),
    *(Unit(name, "部门", _GOV, services) for name, services in _DEPARTMENTS),
    *(Unit(name, "事业单位", parent, services) for name, parent, services in _INSTITUTIONS),
    # 2019 机构改革: the old bodies stay in the directory with their successor.
    Unit("旗农牧业局", "部门", _GOV, True, "更名", "旗农牧局", date(2019, 3, 8)),
    Unit("旗林业局", "部门", _GOV, True, "合并", "旗林业和草原局", date(2019, 3, 8)),
    Unit("旗国土资源局", "部门", _GOV, True, "撤销", "旗自然资源局", date(2019, 3, 6)),
    Unit("旗卫生和计划生育局", "部门", _GOV, True, "更名", "旗卫生健康委员会", date(2019, 3, 11)),
    Unit("旗安全生产监督管理局", "部门", _GOV, True, "撤销", "旗应急管理局", date(2019, 3, 6)),
    # Out of the registry's scope: 党群, 垂管, 嘎查村 (社区).
    Unit("共青团鄂托克前旗委员会", "党群", "中共鄂托克前旗委员会", False),
    Unit("旗妇女联合会", "党群", "中共鄂托克前旗委员会", False),
    Unit("旗总工会", "党群", "中共鄂托克前旗委员会", False),
    Unit("旗税务局", "垂管", "国家税务总局鄂尔多斯市税务局", True),
    Unit("旗气象局", "垂管", "鄂尔多斯市气象局", True),
    Unit("昂素镇巴音乌苏嘎查", "嘎查村", "昂素镇人民政府", False),
    Unit("城川镇吉拉嘎查", "嘎查村", "城川镇人民政府", False),
    Unit("敖勒召其镇巴彦希里嘎查", "嘎查村", "敖勒召其镇人民政府", False),
    Unit("上海庙镇芒哈图嘎查", "嘎查村", "上海庙镇人民政府", False),
)

UNITS_BY_NAME = {unit.name: unit for unit in UNITS}


@dataclass(frozen=True)
class Account:
    """One row of the 全国政务新媒体信息报送系统 export, with what its source is designed to show.

    ``source`` is how a pipeline can learn the last post: ``rss`` (the RSSHub-like farm host),
    ``itunes`` (App Store lookup), ``manual`` (a row in manual_evidence.csv) or ``none`` (no row:
    the account stays *unknown* until an inspector adds evidence). ``feed`` is the served outcome:
    fresh, stale, cancelled (HTTP 404), empty (no items), malformed (broken XML), slow (30 s).
    """

    platform: str  # canonical code (registry.platforms)
    platform_label: str  # 平台类型 as written in the export
    name: str
    account_id: str
    sponsor: str  # 主办单位
    operator: str  # 运维单位
    opened: date  # 开设时间
    filed_after: int  # days from 开设时间 to 备案时间
    date_style: str  # how the two dates are written: excel | cn | iso
    feed: str
    newest_days_ago: int | None  # newest post, in days before the check point (the farm's today)
    status: str = "正常"  # 运行状态

    @property
    def filed(self) -> date:
        return self.opened + timedelta(days=self.filed_after)

    @property
    def source(self) -> str:
        if self.platform in RSS_ROUTES:
            return "rss"
        if self.platform == "app":
            return "itunes"
        return "manual" if self.feed == "manual" else "none"


_MEDIA = "旗融媒体中心"


def _a(platform: str, label: str, name: str, account_id: str, sponsor: str, operator: str | None,
       opened: tuple[int, int, int], filed_after: int, style: str, feed: str, days: int | None,
       status: str = "正常") -> Account:
    return Account(platform, label, name, account_id, sponsor, operator or sponsor, date(*opened), filed_after,
                   style, feed, days, status)


# fmt: off
REGISTERED: tuple[Account, ...] = (
    # 微信公众号 (28): 24 with manual evidence (3 stale), 4 without (unknown)
    _a("wechat", "微信公众号", "鄂托克前旗发布", "gh_dfb0cb648255", _GOV, _MEDIA, (2015, 6, 18), 3, "excel", "manual", 1),
    _a("wechat", "微信公众号", "前旗政务服务", "gh_418fe9402089", "旗政务服务局", None, (2017, 3, 9), 5, "excel", "manual", 2),
    _a("wechat", "服务号", "鄂托克前旗融媒", "gh_ede83ffe11b7", _MEDIA, None, (2019, 1, 21), 2, "cn", "manual", 1),
    _a("wechat", "微信公众号", "平安前旗", "gh_822dc1279fe0", "旗公安局", None, (2014, 8, 5), 6, "excel", "manual", 3),
    _a("wechat", "微信", "前旗教体", "gh_5db55fc98cd4", "旗教育体育局", None, (2016, 9, 1), 4, "excel", "manual", 2),
    _a("wechat", "微信公众号", "前旗民政", "gh_8b43b571951a", "旗民政局", None, (2018, 5, 14), 7, "cn", "manual", 6),
    _a("wechat", "订阅号", "前旗司法", "gh_99015bf42bf2", "旗司法局", None, (2017, 11, 20), 2, "excel", "none", None),
    _a("wechat", "微信公众号", "前旗人社", "gh_5daafd67ccb2", "旗人力资源和社会保障局", None, (2016, 4, 11), 3, "excel", "manual", 4),
    _a("wechat", "微信公众号", "前旗自然资源", "gh_a88df5b8ac10", "旗自然资源局", None, (2019, 4, 2), 25, "excel", "manual", 8),
    _a("wechat", "微信", "前旗生态环境", "gh_54e28de10ae6", "旗生态环境分局", None, (2019, 6, 10), 5, "iso", "manual", 15),
    _a("wechat", "微信公众号", "前旗住建", "gh_2b2f278f6e79", "旗住房和城乡建设局", None, (2018, 3, 26), 4, "excel", "manual", 5),
    _a("wechat", "微信公众号", "前旗交通", "gh_1dc47150049d", "旗交通运输局", None, (2018, 7, 2), 1, "cn", "none", None),
    _a("wechat", "微信公众号", "前旗水利", "gh_b90edf5541db", "旗水利局", None, (2019, 8, 19), 10, "excel", "manual", 7),
    _a("wechat", "服务号", "前旗农牧", "gh_99e3b0a1c839", "旗农牧局", None, (2019, 5, 6), 3, "excel", "manual", 3),
    _a("wechat", "微信公众号", "前旗文旅", "gh_ff46f15d8bc4", "旗文化和旅游局", None, (2019, 3, 18), 2, "excel", "manual", 1),
    _a("wechat", "微信公众平台", "健康前旗", "gh_6b3b9bec9360", "旗卫生健康委员会", None, (2015, 12, 1), 6, "cn", "manual", 2),
    _a("wechat", "微信公众号", "前旗退役军人", "gh_91263f51012a", "旗退役军人事务局", None, (2019, 9, 23), 47, "excel", "manual", 23),
    _a("wechat", "微信公众号", "前旗应急", "gh_70ce96ae241f", "旗应急管理局", None, (2019, 4, 15), 3, "excel", "manual", 14),
    _a("wechat", "微信", "前旗市场监管", "gh_9f16e5a23a7d", "旗市场监督管理局", None, (2017, 6, 6), 5, "excel", "manual", 2),
    _a("wechat", "微信公众号", "前旗医保", "gh_05a30e96ace4", "旗医疗保障局", None, (2019, 7, 1), 4, "iso", "manual", 9),
    _a("wechat", "微信公众号", "前旗林草", "gh_2dbd6c1caa72", "旗林业和草原局", None, (2019, 5, 20), 2, "excel", "manual", 41),
    _a("wechat", "服务号", "前旗公共资源交易", "gh_e2df526e9cd7", "旗公共资源交易中心", None, (2018, 10, 8), 8, "excel", "none", None),
    _a("wechat", "微信公众号", "前旗社保", "gh_8c321a615d67", "旗社会保险事业管理中心", None, (2017, 2, 13), 3, "cn", "manual", 4),
    _a("wechat", "微信公众号", "上海庙经济开发区", "gh_88d2d45a1fd4", "上海庙经济开发区管委会", None, (2016, 7, 25), 5, "excel", "manual", 3),
    _a("wechat", "微信公众号", "敖勒召其镇", "gh_76cd2e26888b", "敖勒召其镇人民政府", None, (2017, 5, 8), 6, "excel", "manual", 5),
    _a("wechat", "微信", "上海庙镇", "gh_7250953e3ba3", "上海庙镇人民政府", None, (2017, 5, 10), 3, "cn", "manual", 2),
    _a("wechat", "微信公众号", "城川镇", "gh_d8142697bcbb", "城川镇人民政府", None, (2016, 11, 14), 4, "excel", "manual", 6),
    _a("wechat", "订阅号", "昂素镇", "gh_a04a3647f88f", "昂素镇人民政府", None, (2018, 1, 22), 9, "excel", "none", None),
    # 新浪微博 (8)
    _a("weibo", "新浪微博", "鄂托克前旗发布", "7145280733", _GOV, _MEDIA, (2013, 5, 20), 4, "excel", "fresh", 2),
    _a("weibo", "新浪微博", "平安前旗", "5182312440", "旗公安局", None, (2013, 9, 12), 2, "excel", "fresh", 1),
    _a("weibo", "微博", "鄂托克前旗融媒体中心", "5443723466", _MEDIA, None, (2019, 2, 26), 3, "cn", "fresh", 3),
    _a("weibo", "新浪微博", "健康前旗", "6918582128", "旗卫生健康委员会", None, (2016, 3, 3), 5, "excel", "stale", 27),
    _a("weibo", "微博", "前旗教体", "5321435747", "旗教育体育局", None, (2015, 10, 10), 1, "excel", "fresh", 6),
    _a("weibo", "新浪微博", "前旗市场监管", "5631149248", "旗市场监督管理局", None, (2017, 8, 8), 6, "iso", "malformed", None),
    _a("weibo", "微博", "前旗应急管理", "7608382468", "旗应急管理局", None, (2019, 4, 22), 3, "excel", "fresh", 4),
    _a("weibo", "新浪微博", "前旗文旅", "5110156455", "旗文化和旅游局", None, (2018, 6, 15), 2, "cn", "stale", 63),
    # 抖音 (12)
    _a("douyin", "抖音", "鄂托克前旗融媒", "57155148691", _MEDIA, None, (2019, 3, 1), 2, "excel", "fresh", 2),
    _a("douyin", "抖音", "前旗公安", "22284944953", "旗公安局", None, (2018, 9, 10), 3, "excel", "fresh", 2),
    _a("douyin", "抖音号", "前旗文旅", "47858584395", "旗文化和旅游局", None, (2019, 5, 16), 5, "excel", "fresh", 5),
    _a("douyin", "抖音", "前旗政务服务", "86127456887", "旗政务服务局", None, (2020, 3, 9), 11, "excel", "fresh", 3),
    _a("douyin", "抖音", "城川镇", "31026129097", "城川镇人民政府", None, (2019, 10, 21), 4, "cn", "stale", 35),
    _a("douyin", "抖音号", "上海庙镇", "80061927569", "上海庙镇人民政府", None, (2019, 11, 4), 2, "excel", "fresh", 8),
    _a("douyin", "抖音", "敖勒召其镇", "28446107064", "敖勒召其镇人民政府", None, (2019, 10, 28), 3, "excel", "empty", None),
    _a("douyin", "抖音", "昂素镇", "21404556660", "昂素镇人民政府", None, (2020, 1, 6), 6, "iso", "fresh", 10),
    _a("douyin", "抖音", "前旗交警", "35860440577", "旗公安局", None, (2018, 12, 3), 2, "excel", "fresh", 1),
    _a("douyin", "抖音号", "前旗人社", "66037191287", "旗人力资源和社会保障局", None, (2020, 4, 20), 5, "excel", "slow", 3),
    _a("douyin", "抖音", "前旗应急", "23465664495", "旗应急管理局", None, (2019, 6, 24), 3, "cn", "fresh", 4),
    _a("douyin", "抖音", "前旗林草", "88821025157", "旗林业和草原局", None, (2019, 7, 15), 1, "excel", "stale", 20),
    # 今日头条 (6)
    _a("toutiao", "今日头条", "鄂托克前旗发布", "786352790988", _GOV, _MEDIA, (2017, 4, 5), 3, "excel", "fresh", 2),
    _a("toutiao", "头条号", "鄂托克前旗融媒体中心", "263606239450", _MEDIA, None, (2019, 3, 4), 2, "excel", "fresh", 1),
    _a("toutiao", "今日头条", "平安前旗", "369381020210", "旗公安局", None, (2018, 1, 15), 5, "cn", "fresh", 6),
    _a("toutiao", "头条号", "前旗文旅", "380534162136", "旗文化和旅游局", None, (2019, 6, 3), 4, "excel", "stale", 48),
    _a("toutiao", "今日头条", "前旗农牧", "296623887576", "旗农牧业局", None, (2018, 4, 16), 2, "excel", "fresh", 7),
    _a("toutiao", "头条号", "健康前旗", "475844731889", "旗卫生健康委员会", None, (2019, 2, 18), 6, "excel", "cancelled", None),
    # 快手 (5)
    _a("kuaishou", "快手", "鄂托克前旗融媒", "2408155879", _MEDIA, None, (2019, 4, 8), 3, "excel", "fresh", 2),
    _a("kuaishou", "快手", "前旗公安", "1518054104", "旗公安局", None, (2019, 1, 14), 2, "cn", "fresh", 5),
    _a("kuaishou", "快手号", "前旗文旅", "2488984148", "旗文化和旅游局", None, (2019, 8, 12), 7, "excel", "stale", 56),
    _a("kuaishou", "快手", "上海庙镇", "1492970859", "上海庙镇人民政府", None, (2020, 2, 24), 4, "excel", "fresh", 9),
    _a("kuaishou", "快手", "前旗市场监管", "1892409133", "旗市场监督管理局", None, (2019, 9, 2), 5, "excel", "fresh", 3,
       status="注销"),
    # 移动客户端 App (2)
    _a("app", "移动客户端", "掌上前旗", "1488078891", _MEDIA, None, (2019, 12, 16), 5, "excel", "fresh", 5),
    _a("app", "移动客户端（APP）", "前旗政务通", "1488236922", "旗政务服务局", None, (2019, 12, 30), 3, "cn", "stale", 380),
    # 小程序 (3), all with manual evidence
    _a("miniprogram", "微信小程序", "前旗政务服务预约", "wx9685339d2e875068", "旗政务服务局", None, (2020, 2, 10), 3, "excel", "manual", 2),
    _a("miniprogram", "微信小程序", "前旗医保服务", "wx59df2662e93d0dff", "旗医疗保障局", None, (2020, 5, 18), 4, "iso", "manual", 6),
    _a("miniprogram", "小程序", "前旗不动产登记预约", "wx0ced7e1e9f84b5d7", "旗不动产登记中心", None, (2020, 6, 29), 2, "excel", "manual", 11),
)
# fmt: on


@dataclass(frozen=True)
class SweptAccount:
    """One row of the inspectors' manual sweep (人工排查) of 2020-10-13.

    ``category`` is the designed classification: ``unregistered`` (an in-scope unit's account
    missing from the registry), ``personal`` (in scope, certified to a person), ``reform`` (in
    scope, certified to a body abolished in the 2019 reform), ``out_of_scope`` (党群/垂管/嘎查村,
    not a finding) or ``registered`` (found on the platform and already filed).
    """

    platform: str
    platform_label: str
    name: str
    account_id: str
    subject: str  # 认证主体
    unit: str  # 疑似所属单位
    last_post_days_ago: int  # 最近发布时间, in days before the check point
    category: str
    note: str = ""

    @property
    def feed(self) -> str:
        if self.platform not in RSS_ROUTES:
            return "none"
        return "fresh" if self.last_post_days_ago <= FRESH_DAYS else "stale"


def _s(platform: str, label: str, name: str, account_id: str, subject: str, unit: str, days: int,
       category: str, note: str = "") -> SweptAccount:
    return SweptAccount(platform, label, name, account_id, subject, unit, days, category, note)


# fmt: off
SWEPT: tuple[SweptAccount, ...] = (
    _s("douyin", "抖音", "城川镇新闻", "15979015798", "个人认证：王某某", "城川镇人民政府", 4, "personal",
       "以个人名义开设，发布城川镇工作信息"),
    _s("weibo", "新浪微博", "前旗林业", "7332449733", "鄂托克前旗林业局", "旗林业和草原局", 88, "reform",
       "认证主体仍为机构改革前的旗林业局，未变更"),
    _s("wechat", "微信公众号", "前旗发改", "gh_baf83457cef9", "鄂托克前旗发展和改革委员会", "旗发展和改革委员会", 152,
       "unregistered", "近5个月未更新"),
    _s("weibo", "微博", "鄂托克前旗发布", "7145280733", "鄂托克前旗人民政府", _GOV, 2, "registered", "已在报送系统中"),
    _s("douyin", "抖音", "前旗司法行政", "21757285834", "鄂托克前旗司法局", "旗司法局", 3, "unregistered"),
    _s("kuaishou", "快手", "昂素镇发布", "1061538570", "张某某", "昂素镇人民政府", 12, "personal", "个人账号发布镇政府信息"),
    _s("toutiao", "今日头条", "前旗教育", "725363943208", "鄂托克前旗教育体育局", "旗教育体育局", 5, "unregistered"),
    _s("douyin", "抖音", "巴音乌苏嘎查", "46825876481", "鄂托克前旗昂素镇巴音乌苏嘎查村民委员会", "昂素镇巴音乌苏嘎查", 5,
       "out_of_scope", "嘎查村账号"),
    _s("wechat", "微信公众号", "前旗财政", "gh_e2b97b6eb75f", "鄂托克前旗财政局", "旗财政局", 243, "unregistered",
       "约8个月未更新"),
    _s("kuaishou", "快手", "前旗交警", "1081784153", "鄂托克前旗公安局交通管理大队", "旗公安局", 2, "unregistered"),
    _s("wechat", "微信公众号", "前旗扶贫", "gh_b75553dfcfeb", "个人：李某某", "旗扶贫开发办公室", 96, "personal",
       "个人注册，长期未更新"),
    _s("weibo", "微博", "前旗住建", "6007116501", "鄂托克前旗住房和城乡建设局", "旗住房和城乡建设局", 75, "unregistered"),
    _s("wechat", "微信公众号", "鄂托克前旗青年", "gh_6a2d90b7e41c", "共青团鄂托克前旗委员会", "共青团鄂托克前旗委员会", 3,
       "out_of_scope", "党群部门账号"),
    _s("douyin", "抖音", "前旗市场监管", "63546712953", "鄂托克前旗市场监督管理局", "旗市场监督管理局", 6, "unregistered"),
    _s("wechat", "微信", "前旗交通运输", "gh_1a7725c3294a", "鄂托克前旗交通运输局", "旗交通运输局", 9, "unregistered",
       "与已备案账号重复开设"),
    _s("wechat", "微信公众号", "前旗安监", "gh_3070c9342b9f", "鄂托克前旗安全生产监督管理局", "旗安全生产监督管理局", 410,
       "reform", "机构改革后账号主体未变更，一年以上未更新"),
    _s("douyin", "抖音", "上海庙经开区", "45037946296", "个人认证：刘某某", "上海庙经济开发区管委会", 7, "personal"),
    _s("wechat", "服务号", "前旗水务", "gh_8171abe11ca1", "鄂托克前旗水利局", "旗水利局", 330, "unregistered", "长期未更新"),
    _s("douyin", "抖音", "鄂托克前旗融媒", "57155148691", "鄂托克前旗融媒体中心", _MEDIA, 2, "registered", "已在报送系统中"),
    _s("douyin", "抖音号", "前旗民政", "74315985657", "鄂托克前旗民政局", "旗民政局", 8, "unregistered"),
    _s("weibo", "新浪微博", "鄂托克前旗税务", "7778757209", "国家税务总局鄂托克前旗税务局", "旗税务局", 2, "out_of_scope",
       "垂管单位账号"),
    _s("toutiao", "头条号", "前旗统计", "216947216865", "鄂托克前旗统计局", "旗统计局", 61, "unregistered"),
    _s("wechat", "微信公众号", "前旗疾控", "gh_4c1e9a07d2b3", "鄂托克前旗疾病预防控制中心", "旗疾病预防控制中心", 19,
       "unregistered"),
    _s("kuaishou", "快手", "吉拉嘎查", "2455158009", "鄂托克前旗城川镇吉拉嘎查村民委员会", "城川镇吉拉嘎查", 13,
       "out_of_scope", "嘎查村账号"),
    _s("kuaishou", "快手号", "前旗人社服务", "1092089194", "鄂托克前旗人力资源和社会保障局", "旗人力资源和社会保障局", 4,
       "unregistered"),
    _s("wechat", "订阅号", "敖勒召其镇便民服务", "gh_f07a3e5c19d8", "鄂托克前旗敖勒召其镇人民政府", "敖勒召其镇人民政府", 33,
       "unregistered"),
    _s("weibo", "微博", "前旗退役军人", "7798924412", "鄂托克前旗退役军人事务局", "旗退役军人事务局", 57, "unregistered"),
)
# fmt: on

IN_SCOPE_UNREGISTERED = ("unregistered", "personal", "reform")

# Who recorded the manual evidence, and when (核查人, 核查时间).
INSPECTORS = ("王某", "高某")
EVIDENCE_DATE = date(2020, 10, 14)


def feed_accounts() -> dict[tuple[str, str], tuple[str, str, int | None]]:
    """(platform, account id) → (name, served outcome, newest post in days) for every readable account."""
    table: dict[tuple[str, str], tuple[str, str, int | None]] = {}
    for swept in SWEPT:
        if swept.platform in RSS_ROUTES:
            table[(swept.platform, swept.account_id)] = (swept.name, swept.feed, swept.last_post_days_ago)
    for account in REGISTERED:
        if account.platform in RSS_ROUTES or account.platform == "app":
            table[(account.platform, account.account_id)] = (account.name, account.feed, account.newest_days_ago)
    return table
