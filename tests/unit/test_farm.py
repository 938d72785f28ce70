"""The demo farm: a real HTTP server on loopback, reached through 127.0.0.1:PORT with a Host header."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import feedparser
import pytest

from govinspect.demo.designed import COLUMNS, HANG, ITUNES, PORTAL, RSSHUB, XXGK, outcomes
from govinspect.demo.farm import FarmHandle, start_farm

TODAY = date(2020, 10, 15)
DATE_CELL = re.compile(r"\d{4}-\d\d-\d\d|\[\d\d-\d\d\]|\d{4}年\d{1,2}月\d{1,2}日|\d{4}/\d\d/\d\d")
INCLUDE = Path(__file__).resolve().parents[2] / "include"


@pytest.fixture(scope="module")
def farm() -> Iterator[FarmHandle]:
    handle = start_farm(TODAY)
    yield handle
    handle.stop()


async def _get(session: aiohttp.ClientSession, farm: FarmHandle, host: str, path: str,
               timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    async with session.get(f"http://127.0.0.1:{farm.port}{path}", headers={"Host": host}, allow_redirects=False,
                           timeout=aiohttp.ClientTimeout(total=timeout)) as response:
        return response.status, dict(response.headers), await response.read()


def fetch(farm: FarmHandle, host: str, path: str) -> tuple[int, dict[str, str], bytes]:
    async def once() -> tuple[int, dict[str, str], bytes]:
        async with aiohttp.ClientSession() as session:
            return await _get(session, farm, host, path)

    return asyncio.run(once())


def fetch_many(farm: FarmHandle, requests: list[tuple[str, str]]) -> list[tuple[int, dict[str, str], bytes]]:
    async def run() -> list[tuple[int, dict[str, str], bytes]]:
        async with aiohttp.ClientSession() as session:
            return await asyncio.gather(*(_get(session, farm, host, path) for host, path in requests))

    return asyncio.run(run())


def expected_date_text(day: date, style: str) -> str:
    return {"iso": f"{day:%Y-%m-%d}", "md": f"[{day:%m-%d}]", "cn": f"{day.year}年{day.month}月{day.day}日",
            "slash": f"{day:%Y/%m/%d}"}[style]


def test_connect_to_maps_every_demo_host(farm: FarmHandle) -> None:
    entries = dict(e.split(":80:", 1) for e in farm.connect_to().split(","))
    assert set(entries) == {PORTAL, XXGK, RSSHUB, ITUNES, HANG}
    assert entries[PORTAL] == f"127.0.0.1:{farm.port}" and entries[HANG] == f"127.0.0.1:{farm.hang_port}"
    assert farm.port != farm.hang_port
    assert farm.resolve(HANG) == ("127.0.0.1", farm.hang_port) and farm.resolve("example.org") is None


def test_homepage_is_a_utf8_portal(farm: FarmHandle) -> None:
    status, headers, body = fetch(farm, PORTAL, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    assert '<meta name="SiteIDCode" content="1506230001">' in text
    assert '<meta name="SiteName" content="鄂托克前旗人民政府">' in text
    for name in ("要闻动态", "乡镇动态", "部门动态", "通知公告", "政策文件", "政策解读", "在线访谈", "人事信息", "规划计划",
                 "重点领域信息公开"):
        assert f">{name}</a></h3>" in text, name
    for nav in ("首页", "政务公开", "政务服务", "互动交流", "走进前旗"):
        assert f">{nav}</a></li>" in text
    assert '<span class="date">2020-10-13</span>' in text  # 要闻动态: newest two days before today
    assert "网站标识码：1506230001" in text and "&copy; 2020" in text
    assert headers["Date"] == "Thu, 15 Oct 2020 02:00:00 GMT"


def test_disclosure_platform_is_gbk(farm: FarmHandle) -> None:
    listing, hub = fetch_many(farm, [(XXGK, "/zcwj/index.html"), (XXGK, "/index.html")])
    assert listing[1]["Content-Type"] == "text/html; charset=GBK"
    assert hub[1]["Content-Type"] == "text/html"
    assert "<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\">" in hub[2].decode("gbk")
    for _status, _headers, body in (listing, hub):
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    text = listing[2].decode("gbk")
    assert "旗政府文件" in text and "法定主动公开内容" in text and "鄂前政发〔2020〕" in text
    first = re.search(r'<a href="\./(\d{6}/t\d{8}_\d+\.html)"', text)
    assert first is not None
    status, headers, body = fetch(farm, XXGK, "/zcwj/" + first.group(1))
    assert status == 200 and headers["Content-Type"] == "text/html"
    detail = body.decode("gbk")
    assert '<meta charset="gbk">' in detail
    assert re.search(r"二〇二〇年[一二三四五六七八九十]+月[一二三四五六七八九十]+日", detail)
    assert "成文日期" in detail and "发布日期" in detail and "2020年10月9日" in detail


def test_columns_show_their_designed_newest_date(farm: FarmHandle) -> None:
    requests = [(spec.host, spec.path + "index.html") for spec in COLUMNS]
    for spec, (status, _headers, body) in zip(COLUMNS, fetch_many(farm, requests), strict=True):
        assert status == 200, spec.url
        text = body.decode("gbk" if spec.host == XXGK else "utf-8")
        assert f'<meta name="ColumnName" content="{spec.name}">' in text
        if spec.state == "blank":
            assert "暂无信息" in text and '<ul class="news-list"></ul>' in text
            continue
        newest = TODAY - timedelta(days=spec.newest_days_ago)
        if spec.path == "/hdjl/qzxx/":
            assert f"<td>{newest.isoformat()}</td>" in text
            continue
        assert f"共{spec.items}条" in text
        cells = re.findall(r"<(?:span|td)>([^<]*)</(?:span|td)>", text)
        dates = [c for c in cells if DATE_CELL.fullmatch(c)]
        assert dates[0] == expected_date_text(newest, spec.date_style), spec.url


def test_designed_column_states_follow_the_rule_windows() -> None:
    for spec in COLUMNS:
        if spec.items == 0:
            assert spec.state == "blank"
        elif spec.type != "consult":
            assert (spec.state == "stale") == (spec.newest_days_ago > spec.window), spec.url
    website = outcomes(TODAY)["website"]
    assert (website["blank_columns"], website["stale_columns"]) == (2, 4)
    assert website["dead_links"] == {"homepage": 1, "other": 7}
    assert website["interaction"] == {"has_channel": True, "oldest_unanswered_days": 40}
    assert website["homepage_latest"] == date(2020, 10, 14)


def test_detail_page_has_trs_metadata(farm: FarmHandle) -> None:
    _s, _h, body = fetch(farm, PORTAL, "/zwgk/tzgg/index.html")
    href = re.search(r'<a href="\./(\d{6}/t(\d{8})_\d+\.html)"', body.decode("utf-8"))
    assert href is not None and href.group(2) == "20201014"
    status, _headers, detail = fetch(farm, PORTAL, "/zwgk/tzgg/" + href.group(1))
    text = detail.decode("utf-8")
    assert status == 200
    assert re.search(r'<meta name="PubDate" content="2020-10-14 \d\d:\d\d">', text)
    assert re.search(r"发布时间：2020-10-14 \d\d:\d\d", text)
    assert "当前位置：" in text and ">通知公告</a>" in text


def test_letters_show_one_old_unanswered_message(farm: FarmHandle) -> None:
    _s, _h, body = fetch(farm, PORTAL, "/hdjl/qzxx/index.html")
    rows = re.findall(r"<tr><td>\d+</td>.*?<td>([\d-]+)</td><td>([\d-]*)</td><td>(.+?)</td></tr>", body.decode("utf-8"))
    assert len(rows) == 15
    unanswered = [date.fromisoformat(written) for written, answered, state in rows if not answered]
    assert sorted((TODAY - d).days for d in unanswered) == [2, 40]
    assert all(state == "已回复" for _w, answered, state in rows if answered)


def _links(page_url: str, html: str) -> set[str]:
    found = set()
    for href in re.findall(r'<a\s[^>]*?href="([^"]*)"', html):
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        found.add(urljoin(page_url, href).split("#", 1)[0])
    return found


def test_every_link_works_except_the_designed_dead_links(farm: FarmHandle) -> None:
    """Crawl both sites from the homepage: the broken links are exactly the designed ones, at their depth."""

    async def crawl() -> tuple[dict[str, int], set[tuple[str, str]]]:
        depth = {f"http://{PORTAL}/": 0}
        edges: set[tuple[str, str]] = set()
        status_of: dict[str, int] = {}
        frontier = [f"http://{PORTAL}/"]
        async with aiohttp.ClientSession() as session:
            while frontier:
                level = []
                replies = await asyncio.gather(*(
                    _get(session, farm, urlsplit(u).hostname or "", urlsplit(u).path or "/") for u in frontier))
                for url, (status, headers, body) in zip(frontier, replies, strict=True):
                    status_of[url] = status
                    if status != 200 or not headers["Content-Type"].startswith("text/html"):
                        continue
                    html = body.decode("gbk" if urlsplit(url).hostname == XXGK else "utf-8")
                    for link in _links(url, html):
                        host = urlsplit(link).hostname
                        if host == HANG:
                            edges.add((url, link))
                        elif host in (PORTAL, XXGK):
                            if link not in depth:
                                depth[link] = depth[url] + 1
                                level.append(link)
                            edges.add((url, link))
                frontier = level
        broken = {(page, link) for page, link in edges if urlsplit(link).hostname == HANG or status_of[link] != 200}
        return depth, broken

    depth, broken = asyncio.run(crawl())
    designed = outcomes(TODAY)["dead_links"]
    assert broken == {(d.page, d.target) for d in designed}
    for d in designed:
        assert depth[d.page] == d.depth, d
    assert len(depth) > 300  # the whole site was reached


def test_dead_links_answer_with_their_designed_status(farm: FarmHandle) -> None:
    designed = [d for d in outcomes(TODAY)["dead_links"] if d.status is not None]
    replies = fetch_many(farm, [(urlsplit(d.target).hostname or "", urlsplit(d.target).path) for d in designed])
    assert [status for status, _h, _b in replies] == [d.status for d in designed]


def test_hang_host_never_answers(farm: FarmHandle) -> None:
    async def probe() -> None:
        async with aiohttp.ClientSession() as session:
            await session.get(f"http://127.0.0.1:{farm.hang_port}/", headers={"Host": HANG},
                              timeout=aiohttp.ClientTimeout(total=1))

    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(probe())


def _newest_post(body: bytes) -> date | None:
    parsed = feedparser.parse(body)
    days = [parsedate_to_datetime(e.published).date() for e in parsed.entries if e.get("published")]
    return max(days) if days else None


def test_feeds_show_their_designed_outcome(farm: FarmHandle) -> None:
    accounts = [(key, v) for key, v in outcomes(TODAY)["accounts"].items() if v["source"] == "rss" and v["feed"] != "slow"]
    routes = {"weibo": "/weibo/user/", "douyin": "/douyin/user/", "toutiao": "/toutiao/user/",
              "kuaishou": "/kuaishou/profile/"}
    replies = fetch_many(farm, [(RSSHUB, routes[platform] + account_id) for (platform, account_id), _v in accounts])
    seen = set()
    for ((platform, account_id), designed), (status, headers, body) in zip(accounts, replies, strict=True):
        feed = designed["feed"]
        seen.add(feed)
        if feed == "cancelled":
            assert status == 404 and b"Looks like something went wrong in RSSHub" in body
            continue
        assert status == 200 and headers["Content-Type"].startswith("application/xml")
        parsed = feedparser.parse(body)
        if feed == "malformed":
            assert parsed.bozo and _newest_post(body) is None
        elif feed == "empty":
            assert not parsed.bozo and parsed.entries == [] and parsed.feed.title
        else:
            assert not parsed.bozo and len(parsed.entries) == 10
            assert "+0800" in parsed.entries[0].published
            assert _newest_post(body) == TODAY - timedelta(days=designed["newest_days_ago"]), (platform, account_id)
            assert (designed["verdict"] == "fresh") == (designed["newest_days_ago"] <= 14)
    assert seen == {"fresh", "stale", "cancelled", "empty", "malformed"}


def test_closed_account_still_posts(farm: FarmHandle) -> None:
    closed = [k for k, v in outcomes(TODAY)["accounts"].items() if v.get("status") == "注销"]
    assert closed == [("kuaishou", "1892409133")]
    _s, _h, body = fetch(farm, RSSHUB, "/kuaishou/profile/1892409133")
    assert _newest_post(body) == TODAY - timedelta(days=3)


def test_slow_feed_does_not_block_other_requests(farm: FarmHandle) -> None:
    slow_path = "/douyin/user/66037191287"
    assert outcomes(TODAY)["accounts"][("douyin", "66037191287")]["feed"] == "slow"

    async def race() -> tuple[bool, int, BaseException | None]:
        async with aiohttp.ClientSession() as session:
            slow = asyncio.create_task(_get(session, farm, RSSHUB, slow_path, timeout=2.0))
            await asyncio.sleep(0.2)
            status, _h, _b = await _get(session, farm, PORTAL, "/")
            pending = not slow.done()
            try:
                await slow
                error = None
            except TimeoutError as exc:  # the client's deadline cuts the slow route
                error = exc
            return pending, status, error

    pending, status, error = asyncio.run(race())
    assert status == 200 and pending and isinstance(error, asyncio.TimeoutError)


def test_app_store_lookup(farm: FarmHandle) -> None:
    _s, headers, body = fetch(farm, ITUNES, "/lookup?id=1488078891,1488236922,1")
    data = json.loads(body)
    assert headers["Content-Type"].startswith("text/javascript") and data["resultCount"] == 2
    released = {r["trackId"]: r["currentVersionReleaseDate"] for r in data["results"]}
    assert released == {1488078891: "2020-10-10T08:00:00Z", 1488236922: "2019-10-01T08:00:00Z"}


def test_robots_unknown_paths_and_hosts(farm: FarmHandle) -> None:
    robots, missing, other, directory = fetch_many(
        farm, [(PORTAL, "/robots.txt"), (PORTAL, "/no/such/page.html"), ("example.org", "/"), (PORTAL, "/xwzx/ywdt")])
    assert robots[0] == 200 and robots[2] == b"User-agent: *\nAllow: /\n"
    assert missing[0] == 404 and other[0] == 404
    assert directory[0] == 301 and directory[1]["Location"] == f"http://{PORTAL}/xwzx/ywdt/"


def test_dates_shift_with_today_and_pages_are_deterministic(farm: FarmHandle) -> None:
    later = date(2021, 3, 1)
    with start_farm(later) as shifted, start_farm(TODAY) as again:
        home_later = fetch(shifted, PORTAL, "/")[2].decode("utf-8")
        assert '<span class="date">2021-02-27</span>' in home_later and "&copy; 2021" in home_later
        assert "2020-10-13" not in home_later
        feed = fetch(shifted, RSSHUB, "/weibo/user/7145280733")[2]
        assert _newest_post(feed) == later - timedelta(days=2)
        for host, path in ((PORTAL, "/"), (XXGK, "/zcwj/index.html"), (RSSHUB, "/weibo/user/7145280733")):
            assert fetch(again, host, path)[2] == fetch(farm, host, path)[2]


def test_busy_port_is_reported(farm: FarmHandle) -> None:
    with pytest.raises(OSError):
        start_farm(TODAY, port=farm.port)


def test_command_line_prints_connect_to_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONPATH": str(INCLUDE)}
    command = [sys.executable, "-m", "govinspect.demo.farm", "--today", "2020-10-15", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env) as process:
        _serve_then_terminate(process)


def _serve_then_terminate(process: subprocess.Popen[str]) -> None:
    try:
        line = process.stdout.readline().strip() if process.stdout else ""
        match = re.fullmatch(r"www\.etkqq\.gov\.cn:80:127\.0\.0\.1:(\d+),.*zwfw\.etkqq\.gov\.cn:80:127\.0\.0\.1:(\d+)", line)
        assert match, line
        handle = FarmHandle(int(match.group(1)), int(match.group(2)), TODAY)
        status, _h, body = fetch(handle, PORTAL, "/")
        assert status == 200 and b"1506230001" in body
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
