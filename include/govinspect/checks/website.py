"""One website's quarterly check: homepage freshness (V3), columns (栏目, V4), dead links and
the consultation channel (V5), producing the observations of design.md."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urldefrag, urlsplit
from urllib.robotparser import RobotFileParser

from selectolax.lexbor import LexborHTMLParser

from govinspect.checks.freshness import PageExtract, extract_page, split_plain_url
from govinspect.checks.html import decode_html
from govinspect.checks.outcomes import PERMANENT, Outcome
from govinspect.dates import find_dates
from govinspect.net import FetchResult, HttpClient

PAGE_SUFFIXES = ("", ".html", ".htm", ".shtml", ".jhtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx", ".do", ".action")
UNANSWERED_WORDS = re.compile(r"未回复|待回复|未答复|待答复|未办结|办理中|待处理|未处理")
HEAD_FALLBACK = {403, 404, 405, 406, 501}


@dataclass
class SiteTarget:
    site_code: str
    name: str
    url: str
    unit: str | None = None
    kind: str = "portal"
    has_services: bool = True
    # The inspectors' column bindings {column name or URL: type} from the profile (spec §7.1).
    column_overrides: dict[str, str] = field(default_factory=dict)


@dataclass
class CrawlBudget:
    """How much of a site one check may read: pages fetched, link checks, link depth."""

    max_pages: int = 300
    max_links: int = 3000
    max_depth: int = 3
    page_concurrency: int = 4
    link_concurrency: int = 8


@dataclass
class LinkResult:
    url: str
    outcome: str
    status: int | None


@dataclass
class SiteCheck:
    observation: dict[str, Any]
    dead_links: list[dict[str, Any]] = field(default_factory=list)
    homepage_outcome: str = "ok"


def _site_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _listing_first(url: str) -> tuple[int, str]:
    """Crawl order: section and list pages before articles, so a page budget still reaches every column."""
    last = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return (0 if last == "" or last.startswith(("index", "default", "list", "col")) else 1, url)


def _column_key(url: str) -> str:
    """Pages of one column share a folder: index.html, index_1.html … are one column."""
    url = urldefrag(url)[0]
    return url if url.endswith("/") else url.rsplit("/", 1)[0] + "/"


def _host(url: str) -> str:
    """The URL's host name, lower-cased (``urlsplit(url).hostname``; read directly for plain URLs)."""
    plain = split_plain_url(url)
    if plain is not None:
        return plain[1].split(":", 1)[0].lower()
    return (urlsplit(url).hostname or "").lower()


def _unfragmented(url: str) -> str:
    return urldefrag(url)[0] if "#" in url else url


def _in_site(url: str, domain: str) -> bool:
    host = _host(url)
    return host == domain or host.endswith("." + domain)


class _Crawler:
    def __init__(self, client: HttpClient, site: SiteTarget, as_of: date, budget: CrawlBudget) -> None:
        self.client = client
        self.site = site
        self.as_of = as_of
        self.budget = budget
        self.domain = _site_domain(site.url)
        self.home = urldefrag(site.url)[0]
        self.resolved: dict[str, dict[str, str]] = {}  # links resolved per folder, shared by the site's pages
        self.pages: dict[str, FetchResult] = {}
        self.extracts: dict[str, PageExtract] = {}
        self.depth: dict[str, int] = {}
        self.skipped_by_robots: set[str] = set()
        self._inflight: dict[str, asyncio.Task] = {}
        self._slots = asyncio.Semaphore(budget.page_concurrency)
        self._is_page: dict[str, bool] = {}
        self.link_slots = asyncio.Semaphore(budget.link_concurrency)
        self.referenced: dict[str, None] = {}  # every link and asset of the pages read, in reading order
        self.early_checks: dict[str, asyncio.Future[LinkResult]] = {}

    async def page(self, url: str, depth: int = 1) -> PageExtract | None:
        """Fetch and read one page of the site once per check (later calls share the first).

        Pages below the homepage are read only where the site's robots.txt lets our crawler in.
        """
        url = _unfragmented(url)
        if depth > 0 and not await robots_allow(self.client, url):
            self.skipped_by_robots.add(url)
            return None
        self.depth[url] = min(depth, self.depth.get(url, depth))
        if url in self._inflight:
            return await self._inflight[url]
        if len(self._inflight) >= self.budget.max_pages:
            return None
        self._inflight[url] = asyncio.ensure_future(self._fetch(url))
        return await self._inflight[url]

    async def _fetch(self, url: str) -> PageExtract | None:
        async with self._slots:
            result = await self.client.fetch(url)
        self.pages[url] = result
        if result.outcome != Outcome.OK or not result.body:
            return None
        if "html" not in (result.content_type or "text/html") and not result.body.lstrip()[:1] == b"<":
            return None
        extract = extract_page(
            result.body, result.final_url or url, self.as_of, result.content_type, overrides=self.site.column_overrides,
            navigation=url == self.home, resolved=self.resolved,
        )
        self.extracts[url] = extract
        self._check_off_site(extract)
        return extract

    def _check_off_site(self, extract: PageExtract) -> None:
        """Start checking the page's links to other hosts at once rather than after the crawl: they are
        never read as pages, and a slow or failing host (a retry after its back-off) then overlaps
        the rest of the check instead of holding it at the end. Only links within the link budget
        (the first ``max_links`` of the site, as :func:`_dead_links` takes them) are started."""
        for target in [link for link, _anchor in extract.links] + [asset for asset, _kind in extract.assets]:
            if target in self.referenced:
                continue
            if len(self.referenced) < self.budget.max_links and not _in_site(target, self.domain):
                self.early_checks[target] = self.link_check(target)
            self.referenced[target] = None

    def link_check(self, url: str) -> asyncio.Future[LinkResult]:
        """The run's one check of ``url`` (see :func:`check_link`). The site's link concurrency bounds
        the checks it starts; a site that waits for a check another site started holds no slot meanwhile."""
        return _shared_check(self.client, url, LINK_ATTEMPTS, self.link_slots)

    def is_page(self, url: str) -> bool:
        """An in-site link worth reading as a page (not an attachment or an image).

        Answers are kept per URL: every crawl depth asks again about the links all pages share.
        """
        known = self._is_page.get(url)
        if known is not None:
            return known
        answer = False
        if _in_site(url, self.domain):
            last = urlsplit(url).path.lower().rsplit("/", 1)[-1]
            answer = (last[last.rfind("."):] if "." in last else "") in PAGE_SUFFIXES
        self._is_page[url] = answer
        return answer

    async def crawl(self) -> None:
        """Breadth-first through the site from the pages read so far, within the page and depth budget."""
        is_page, known, inflight = self.is_page, self._is_page, self._inflight
        for depth in range(1, self.budget.max_depth + 1):
            found: set[str] = set()
            for url, extract in list(self.extracts.items()):
                if self.depth.get(url, 0) != depth - 1:
                    continue
                for link, _anchor in extract.links:
                    if known.get(link) or is_page(link):
                        link = _unfragmented(link)
                        if link not in inflight:
                            found.add(link)
            frontier = sorted(found, key=_listing_first)
            room = self.budget.max_pages - len(self._inflight)
            if not frontier or room <= 0:
                break
            await asyncio.gather(*(self.page(link, depth) for link in frontier[:room]))


async def check_website(
    client: HttpClient, site: SiteTarget, as_of: date, budget: CrawlBudget | None = None
) -> SiteCheck:
    """Check one site as of ``as_of`` (the check point). Never raises for a site's own trouble."""
    budget = budget or CrawlBudget()
    crawler = _Crawler(client, site, as_of, budget)
    home = await crawler.page(site.url, 0)
    fetched = crawler.pages.get(site.url)
    base = {
        "id": site.site_code,
        "name": site.name,
        "unit": site.unit,
        "kind": site.kind,
        "has_services": site.has_services,
    }
    if home is None:
        outcome = str(fetched.outcome) if fetched else "not_checked"
        observation = {
            **base,
            "homepage_outcome": outcome,
            "homepage_latest": None,
            "columns": [],
            "dead_links": {"homepage": 0, "other": 0},
            "interaction": {"has_channel": None, "oldest_unanswered_days": None},
            "pages_fetched": len(crawler.pages),
            "checked": False,
        }
        return SiteCheck(observation, [], outcome)

    columns: dict[str, dict[str, Any]] = {}

    async def read_column(col: Any, level: int) -> None:
        key = _column_key(col.url) if col.url else f"{level}:{col.name}"
        if key in columns:
            return
        columns[key] = {}
        latest, items, blank = col.latest, len(col.items), False
        listed = list(col.items)
        if col.url and _in_site(col.url, crawler.domain):
            listing = await crawler.page(col.url)
            if listing is not None and listing.columns:
                own = listing.columns[0]
                latest = max(filter(None, [own.latest, latest]), default=None)
                items = max(items, len(own.items))
                listed = list(own.items) or listed
                blank = listing.blank and not col.items
            elif listing is not None and listing.blank and not col.items:
                blank = True
        dated_by = "list"
        if latest is None and listed and not blank:
            latest = await _latest_from_details(crawler, listed)
            dated_by = "detail" if latest else "none"
        columns[key] = {
            "name": col.name,
            "type": col.type,
            "level": level,
            "latest": latest.isoformat() if latest else None,
            "items": 0 if blank else items,
            "url": col.url,
            "dated_by": dated_by,
        }

    await asyncio.gather(*(read_column(col, 1) for col in home.columns))

    # Navigation hubs (政务公开, 互动交流 …): their column blocks are first-level columns of the site.
    hub_latest: list[date] = []
    nav_urls = [u for _name, u in home.nav if _in_site(u, crawler.domain) and urldefrag(u)[0] != site.url]
    hubs = await asyncio.gather(*(crawler.page(u, 1) for u in nav_urls))
    for hub in hubs:
        if hub is None or hub.is_list_page:
            continue
        if hub.latest:
            hub_latest.append(hub.latest)
        await asyncio.gather(*(read_column(col, 1) for col in hub.columns))
    await crawler.crawl()
    # List pages met deeper in the site (a unit's 通知公告 on the 信息公开 platform …) are columns too.
    async def deeper_column(url: str, extract: PageExtract) -> None:
        own = extract.columns[0]
        latest, dated_by = own.latest, "list"
        if latest is None and own.items and not extract.blank:
            latest, articles = await _read_details(crawler, own.items)
            if not articles:
                return  # an undated list of links to other lists (网站地图, a hub): navigation, not a column
            dated_by = "detail" if latest else "none"
        columns[_column_key(url)] = {
            "name": own.name, "type": own.type, "level": 1 if crawler.depth.get(url, 9) <= 1 else 2,
            "latest": latest.isoformat() if latest else None,
            "items": 0 if extract.blank else len(own.items), "url": url, "dated_by": dated_by,
        }

    deeper = {}
    for url, extract in sorted(crawler.extracts.items()):
        if extract.is_list_page and extract.columns and _column_key(url) not in columns:
            deeper.setdefault(_column_key(url), (url, extract))
    await asyncio.gather(*(deeper_column(url, extract) for url, extract in deeper.values()))

    homepage_latest = home.latest
    homepage_is_hub = not any(c.items for c in home.columns) and home.latest is None
    if homepage_is_hub and hub_latest:
        homepage_latest = max(hub_latest)

    interaction = await _interaction(crawler, home)
    dead = await _dead_links(crawler, site.url)
    future = sorted({d.isoformat() for e in crawler.extracts.values() for d in e.future_dates})
    observation = {
        **base,
        "homepage_outcome": "ok",
        "homepage_latest": homepage_latest.isoformat() if homepage_latest else None,
        "homepage_is_hub": homepage_is_hub,
        "columns": list(columns.values()),
        "dead_links": {
            "homepage": sum(1 for d in dead if d["on_homepage"]),
            "other": sum(1 for d in dead if not d["on_homepage"]),
        },
        "interaction": interaction,
        "future_dates": future,
        "pages_fetched": len(crawler.pages),
        "pages_skipped_by_robots": len(crawler.skipped_by_robots),
        "checked": True,
    }
    return SiteCheck(observation, dead, "ok")


DETAIL_SAMPLE = 3


async def _latest_from_details(crawler: _Crawler, items: list[Any]) -> date | None:
    """When a list shows no dates, the first articles' own publication dates decide (PubDate, 发布时间)."""
    latest, _articles = await _read_details(crawler, items)
    return latest


async def _read_details(crawler: _Crawler, items: list[Any]) -> tuple[date | None, int]:
    """The newest publication date among the first items' pages, and how many of them are articles
    (pages that are neither lists nor hubs of further columns)."""
    urls = [i.url for i in items if i.url and _in_site(i.url, crawler.domain)][:DETAIL_SAMPLE]
    pages = [p for p in await asyncio.gather(*(crawler.page(u) for u in urls)) if p is not None]
    articles = [p for p in pages if not p.is_list_page and not p.columns]
    dates = [p.latest for p in articles if p.latest and p.latest <= crawler.as_of]
    return max(dates, default=None), len(articles)


async def _interaction(crawler: _Crawler, home: PageExtract) -> dict[str, Any]:
    """Consultation channel present (留言/信箱/咨询) and the age of the oldest unanswered message."""
    links = list(home.consult_links)
    for extract in crawler.extracts.values():
        links.extend(extract.consult_links)
    if not links:
        return {"has_channel": False, "oldest_unanswered_days": None, "channel_url": None}
    channel_url = links[0][1]
    oldest: int | None = None
    read: set[str] = set()  # one channel listed by several pages (the homepage's come twice) is read once
    for _text, target in links[:3]:
        if target in read or not _in_site(target, crawler.domain):
            continue
        read.add(target)
        await crawler.page(target)
        result = crawler.pages.get(urldefrag(target)[0])
        if result is None or result.outcome != Outcome.OK:
            continue
        html, _enc = decode_html(result.body, result.content_type)
        for age in _unanswered_ages(html, crawler.as_of):
            oldest = age if oldest is None else max(oldest, age)
    return {"has_channel": True, "oldest_unanswered_days": oldest, "channel_url": channel_url}


def _unanswered_ages(html: str, as_of: date) -> list[int]:
    """Ages in days of the messages a consultation page lists as not answered."""
    tree = LexborHTMLParser(html)
    ages = []
    for node in tree.css("tr, li, dl, div.item, div.list-item"):
        text = node.text(separator=" ", strip=True)
        if not text or len(text) > 400 or not UNANSWERED_WORDS.search(text):
            continue
        dates = [d for d in find_dates(text, as_of) if d <= as_of]
        if dates:
            ages.append((as_of - min(dates)).days)
    return ages


async def _dead_links(crawler: _Crawler, homepage: str) -> list[dict[str, Any]]:
    """Check every link seen on the fetched pages once — pages, attachments, external sites, and the
    images, stylesheets, scripts and frames the pages load; report each dead one with its referrer."""
    results: dict[str, LinkResult] = {}
    for url, fetched in crawler.pages.items():
        results[url] = LinkResult(url, str(fetched.outcome), fetched.status)
    # crawler.referenced holds every link and asset of the pages read, in reading order.
    pending = [u for u in crawler.referenced if u not in results][: crawler.budget.max_links]

    # One future per link (the early checks among them): waiting on futures starts no further task.
    checks = {url: crawler.link_check(url) for url in pending}
    await asyncio.gather(*checks.values())
    for url, check in checks.items():
        results[url] = check.result()
    broken = {url for url, result in results.items() if result.outcome != Outcome.OK}
    if not broken.intersection(crawler.referenced):
        return []
    asset_words = {"image": "图片", "stylesheet": "样式表", "script": "脚本", "frame": "内嵌页面"}
    references: dict[str, list[tuple[str, str, bool]]] = {url: [] for url in crawler.referenced if url in broken}
    home = urldefrag(homepage)[0]
    for page_url, extract in crawler.extracts.items():
        on_home = page_url == home
        for link, anchor in extract.links:
            if link in references:
                references[link].append((page_url, anchor, on_home))
        for asset, kind in extract.assets:
            if asset in references:
                references[asset].append((page_url, f"[{asset_words.get(kind, kind)}]", on_home))
    dead = []
    for url, refs in references.items():
        result = results[url]
        for referrer, anchor, on_home in refs:
            dead.append(
                {"url": url, "referrer": referrer, "anchor": anchor[:200], "outcome": result.outcome,
                 "status": result.status, "on_homepage": on_home}
            )
    return dead


async def robots_allow(client: HttpClient, url: str) -> bool:
    """Whether robots.txt of the URL's site lets our crawler read it (read once per host and run; the
    answer kept per URL, as columns, hubs and the crawl ask about the same pages again)."""
    answered = client.cache.get(("robots_allow", url))
    if answered is not None:
        return answered
    plain = split_plain_url(url)
    scheme, netloc = plain[:2] if plain is not None else urlsplit(url)[:2]
    key = ("robots", scheme, netloc)
    if key not in client.cache:
        client.cache[key] = asyncio.ensure_future(_read_robots(client, f"{scheme}://{netloc}/robots.txt"))
    parser = await client.cache[key]
    answer = client.cache[("robots_allow", url)] = parser is None or parser.can_fetch(client.settings.user_agent, url)
    return answer


async def _read_robots(client: HttpClient, robots_url: str) -> RobotFileParser | None:
    result = await client.fetch(robots_url, timeout=10.0, max_bytes=512 * 1024)
    if result.outcome != Outcome.OK:
        return None  # no robots.txt (or unreadable): nothing is forbidden
    parser = RobotFileParser()
    parser.parse(result.body.decode("utf-8", "replace").splitlines())
    return parser


LINK_ATTEMPTS = 2


async def check_link(client: HttpClient, url: str, attempts: int = LINK_ATTEMPTS) -> LinkResult:
    """HEAD, then GET when the server refuses HEAD; a transient failure is tried once more.

    Results are kept for the life of the client, so a link shared by many pages or sites is checked once a run.
    """
    return await _shared_check(client, url, attempts)


def _shared_check(client: HttpClient, url: str, attempts: int,
                  slots: asyncio.Semaphore | None = None) -> asyncio.Future[LinkResult]:
    """The run's one check of ``url``, started within ``slots`` when no one has asked for it yet."""
    key = ("link", url)
    check = client.cache.get(key)
    if check is None:
        check = client.cache[key] = asyncio.ensure_future(_check_link(client, url, attempts, slots))
    return check


async def _check_link(client: HttpClient, url: str, attempts: int, slots: asyncio.Semaphore | None) -> LinkResult:
    if slots is not None:
        async with slots:
            return await _check_link(client, url, attempts, None)
    result: FetchResult | None = None
    for attempt in range(attempts):
        result = await client.fetch(url, method="HEAD", timeout=15.0)
        if result.outcome != Outcome.OK and (result.status in HEAD_FALLBACK or result.outcome == Outcome.PROTOCOL_ERROR):
            result = await client.fetch(url, timeout=15.0, max_bytes=64 * 1024, truncate=True)
        if result.outcome in (Outcome.OK, Outcome.TIMEOUT) or result.outcome in PERMANENT or attempt == attempts - 1:
            break
        await asyncio.sleep(0.5 * (2**attempt))
    assert result is not None
    return LinkResult(url, str(result.outcome), result.status)
