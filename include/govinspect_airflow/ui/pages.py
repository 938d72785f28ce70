"""The Inspection view's HTML: server-rendered pages with relative links, so they work inside the
Airflow UI's frame and behind a reverse proxy that moves the api-server under a sub-path."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from jinja2 import DictLoader, Environment, select_autoescape

from govinspect.notice.formatting import format_change, format_score
from govinspect.views import QuarterReport, QuarterSummary, Tally

STYLE = """
:root { --fg:#1f2933; --muted:#616e7c; --line:#e4e7eb; --bg:#f5f7fa; --bad:#c81e1e; --ok:#0e7c3a; --warn:#b44d12;
        --accent:#017cee; }
* { box-sizing:border-box; }
body { margin:0; padding:20px 28px 40px; font:14px/1.55 "Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",
       "PingFang SC",system-ui,sans-serif; color:var(--fg); background:#fff; }
h1 { font-size:20px; margin:0 0 2px; } h2 { font-size:16px; margin:28px 0 8px; padding-bottom:4px;
     border-bottom:1px solid var(--line); } h2 .n { color:var(--muted); font-weight:normal; }
.sub { color:var(--muted); margin:0 0 16px; }
a { color:var(--accent); text-decoration:none; } a:hover { text-decoration:underline; }
table { border-collapse:collapse; width:100%; margin:4px 0 8px; }
th, td { text-align:left; vertical-align:top; padding:6px 8px; border-bottom:1px solid var(--line); }
th { background:var(--bg); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; white-space:nowrap; font-variant-numeric:tabular-nums; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:12px 0 4px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:170px; background:var(--bg); }
.card .k { color:var(--muted); font-size:12px; } .card .v { font-size:24px; font-weight:600; }
.card .d { color:var(--muted); font-size:12px; }
.bad { color:var(--bad); } .ok { color:var(--ok); } .warn { color:var(--warn); } .muted { color:var(--muted); }
.tag { display:inline-block; padding:0 6px; border-radius:4px; font-size:12px; background:#fde8e8; color:var(--bad);
       margin-right:4px; } .tag.unknown { background:#fdf0e6; color:var(--warn); }
ul.reasons { margin:0; padding-left:16px; } ul.reasons li { margin:2px 0; }
.posts { color:var(--muted); font-size:12px; margin-top:4px; }
.files { margin:6px 0; } .files a { display:inline-block; margin:3px 6px 3px 0; }
.files a.file { padding:5px 10px; border:1px solid var(--line); border-radius:6px; background:var(--bg); }
.files .ext { font-size:11px; font-weight:600; color:#fff; background:var(--accent); border-radius:3px;
              padding:0 4px; margin-right:6px; } .files a.pdf .ext { background:var(--bad); }
.files.lists a { margin-right:14px; } details { margin:6px 0; } summary { cursor:pointer; color:var(--muted); }
h3 { font-size:14px; margin:14px 0 4px; } h3 .n { color:var(--muted); font-weight:normal; }
table.findings { table-layout:fixed; } table.findings th:nth-child(1) { width:18%; }
table.findings th:nth-child(2) { width:10%; } table.findings th:nth-child(3) { width:20%; }
.crumb { font-size:12px; margin-bottom:8px; }
.empty { color:var(--muted); font-style:italic; }
"""

BASE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}常态化检查{% endblock %}</title><style>{{ style }}</style></head>
<body>{% block body %}{% endblock %}</body></html>
"""

INDEX = """{% extends "base.html" %}
{% block body %}
<h1>政府网站与政务新媒体常态化检查</h1>
<p class="sub">Inspection results by quarter, read from the govinspect store{% if store %} ({{ store }}){% endif %}.</p>
{% if not quarters %}
<p class="empty">No quarter in the store yet: trigger <code>quarterly_inspection</code> with {"quarter": "2020Q3"}.</p>
{% else %}
<table>
<tr><th>季度</th><th class="num">网站合格率</th><th class="num">不合格网站</th><th class="num">新媒体合格率</th>
<th class="num">不合格账号</th><th class="num">需人工核查</th><th class="num">备案核对问题</th><th>通报</th></tr>
{% for q in quarters %}
<tr>
<td><a href="quarters/{{ q.quarter }}">{{ q.label }}</a> <span class="muted">{{ q.quarter }}</span></td>
<td class="num">{{ rate(q.websites) }}</td><td class="num {{ 'bad' if q.websites.failed }}">{{ q.websites.failed }}</td>
<td class="num">{{ rate(q.accounts) }}</td><td class="num {{ 'bad' if q.accounts.failed }}">{{ q.accounts.failed }}</td>
<td class="num {{ 'warn' if q.accounts.unknown }}">{{ q.accounts.unknown }}</td>
<td class="num">{{ q.findings }}</td>
<td>{% if q.notice_at %}{{ when(q.notice_at) }}{% elif q.scored %}<span class="muted">scored, not issued</span>{% else %}<span class="muted">in progress</span>{% endif %}</td>
</tr>
{% endfor %}
</table>
{% endif %}
{% endblock %}
"""

QUARTER = """{% extends "base.html" %}
{% block title %}{{ s.label }} · 常态化检查{% endblock %}
{% block body %}
<div class="crumb"><a href="../">← 全部季度 All quarters</a></div>
<h1>{{ s.label }}检查结果</h1>
<p class="sub">{{ s.quarter }}{% if s.notice_at %} · 通报生成于 {{ when(s.notice_at) }}{% endif %}</p>
<div class="cards">
  <div class="card"><div class="k">政府网站合格率</div><div class="v">{{ rate(s.websites) }}</div>
    <div class="d">{{ s.websites.passed }} 合格 / {{ s.websites.failed }} 不合格 / 共 {{ s.websites.total }}</div></div>
  <div class="card"><div class="k">政务新媒体合格率</div><div class="v">{{ rate(s.accounts) }}</div>
    <div class="d">{{ s.accounts.passed }} 合格 / {{ s.accounts.failed }} 不合格 / 共 {{ s.accounts.total }}</div></div>
  <div class="card"><div class="k">需人工核查</div><div class="v warn">{{ s.accounts.unknown }}</div>
    <div class="d">无法自动读取，不计入不合格</div></div>
  <div class="card"><div class="k">备案核对问题</div><div class="v">{{ s.findings }}</div>
    <div class="d">未备案、个人名义、逾期备案等</div></div>
</div>

<h2>通报与附件 <span class="n">Notice and attachments</span></h2>
{% if r.files %}<div class="files">{% for f in main %}
<a class="file {{ f.kind }}" href="{{ s.quarter }}/files/{{ q(f.name) }}" download><span class="ext">{{ f.kind|upper }}</span>{{ f.name }}</a>
<span class="muted">{{ size(f.size) }}</span>{% endfor %}</div>
{% if lists %}<details><summary>整改清单（{{ lists|length }} 个单位）Rectification lists</summary><div class="files lists">
{% for f in lists %}<a href="{{ s.quarter }}/files/{{ q(f.name) }}" download>{{ f.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] }}</a>{% endfor %}
</div></details>{% endif %}
{% else %}<p class="empty">The notice has not been rendered for this quarter yet.</p>{% endif %}

<h2>不合格网站 <span class="n">{{ r.failing_websites|length }}</span></h2>
{% if r.failing_websites %}<table>
<tr><th>网站</th><th>主办单位</th><th>首页</th><th>问题及证据</th><th>链接不可用</th></tr>
{% for w in r.failing_websites %}<tr>
<td>{{ w.name }}<br><span class="muted">{{ w.site_code }}</span>{% if w.url %}<br><a href="{{ w.url }}" target="_blank" rel="noopener noreferrer">{{ w.url }}</a>{% endif %}</td>
<td>{{ w.unit }}</td><td>{{ w.homepage_outcome }}</td>
<td><ul class="reasons">{% for x in w.reasons %}<li><span class="tag">{{ x.rule }}</span>{{ x.title }}：{{ x.evidence }}</li>{% endfor %}</ul></td>
<td class="num">{{ w.dead_link_total }}</td></tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endif %}

<h2>不合格政务新媒体 <span class="n">{{ r.failing_accounts|length }}</span></h2>
{% if r.failing_accounts %}<table>
<tr><th>账号</th><th>平台</th><th>单位</th><th>最近发布</th><th>问题及证据</th></tr>
{% for a in r.failing_accounts %}<tr>
<td>{{ a.name }}<br><span class="muted">{{ a.id }}</span></td><td>{{ a.platform }}</td><td>{{ a.unit }}</td>
<td>{{ a.last_post or '—' }}</td>
<td><ul class="reasons">{% for x in a.reasons %}<li><span class="tag">{{ x.rule }}</span>{{ x.title }}：{{ x.evidence }}</li>{% endfor %}</ul>
{% if a.source %}<div class="posts">来源 {{ a.source }}{% if a.source_url %} · <a href="{{ a.source_url }}" target="_blank" rel="noopener noreferrer">{{ a.source_url }}</a>{% endif %}</div>{% endif %}
{% for p in a.posts %}<div class="posts">{{ p.time[:10] }} {% if p.link %}<a href="{{ p.link }}" target="_blank" rel="noopener noreferrer">{{ p.title }}</a>{% else %}{{ p.title }}{% endif %}</div>{% endfor %}
</td></tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endif %}

<h2>需人工核查的账号 <span class="n">{{ r.manual_accounts|length }}</span></h2>
{% if r.manual_accounts %}<table>
<tr><th>账号</th><th>平台</th><th>单位</th><th>自动读取</th><th>说明</th></tr>
{% for a in r.manual_accounts %}<tr>
<td>{{ a.name }}<br><span class="muted">{{ a.id }}</span></td><td>{{ a.platform }}</td><td>{{ a.unit }}</td>
<td>{{ a.source or '—' }}{% if a.source_outcome %} <span class="muted">({{ a.source_outcome }})</span>{% endif %}</td>
<td><ul class="reasons">{% for x in a.reasons %}<li>{% if x.rule %}<span class="tag unknown">{{ x.rule }}</span>{% endif %}{{ x.evidence }}</li>{% else %}<li>无法读取最近发布时间，请补充人工核查记录</li>{% endfor %}</ul></td>
</tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endif %}

<h2>发布内容待核实 <span class="n">{{ r.post_checks|length }}</span></h2>
<p class="muted">Posts that matched the bureau's lists (敏感词, 领导姓名职务): candidates for NM1 (严重表述错误) for an inspector to confirm or dismiss; none is scored by itself.</p>
{% if r.post_checks %}<table>
<tr><th>账号</th><th>平台</th><th>单位</th><th>类别</th><th>命中</th><th>上下文</th><th>发布</th></tr>
{% for c in r.post_checks %}<tr>
<td>{{ c.account }}<br><span class="muted">{{ c.account_id }}</span></td><td>{{ c.platform }}</td><td>{{ c.unit }}</td>
<td>{{ c.label }}</td><td>{{ c.term }}{% if c.expected %}<br><span class="muted">应为 {{ c.expected }}</span>{% endif %}</td>
<td>{{ c.context }}</td>
<td>{{ c.post_time }}<br>{% if c.post_link %}<a href="{{ c.post_link }}" target="_blank" rel="noopener noreferrer">{{ c.post_title }}</a>{% else %}{{ c.post_title }}{% endif %}</td>
</tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endif %}

<h2>备案核对发现 <span class="n">{{ r.findings|length }}</span></h2>
{% for kind, group in r.findings|groupby("kind") %}
<h3>{{ group[0].label }} <span class="n">{{ group|length }}</span></h3>
<table class="findings"><tr><th>账号</th><th>平台</th><th>单位</th><th>情况</th></tr>
{% for f in group %}<tr><td>{{ f.name }}</td><td>{{ f.platform }}</td><td>{{ f.unit }}</td><td>{{ f.detail }}</td></tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endfor %}

<h2>报送数据退回记录 <span class="n">{{ r.quarantined|length }}</span></h2>
{% if r.quarantined %}<table>
<tr><th>文件</th><th class="num">行</th><th>列</th><th>值</th><th>原因</th></tr>
{% for q in r.quarantined %}<tr><td>{{ q.file }}</td><td class="num">{{ q.row }}</td><td>{{ q.column }}</td>
<td>{{ q.value }}</td><td>{{ q.reason }}</td></tr>{% endfor %}
</table>{% else %}<p class="empty">无</p>{% endif %}

<h2>单位得分（{{ r.year }}年度考核） <span class="n">{{ r.units|length }}</span></h2>
{% if r.units %}<table>
<tr><th>单位</th><th>类型</th><th class="num">本季度</th><th class="num">环比</th><th class="num">同比</th>
<th class="num">年度</th><th class="num">检查</th><th class="num">不合格</th><th class="num">待核查</th></tr>
{% for u in r.units %}<tr><td>{{ u.unit }}</td><td>{{ u.kind }}</td><td class="num">{{ score(u.quarter_score) }}</td>
<td class="num">{{ change(u.change_from_previous) }}</td><td class="num">{{ change(u.change_from_year_ago) }}</td>
<td class="num">{{ score(u.annual_score) }}</td><td class="num">{{ u.judged }}</td>
<td class="num {{ 'bad' if u.failed }}">{{ u.failed }}</td><td class="num">{{ u.unknown }}</td></tr>{% endfor %}
</table>{% else %}<p class="empty">The annual rollup has not run for this quarter yet.</p>{% endif %}
{% endblock %}
"""

DENIED = """{% extends "base.html" %}
{% block title %}{{ status }}{% endblock %}
{% block body %}<h1>{{ status }}</h1><p>{{ detail }}</p>
<p><a href="{{ login }}" target="_top">Log in to Airflow</a></p>{% endblock %}
"""

NOT_FOUND = """{% extends "base.html" %}
{% block body %}<div class="crumb"><a href="../">← 全部季度 All quarters</a></div>
<h1>404</h1><p>{{ detail }}</p>{% endblock %}
"""

ICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#017cee" stroke-width="2"
stroke-linecap="round" stroke-linejoin="round"><path d="M9 11l3 3 8-8"/><path d="M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5
a2 2 0 0 1 2-2h9"/></svg>"""


def _rate(t: Tally) -> str:
    return "—" if t.pass_rate is None else f"{t.pass_rate * 100:.1f}%"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") + " UTC" if value else ""


_env = Environment(
    loader=DictLoader({"base.html": BASE, "index.html": INDEX, "quarter.html": QUARTER, "denied.html": DENIED,
                       "not_found.html": NOT_FOUND}),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
_env.globals.update(style=STYLE, rate=_rate, score=format_score, change=format_change, size=_size, when=_when, q=lambda s: quote(s))


def index_page(quarters: list[QuarterSummary], store: str = "") -> str:
    return _env.get_template("index.html").render(quarters=quarters, store=store)


def quarter_page(report: QuarterReport) -> str:
    main = [f for f in report.files if "/" not in f.name]
    lists = [f for f in report.files if "/" in f.name]  # one rectification list per unit, in a folder
    return _env.get_template("quarter.html").render(r=report, s=report.summary, main=main, lists=lists)


def denied_page(status: int, detail: str, login: str) -> str:
    return _env.get_template("denied.html").render(status=status, detail=detail, login=login)


def not_found_page(detail: str) -> str:
    return _env.get_template("not_found.html").render(detail=detail)
