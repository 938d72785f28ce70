"""Benchmark: reading one fetched page as the freshness check does (``extract_page``).

    PYTHONPATH=include python bench/bench_extract.py [--repeat N]

Runs on the saved pages of tests/fixtures/pages/ (the two large ones, ``portal_home_large`` and
``xxgk_list_large_gbk``, are reported apart). For every page it measures, in the same run:

- ``extract_ms`` — ``extract_page`` on the page's bytes (decoding, parsing, links, columns, dates);
- ``parse_ms`` (baseline) — what any reader of the page pays at least: ``decode_html``, the lexbor
  parse, every ``<a href>`` read and the body's text;

and prints their ratio ``extract_vs_parse``, the median over ``--repeat`` runs, then the whole set
read once per repeat: pages per CPU second of one process, CPU ms per page, and the peak RSS.

Then the pages a crawl reads: every page of a generated farm (``--farm-sites`` sites of the website
benchmark's ``bench/sitefarm.py``, about 55 pages each: homepage, hubs, column lists, articles, the
mailbox), each read as the crawl reads it (one ``resolved`` dict per site, navigation for the
homepage only), grouped by what the page turned out to be; the best of ``--farm-repeat`` passes, each
started with the reader's memos emptied.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from govinspect.checks import freshness
from govinspect.checks.freshness import extract_page
from govinspect.checks.html import decode_html

PAGES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"
LARGE = ("portal_home_large", "xxgk_list_large_gbk")


def _load() -> list[tuple[str, bytes, str, date, str | None]]:
    pages = []
    for meta_path in sorted(PAGES.glob("*.meta.json")):
        name = meta_path.name.removesuffix(".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = (PAGES / f"{name}.html").read_bytes()
        pages.append((name, body, meta["url"], date.fromisoformat(meta["as_of"]), meta.get("content_type")))
    return pages


def _parse_only(body: bytes, content_type: str | None) -> int:
    """The floor: decode, parse, read each link's href and the body's text."""
    html, _ = decode_html(body, content_type)
    tree = LexborHTMLParser(html)
    hrefs = [a.attrs.get("href") for a in tree.css("a[href]")]
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    return len(hrefs) + len(text)


def _median_ms(run, args: tuple, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _farm_pages(sites: int) -> list[tuple[str, bytes, str, bool]]:
    """(site, bytes, url, is homepage) of every HTML page of a generated farm."""
    from sitefarm import generate

    root = Path(tempfile.mkdtemp(prefix="govinspect-extract-farm-"))
    try:
        farm = generate(root, sites, 60, seed=20201015)
        pages = []
        for spec in farm.sites:
            folder = root / "hosts" / spec.host
            for path in sorted(folder.rglob("*.html")):
                relative = path.relative_to(folder).as_posix()
                url = f"http://{spec.host}/" + ("" if relative == "index.html" else relative)
                pages.append((spec.host, path.read_bytes(), url, relative == "index.html"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return pages


def _kind(page) -> str:
    if page.is_list_page:
        return "column list"
    if page.columns:
        return "homepage or hub with column blocks"
    return "article" if page.latest else "other (mailbox letters, hubs without blocks)"


def _forget_memos() -> None:
    """Empty the page reader's memos (``functools.lru_cache``: link texts, joined hrefs), so that each
    pass reads the farm as a fresh process would and the best pass is not one of warm memos."""
    for value in vars(freshness).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def farm_report(sites: int, repeat: int, as_of: date) -> None:
    pages = _farm_pages(sites)
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    kinds: dict[str, int] = defaultdict(int)
    for run in range(repeat):
        _forget_memos()
        spent: dict[str, float] = defaultdict(float)
        resolved: dict[str, dict] = {}
        for host, body, url, home in pages:
            start = time.process_time()
            page = extract_page(body, url, as_of, "text/html", navigation=home, resolved=resolved.setdefault(host, {}))
            kind = _kind(page)
            spent[kind] += time.process_time() - start
            if run == 0:
                kinds[kind] += 1
        for kind, seconds in spent.items():
            best[kind] = min(best[kind], seconds)
    total = sum(best.values())
    print(f"farm pages ({sites} sites, {len(pages)} pages, best of {repeat} passes):")
    for kind in sorted(kinds, key=lambda k: -kinds[k]):
        print(f"  {kind:48s} {kinds[kind]:5d} pages  {best[kind] * 1000 / kinds[kind]:.3f} CPU ms per page")
    print(f"  all {len(pages)} pages: {total * 1000 / len(pages):.3f} CPU ms per page ({len(pages) / total:.0f} pages per CPU second)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--farm-sites", type=int, default=8, help="sites of the generated farm (0: none)")
    parser.add_argument("--farm-repeat", type=int, default=5)
    args = parser.parse_args()
    pages = _load()
    rows = []
    for name, body, url, as_of, content_type in pages:
        extract_ms = _median_ms(extract_page, (body, url, as_of, content_type), args.repeat)
        parse_ms = _median_ms(_parse_only, (body, content_type), args.repeat)
        rows.append((name, len(body), extract_ms, parse_ms))

    print(f"# {platform.node()} {platform.machine()} Python {platform.python_version()}, repeat {args.repeat}")
    print(f"{'page':40s} {'KB':>6s} {'extract_ms':>11s} {'parse_ms':>9s} {'extract_vs_parse':>17s}")
    for name, size, extract_ms, parse_ms in sorted(rows, key=lambda r: -r[1]):
        mark = " *" if name in LARGE else ""
        print(f"{name + mark:40s} {size / 1024:6.0f} {extract_ms:11.2f} {parse_ms:9.2f} {extract_ms / parse_ms:16.1f}x")

    rest = [r for r in rows if r[0] not in LARGE]
    print(f"median of the {len(rest)} other pages: extract {statistics.median(r[2] for r in rest):.2f} ms, "
          f"parse {statistics.median(r[3] for r in rest):.2f} ms, "
          f"ratio {statistics.median(r[2] / r[3] for r in rest):.1f}x")

    cpu_start = time.process_time()
    for _ in range(args.repeat):
        for _name, body, url, as_of, content_type in pages:
            extract_page(body, url, as_of, content_type)
    cpu = time.process_time() - cpu_start
    count = args.repeat * len(pages)
    size = sum(len(p[1]) for p in pages) / len(pages)
    print(f"whole set ({len(pages)} pages, mean {size / 1024:.0f} KB): {count / cpu:.0f} pages per CPU second, "
          f"{cpu / count * 1000:.2f} CPU ms per page")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.farm_sites:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from sitefarm import AS_OF

        farm_report(args.farm_sites, args.farm_repeat, AS_OF)


if __name__ == "__main__":
    main()
