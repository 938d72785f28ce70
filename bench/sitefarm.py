"""A farm of generated government websites served by nginx on loopback, for the website benchmarks.

    python bench/sitefarm.py --sites 100 --pages 60 --out /tmp/farm   # write a farm, print its summary

``generate`` writes N sites × M pages as static files, one folder per host name, in the four page
families county sites are built from (TRS WCM, 大汉 Hanweb with ``<datastore>`` list islands,
开普云, 集约化 platform tables): a homepage with navigation, column blocks and "更多" links, hub pages
(政务公开, 互动交流), paginated column lists whose items carry dates in varied forms (``2020-10-12``,
``[10-12]``, ``2020年10月12日``, ``2020/10/12``, ``2020.10.12``; some lists undated, some columns blank),
detail pages with ``<meta name="PubDate">`` and 发布时间 labels, attachments and images, a mailbox
list with answered and unanswered letters, robots.txt. A share of the sites is written in GBK
(labelled gb2312 or gbk in the page), a share of links is dead (missing files, a dead external
host), and named shares of hosts are slow (nginx ``limit_rate``) or hostile (connection closed
without an answer, redirect to itself, a gzip bomb, 503, a drip that outlasts any deadline).

``Nginx`` writes one configuration for a farm (one root, ``$host`` picks the folder; hostile hosts
get their own server blocks) and runs nginx in the foreground as a child process on a free port.
The HTTP client reaches the host names through its connect-to table; tools that cannot be given
one (linkchecker) use nginx as their HTTP proxy, which serves absolute-form requests by host.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2020, 10, 15)  # the farm's "today": the check point the pages are dated against
FAMILIES = ("trs", "hanweb", "kaipu", "jyh")
EXTERNAL_HOSTS = ("www.gov.cn", "www.nmg.gov.cn", "zwfw.nmg.gov.cn")
DEAD_HOST = "www.old-portal.gov.cn"  # a host that closes every connection: every link to it is dead
LETTERS = 6  # letters on each site's mailbox list (旗长信箱), each with its own page

COUNTIES = (
    "鄂托克前旗 etkqq", "杭锦旗 hjq", "乌审旗 wsq", "伊金霍洛旗 yjhlq", "准格尔旗 zgeq", "达拉特旗 dltq",
    "清水河县 qshx", "和林格尔县 hlgex", "武川县 wcx", "固阳县 gyx", "土默特右旗 tmtyq", "凉城县 lcx",
    "丰镇市 fzs", "兴和县 xhx", "商都县 sdx", "化德县 hdx", "察哈尔右翼前旗 chyyqq", "四子王旗 szwq",
)
# (name, path, kind): kind picks how the column's items are dated on its list page.
COLUMNS = (
    ("要闻动态", "xwzx/ywdt", "dated"),
    ("部门动态", "xwzx/bmdt", "dated"),
    ("乡镇动态", "xwzx/xzdt", "dated"),
    ("通知公告", "zwgk/tzgg", "dated"),
    ("政策文件", "zwgk/zcwj", "dated"),
    ("政策解读", "zwgk/zcjd", "undated"),
    ("人事信息", "zwgk/rsxx", "dated"),
    ("规划计划", "zwgk/ghjh", "dated"),
    ("财政预决算", "zwgk/czyjs", "dated"),
    ("重点领域信息公开", "zwgk/zdly", "blank"),
)
TITLE_WORDS = (
    "召开", "全县", "第三季度", "重点项目", "建设", "推进会", "关于", "印发", "实施方案", "的通知", "开展",
    "安全生产", "大检查", "专项行动", "政务公开", "工作要点", "乡村振兴", "调研", "座谈会", "疫情防控",
    "营商环境", "优化", "公示", "招聘", "公告", "农牧业", "生态保护", "义务教育", "医疗保障", "扶贫",
)
BODY_SENTENCES = (
    "为深入贯彻落实党中央、国务院决策部署，进一步做好相关工作，现将有关事项通知如下。",
    "会议强调，各部门要提高政治站位，压实工作责任，确保各项任务按时保质完成。",
    "各苏木镇、各有关部门要结合实际，认真抓好贯彻落实，及时报送工作进展情况。",
    "此次活动共发放宣传资料两千余份，现场解答群众咨询一百余人次，取得了良好效果。",
    "下一步，我旗将持续优化营商环境，推动政务服务事项一网通办，提升群众满意度。",
    "本通知自印发之日起施行，由旗人民政府办公室负责解释。",
)


@dataclass
class SiteSpec:
    """One generated site: where it lives, how it is written, how its host behaves."""

    host: str
    name: str
    family: str
    encoding: str  # utf-8, gbk
    behaviour: str = "normal"  # normal, slow, reset, loop, bomb, down, drip
    pages: int = 0
    links: int = 0
    dead_links: int = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}/"


@dataclass
class FarmManifest:
    """What ``generate`` wrote: read by the benchmarks to know the hosts, their kinds and sizes."""

    root: str
    sites: list[SiteSpec]
    extra_hosts: list[str] = field(default_factory=list)
    pages: int = 0
    bytes: int = 0

    def hosts(self) -> list[str]:
        return [s.host for s in self.sites] + list(self.extra_hosts)

    def save(self) -> None:
        Path(self.root, "manifest.json").write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, root: str | Path) -> FarmManifest:
        data = json.loads(Path(root, "manifest.json").read_text())
        data["sites"] = [SiteSpec(**s) for s in data["sites"]]
        return cls(**data)


_INLINE_SCRIPT = """<script type="text/javascript">
var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "/js/stat.js?v=20200901";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
function toggleAria() { var d = document.body.classList; if (d.contains("aria")) { d.remove("aria"); } else { d.add("aria"); } }
function setFontSize(size) { var c = document.getElementById("zoom"); if (c) { c.style.fontSize = size + "px"; } }
</script>
<style type="text/css">
.nav-item:hover .sub-menu { display: block; } .sub-menu { display: none; position: absolute; }
.list li span, .list-item span { float: right; color: #999; } .column-block .title h3 { font-size: 18px; }
</style>
"""
_STYLESHEET = "".join(
    f".col-{i} {{ margin: 0 auto; padding: {i % 7}px; font: 14px/1.8 \"Microsoft YaHei\", SimSun; color: #333; }}\n"
    for i in range(60)
)
_FOOTER_SCRIPT = """<script type="text/javascript">
(function () {
  var week = ["日", "一", "二", "三", "四", "五", "六"], now = new Date();
  var el = document.getElementById("today");
  if (el) { el.innerHTML = now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 星期" + week[now.getDay()]; }
  var items = document.querySelectorAll(".nav-item");
  for (var i = 0; i < items.length; i++) { items[i].onmouseenter = function () { this.className += " on"; }; }
})();
</script>
"""


# --- page writing -----------------------------------------------------------------------------------------


def _fmt_date(d: date, style: str) -> str:
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"
    if style == "dot":
        return f"{d.year}.{d.month:02d}.{d.day:02d}"
    if style == "cn":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "yearless":
        return f"[{d.month:02d}-{d.day:02d}]"
    raise ValueError(style)


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_numeral_date(d: date) -> str:
    """二〇二〇年十月十二日, as some 集约化 detail pages print the date of a document."""

    def small(n: int) -> str:
        if n < 10:
            return _CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")

    return "".join(_CN_DIGITS[int(c)] for c in str(d.year)) + f"年{small(d.month)}月{small(d.day)}日"


@dataclass
class _Article:
    title: str
    path: str  # absolute path on the site
    day: date


@dataclass
class _Column:
    name: str
    path: str
    kind: str
    articles: list[_Article]
    per_page: int

    def list_pages(self) -> list[str]:
        count = max(1, -(-len(self.articles) // self.per_page))
        return [f"/{self.path}/index.html"] + [f"/{self.path}/index_{i}.html" for i in range(1, count)]


class _SiteWriter:
    """Writes one site's files; every link it emits is counted, dead ones apart."""

    def __init__(self, spec: SiteSpec, folder: Path, rng: random.Random, sites: list[SiteSpec], dead_share: float):
        self.spec = spec
        self.folder = folder
        self.rng = rng
        self.dead_share = dead_share
        self.bytes = 0
        self.pages = 0
        self.code = f"{rng.randint(1500000000, 1599999999)}"
        self.charset_label = rng.choice(["gb2312", "gbk"]) if spec.encoding == "gbk" else "utf-8"
        # The footer is the template's: the same friend sites and drop-down on every page of the site.
        self.friends = rng.sample(sites, min(3, len(sites)))
        self.directory = rng.sample(sites, min(12, len(sites)))

    # files
    def write(self, path: str, text: str) -> None:
        target = self.folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode(self.spec.encoding, "xmlcharrefreplace")
        target.write_bytes(data)
        self.bytes += len(data)
        self.pages += 1

    def asset(self, path: str, size: int) -> None:
        target = self.folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes(self.rng.getrandbits(8) for _ in range(size)) if size < 4096 else os.urandom(size))

    # pieces shared by every page: real templates carry inline scripts, drop-down menus and link rows
    def head(self, title: str, meta: dict[str, str]) -> str:
        tags = "\n".join(f'<meta name="{k}" content="{v}">' for k, v in meta.items())
        charset = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={self.charset_label}">'
            if self.spec.family in ("hanweb", "jyh") else f'<meta charset="{self.charset_label}">'
        )
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{charset}\n<title>{title}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f'<meta name="SiteName" content="{self.spec.name}">\n<meta name="SiteDomain" content="{self.spec.host}">\n'
            f'<meta name="SiteIDCode" content="{self.code}">\n{tags}\n'
            '<link rel="stylesheet" href="/css/style.css">\n<script src="/js/common.js"></script>\n'
            f"{_INLINE_SCRIPT}</head>\n<body>\n"
        )

    def nav(self) -> str:
        columns = [(name, f"/{path}/index.html") for name, path, _kind in COLUMNS]
        menus = [
            ("首页", "/", []),
            ("政务公开", "/zwgk/index.html", columns[3:]),
            ("新闻中心", "/xwzx/ywdt/index.html", columns[:3]),
            ("政务服务", f"http://{EXTERNAL_HOSTS[2]}/", [("网上办事大厅", f"http://{EXTERNAL_HOSTS[2]}/bsdt/index.html")]),
            ("互动交流", "/hdjl/index.html", [("旗长信箱", "/hdjl/xjxx/index.html"), ("在线调查", "/hdjl/zxdc/index.html")]),
            ("走进" + self.spec.name[:-4], "/zjxx/index.html", [("网站地图", "/sitemap.html")]),
        ]
        parts = []
        for name, href, subs in menus:
            sub = "".join(f'<li><a href="{h}" target="_blank">{n}</a></li>' for n, h in subs)
            parts.append(f'<li class="nav-item"><a href="{href}">{name}</a>'
                         + (f'<div class="sub-menu"><ul>{sub}</ul></div>' if sub else "") + "</li>")
        return (
            '<div class="top-bar"><div class="wrap"><span class="date" id="today"></span>'
            '<a href="javascript:void(0)" onclick="toggleAria()">无障碍</a> <a href="/sitemap.html">网站地图</a></div></div>\n'
            f'<div class="header"><div class="logo"><a href="/"><img src="/images/logo.png" alt="{self.spec.name}"></a></div>'
            '<div class="search"><form action="/search/index.html" method="get" target="_blank">'
            '<input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div></div>\n'
            f'<div class="nav"><ul>{"".join(parts)}</ul></div>\n'
        )

    def footer(self) -> str:
        links = [(f"http://{EXTERNAL_HOSTS[0]}/", "中国政府网"), (f"http://{EXTERNAL_HOSTS[1]}/", "内蒙古自治区人民政府")]
        links += [(s.url, s.name) for s in self.friends]
        if self.rng.random() < self.dead_share * 4:
            links.append((f"http://{DEAD_HOST}/", "原门户网站"))
        friend_html = "".join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in links)
        options = "".join(f'<option value="http://{s.host}/">{s.name}</option>' for s in self.directory)
        return (
            f'<div class="friend-links"><span>友情链接：</span>{friend_html}\n'
            f'<select onchange="window.open(this.value)"><option>盟市旗县政府网站</option>{options}</select></div>\n'
            f'<div class="footer"><div class="wrap"><p><a href="/sitemap.html">网站地图</a> | <a href="/hdjl/xjxx/index.html">'
            f'联系我们</a> | <a href="/zjxx/index.html">关于本网</a></p><p>主办单位：{self.spec.name}办公室　'
            f'网站标识码：{self.code}</p><p>蒙ICP备{self.rng.randint(10000000, 99999999)}号　'
            f'蒙公网安备 {self.rng.randint(15000000000000, 15999999999999)}号</p>'
            f'<p><a href="http://{EXTERNAL_HOSTS[0]}/jiucuo.html"><img src="/images/jiucuo.png" alt="政府网站找错"></a>'
            '<img src="/images/dzjg.png" alt="党政机关">　Copyright © 2009-2020 All Rights Reserved</p></div></div>\n'
            f"{_FOOTER_SCRIPT}</body>\n</html>\n"
        )

    def maybe_dead(self, path: str) -> str:
        """A link that exists unless the dice make it dead (a missing file on the same site)."""
        if self.rng.random() < self.dead_share:
            self.spec.dead_links += 1
            stem, _, suffix = path.rpartition(".")
            return f"{stem}_deleted.{suffix}"
        return path

    # item markup by family
    def item(self, article: _Article, style: str | None, in_block: bool) -> str:
        family = self.spec.family
        when = _fmt_date(article.day, style) if style else ""
        if family == "trs":
            span = f"<span>{when}</span>" if when else ""
            return f'<li><a href="{article.path}" title="{article.title}" target="_blank">{article.title}</a>{span}</li>'
        if family == "hanweb":
            span = f"<span class=\"bt-data-time\">{when}</span>" if when else ""
            return f"<li><a href='{article.path}' target='_blank' title='{article.title}'>{article.title}</a>{span}</li>"
        if family == "kaipu":
            span = f'<span class="date">{when}</span>' if when else ""
            return f'<div class="list-item"><a href="{article.path}">{article.title}</a>{span}</div>'
        cell = f"<td class=\"rq\">{when}</td>" if when else ""
        return f'<tr><td class="bt"><a href="{article.path}" target="_blank">{article.title}</a></td>{cell}</tr>'

    def block(self, column: _Column, style: str) -> str:
        """A homepage column block: heading, the newest items, a 更多 link."""
        shown = column.articles[: self.rng.randint(5, 8)]
        style_or_none = style if column.kind == "dated" else None
        items = "\n".join(self.item(a, style_or_none, True) for a in shown)
        more = f'<a class="more" href="/{column.path}/index.html">更多&gt;&gt;</a>'
        if self.spec.family == "jyh":
            return (f'<table class="lm-box"><tr><td class="lm-title">{column.name}</td><td>{more}</td></tr></table>\n'
                    f"<table class=\"list\">{items}</table>\n" if shown else
                    f'<table class="lm-box"><tr><td class="lm-title">{column.name}</td><td>{more}</td></tr></table>\n')
        wrapper = "div" if self.spec.family == "kaipu" else "ul"
        return (f'<div class="column-block"><div class="title"><h3>{column.name}</h3>{more}</div>\n'
                f"<{wrapper} class=\"list\">\n{items}\n</{wrapper}></div>\n")


# --- a whole site -----------------------------------------------------------------------------------------


def _article_path(family: str, column_path: str, day: date, serial: int, column_no: int) -> str:
    if family == "hanweb":
        return f"/art/{day.year}/{day.month}/{day.day}/art_{4560 + column_no}_{serial}.html"
    if family == "kaipu":
        return f"/{column_path}/content_{serial}.html"
    return f"/{column_path}/{day.year}{day.month:02d}/t{day.strftime('%Y%m%d')}_{serial}.html"


def _column_age(rng: random.Random) -> int:
    """Days since a column's last item: mostly fresh, some stale, a few far behind."""
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(0, 12)
    if roll < 0.9:
        return rng.randint(13, 170)
    return rng.randint(181, 500)


def _title(rng: random.Random) -> str:
    return "".join(rng.sample(TITLE_WORDS, rng.randint(4, 8)))


def write_site(spec: SiteSpec, root: Path, pages: int, rng: random.Random, sites: list[SiteSpec],
               dead_share: float) -> SiteSpec:
    """Write one site of about ``pages`` HTML pages under ``root/<host>``."""
    folder = root / spec.host
    if folder.exists():
        shutil.rmtree(folder)
    w = _SiteWriter(spec, folder, rng, sites, dead_share)
    family = spec.family
    style = {"trs": "iso", "hanweb": "yearless", "kaipu": "cn", "jyh": "dot"}[family]
    list_style = {"trs": "iso", "hanweb": "iso", "kaipu": "slash", "jyh": "dot"}[family]
    fixed = 8 + LETTERS  # homepage, two hubs, 走进 page, mailbox and its letters, survey, sitemap
    n_columns = len(COLUMNS)
    room = max(pages - fixed - n_columns, n_columns)
    per_page = 20
    columns: list[_Column] = []
    serial = rng.randint(100000, 900000)
    shares = [rng.random() + 0.3 for _ in COLUMNS]
    for number, ((name, path, kind), share) in enumerate(zip(COLUMNS, shares, strict=True)):
        count = 0 if kind == "blank" else max(1, round(room * share / sum(shares)))
        newest = AS_OF - timedelta(days=_column_age(rng))
        if rng.random() < 0.01:
            newest = AS_OF + timedelta(days=rng.randint(1, 30))  # a mistyped future date
        articles = []
        day = newest
        for _ in range(count):
            serial += rng.randint(1, 9)
            articles.append(_Article(_title(rng), _article_path(family, path, day, serial, number), day))
            day -= timedelta(days=rng.randint(0, 6))
        columns.append(_Column(name, path, kind, articles, per_page))
    # Keep the total near the asked size: list pages count as pages too.
    total = fixed + sum(len(c.list_pages()) + len(c.articles) for c in columns)
    while total > pages and any(len(c.articles) > 1 for c in columns):
        biggest = max(columns, key=lambda c: len(c.articles))
        before = len(biggest.list_pages())
        biggest.articles.pop()
        total -= 1 + (before - len(biggest.list_pages()))

    # homepage
    hp = [w.head(spec.name, {"ColumnName": "首页", "ColumnType": "首页"}), w.nav()]
    hp.append('<div class="banner"><img src="/images/banner.jpg" alt="banner"></div>\n')
    for column in columns[:6]:
        hp.append(w.block(column, style))
    hp.append('<div class="service"><a href="/hdjl/xjxx/index.html"><img src="/images/xjxx.png" alt="旗长信箱"></a>'
              f'<a href="http://{EXTERNAL_HOSTS[2]}/bsdt/index.html">网上办事大厅</a></div>\n')
    hp.append(w.footer())
    w.write("/index.html", "".join(hp))

    # hubs: 政务公开 carries the remaining columns, 互动交流 the mailbox
    hub = [w.head(f"政务公开_{spec.name}", {"ColumnName": "政务公开"}), w.nav()]
    for column in columns[3:]:
        hub.append(w.block(column, list_style))
    hub.append(w.footer())
    w.write("/zwgk/index.html", "".join(hub))
    w.write("/hdjl/index.html", "".join([
        w.head(f"互动交流_{spec.name}", {"ColumnName": "互动交流"}), w.nav(),
        '<div class="column-block"><div class="title"><h3>互动交流</h3></div><ul>'
        '<li><a href="/hdjl/xjxx/index.html">旗长信箱</a></li><li><a href="/hdjl/zxdc/index.html">在线调查</a></li></ul></div>',
        w.footer()]))
    w.write("/zjxx/index.html", "".join([
        w.head(f"走进{spec.name}", {"ColumnName": "概况"}), w.nav(),
        f'<div class="article"><h1>{spec.name}概况</h1><p>{"".join(rng.sample(BODY_SENTENCES, 3))}</p></div>', w.footer()]))
    letters = []
    for i in range(LETTERS):
        day = AS_OF - timedelta(days=rng.randint(1, 60))
        state = "未回复" if rng.random() < 0.1 else "已回复"
        subject = f"关于{_title(rng)[:10]}的咨询"
        letters.append(f'<tr><td><a href="/hdjl/xjxx/letter_{i}.html">{subject}</a></td>'
                       f"<td>{day.isoformat()}</td><td>{state}</td></tr>")
        w.write(f"/hdjl/xjxx/letter_{i}.html", "".join([
            w.head(f"{subject}_{spec.name}", {"ColumnName": "旗长信箱"}), w.nav(),
            f'<div class="letter"><h1>{subject}</h1><p>来信时间：{day.isoformat()}</p><p>{rng.choice(BODY_SENTENCES)}</p>'
            f"<p>办理状态：{state}</p></div>", w.footer()]))
    w.write("/hdjl/zxdc/index.html", "".join([
        w.head(f"在线调查_{spec.name}", {"ColumnName": "在线调查"}), w.nav(),
        '<div class="list-title"><h2>在线调查</h2></div><div class="list"><p class="no-data">暂无信息</p></div>',
        w.footer()]))
    sitemap = "".join(f'<li><a href="/{c.path}/index.html">{c.name}</a></li>' for c in columns)
    w.write("/sitemap.html", "".join([w.head(f"网站地图_{spec.name}", {"ColumnName": "网站地图"}), w.nav(),
                                      f'<div class="sitemap"><ul>{sitemap}</ul></div>', w.footer()]))
    w.write("/hdjl/xjxx/index.html", "".join([
        w.head(f"旗长信箱_{spec.name}", {"ColumnName": "旗长信箱"}), w.nav(),
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/hdjl/index.html">互动交流</a> &gt; 旗长信箱</div>',
        '<table class="letters"><tr><th>标题</th><th>来信日期</th><th>状态</th></tr>', "".join(letters), "</table>",
        w.footer()]))

    # column lists and detail pages
    for column in columns:
        pages_of = column.list_pages()
        crumb = ('<div class="position">当前位置：<a href="/">首页</a> &gt; '
                 f'<a href="/{column.path.split("/")[0]}/index.html">上级栏目</a> &gt; {column.name}</div>\n')
        for number, path in enumerate(pages_of):
            chunk = column.articles[number * per_page:(number + 1) * per_page]
            body = [w.head(f"{column.name}_{spec.name}", {"ColumnName": column.name, "ColumnType": column.name}),
                    w.nav(), crumb, f'<div class="list-title"><h2>{column.name}</h2></div>\n']
            if not chunk:
                body.append('<div class="list"><p class="no-data">暂无信息</p></div>\n')
            else:
                dated = list_style if column.kind == "dated" else None
                items = "\n".join(w.item(a, dated, False) for a in chunk)
                if family == "hanweb":
                    records = "".join(f"<record><![CDATA[\n{w.item(a, dated, False)}\n]]></record>\n" for a in chunk)
                    body.append(f'<div id="{4560 + number}"><script type="text/xml"><datastore>\n<recordset>\n'
                                f"{records}</recordset></datastore></script></div>\n")
                elif family == "jyh":
                    body.append(f'<table class="list">{items}</table>\n')
                else:
                    tag = "div" if family == "kaipu" else "ul"
                    body.append(f'<{tag} class="list">\n{items}\n</{tag}>\n')
            pager = [f'<a href="{p}">{i + 1}</a>' for i, p in enumerate(pages_of)]
            nxt = pages_of[number + 1] if number + 1 < len(pages_of) else pages_of[-1]
            body.append(f'<div class="page">共{len(pages_of)}页 {"".join(pager)} <a href="{nxt}">下一页</a></div>\n')
            body.append(w.footer())
            w.write(path, "".join(body))
        for index, article in enumerate(column.articles):
            w.write(article.path, _detail(w, column, article, index, rng))
    # assets the pages link to (a dead share of attachments and images is never written)
    (folder / "css").mkdir(exist_ok=True)
    (folder / "css" / "style.css").write_text(_STYLESHEET)
    (folder / "js").mkdir(exist_ok=True)
    (folder / "js" / "common.js").write_text(_FOOTER_SCRIPT.split(">", 1)[1].rsplit("<", 1)[0])
    for image in ("logo.png", "banner.jpg", "dzjg.png", "xjxx.png", "jiucuo.png"):
        w.asset(f"/images/{image}", 3000)
    disallow = "Disallow: /search/\n" if rng.random() < 0.5 else ""
    (folder / "robots.txt").write_text(f"User-agent: *\n{disallow}")
    spec.pages = w.pages
    return spec


def _detail(w: _SiteWriter, column: _Column, article: _Article, index: int, rng: random.Random) -> str:
    """An article: PubDate meta, a 发布时间 label, body paragraphs, maybe attachments and an image."""
    stamp = f"{article.day.isoformat()} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    label = (f"发布日期：{_cn_numeral_date(article.day)}" if w.spec.family == "jyh" and rng.random() < 0.3
             else f"发布时间：{stamp}")
    paragraphs = "".join(f"<p>{''.join(rng.sample(BODY_SENTENCES, 3))}</p>" for _ in range(rng.randint(2, 5)))
    extras = []
    stem = f"/uploadfiles/{article.day.year}{article.day.month:02d}/{article.path.rsplit('/', 1)[-1].split('.')[0]}"
    for k in range(rng.choice([0, 0, 1, 2])):
        suffix = rng.choice(["pdf", "doc", "xls"])
        path = f"{stem}_{k}.{suffix}"
        link = w.maybe_dead(path)
        if link == path:
            w.asset(path, rng.randint(2000, 6000))
        extras.append(f'<p>附件：<a href="{link}">附件{k + 1}.{suffix}</a></p>')
    if rng.random() < 0.4:
        path = f"{stem}_img.jpg"
        link = w.maybe_dead(path)
        if link == path:
            w.asset(path, rng.randint(3000, 8000))
        extras.append(f'<p style="text-align:center"><img src="{link}" alt="{article.title[:8]}"></p>')
    prev_next = []
    if index > 0:
        prev_next.append(f'<a href="{column.articles[index - 1].path}">上一篇：{column.articles[index - 1].title}</a>')
    if index + 1 < len(column.articles):
        prev_next.append(f'<a href="{column.articles[index + 1].path}">下一篇：{column.articles[index + 1].title}</a>')
    others = [a for a in column.articles if a is not article][:5]
    related = "".join(f'<li><a href="{a.path}" target="_blank">{a.title}</a></li>' for a in others)
    meta = {"ColumnName": column.name, "ArticleTitle": article.title, "PubDate": stamp,
            "ContentSource": w.spec.name + "办公室"}
    return "".join([
        w.head(f"{article.title}_{w.spec.name}", meta), w.nav(),
        f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/{column.path}/index.html">{column.name}</a></div>\n',
        f'<div class="article"><h1>{article.title}</h1>\n<div class="info"><span>{label}</span>'
        f"<span>来源：{w.spec.name}办公室</span><span>字号：[大 中 小]</span></div>\n"
        f'<div class="content">{paragraphs}{"".join(extras)}</div>\n'
        f'<div class="prev-next">{"".join(prev_next)}</div>\n'
        f'<div class="related"><div class="hd">相关文章</div><ul>{related}</ul></div>\n'
        '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>'
        "</div>\n",
        w.footer(),
    ])


def _write_external(root: Path, rng: random.Random) -> None:
    """The few outside hosts every site links to: a homepage and a service hall each."""
    for host in EXTERNAL_HOSTS:
        folder = root / host
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{host}</title>"
                                           "</head><body><p>外部网站</p></body></html>")
        (folder / "jiucuo.html").write_text("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政府网站找错"
                                            "</title></head><body><p>政府网站找错</p></body></html>")
        (folder / "bsdt").mkdir(exist_ok=True)
        (folder / "bsdt" / "index.html").write_text("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>网上办事大厅"
                                                    "</title></head><body><p>网上办事大厅</p></body></html>")


def _hostile_page(folder: Path, spec: SiteSpec) -> None:
    """What a hostile host holds: a gzip bomb for ``bomb``, a long page for ``drip``, nothing else."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if spec.behaviour == "bomb":
        raw = b"<!DOCTYPE html><html><body>" + b" " * (64 * 1024 * 1024)
        (folder / "index.html.gz").write_bytes(gzip.compress(raw, compresslevel=9))
        (folder / "index.html").write_text("<!DOCTYPE html><html><body></body></html>")  # gzip_static needs the original
    elif spec.behaviour == "drip":
        (folder / "index.html").write_text("<!DOCTYPE html><html><body>" + "<p>慢</p>" * 2000 + "</body></html>")
    spec.pages = 1


def generate(
    root: str | Path,
    sites: int,
    pages: int,
    *,
    seed: int = 20201015,
    gbk_share: float = 0.2,
    dead_share: float = 0.02,
    slow: int = 0,
    hostile: int = 0,
    drip: int = 0,
    homepages_only: bool = False,
) -> FarmManifest:
    """Write a farm of ``sites`` sites of about ``pages`` pages each (plus named slow and hostile hosts).

    ``hostile`` hosts cycle through reset, loop, bomb and down; ``drip`` hosts send their homepage at a
    few bytes a second, so that any deadline ends them. ``homepages_only`` writes the homepages
    alone (probe rounds need nothing else).
    """
    root = Path(root)
    hosts_dir = root / "hosts"
    shutil.rmtree(hosts_dir, ignore_errors=True)
    hosts_dir.mkdir(parents=True)
    rng = random.Random(seed)
    specs: list[SiteSpec] = []
    for i in range(sites):
        county, abbr = COUNTIES[i % len(COUNTIES)].split()
        family = FAMILIES[i % len(FAMILIES)]
        encoding = "gbk" if rng.random() < gbk_share else "utf-8"
        specs.append(SiteSpec(f"www.{abbr}{i:05d}.gov.cn", f"{county}人民政府", family, encoding))
    for i in range(slow):
        specs[(i * 7 + 3) % len(specs)].behaviour = "slow"
    kinds = ("reset", "loop", "bomb", "down")
    extra = [SiteSpec(f"www.h{kinds[i % 4]}{i:03d}.gov.cn", "异常网站", "trs", "utf-8", kinds[i % 4]) for i in range(hostile)]
    extra += [SiteSpec(f"www.drip{i:03d}.gov.cn", "慢速网站", "trs", "utf-8", "drip") for i in range(drip)]
    manifest = FarmManifest(str(root), specs + extra, list(EXTERNAL_HOSTS) + [DEAD_HOST])
    for spec in specs:
        write_site(spec, hosts_dir, 1 if homepages_only else pages, rng, specs, dead_share)
        if homepages_only:
            for child in (hosts_dir / spec.host).iterdir():
                if child.is_dir() and child.name not in ("images", "css", "js"):
                    shutil.rmtree(child)
            spec.pages = 1
    for spec in extra:
        _hostile_page(hosts_dir / spec.host, spec)
    _write_external(hosts_dir, rng)
    manifest.pages = sum(s.pages for s in manifest.sites)
    manifest.bytes = sum(f.stat().st_size for f in hosts_dir.rglob("*") if f.is_file())
    manifest.save()
    return manifest


# --- nginx ------------------------------------------------------------------------------------------------


def nginx_binary() -> str:
    """nginx lives in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin") or "nginx"


def start_nginx(conf: Path, prefix: Path, port: int) -> subprocess.Popen:
    """Start nginx on ``conf`` (prefix folder ``prefix``) and wait until it answers on ``port``."""
    process = subprocess.Popen([nginx_binary(), "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx ({conf}) did not start: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    stop_nginx(process)
    raise RuntimeError(f"nginx ({conf}) did not answer within 10 s")


def stop_nginx(process: subprocess.Popen | None) -> None:
    """Stop nginx gracefully (SIGQUIT flushes the access log buffer), killing it after 10 s."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx serving one farm on ``127.0.0.1:port``, started in the foreground as our own child."""

    def __init__(self, manifest: FarmManifest, *, linkchecker_header: bool = False, access_log: bool = False,
                 workers: int = 2) -> None:
        self.manifest = manifest
        self.linkchecker_header = linkchecker_header
        self.access_log = access_log
        self.workers = workers
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="nginx-", dir=manifest.root))
        self.log_path = self.dir / "access.log"
        self.process: subprocess.Popen[bytes] | None = None

    def config(self) -> str:
        root = Path(self.manifest.root, "hosts")
        by_kind: dict[str, list[str]] = {}
        for spec in self.manifest.sites:
            by_kind.setdefault(spec.behaviour, []).append(spec.host)
        by_kind.setdefault("reset", []).append(DEAD_HOST)
        header = 'add_header LinkChecker "unthrottled" always;' if self.linkchecker_header else ""
        log = (f'log_format farm "$host $request_method $request_uri $status";\n'
               f"  access_log {self.log_path} farm buffer=256k;" if self.access_log else "access_log off;")
        blocks = {
            "slow": f"root {root}/$host; limit_rate 256k; {header}",
            "reset": "return 444;",
            "loop": f"{header} return 302 http://$host$request_uri;",
            "bomb": f"root {root}/$host; gzip_static always; gunzip off; {header}",
            "down": f"{header} return 503;",
            "drip": f"root {root}/$host; limit_rate 16; {header}",
        }
        servers = []
        for kind, hosts in by_kind.items():
            if kind == "normal":
                continue
            names = " ".join(hosts)
            servers.append(f"server {{ listen 127.0.0.1:{self.port}; server_name {names}; "
                           f"location / {{ {blocks[kind]} }} }}")
        server_names_size = max(64, 1 << max(len(h) for h in self.manifest.hosts()).bit_length())
        user = "user root;" if os.geteuid() == 0 else ""  # workers must read the farm under a private temp dir
        # Each file in open_file_cache holds a descriptor in every worker: kept under the descriptor limit
        # nginx inherits, the cache never makes accept() and open() fail (EMFILE) in the middle of a run.
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        file_cache = 200000 if nofile == resource.RLIM_INFINITY else max(1000, min(200000, nofile - 4096 - 1024))
        return f"""
{user}
worker_processes {self.workers};
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log crit;
daemon off;
events {{ worker_connections 4096; }}
http {{
  types {{ text/html html htm; text/plain txt; text/css css; application/javascript js; image/png png;
          image/jpeg jpg; application/pdf pdf; application/msword doc; application/vnd.ms-excel xls; }}
  default_type application/octet-stream;
  {log}
  sendfile on; tcp_nopush on; keepalive_requests 100000; keepalive_timeout 65;
  open_file_cache max={file_cache} inactive=120s;
  server_names_hash_bucket_size {server_names_size};
  server_names_hash_max_size 65536;
  client_body_temp_path {self.dir}/body; proxy_temp_path {self.dir}/proxy; fastcgi_temp_path {self.dir}/fcgi;
  uwsgi_temp_path {self.dir}/uwsgi; scgi_temp_path {self.dir}/scgi;
  server {{
    listen 127.0.0.1:{self.port} default_server reuseport;
    root {root}/$host;
    location / {{ index index.html; {header} }}
    location = /_status {{ stub_status; }}
  }}
  {chr(10).join("  " + s for s in servers)}
}}
"""

    def start(self) -> Nginx:
        conf = self.dir / "nginx.conf"
        conf.write_text(self.config())
        self.process = start_nginx(conf, self.dir, self.port)
        return self

    def stop(self) -> None:
        stop_nginx(self.process)
        self.process = None

    def __enter__(self) -> Nginx:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        if not self.access_log:  # a logged run keeps its folder until the log is read (``discard``)
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def requests(self) -> int:
        """nginx's own count of requests served so far (stub_status), the status request itself excluded."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_status", timeout=5) as r:
            lines = r.read().decode().splitlines()
        return int(lines[2].split()[2]) - 1

    def connect_to(self) -> dict[tuple[str, int], tuple[str, int]]:
        """The client's connect-to table: every farm host name on port 80 goes to this nginx."""
        return {(host, 80): ("127.0.0.1", self.port) for host in self.manifest.hosts()}

    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> Iterator[tuple[str, str, str, int]]:
        """(host, method, path, status) of every request logged since start (after ``stop``)."""
        if not self.log_path.exists():
            return
        with self.log_path.open() as f:
            for line in f:
                host, method, path, status = line.rstrip("\n").split(" ", 3)
                yield host, method, path, int(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--slow", type=int, default=0)
    parser.add_argument("--hostile", type=int, default=0)
    parser.add_argument("--drip", type=int, default=0)
    parser.add_argument("--homepages-only", action="store_true")
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "govinspect-farm"))
    parser.add_argument("--serve", action="store_true", help="serve it with nginx until interrupted")
    args = parser.parse_args()
    started = time.perf_counter()
    manifest = generate(args.out, args.sites, args.pages, slow=args.slow, hostile=args.hostile, drip=args.drip,
                        homepages_only=args.homepages_only)
    print(f"farm: {len(manifest.sites)} hosts, {manifest.pages} pages, {manifest.bytes / 1e6:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s under {args.out}")
    if args.serve:
        with Nginx(manifest) as server:
            print(f"nginx on 127.0.0.1:{server.port}; GOVINSPECT_CONNECT_TO=<host>:80:127.0.0.1:{server.port}")
            try:
                server.process.wait()
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    main()
