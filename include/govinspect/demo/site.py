"""The demo county's website as the farm serves it: the portal (UTF-8) and its 政府信息公开
platform (GBK), in the manner of a TRS / Hanweb 集约化 template.

Everything is computed from ``today`` and the tables in :mod:`govinspect.demo.designed`;
titles and times come from generators seeded by the column path, so two farms with the
same ``today`` serve byte-identical pages and another ``today`` only shifts the dates.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from govinspect.demo import county
from govinspect.demo.designed import COLUMNS, HANG, LETTERS, PORTAL, XXGK, ColumnSpec, DeadLink

PAGE_SIZE = 15
HOME_ITEMS = 7
_ON = ' class="on"'
_TOWNS = ("敖勒召其镇", "上海庙镇", "城川镇", "昂素镇")
_DEPTS = ("旗司法局", "旗民政局", "旗交通运输局", "旗市场监督管理局", "旗应急管理局", "旗住房和城乡建设局",
          "旗人力资源和社会保障局", "旗医疗保障局", "旗林业和草原局", "旗统计局", "旗水利局", "旗文化和旅游局")
_TOPICS = ("农村牧区人居环境整治三年行动", "深化“放管服”改革优化营商环境", "促进就业创业若干措施",
           "草原生态保护补助奖励政策落实", "城乡居民基本医疗保险", "老旧小区改造", "政务服务“一网通办”",
           "食品安全监督抽检", "全面推行河长制湖长制", "冬季供暖保障应急预案", "生活垃圾分类",
           "困难残疾人生活补贴和重度残疾人护理补贴")
_WORKS = ("安全生产", "政务公开", "档案整理", "疫情防控", "秋季开学", "冬季供暖", "预算绩效评价", "扫黑除恶专项斗争",
          "消防安全", "信访维稳")
_UNIT_DOC_PREFIX = {"fgw": "鄂前发改发", "jtj": "鄂前教体发", "czj": "鄂前财发", "zrzyj": "鄂前自然资发",
                    "nmj": "鄂前农牧发", "wsjkw": "鄂前卫健发"}
_XXGK_UNITS = {"fgw": "旗发展和改革委员会", "jtj": "旗教育体育局", "czj": "旗财政局", "zrzyj": "旗自然资源局",
               "nmj": "旗农牧局", "wsjkw": "旗卫生健康委员会"}

# Title templates per column path. {town} {dept} {topic} {work} {unit} come from the lists
# above, {y} {m} {q} {ny} from the item's date; {later} is a date written inside a title.
_TITLES: dict[str, tuple[str, ...]] = {
    "ywdt": ("旗政府召开第{n}次常务会议", "旗领导深入{town}调研乡村振兴工作", "我旗召开{y}年秋季森林草原防火工作部署会",
             "全旗安全生产工作会议召开", "我旗开展民族团结进步创建主题宣传活动", "旗政府与能源企业签署战略合作框架协议",
             "我旗召开优化营商环境工作推进会", "旗人大常委会开展《草原法》执法检查", "我旗{m}月份经济运行分析会召开",
             "全旗疫情防控工作调度会召开", "我旗召开脱贫攻坚普查工作动员会", "旗政协召开主席会议",
             "上海庙经济开发区重点项目建设加快推进", "我旗举办“三秋”生产现场观摩会", "旗长主持召开城市管理工作专题会议",
             "我旗举行{y}年重点项目集中开工仪式", "我旗开展国家安全教育主题宣传活动",
             "旗领导到{town}督导{work}工作", "我旗召开{work}工作推进会", "全旗{work}工作会议召开",
             "{dept}主要负责同志到{town}调研{work}工作"),
    "xzdt": ("{town}开展人居环境整治“回头看”", "{town}召开脱贫攻坚工作推进会", "{town}组织开展防汛应急演练",
             "{town}举办农牧民实用技能培训班", "{town}扎实推进秋季动物防疫工作", "{town}开展扫黑除恶宣传进嘎查活动",
             "{town}召开党建工作推进会", "{town}多措并举推进禁牧休牧工作", "{town}开展森林草原防火专项检查",
             "{town}组织开展消防安全隐患排查", "{town}召开{m}月份重点工作调度会", "{town}扎实开展{work}工作"),
    "bmdt": ("{dept}召开党风廉政建设专题会议", "{dept}开展安全生产大检查", "{dept}组织干部职工学习《民法典》",
             "{dept}开展主题党日活动", "{dept}召开{y}年上半年工作总结会", "{dept}开展政务服务“好差评”宣传",
             "{dept}深入嘎查村开展入户走访", "{dept}召开业务培训会", "{dept}开展“送法进万家”普法宣传活动",
             "{dept}召开{work}工作部署会"),
    "tzgg": ("关于做好秋冬季森林草原防火工作的通知", "关于开展{y}年度统计执法检查的公告",
             "关于{y}年城镇老旧小区改造项目的公示", "关于公开招聘社区工作者的公告", "关于{later}起调整城区部分公交线路的公告",
             "关于征集{ny}年民生实事项目的公告", "鄂托克前旗人民政府关于草原禁牧休牧的通告",
             "关于开展{work}专项检查的通知", "关于{y}年城乡居民医疗保险集中缴费的公告", "关于开展第七次全国人口普查摸底工作的通知",
             "关于公布{y}年度政府信息公开工作联系人的通知", "关于暂停办理不动产登记业务的公告"),
    "zcwj": ("鄂托克前旗人民政府办公室关于印发《{topic}工作方案》的通知",
             "鄂托克前旗人民政府办公室关于进一步做好{work}工作的通知",
             "鄂托克前旗人民政府办公室关于印发《鄂托克前旗{topic}实施细则》的通知"),
    "zcjd": ("《{topic}工作方案》政策解读", "图解：鄂托克前旗{topic}", "一图读懂{topic}"),
    "rsxx": ("鄂托克前旗人民政府关于王某某等同志职务任免的通知", "{y}年鄂托克前旗事业单位公开招聘工作人员公告",
             "{y}年度公务员招录拟录用人员公示", "关于{dept}领导干部任前公示", "鄂托克前旗人民政府关于李某某同志职务任免的通知",
             "{dept}{y}年第{q}季度公开招聘公益性岗位人员公告"),
    "ghjh": ("鄂托克前旗{y}年政府工作报告", "鄂托克前旗{y}年国民经济和社会发展计划执行情况",
             "鄂托克前旗{y}年政务公开工作要点", "鄂托克前旗{y}年第{q}季度重点项目建设计划",
             "{dept}{y}年工作计划", "{dept}{py}年工作总结"),
    "czyjs": ("{dept}{y}年部门预算公开", "{dept}{py}年部门决算公开", "鄂托克前旗{y}年政府预算公开"),
    "tpgj": ("{town}{y}年扶贫项目资金使用情况公示", "鄂托克前旗{y}年第{q}批产业扶贫项目公示", "{town}建档立卡贫困户动态调整公示",
             "{town}{y}年{m}月光伏扶贫收益分配公示"),
    "sthj": ("鄂托克前旗{y}年{m}月环境空气质量状况", "建设项目环境影响评价文件受理情况公示", "{town}饮用水水源地保护情况公示",
             "{town}{y}年第{q}季度地表水水质监测结果", "关于{town}建设项目竣工环境保护验收的公示"),
    "aqsc": ("关于开展{work}检查的通知", "{m}月份安全生产执法检查情况公示", "鄂托克前旗{y}年安全生产事故统计分析",
             "{town}开展{work}隐患排查整治情况通报"),
    "yjzj": ("关于《鄂托克前旗{topic}实施办法（征求意见稿）》公开征求意见的公告",),
    "xxgk_zcwj": ("鄂托克前旗人民政府关于印发《{topic}实施方案》的通知", "鄂托克前旗人民政府关于{work}工作的意见",
                  "鄂托克前旗人民政府关于印发《鄂托克前旗{topic}管理办法》的通知"),
    "gfxwj": ("鄂托克前旗人民政府关于印发《鄂托克前旗{topic}管理办法》的通知",
              "鄂托克前旗人民政府关于印发《鄂托克前旗{topic}暂行规定》的通知"),
    "unit_tzgg": ("{unit}关于做好{y}年度{work}工作的通知", "{unit}关于开展{work}自查的通知", "{unit}{y}年{m}月工作安排"),
    "unit_zcwj": ("{unit}关于印发《{topic}实施方案》的通知", "{unit}关于印发《{work}工作制度》的通知"),
}

_LETTER_TITLES = ("关于小区冬季供暖问题的咨询", "咨询城乡居民医保缴费时间", "关于敖勒召其镇某路段路灯不亮的反映",
                  "草原补奖资金什么时候发放", "咨询营业执照办理需要哪些材料", "关于学区划分的咨询", "反映小区垃圾清运不及时",
                  "咨询公租房申请条件", "关于公交线路调整的建议", "咨询退役军人优待证办理", "关于农贸市场占道经营的反映",
                  "咨询不动产登记办理时限", "关于增设健身器材的建议", "咨询养老保险补缴政策", "关于城川镇饮水问题的反映")
_LETTER_UNITS = ("旗住房和城乡建设局", "旗医疗保障局", "敖勒召其镇人民政府", "旗林业和草原局", "旗市场监督管理局",
                 "旗教育体育局", "旗城市管理综合执法局", "旗住房和城乡建设局", "旗交通运输局", "旗退役军人事务局",
                 "旗市场监督管理局", "旗不动产登记中心", "旗教育体育局", "旗社会保险事业管理中心", "城川镇人民政府")

_NEWS_TEXT = ("会议强调，要提高政治站位，压实工作责任，确保各项任务落到实处。",
              "会上，相关部门负责人汇报了近期工作进展情况，并对下一步工作作了安排部署。",
              "活动中，工作人员通过发放宣传资料、现场讲解等方式，向群众宣传相关政策知识。",
              "下一步，将持续加大工作力度，推动各项工作取得新成效。")
_NOTICE_TEXT = ("根据工作安排，现将有关事项通知如下：", "一、各单位要高度重视，明确专人负责，按时完成相关工作。",
                "二、工作中遇到的问题请及时与旗政务服务局联系。", "特此通知。")
_POLICY_TEXT = ("各镇人民政府，上海庙经济开发区管委会，旗直各部门，各直属单位：",
                "现将该文件印发给你们，请结合实际，认真贯彻执行。",
                "第一条 为进一步规范相关工作，根据有关法律法规，结合我旗实际，制定本办法。",
                "第二条 本办法适用于全旗行政区域内的相关管理活动。")

_CN_DIGITS = "〇一二三四五六七八九"


def cn_numeral_date(day: date) -> str:
    """成文日期 as a document's signature writes it: 二〇二〇年九月二十八日."""

    def small(n: int) -> str:
        tens, units = divmod(n, 10)
        if tens == 0:
            return _CN_DIGITS[units]
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")

    year = "".join(_CN_DIGITS[int(ch)] for ch in str(day.year))
    return f"{year}年{small(day.month)}月{small(day.day)}日"


def format_date(day: date, style: str) -> str:
    """A list item's date in one of the styles real sites use."""
    if style == "md":
        return f"[{day:%m-%d}]"
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "slash":
        return f"{day:%Y/%m/%d}"
    return day.isoformat()


@dataclass
class Item:
    title: str
    day: date
    time: str  # hh:mm
    article_id: int
    path: str  # absolute path of the detail page
    status: int = 200
    doc_number: str = ""  # 发文字号 on policy documents
    written: date | None = None  # 成文日期

    @property
    def stamp(self) -> str:
        return f"{self.day.isoformat()} {self.time}"


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes
    location: str | None = None


@dataclass
class _Column:
    spec: ColumnSpec
    items: list[Item] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // PAGE_SIZE))


def _key(spec: ColumnSpec) -> str:
    if spec.host == XXGK:
        parts = spec.path.strip("/").split("/")
        if len(parts) == 2:
            return "unit_" + parts[1]
        return {"zcwj": "xxgk_zcwj"}.get(parts[0], parts[0])
    return spec.path.strip("/").split("/")[-1]


def _fill(template: str, rng: random.Random, day: date, unit: str) -> str:
    later = day + timedelta(days=3)
    return template.format(
        town=rng.choice(_TOWNS), dept=rng.choice(_DEPTS), topic=rng.choice(_TOPICS), work=rng.choice(_WORKS),
        unit=unit, y=day.year, py=day.year - 1, ny=day.year + 1, m=day.month, q=(day.month - 1) // 3 + 1,
        n=rng.randint(20, 40), later=f"{later.year}年{later.month}月{later.day}日",
    )


def _unique_title(templates: tuple[str, ...], index: int, words: random.Random, day: date, unit: str,
                  used: set[str]) -> str:
    """A title not yet used in the column: real lists rarely repeat a headline word for word."""
    title = ""
    for attempt in range(24):
        title = _fill(templates[(index + attempt) % len(templates)], words, day, unit)
        if title not in used:
            break
    else:
        title = f"{title}（{index + 1}）"
    used.add(title)
    return title


NOT_FOUND = Page(404, "text/html", b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
                 b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
SERVER_ERROR = Page(500, "text/html", b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
                    b"<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n"
                    b"</body>\r\n</html>\r\n")
ROBOTS = Page(200, "text/plain; charset=utf-8", b"User-agent: *\nAllow: /\n")
_CSS = (b"body{margin:0;font:14px/1.6 'Microsoft YaHei',SimSun,sans-serif;color:#333}a{color:#333;text-decoration:none}"
        b".w1200{width:1200px;margin:0 auto}.header{background:#b5121b;color:#fff;padding:20px 0}"
        b".logo a{color:#fff;font-size:30px;font-weight:bold}.nav{background:#8e0c13}.nav li{display:inline-block}"
        b".nav a{color:#fff;display:block;padding:10px 40px}.column-box,.tab-box{width:585px;display:inline-block;"
        b"vertical-align:top;margin:10px 5px}.box-hd{border-bottom:2px solid #b5121b}.box-hd h3{display:inline}"
        b".more{float:right;font-size:12px}.list li{list-style:none;overflow:hidden}.list span,.news-list span"
        b"{float:right;color:#999}.footer{background:#eee;text-align:center;padding:20px 0;margin-top:20px}"
        b".location{padding:10px 0}.nodata{color:#999;text-align:center}.page{text-align:center}"
        b"table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:4px}")


class Site:
    """Pages of www.etkqq.gov.cn and xxgk.etkqq.gov.cn for one ``today``."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.columns: dict[tuple[str, str], _Column] = {}
        self._details: dict[tuple[str, str], tuple[_Column, Item]] = {}
        for index, spec in enumerate(COLUMNS):
            column = _Column(spec, self._items(spec, index))
            self.columns[(spec.host, spec.path)] = column
            for item in column.items:
                self._details[(spec.host, item.path)] = (column, item)
        self.letters = self._letters()
        self._routes: dict[tuple[str, str], Callable[[], Page]] = {}
        self._cache: dict[tuple[str, str], Page] = {}
        self._build_routes()

    # ------------------------------------------------------------------ model
    def _items(self, spec: ColumnSpec, index: int) -> list[Item]:
        if spec.newest_days_ago is None or spec.path == "/hdjl/qzxx/":
            return []
        rng = random.Random(f"{spec.host}{spec.path}")  # dates and times: the same for every today
        words = random.Random(f"{spec.host}{spec.path}:titles")
        templates = _TITLES[_key(spec)]
        unit = spec.section if spec.host == XXGK and spec.level == 2 else spec.source
        dead = dict(spec.dead_items)
        items: list[Item] = []
        used: set[str] = set()
        days = spec.newest_days_ago
        for i in range(spec.items):
            if i:
                days += rng.randint(*spec.gap)
            day = self.today - timedelta(days=days)
            title = _unique_title(templates, i, words, day, unit, used)
            article_id = 3_400_000 + index * 1000 + (spec.items - i)
            time = f"{rng.randint(8, 17):02d}:{rng.choice((0, 10, 15, 20, 30, 40, 45, 50)):02d}"
            item = Item(title, day, time, article_id, f"{spec.path}{day:%Y%m}/t{day:%Y%m%d}_{article_id}.html",
                        dead.get(i, 200))
            if spec.type == "policy":
                item.written = day - timedelta(days=rng.randint(1, 6))
                prefix = {"/gfxwj/": "鄂前政规", "/zcwj/": "鄂前政发"}.get(spec.path, "鄂前政办发")
                if spec.host == XXGK and spec.level == 2:
                    prefix = _UNIT_DOC_PREFIX[spec.path.strip("/").split("/")[0]]
                item.doc_number = f"{prefix}〔{item.written.year}〕{rng.randint(10, 120)}号"
            items.append(item)
        return items

    def _letters(self) -> list[dict]:
        letters = []
        for n, (days, reply) in enumerate(LETTERS):
            written = self.today - timedelta(days=days)
            letters.append({
                "id": 2020_0900 + len(LETTERS) - n, "title": _LETTER_TITLES[n % len(_LETTER_TITLES)],
                "written": written, "answered": None if reply is None else written + timedelta(days=reply),
                "unit": _LETTER_UNITS[n % len(_LETTER_UNITS)],
            })
        return letters

    def _item_attachment(self, item: Item) -> str:
        return f"{item.path.rsplit('/', 1)[0]}/P0{item.day:%Y%m%d}{item.article_id}0{item.day:%d}.docx"

    def _missing_interpretation(self, item: Item) -> str:
        day = item.day - timedelta(days=1)
        return f"/zwgk/zcjd/{day:%Y%m}/t{day:%Y%m%d}_{item.article_id + 90000}.html"

    def dead_links(self) -> list[DeadLink]:
        """The designed broken links, as concrete URLs for this ``today``."""
        ywdt = self.columns[(PORTAL, "/xwzx/ywdt/")]
        bmdt = self.columns[(PORTAL, "/xwzx/bmdt/")]
        notice = self.columns[(PORTAL, "/zwgk/tzgg/")].items[0]
        policy = self.columns[(PORTAL, "/zwgk/zcwj/")].items[0]
        dead_404 = next(i for i in ywdt.items if i.status == 404)
        dead_500 = next(i for i in bmdt.items if i.status == 500)
        www, xxgk = f"http://{PORTAL}", f"http://{XXGK}"
        page_of_404 = ywdt.items.index(dead_404) // PAGE_SIZE
        list_404 = f"{www}/xwzx/ywdt/index{'_' + str(page_of_404) if page_of_404 else ''}.html"
        return [
            DeadLink(f"{www}/", f"{www}/ztzl/shce/index.html", "http_4xx", 404, True, 0),
            DeadLink(list_404, www + dead_404.path, "http_4xx", 404, False, 1 + (page_of_404 > 0)),
            DeadLink(f"{www}/xwzx/bmdt/index.html", www + dead_500.path, "http_5xx", 500, False, 1),
            DeadLink(www + notice.path, www + self._item_attachment(notice), "http_4xx", 404, False, 1),
            DeadLink(www + policy.path, www + self._missing_interpretation(policy), "http_4xx", 404, False, 1),
            DeadLink(f"{www}/zwfw/index.html", f"http://{HANG}/", "timeout", None, False, 1),
            DeadLink(f"{www}/zjqq/index.html", f"{www}/zjqq/lsyg/index.html", "http_4xx", 404, False, 1),
            DeadLink(f"{xxgk}/czj/index.html", f"{xxgk}/czj/czyjs/index.html", "http_4xx", 404, False, 2),
        ]

    # ----------------------------------------------------------------- routing
    def _build_routes(self) -> None:
        portal = {
            "/index.html": self._homepage, "/xwzx/index.html": lambda: self._hub("新闻中心", "/xwzx/"),
            "/zwgk/index.html": lambda: self._hub("政务公开", "/zwgk/"),
            "/zwgk/zdly/index.html": lambda: self._hub("重点领域信息公开", "/zwgk/zdly/"),
            "/hdjl/index.html": lambda: self._hub("互动交流", "/hdjl/"), "/zwfw/index.html": self._services,
            "/zjqq/index.html": self._about, "/wzdt/index.html": self._sitemap, "/lxwm/index.html": self._contact,
            "/wzzc/index.html": self._report_error, "/hdjl/qzxx/index.html": self._letters_page,
        }
        for path, render in portal.items():
            self._routes[(PORTAL, path)] = render
        for n in range(len(_GUIDES)):
            self._routes[(PORTAL, f"/zwfw/bszn/{n + 1}.html")] = lambda n=n: self._guide(n)
        for letter in self.letters:
            self._routes[(PORTAL, f"/hdjl/qzxx/{letter['id']}.html")] = lambda letter=letter: self._letter(letter)
        for (host, path), column in self.columns.items():
            if path == "/hdjl/qzxx/":
                continue
            for page in range(column.pages):
                name = "index.html" if page == 0 else f"index_{page}.html"
                self._routes[(host, path + name)] = lambda column=column, page=page: self._list(column, page)
            for item in column.items:
                if item.status == 200:
                    self._routes[(host, item.path)] = lambda column=column, item=item: self._detail(column, item)
                elif item.status == 500:
                    self._routes[(host, item.path)] = lambda: SERVER_ERROR
        xxgk = {"/index.html": self._xxgk_home, "/xxgkzn/index.html": self._xxgk_guide,
                "/xxgknb/index.html": self._xxgk_reports}
        for path, render in xxgk.items():
            self._routes[(XXGK, path)] = render
        for year in self._report_years():
            self._routes[(XXGK, f"/xxgknb/{year}.html")] = lambda year=year: self._xxgk_report(year)
        for code in _XXGK_UNITS:
            self._routes[(XXGK, f"/{code}/index.html")] = lambda code=code: self._xxgk_unit(code)
        self._routes[(PORTAL, "/images/style.css")] = lambda: Page(200, "text/css", _CSS)
        self._routes[(XXGK, "/images/style.css")] = lambda: Page(200, "text/css", _CSS)
        self._routes[(PORTAL, "/robots.txt")] = lambda: ROBOTS
        self._routes[(XXGK, "/robots.txt")] = lambda: ROBOTS

    def respond(self, host: str, path: str) -> Page:
        """The page at ``path`` on ``host``: 200, 301 for a directory without its slash, 404, or a designed 500."""
        if path.endswith("/"):
            path += "index.html"
        key = (host, path)
        page = self._cache.get(key)
        if page is not None:
            return page
        render = self._routes.get(key)
        if render is None:
            if (host, path + "/index.html") in self._routes:
                return Page(301, "text/html", b"", f"http://{host}{path}/")
            return NOT_FOUND
        page = render()
        self._cache[key] = page
        return page

    def paths(self, host: str) -> list[str]:
        """Every path served with a page on ``host`` (for tests and benchmarks)."""
        return sorted(path for h, path in self._routes if h == host)

    # --------------------------------------------------------------- portal
    def _portal(self, title: str, body: str, meta: dict[str, str] | None = None) -> Page:
        metas = {"SiteName": "鄂托克前旗人民政府", "SiteDomain": PORTAL, "SiteIDCode": county.SITE_CODE}
        metas.update(meta or {})
        head = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
        html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{escape(title)}</title>
{head}
<link rel="stylesheet" href="/images/style.css">
</head>
<body>
<div class="top"><div class="w1200"><span class="today"><script>var d=new Date();document.write("今天是 "+d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日");</script></span></div></div>
<div class="header"><div class="w1200"><div class="logo"><a href="/">鄂托克前旗人民政府</a></div>
<form class="search" action="/search/index.html" method="get"><input type="text" name="searchword" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>
<div class="nav"><ul class="w1200">
<li><a href="/">首页</a></li>
<li><a href="http://{XXGK}/index.html">政务公开</a></li>
<li><a href="/zwfw/index.html">政务服务</a></li>
<li><a href="/hdjl/index.html">互动交流</a></li>
<li><a href="/zjqq/index.html">走进前旗</a></li>
</ul></div>
{body}
<div class="footer"><div class="w1200">
<p><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | <a href="/wzzc/index.html">我为政府网站找错</a></p>
<p>主办单位：鄂托克前旗人民政府　承办单位：鄂托克前旗政务服务局　联系电话：{county.CONTACT_PHONE}</p>
<p>网站标识码：{county.SITE_CODE}　{county.SITE_ICP}　{county.SITE_PSB}</p>
<p>版权所有 &copy; {self.today.year} 鄂托克前旗人民政府　地址：内蒙古自治区鄂尔多斯市鄂托克前旗敖勒召其镇</p>
</div></div>
</body>
</html>
"""
        return Page(200, "text/html; charset=utf-8", html.encode("utf-8"))

    def _block(self, column: _Column, limit: int = HOME_ITEMS, css: str = "column-box") -> str:
        spec = column.spec
        more = f'<a class="more" href="{spec.path}index.html">更多&gt;&gt;</a>'
        head = f'<div class="box-hd"><h3 class="title"><a href="{spec.path}index.html">{spec.name}</a></h3>{more}</div>'
        if spec.path == "/hdjl/qzxx/":
            rows = "".join(
                f'<li><a href="/hdjl/qzxx/{x["id"]}.html" title="{escape(x["title"])}">{escape(x["title"])}</a>'
                f'<span class="date">{x["written"].isoformat()}</span></li>' for x in self.letters[:5])
            return f'<div class="{css}">{head}<ul class="list">{rows}</ul></div>'
        if not column.items:
            return f'<div class="{css}">{head}<ul class="list"></ul><p class="nodata">暂无信息</p></div>'
        rows = "".join(
            f'<li><a href="{i.path}" title="{escape(i.title)}" target="_blank">{escape(_short(i.title))}</a>'
            f'<span class="date">{format_date(i.day, spec.date_style)}</span></li>' for i in column.items[:limit])
        return f'<div class="{css}">{head}<ul class="list">{rows}</ul></div>'

    def _tab_box(self) -> str:
        subs = [c for (h, p), c in self.columns.items() if h == PORTAL and p.startswith("/zwgk/zdly/")]
        tabs = "".join(f'<li{_ON if n == 0 else ""}><a href="{c.spec.path}index.html">{c.spec.name}</a></li>'
                       for n, c in enumerate(subs))
        panels = []
        for n, column in enumerate(subs):
            style = "" if n == 0 else ' style="display:none"'
            more = f'<a class="more" href="{column.spec.path}index.html">更多&gt;&gt;</a>'
            if column.items:
                rows = "".join(f'<li><a href="{i.path}" title="{escape(i.title)}">{escape(_short(i.title))}</a>'
                               f'<span class="date">{format_date(i.day, column.spec.date_style)}</span></li>'
                               for i in column.items[:5])
                content = f'<ul class="list">{rows}</ul>'
            else:
                content = '<p class="nodata">暂无信息</p>'
            panels.append(f'<div class="tab-panel" data-column="{column.spec.name}"{style}>{content}{more}</div>')
        return (f'<div class="tab-box" id="zdly"><div class="tab-hd"><h3 class="title">'
                f'<a href="/zwgk/zdly/index.html">重点领域信息公开</a></h3><ul class="tabs">{tabs}</ul></div>'
                f'<div class="tab-bd">{"".join(panels)}</div></div>')

    def _homepage(self) -> Page:
        order = ("/xwzx/ywdt/", "/zwgk/tzgg/", "/xwzx/xzdt/", "/xwzx/bmdt/", "/zwgk/zcwj/", "/zwgk/zcjd/",
                 "/zwgk/rsxx/", "/zwgk/ghjh/")
        blocks = "\n".join(self._block(self.columns[(PORTAL, p)]) for p in order)
        interaction = "\n".join(self._block(self.columns[(PORTAL, p)]) for p in ("/hdjl/qzxx/", "/hdjl/zxft/"))
        special = ('<div class="column-box ztzl"><div class="box-hd"><h3 class="title">专题专栏</h3></div><ul class="zt">'
                   '<li><a href="/ztzl/shce/index.html">扫黑除恶专项斗争</a></li>'
                   f'<li><a href="http://{XXGK}/index.html">政府信息公开</a></li>'
                   '<li><a href="/zwfw/index.html">政务服务</a></li>'
                   '<li><a href="/hdjl/qzxx/index.html">旗长信箱</a></li></ul></div>')
        body = f'<div class="main w1200">\n{blocks}\n{self._tab_box()}\n{interaction}\n{special}\n</div>'
        return self._portal("鄂托克前旗人民政府", body, {"ColumnName": "首页", "ColumnType": "首页"})

    def _hub(self, name: str, prefix: str) -> Page:
        columns = [c for (h, p), c in self.columns.items()
                   if h == PORTAL and p.startswith(prefix) and (prefix == "/zwgk/zdly/" or p.count("/") == 3)]
        blocks = "\n".join(self._block(c) for c in columns)
        extra = ""
        if prefix == "/zwgk/":
            extra = ('<div class="column-box"><div class="box-hd"><h3 class="title">'
                     '<a href="/zwgk/zdly/index.html">重点领域信息公开</a></h3></div>'
                     f'<p><a href="http://{XXGK}/index.html">进入政府信息公开平台</a></p></div>')
        body = (f'<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>{name}</span></div>'
                f'<div class="main w1200">{blocks}{extra}</div>')
        return self._portal(f"{name}_鄂托克前旗人民政府", body, {"ColumnName": name})

    def _crumbs(self, spec: ColumnSpec, tail: str = "") -> str:
        section = {"新闻中心": "/xwzx/index.html", "政务公开": "/zwgk/index.html", "互动交流": "/hdjl/index.html",
                   "重点领域信息公开": "/zwgk/zdly/index.html"}
        parts = ['<a href="/">首页</a>']
        if spec.section == "重点领域信息公开":
            parts.append('<a href="/zwgk/index.html">政务公开</a>')
        parts.append(f'<a href="{section[spec.section]}">{spec.section}</a>')
        parts.append(f'<a href="{spec.path}index.html">{spec.name}</a>' if tail else f"<span>{spec.name}</span>")
        if tail:
            parts.append(f"<span>{tail}</span>")
        return f'<div class="location w1200">当前位置：{" &gt; ".join(parts)}</div>'

    def _pager(self, column: _Column, page: int) -> str:
        total, pages = len(column.items), column.pages

        def link(n: int, text: str) -> str:
            return f'<a href="{"index.html" if n == 0 else f"index_{n}.html"}">{text}</a>'

        prev = link(page - 1, "上一页") if page > 0 else "<span>上一页</span>"
        nxt = link(page + 1, "下一页") if page < pages - 1 else "<span>下一页</span>"
        return (f'<div class="page"><script>createPageHTML({pages}, {page}, "index", "html");</script>'
                f"<span>共{total}条 每页{PAGE_SIZE}条 共{pages}页 当前第{page + 1}页</span> "
                f'{link(0, "首页")} {prev} {nxt} {link(pages - 1, "尾页")}</div>')

    def _list(self, column: _Column, page: int) -> Page:
        if column.spec.host == XXGK:
            return self._xxgk_list(column, page)
        spec = column.spec
        siblings = [c.spec for (h, p), c in self.columns.items() if h == PORTAL and c.spec.section == spec.section]
        side = "".join(f'<li{_ON if s.path == spec.path else ""}><a href="{s.path}index.html">{s.name}</a></li>'
                       for s in siblings)
        chunk = column.items[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        base = spec.path
        if chunk:
            rows = "".join(
                f'<li><a href="./{i.path.removeprefix(base)}" target="_blank" title="{escape(i.title)}">'
                f'{escape(i.title)}</a><span>{format_date(i.day, spec.date_style)}</span></li>' for i in chunk)
            listing = f'<ul class="news-list">{rows}</ul>{self._pager(column, page)}'
        else:
            listing = '<ul class="news-list"></ul><div class="nodata">暂无信息</div>'
        body = (f'{self._crumbs(spec)}<div class="content w1200"><div class="left-nav"><h2>{spec.section}</h2>'
                f'<ul>{side}</ul></div><div class="right-list"><div class="list-hd"><h2>{spec.name}</h2></div>'
                f"{listing}</div></div>")
        meta = {"ColumnName": spec.name, "ColumnDescription": f"鄂托克前旗人民政府{spec.name}",
                "ColumnKeywords": spec.name, "ColumnType": spec.name}
        return self._portal(f"{spec.name}_鄂托克前旗人民政府", body, meta)

    def _detail(self, column: _Column, item: Item) -> Page:
        if column.spec.host == XXGK:
            return self._xxgk_detail(column, item)
        spec = column.spec
        rng = random.Random(item.article_id)
        texts = {"notice": _NOTICE_TEXT, "policy": _POLICY_TEXT}.get(spec.type, _NEWS_TEXT)
        lead = f"{item.day.month}月{item.day.day}日，{item.title.rstrip('。')}。" if spec.type == "dynamic" else ""
        paragraphs = ([lead] if lead else []) + [texts[n] for n in sorted(rng.sample(range(len(texts)), 3))]
        content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        extra = ""
        if column.items and item is column.items[0] and spec.path == "/zwgk/tzgg/":
            name = self._item_attachment(item).rsplit("/", 1)[1]
            extra = f'<div class="attach">附件：<a href="./{name}">{escape(item.title)}.docx</a></div>'
        if column.items and item is column.items[0] and spec.path == "/zwgk/zcwj/":
            extra = f'<div class="related">相关解读：<a href="{self._missing_interpretation(item)}">《{escape(_short(item.title, 20))}》解读</a></div>'
        body = (f'{self._crumbs(spec, "正文")}<div class="article w1200"><h1>{escape(item.title)}</h1>'
                f'<div class="info">发布时间：{item.stamp}　来源：{spec.source}　'
                f'<span>字号：<a href="javascript:void(0)">大</a> <a href="javascript:void(0)">中</a> '
                f'<a href="javascript:void(0)">小</a></span></div><div class="TRS_Editor">{content}</div>{extra}'
                '<div class="share"><a href="javascript:window.print()">【打印本页】</a>'
                '<a href="javascript:window.close()">【关闭窗口】</a></div></div>')
        meta = {"ColumnName": spec.name, "ColumnType": spec.name, "ArticleTitle": item.title, "PubDate": item.stamp,
                "ContentSource": spec.source, "Keywords": spec.name, "Url": f"http://{PORTAL}{item.path}"}
        return self._portal(f"{item.title}_鄂托克前旗人民政府", body, meta)

    def _letters_page(self) -> Page:
        spec = self.columns[(PORTAL, "/hdjl/qzxx/")].spec
        rows = "".join(
            f'<tr><td>{x["id"]}</td><td class="title"><a href="./{x["id"]}.html">{escape(x["title"])}</a></td>'
            f'<td>{x["written"].isoformat()}</td><td>{x["answered"].isoformat() if x["answered"] else ""}</td>'
            f'<td>{"已回复" if x["answered"] else "办理中"}</td></tr>' for x in self.letters)
        body = (f'{self._crumbs(spec)}<div class="content w1200"><div class="list-hd"><h2>旗长信箱</h2>'
                '<p>来信须知：请如实填写姓名和联系方式，我们将在15个工作日内答复。</p></div>'
                '<table class="letters"><tr><th>信件编号</th><th>信件标题</th><th>留言时间</th><th>回复时间</th>'
                f"<th>办理状态</th></tr>{rows}</table>"
                f'<div class="page"><span>共{len(self.letters)}条 共1页 当前第1页</span></div></div>')
        return self._portal("旗长信箱_鄂托克前旗人民政府", body, {"ColumnName": "旗长信箱", "ColumnType": "政务咨询"})

    def _letter(self, letter: dict) -> Page:
        spec = self.columns[(PORTAL, "/hdjl/qzxx/")].spec
        answered = letter["answered"]
        reply = (f'<tr><th>回复单位</th><td>{letter["unit"]}</td></tr><tr><th>回复时间</th><td>{answered.isoformat()}</td></tr>'
                 '<tr><th>回复内容</th><td>您好！您反映的问题已收悉，经核实，相关部门已安排专人处理，感谢您的关注与支持。</td></tr>'
                 if answered else '<tr><th>办理状态</th><td>办理中</td></tr>')
        body = (f'{self._crumbs(spec, "信件详情")}<div class="article w1200"><h1>{escape(letter["title"])}</h1>'
                f'<table class="letter"><tr><th>信件编号</th><td>{letter["id"]}</td></tr>'
                f'<tr><th>留言时间</th><td>{letter["written"].isoformat()}</td></tr>'
                '<tr><th>留言内容</th><td>您好，想咨询一下相关问题，希望有关部门给予答复，谢谢。</td></tr>'
                f"{reply}</table></div>")
        return self._portal(f"{letter['title']}_旗长信箱", body, {"ColumnName": "旗长信箱"})

    def _services(self) -> Page:
        guides = "".join(f'<li><a href="/zwfw/bszn/{n + 1}.html">{name}</a></li>' for n, (name, _unit) in enumerate(_GUIDES))
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>政务服务</span></div>'
                '<div class="main w1200"><div class="column-box"><div class="box-hd"><h3 class="title">网上办事</h3></div>'
                f'<p><a href="http://{HANG}/">内蒙古政务服务网鄂托克前旗站</a></p></div>'
                f'<div class="column-box"><div class="box-hd"><h3 class="title">办事指南</h3></div><ul class="zt">{guides}</ul></div></div>')
        return self._portal("政务服务_鄂托克前旗人民政府", body, {"ColumnName": "政务服务"})

    def _guide(self, n: int) -> Page:
        name, unit = _GUIDES[n]
        elements = (("事项名称", name), ("设定依据", "《中华人民共和国行政许可法》及相关法律法规"), ("申请条件", "符合法定条件的申请人"),
                    ("办理材料", "申请表、身份证明材料"), ("办理地点", "鄂托克前旗政务服务中心"), ("办理机构", unit),
                    ("收费标准", "不收费"), ("办理时间", "工作日 9:00—12:00，14:30—17:30"),
                    ("联系电话", county.CONTACT_PHONE), ("办理流程", "申请—受理—审查—决定—送达"))
        rows = "".join(f"<tr><th>{k}</th><td>{escape(v)}</td></tr>" for k, v in elements)
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <a href="/zwfw/index.html">政务服务</a>'
                f' &gt; <span>办事指南</span></div><div class="article w1200"><h1>{name}</h1>'
                f'<table class="guide">{rows}</table></div>')
        return self._portal(f"{name}_办事指南", body, {"ColumnName": "办事指南"})

    def _about(self) -> Page:
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>走进前旗</span></div>'
                '<div class="article w1200"><h1>前旗概况</h1><div class="TRS_Editor">'
                "<p>鄂托克前旗位于内蒙古自治区鄂尔多斯市西南部，辖敖勒召其镇、上海庙镇、城川镇、昂素镇4个镇和上海庙经济开发区，"
                "旗人民政府驻敖勒召其镇。</p><p>全旗以畜牧业、能源化工和红色旅游为主要产业。</p></div>"
                '<ul class="zt"><li><a href="/zjqq/lsyg/index.html">历史沿革</a></li>'
                '<li><a href="/xwzx/index.html">新闻中心</a></li></ul></div>')
        return self._portal("走进前旗_鄂托克前旗人民政府", body, {"ColumnName": "走进前旗"})

    def _sitemap(self) -> Page:
        links = "".join(f'<li><a href="{c.spec.path}index.html">{c.spec.name}</a></li>'
                        for (h, _p), c in self.columns.items() if h == PORTAL)
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>网站地图</span></div>'
                f'<div class="main w1200"><ul class="sitemap">{links}'
                f'<li><a href="http://{XXGK}/index.html">政府信息公开</a></li></ul></div>')
        return self._portal("网站地图_鄂托克前旗人民政府", body, {"ColumnName": "网站地图"})

    def _contact(self) -> Page:
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>联系我们</span></div>'
                f'<div class="article w1200"><p>网站承办单位：鄂托克前旗政务服务局</p><p>联系电话：{county.CONTACT_PHONE}</p>'
                "<p>通信地址：内蒙古自治区鄂尔多斯市鄂托克前旗敖勒召其镇</p></div>")
        return self._portal("联系我们_鄂托克前旗人民政府", body, {"ColumnName": "联系我们"})

    def _report_error(self) -> Page:
        body = ('<div class="location w1200">当前位置：<a href="/">首页</a> &gt; <span>我为政府网站找错</span></div>'
                '<div class="article w1200"><form action="/wzzc/submit" method="post"><p>问题描述：<textarea name="content">'
                '</textarea></p><p>联系方式：<input name="contact"></p><button type="submit">提交</button></form></div>')
        return self._portal("我为政府网站找错_鄂托克前旗人民政府", body, {"ColumnName": "我为政府网站找错"})

    # ------------------------------------------------- 政府信息公开 platform (GBK)
    def _xxgk(self, title: str, body: str, charset_style: str, meta: dict[str, str] | None = None) -> Page:
        """A disclosure-platform page in GBK; ``charset_style`` picks where the charset is declared."""
        metas = {"SiteName": "鄂托克前旗人民政府", "SiteDomain": XXGK, "SiteIDCode": county.SITE_CODE}
        metas.update(meta or {})
        head = "\n".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in metas.items())
        if charset_style == "meta-charset":
            declare, content_type = '<meta charset="gbk">', "text/html"
        elif charset_style == "header":
            declare = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            content_type = "text/html; charset=GBK"
        else:
            declare, content_type = "<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">", "text/html"
        html = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
{declare}
<title>{escape(title)}</title>
{head}
<link rel="stylesheet" href="/images/style.css">
</head>
<body>
<div class="header"><div class="w1200"><div class="logo"><a href="/index.html">鄂托克前旗人民政府信息公开</a></div></div></div>
<div class="nav"><ul class="w1200">
<li><a href="http://{PORTAL}/">政府门户网站</a></li>
<li><a href="/xxgkzn/index.html">政府信息公开指南</a></li>
<li><a href="/index.html">法定主动公开内容</a></li>
<li><a href="/xxgknb/index.html">政府信息公开年报</a></li>
</ul></div>
{body}
<div class="footer"><div class="w1200">
<p>主办单位：鄂托克前旗人民政府　承办单位：鄂托克前旗政务服务局</p>
<p>网站标识码：{county.SITE_CODE}　{county.SITE_ICP}　{county.SITE_PSB}</p>
<p>版权所有 &copy; {self.today.year} 鄂托克前旗人民政府</p>
</div></div>
</body>
</html>
"""
        return Page(200, content_type, html.encode("gbk"))

    def _xxgk_block(self, column: _Column, limit: int = 8) -> str:
        spec = column.spec
        rows = "".join(f'<li><a href="{i.path}" title="{escape(i.title)}">{escape(_short(i.title, 30))}</a>'
                       f"<span>{format_date(i.day, spec.date_style)}</span></li>" for i in column.items[:limit])
        return (f'<div class="column-box"><div class="box-hd"><h3 class="title">{spec.name}</h3>'
                f'<a class="more" href="{spec.path}index.html">更多&gt;&gt;</a></div><ul class="list">{rows}</ul></div>')

    def _xxgk_home(self) -> Page:
        blocks = "".join(self._xxgk_block(self.columns[(XXGK, p)]) for p in ("/zcwj/", "/gfxwj/"))
        units = "".join(f'<li><a href="/{code}/index.html">{name}</a></li>' for code, name in _XXGK_UNITS.items())
        body = (f'<div class="location w1200">当前位置：<a href="http://{PORTAL}/">首页</a> &gt; <span>政府信息公开</span></div>'
                f'<div class="main w1200">{blocks}<div class="column-box"><div class="box-hd"><h3 class="title">'
                f'部门信息公开</h3></div><ul class="units">{units}</ul></div></div>')
        return self._xxgk("政府信息公开_鄂托克前旗人民政府", body, "http-equiv", {"ColumnName": "政府信息公开"})

    def _xxgk_unit(self, code: str) -> Page:
        name = _XXGK_UNITS[code]
        blocks = "".join(self._xxgk_block(self.columns[(XXGK, f"/{code}/{sub}/")]) for sub in ("tzgg", "zcwj"))
        extra = ""
        if code == "czj":
            extra = f'<p class="zdly"><a href="/{code}/czyjs/index.html">财政预决算</a></p>'
        body = (f'<div class="location w1200">当前位置：<a href="/index.html">政府信息公开</a> &gt; <span>{name}</span></div>'
                f'<div class="main w1200"><div class="jggk"><h2>{name}</h2><p>机构职能：负责本部门法定主动公开内容的发布和更新。</p>'
                f"</div>{blocks}{extra}</div>")
        return self._xxgk(f"{name}_政府信息公开", body, "http-equiv", {"ColumnName": name})

    def _xxgk_list(self, column: _Column, page: int) -> Page:
        spec = column.spec
        chunk = column.items[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        start = page * PAGE_SIZE
        rows = "".join(
            f'<tr><td>{start + n + 1}</td><td class="bt"><a href="./{i.path.removeprefix(spec.path)}" '
            f'title="{escape(i.title)}">{escape(i.title)}</a></td><td>{i.doc_number}</td>'
            f"<td>{format_date(i.day, spec.date_style)}</td></tr>" for n, i in enumerate(chunk))
        parent = ('<a href="/index.html">法定主动公开内容</a>' if spec.level == 1 else
                  f'<a href="/{spec.path.strip("/").split("/")[0]}/index.html">{spec.section}</a>')
        pager = self._pager(column, page).replace("createPageHTML", "createPageHTML_xxgk")
        body = (f'<div class="location w1200">当前位置：<a href="/index.html">政府信息公开</a> &gt; {parent} &gt; '
                f'<span>{spec.name}</span></div><div class="content w1200"><h2>{spec.name}</h2>'
                '<table class="xxgk-list"><tr><th>序号</th><th>标题</th><th>发文字号</th><th>发布日期</th></tr>'
                f"{rows}</table>{pager}</div>")
        return self._xxgk(f"{spec.name}_{spec.section}", body, "header", {"ColumnName": spec.name})

    def _xxgk_detail(self, column: _Column, item: Item) -> Page:
        spec = column.spec
        written = item.written or item.day
        index_no = f"11150623MB{column.spec.path.strip('/').replace('/', '')[:4].upper()}/{item.day.year}-{item.article_id % 100000:05d}"
        table = (f'<table class="xxgk-meta"><tr><th>索引号</th><td>{index_no}</td><th>主题分类</th><td>其他</td></tr>'
                 f"<tr><th>发布机构</th><td>{spec.source}</td><th>成文日期</th><td>{written.year}年{written.month}月{written.day}日</td></tr>"
                 f"<tr><th>发文字号</th><td>{item.doc_number}</td><th>发布日期</th><td>{format_date(item.day, 'cn')}</td></tr>"
                 f'<tr><th>标题</th><td colspan="3">{escape(item.title)}</td></tr></table>')
        texts = _POLICY_TEXT if spec.type == "policy" else _NOTICE_TEXT
        content = "".join(f"<p>{escape(p)}</p>" for p in texts)
        signature = (f'<p class="sign" align="right">{spec.source.replace("旗", "鄂托克前旗", 1) if spec.source.startswith("旗") else spec.source}</p>'
                     f'<p class="sign" align="right">{cn_numeral_date(written)}</p>')
        parent = ('<a href="/index.html">法定主动公开内容</a>' if spec.level == 1 else
                  f'<a href="/{spec.path.strip("/").split("/")[0]}/index.html">{spec.section}</a>')
        body = (f'<div class="location w1200">当前位置：<a href="/index.html">政府信息公开</a> &gt; {parent} &gt; '
                f'<a href="{spec.path}index.html">{spec.name}</a></div><div class="article w1200">{table}'
                f'<h1>{escape(item.title)}</h1><div class="TRS_Editor">{content}{signature}</div></div>')
        meta = {"ColumnName": spec.name, "ArticleTitle": item.title, "PubDate": item.stamp, "ContentSource": spec.source}
        return self._xxgk(f"{item.title}", body, "meta-charset", meta)

    def _xxgk_guide(self) -> Page:
        body = ('<div class="article w1200"><h1>鄂托克前旗人民政府信息公开指南</h1><div class="TRS_Editor">'
                "<p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>"
                "<p>一、主动公开：法定主动公开内容通过本平台及时发布。</p><p>二、依申请公开：公民、法人或者其他组织可以向"
                f"鄂托克前旗人民政府申请获取政府信息，受理机构电话：{county.CONTACT_PHONE}。</p></div></div>")
        return self._xxgk("政府信息公开指南", body, "http-equiv", {"ColumnName": "政府信息公开指南"})

    def _report_years(self) -> tuple[int, int]:
        return (self.today.year - 1, self.today.year - 2)

    def _xxgk_reports(self) -> Page:
        links = "".join(f'<li><a href="/xxgknb/{y}.html">鄂托克前旗人民政府{y}年政府信息公开工作年度报告</a></li>'
                        for y in self._report_years())
        body = f'<div class="main w1200"><h2>政府信息公开年报</h2><ul class="reports">{links}</ul></div>'
        return self._xxgk("政府信息公开年报", body, "http-equiv", {"ColumnName": "政府信息公开年报"})

    def _xxgk_report(self, year: int) -> Page:
        body = (f'<div class="article w1200"><h1>鄂托克前旗人民政府{year}年政府信息公开工作年度报告</h1>'
                f'<div class="TRS_Editor"><p>本报告统计期限为{year}年全年。</p><p>一、总体情况</p>'
                "<p>全旗认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息，依法办理依申请公开。</p></div></div>")
        return self._xxgk(f"{year}年政府信息公开工作年度报告", body, "meta-charset", {"ColumnName": "政府信息公开年报"})


_GUIDES = (("居民身份证换领", "旗公安局"), ("城乡居民基本医疗保险参保登记", "旗医疗保障局"),
           ("个体工商户设立登记", "旗市场监督管理局"), ("不动产首次登记", "旗不动产登记中心"),
           ("城乡居民最低生活保障审批", "旗民政局"), ("建设工程施工许可", "旗住房和城乡建设局"))


def _short(title: str, limit: int = 26) -> str:
    """Homepage blocks cut long titles the way CMS templates do."""
    return title if len(title) <= limit else title[: limit - 1] + "…"
