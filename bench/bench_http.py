"""Benchmark: CPU per request of govinspect's HTTP client against a general-purpose one.

    python bench/bench_http.py [--requests N] [--repeat N]

A farm of 20 generated sites (``bench/sitefarm.py``) served by nginx on loopback; the same N URLs
(pages, 404s, attachments) asked 64 at a time, at most 4 per host, each way in a fresh process,
the best of ``--repeat`` passes:

- ``govinspect`` — ``HttpClient.fetch`` (address guard, deadline, redirects by hand, the cap) on
  the event loop the checks run on (``net.run``: uvloop), and again on asyncio's own loop;
- baseline — ``aiohttp.ClientSession`` on asyncio's loop, with none of those rules (the client
  govinspect used before its own), keep-alive and the same concurrency.

Prints CPU ms per request for GET and HEAD and the ratio ``http_vs_aiohttp`` (below 1: cheaper).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitefarm import Nginx, generate  # noqa: E402

SITES = 20
IN_FLIGHT = 64
PER_HOST = 4


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _worker(way: str, urls: list[str], connect_to: dict, method: str, repeat: int, out: Any) -> None:
    if way == "govinspect-asyncio":
        os.environ["GOVINSPECT_EVENT_LOOP"] = "asyncio"
    from govinspect.config import NetSettings, parse_networks
    from govinspect.net import HttpClient, run

    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=connect_to)

    async def ours() -> int:
        async with HttpClient(settings, limit=IN_FLIGHT, limit_per_host=PER_HOST, per_host_rate=None) as client:
            results = await asyncio.gather(*(client.fetch(u, method=method) for u in urls))
        return sum(r.status is not None for r in results)

    async def baseline() -> int:
        import aiohttp

        class Fixed(aiohttp.abc.AbstractResolver):
            async def resolve(self, host: str, port: int = 0, family: int = 0) -> list[dict]:
                addr, addr_port = connect_to[(host, port)]
                return [{"hostname": host, "host": addr, "port": addr_port, "family": socket.AF_INET, "proto": 0, "flags": 0}]

            async def close(self) -> None:
                return None

        connector = aiohttp.TCPConnector(resolver=Fixed(), limit=IN_FLIGHT, limit_per_host=PER_HOST)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one(url: str) -> int:
                async with session.request(method, url, allow_redirects=False) as response:
                    await response.read()
                    return response.status

            statuses = await asyncio.gather(*(one(u) for u in urls))
        return sum(s is not None for s in statuses)

    best = float("inf")
    answered = 0
    for _ in range(repeat):
        started = _cpu()
        answered = run(ours()) if way.startswith("govinspect") else asyncio.run(baseline())
        best = min(best, _cpu() - started)
    out.put({"cpu_ms_per_request": round(best * 1000 / len(urls), 4), "answered": answered})


def _measure(way: str, urls: list[str], connect_to: dict, method: str, repeat: int) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=_worker, args=(way, urls, connect_to, method, repeat, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="govinspect-bench-http-") as workdir:
        farm = generate(Path(workdir) / "farm", SITES, 60)
        urls: list[str] = []
        for site in farm.sites:
            root = Path(farm.root, "hosts", site.host)
            urls.extend(f"http://{site.host}/{p.relative_to(root).as_posix()}" for p in sorted(root.rglob("*"))
                        if p.is_file())
            urls.append(f"http://{site.host}/missing-page.html")
        urls = (urls * (1 + args.requests // len(urls)))[: args.requests]
        with Nginx(farm) as server:
            connect_to = server.connect_to()
            rows = {}
            for method in ("GET", "HEAD"):
                for way in ("govinspect", "govinspect-asyncio", "aiohttp"):
                    rows[(method, way)] = _measure(way, urls, connect_to, method, args.repeat)
                    print(f"  {method} {way}: {rows[(method, way)]['cpu_ms_per_request']} CPU ms per request "
                          f"({rows[(method, way)]['answered']} of {len(urls)} answered)", flush=True)
    for method in ("GET", "HEAD"):
        ours = rows[(method, "govinspect")]["cpu_ms_per_request"]
        theirs = rows[(method, "aiohttp")]["cpu_ms_per_request"]
        print(f"http_{method.lower()}_cpu_ms_per_request: {ours}")
        print(f"http_{method.lower()}_vs_aiohttp: {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
