"""The website check over real HTTP on saved pages: an undated list dated by its article, and the
inspectors' column bindings from the profile reaching the stored observations.

The pages of tests/fixtures/pages/ are served on loopback under the URLs they were saved from
(``NAME.meta.json``), with the HTTP charset header they came with when there was one.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp import web

from govinspect.checks.freshness import extract_page
from govinspect.checks.website import CrawlBudget, SiteTarget, check_website
from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.net import HttpClient

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
TODAY = date(2020, 10, 15)
LIST_URL = "http://www.lfx.gov.cn/zwgk/ghjh/"


def _routes() -> tuple[dict[tuple[str, str], tuple[bytes, str]], set[str]]:
    """Each saved page under its own host and path, and every host the pages link to."""
    routes, hosts = {}, set()
    for meta_path in PAGES.glob("*.meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        parts = urlsplit(meta["url"])
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        body = (PAGES / meta_path.name.replace(".meta.json", ".html")).read_bytes()
        content_type = meta.get("content_type", "text/html")
        routes[(parts.hostname or "", target)] = (body, content_type)
        page = extract_page(body, meta["url"], date.fromisoformat(meta["as_of"]), content_type)
        hosts |= {urlsplit(link).hostname or "" for link, _ in page.links} | {parts.hostname or ""}
    return routes, hosts - {""}


@pytest.fixture(scope="module")
def saved_site() -> Iterator[str]:
    """A loopback server answering for every host the saved pages came from or link to (404 for
    what was not saved), so no check leaves the machine; yields its connect-to table."""
    routes, hosts = _routes()

    async def handler(request: web.Request) -> web.Response:
        host = request.host.split(":", 1)[0]
        found = routes.get((host, request.path_qs))
        if found is None:
            raise web.HTTPNotFound()
        body, content_type = found
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(app)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        yield ",".join(f"{h}:{p}:127.0.0.1:{port}" for h in sorted(hosts) for p in (80, 443))
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)


def _check(connect_to: str, site: SiteTarget) -> dict:
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(connect_to))

    async def go():
        async with HttpClient(settings, timeout=3.0, per_host_rate=None) as client:
            return await check_website(client, site, TODAY, CrawlBudget(max_pages=12, max_depth=1, max_links=0))

    return asyncio.run(go()).observation


def test_an_undated_saved_list_is_dated_by_its_article(saved_site: str) -> None:
    observation = _check(saved_site, SiteTarget("4211250001", "岚峰县人民政府", LIST_URL))
    column = next(c for c in observation["columns"] if c["name"] == "规划计划")
    # The list shows titles only; its first article says 发布时间：2020-07-28 10:12.
    assert (column["type"], column["items"], column["latest"], column["dated_by"]) == (
        "planning", 8, "2020-07-28", "detail",
    )


def test_column_bindings_beat_the_keyword_guess(saved_site: str) -> None:
    # Bound by URL in another spelling of the same column (index.html) and, for a page read by the
    # same check, by name.
    site = SiteTarget(
        "4211250001", "岚峰县人民政府", LIST_URL,
        column_overrides={"http://www.lfx.gov.cn/zwgk/ghjh/index.html": "other"},
    )
    column = next(c for c in _check(saved_site, site)["columns"] if c["name"] == "规划计划")
    assert column["type"] == "other"
    site = SiteTarget("4211250001", "岚峰县人民政府", LIST_URL, column_overrides={"规划计划": "personnel"})
    column = next(c for c in _check(saved_site, site)["columns"] if c["name"] == "规划计划")
    assert column["type"] == "personnel"


def test_profile_bindings_reach_the_stored_observation(saved_site: str, tmp_path: Path, monkeypatch) -> None:
    from sqlalchemy import select

    from govinspect.pipeline import check_website_batch
    from govinspect.profile import load_profile
    from govinspect.store import migrate, session_scope
    from govinspect.store.models import Website, WebsiteObservation

    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate(url)
    with session_scope(url) as session:
        session.add(Website(quarter="2020Q3", site_code="4211250001", name="岚峰县人民政府门户网站", url=LIST_URL,
                            sponsor="岚峰县人民政府办公室", operator=None, icp=None, psb=None, kind="portal",
                            status="正常", source_file=None, source_row=None, unit=None))
    profile_path = tmp_path / "inspection.toml"
    profile_path.write_text(
        '[bureau]\ncounty = "岚峰县"\nissuer = "岚峰县政务服务局"\naddressees = "各单位"\n'
        "[run]\ncheck_point = { 2020Q3 = 2020-10-15 }\n"
        '[columns."4211250001"]\n"规划计划" = "personnel"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("GOVINSPECT_CONNECT_TO", saved_site)
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.setenv("GOVINSPECT_PER_HOST_RATE", "0")
    check_website_batch("2020Q3", {"batch": "岚峰县", "keys": ["4211250001"]}, load_profile(profile_path), url)
    with session_scope(url) as session:
        stored = session.execute(select(WebsiteObservation)).scalars().one()
        columns = {c["name"]: c for c in stored.data["columns"]}
    assert columns["规划计划"]["type"] == "personnel"
    assert columns["规划计划"]["latest"] == "2020-07-28"
