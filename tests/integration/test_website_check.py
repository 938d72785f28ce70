"""The website check over real HTTP against the demo farm, compared with what the farm was designed to show."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from govinspect.checks.website import CrawlBudget, SiteTarget, check_website
from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.demo import designed
from govinspect.demo.farm import start_farm
from govinspect.net import HttpClient, run

TODAY = date(2020, 10, 15)


@pytest.fixture(scope="module")
def portal_check():
    farm = start_farm(TODAY)
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(farm.connect_to()))

    async def go():
        async with HttpClient(settings, timeout=3.0, per_host_rate=None) as client:
            return await check_website(client, SiteTarget("1506230001", "门户网站", "http://www.etkqq.gov.cn/"), TODAY)

    try:
        yield run(go()), designed.outcomes(TODAY)
    finally:
        farm.stop()


def test_dead_links_match_the_design(portal_check):
    check, expected = portal_check
    found = {(d["url"], d["outcome"], d["on_homepage"]) for d in check.dead_links}
    wanted = {(d.target, d.outcome, d.on_homepage) for d in expected["dead_links"]}
    assert found == wanted
    assert check.observation["dead_links"] == expected["website"]["dead_links"]


def test_columns_match_the_design(portal_check):
    check, expected = portal_check
    columns = {c["url"]: c for c in check.observation["columns"]}
    for url, want in expected["columns"].items():
        if want.get("state") not in ("fresh", "stale", "blank"):
            continue
        assert url in columns, f"column {want['name']} ({url}) not found"
        got = columns[url]
        if want["state"] == "blank":
            assert got["items"] == 0, want["name"]
        else:
            assert got["latest"] == want["latest"].isoformat(), want["name"]
            assert got["type"] == want["type"], want["name"]


def test_homepage_and_interaction(portal_check):
    check, expected = portal_check
    assert check.observation["homepage_latest"] == expected["website"]["homepage_latest"].isoformat()
    assert check.observation["interaction"]["has_channel"] is True
    assert check.observation["interaction"]["oldest_unanswered_days"] == expected["website"]["interaction"]["oldest_unanswered_days"]


def test_budget_is_respected():
    farm = start_farm(TODAY)
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(farm.connect_to()))

    async def go():
        async with HttpClient(settings, timeout=2.0, per_host_rate=None) as client:
            return await check_website(client, SiteTarget("1506230001", "门户网站", "http://www.etkqq.gov.cn/"), TODAY,
                                       CrawlBudget(max_pages=10, max_depth=1))

    try:
        check = run(go())
    finally:
        farm.stop()
    assert check.observation["pages_fetched"] <= 10


def test_unreachable_site_is_a_finding_not_an_error():
    async def go():
        async with HttpClient(NetSettings(), timeout=2.0) as client:
            return await check_website(client, SiteTarget("1506230099", "内网网站", "http://10.255.255.1/"), TODAY)

    check = run(go())
    assert check.homepage_outcome == "blocked_private_address"
    assert check.observation["checked"] is False


def _undated_site() -> tuple:
    """A small site whose list shows no dates: its articles' PubDate must decide."""
    import socket
    import threading

    from aiohttp import web

    home = ('<html><head><title>测试县人民政府</title><link rel="stylesheet" href="/css/main.css"></head>'
            '<body><img src="/images/banner-missing.png" alt="banner"><div class="nav"><a href="/">首页</a>'
            '<a href="/zwgk/tzgg/index.html">通知公告</a></div>'
            '<div class="box"><h3><a href="/zwgk/tzgg/index.html">通知公告</a></h3><ul>'
            '<li><a href="/zwgk/tzgg/a1.html">关于开展秋季防火检查的通知</a></li>'
            '<li><a href="/zwgk/tzgg/a2.html">关于调整办公时间的公告</a></li></ul></div></body></html>')
    listing = ('<html><head><title>通知公告_测试县人民政府</title><meta name="ColumnName" content="通知公告"></head><body>'
               '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 通知公告</div><ul class="list">'
               '<li><a href="/zwgk/tzgg/a1.html">关于开展秋季防火检查的通知</a></li>'
               '<li><a href="/zwgk/tzgg/a2.html">关于调整办公时间的公告</a></li></ul><div class="page">共1页</div></body></html>')

    def article(day: str) -> str:
        return (f'<html><head><meta name="PubDate" content="{day} 09:30"><title>文章</title></head>'
                f'<body><div class="info">发布时间：{day}</div><p>正文</p></body></html>')

    routes = {"/": home, "/css/main.css": "body{}", "/zwgk/tzgg/index.html": listing, "/zwgk/tzgg/a1.html": article("2020-10-09"),
              "/zwgk/tzgg/a2.html": article("2020-09-30")}

    async def handler(request):
        body = routes.get(request.path)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(text=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    ready.wait(5)
    return port, loop


def test_detail_pages_date_an_undated_list():
    port, loop = _undated_site()
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"),
                           connect_to=parse_connect_to(f"www.test.gov.cn:80:127.0.0.1:{port}"))

    async def go():
        async with HttpClient(settings, timeout=3.0, per_host_rate=None) as client:
            return await check_website(client, SiteTarget("1506230002", "测试", "http://www.test.gov.cn/"), TODAY)

    try:
        check = run(go())
    finally:
        loop.call_soon_threadsafe(loop.stop)
    columns = {c["name"]: c for c in check.observation["columns"]}
    assert columns["通知公告"]["latest"] == "2020-10-09"
    assert columns["通知公告"]["dated_by"] == "detail"
    # what the page loads is checked too: the missing banner image is a dead link on the homepage
    dead = {(d["url"], d["anchor"], d["on_homepage"]) for d in check.dead_links}
    assert dead == {("http://www.test.gov.cn/images/banner-missing.png", "[图片]", True)}


def test_no_column_beyond_the_design_is_judged(portal_check):
    """Content pages (联系我们, 概况) and navigation pages (网站地图, hubs) are not columns: nothing but the
    designed columns may come out blank or undated."""
    check, expected = portal_check
    designed_urls = set(expected["columns"])
    extra = [c for c in check.observation["columns"] if c["url"] not in designed_urls]
    assert [c["name"] for c in extra if c["items"] == 0 or c["latest"] is None] == []
    blank = sorted(c["name"] for c in check.observation["columns"] if c["items"] == 0)
    assert blank == sorted(c["name"] for c in expected["columns"].values() if c["state"] == "blank")
