"""Link checks of one site's check: links to other hosts start as soon as a page is read, within the
link budget, and each link is asked for once; the client's room for requests grows with its hosts."""

from __future__ import annotations

import asyncio
from datetime import date

from govinspect.checks.freshness import PageExtract
from govinspect.checks.outcomes import Outcome
from govinspect.checks.website import CrawlBudget, SiteTarget, _Crawler, _dead_links
from govinspect.net import DEFAULT_LIMIT, FetchResult, limit_for_hosts


class _Client:
    """What the crawler needs of an HttpClient: ``fetch`` (recorded) and the run's ``cache``."""

    def __init__(self, dead: set[str] = frozenset()) -> None:
        self.cache: dict = {}
        self.asked: list[tuple[str, str]] = []
        self.dead = dead

    async def fetch(self, url: str, *, method: str = "GET", **_options: object) -> FetchResult:
        self.asked.append((method, url))
        await asyncio.sleep(0)
        if url in self.dead:
            return FetchResult(url=url, outcome=Outcome.HTTP_4XX, status=404)
        return FetchResult(url=url, outcome=Outcome.OK, status=200)


def _extract(url: str, links: list[str], assets: list[str] = ()) -> PageExtract:
    return PageExtract(
        url=url, encoding="utf-8", title="", latest=None, links=[(link, f"链接{i}") for i, link in enumerate(links)],
        columns=[], nav=[], meta={}, future_dates=[], consult_links=[], is_list_page=False, blank=False,
        assets=[(asset, "image") for asset in assets],
    )


def _crawler(client: _Client, max_links: int = 3000) -> _Crawler:
    site = SiteTarget("s1", "某县人民政府", "http://www.mx.gov.cn/")
    return _Crawler(client, site, date(2020, 10, 15), CrawlBudget(max_links=max_links))  # type: ignore[arg-type]


def test_links_to_other_hosts_start_when_the_page_is_read() -> None:
    async def scenario() -> tuple[list[str], list[tuple[str, str]]]:
        client = _Client()
        crawler = _crawler(client)
        home = _extract("http://www.mx.gov.cn/", [
            "http://www.mx.gov.cn/zwgk/index.html", "http://www.gov.cn/", "http://xxgk.mx.gov.cn/a.html",
            "https://www.nmg.gov.cn/zwgk/", "http://www.gov.cn/",
        ], ["http://www.mx.gov.cn/images/logo.png", "http://cdn.example.com/x.png"])
        crawler.extracts[home.url] = home
        crawler._check_off_site(home)
        started = list(crawler.early_checks)
        await asyncio.gather(*crawler.early_checks.values())
        return started, client.asked

    started, asked = asyncio.run(scenario())
    assert started == ["http://www.gov.cn/", "https://www.nmg.gov.cn/zwgk/", "http://cdn.example.com/x.png"]
    assert asked == [("HEAD", url) for url in started]


def test_early_checks_stay_within_the_link_budget() -> None:
    async def scenario() -> list[str]:
        crawler = _crawler(_Client(), max_links=3)
        page = _extract("http://www.mx.gov.cn/", [
            "http://www.mx.gov.cn/a.html", "http://www.gov.cn/", "http://www.mx.gov.cn/b.pdf",
            "http://www.nmg.gov.cn/", "http://zwfw.nmg.gov.cn/",
        ])
        crawler._check_off_site(page)
        await asyncio.gather(*crawler.early_checks.values())
        return list(crawler.early_checks)

    assert asyncio.run(scenario()) == ["http://www.gov.cn/"]


def test_dead_links_reuse_the_early_checks_and_name_every_referrer() -> None:
    async def scenario() -> tuple[list[dict], list[tuple[str, str]]]:
        client = _Client(dead={"http://www.old.gov.cn/", "http://www.mx.gov.cn/files/a.pdf"})
        crawler = _crawler(client)
        home = _extract("http://www.mx.gov.cn/", ["http://www.old.gov.cn/", "http://www.mx.gov.cn/files/a.pdf"])
        other = _extract("http://www.mx.gov.cn/b.html", ["http://www.old.gov.cn/", "http://www.gov.cn/"])
        for page in (home, other):
            crawler.extracts[page.url] = page
            crawler._check_off_site(page)
        dead = await _dead_links(crawler, "http://www.mx.gov.cn/")
        return dead, client.asked

    dead, asked = asyncio.run(scenario())
    assert [(d["url"], d["referrer"], d["on_homepage"]) for d in dead] == [
        ("http://www.old.gov.cn/", "http://www.mx.gov.cn/", True),
        ("http://www.old.gov.cn/", "http://www.mx.gov.cn/b.html", False),
        ("http://www.mx.gov.cn/files/a.pdf", "http://www.mx.gov.cn/", True),
    ]
    heads = [url for method, url in asked if method == "HEAD"]
    assert sorted(set(heads)) == sorted(heads)  # each link asked once with HEAD (404s fall back to GET)
    assert set(heads) == {"http://www.old.gov.cn/", "http://www.mx.gov.cn/files/a.pdf", "http://www.gov.cn/"}


def test_client_limit_grows_with_the_hosts_of_a_batch() -> None:
    assert limit_for_hosts(1) == DEFAULT_LIMIT
    assert limit_for_hosts(20) == 80
    assert limit_for_hosts(200, per_host=2) == 400
