"""Benchmark: liveness probe rounds and the whole website check on a farm of generated sites behind nginx.

    python bench/bench_website.py [--quick] [--parts probe,crawl,linkchecker,polite] [--workdir DIR] [--json FILE]

Needs nginx, wrk and linkchecker (``bench/setup.sh`` installs them from Debian). Every figure is
measured against a baseline taken in the same run on the same nginx:

* probe rounds (``liveness.probe`` over one ``HttpClient``, as the liveness_probe DAG runs them) of
  1,000 / 2,000 / 4,000 homepages → ``probes_per_second``; ``wrk`` asking the same homepages with
  keep-alive is the ceiling → ``probe_round_vs_wrk`` (our rate ÷ wrk's rate);
* the whole check (``check_website``: fetch, decode, columns and dates, detail pages, robots.txt,
  every link checked) unthrottled, as the quarterly DAG runs it on this 2-core machine: batches of
  20 sites (the profile's ``batch_size_websites``), each over one fresh client as
  ``check_website_batch`` does, taken by two worker processes (one Airflow slot per core) →
  ``crawl_pages_per_second``, CPU ms per page, peak RSS per worker;
* ``linkchecker`` on the same sites unthrottled (its per-host limit lifted: nginx sends the
  ``LinkChecker`` header and its rc file raises ``maxrequestspersecond``), reaching the same
  host names through nginx as its HTTP proxy → ``crawl_vs_linkchecker`` (our requests per second ÷
  its requests per second, counted by nginx) and ``wall_time_vs_linkchecker`` (its wall time ÷ ours);
  nginx's access log of both runs tells which URLs each one fetched;
* the same check with the default politeness (10 requests/s to one host) on 40 sites of 30, 60
  and 120 pages (one batch per worker, every host crawled at once) →
  ``crawl_vs_politeness_bound``: wall time ÷ (requests ÷ (hosts × rate)).

The load other work puts on the machine meanwhile is measured (/proc/stat less our own CPU time)
and printed beside each figure as ``other work … cores``.

Each measurement runs in fresh processes, so CPU time and peak RSS are its own. Headline figures
print as ``name: value`` lines; ``--json`` keeps everything.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path
from queue import Empty
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitefarm import AS_OF, Nginx, generate  # noqa: E402

SIZES = {
    "probe": ([1000, 2000, 4000], [1000]),
    "crawl": ([100, 400, 1000], [60]),  # sites of PAGES pages each; the largest is the whole farm
    "polite": ([30, 60, 120], [60]),  # pages per host, POLITE_HOSTS hosts
}
PAGES = 60
RATE = 10.0  # the client's default per-host rate, requests per second
WORKERS = 2  # Airflow worker slots: one per core of this machine
BATCH = 20  # sites per mapped batch: the profile's default batch_size_websites
POLITE_HOSTS = 2 * BATCH  # one batch per worker, every host crawled at once


def _need(tool: str) -> None:
    if shutil.which(tool, path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin") is None:
        sys.exit(f"{tool} is missing: run bench/setup.sh (installs nginx-light, wrk, linkchecker from Debian)")


def _settings(connect_to: dict) -> Any:
    from govinspect.config import NetSettings, parse_networks

    return NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=connect_to)


def peak_rss_mb(pid: int | str = "self") -> int | None:
    """The kernel's high-water mark of a process's resident memory (VmHWM), in MB; None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def machine_cpu_seconds() -> float:
    """CPU seconds all processes of the machine have spent busy so far (/proc/stat): with our own
    processes' time subtracted, what other work took from the cores during a measurement."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _usage() -> tuple[float, int]:
    """CPU seconds (user + system) and peak RSS in MB of this process so far."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime, peak_rss_mb() or ru.ru_maxrss // 1024


# --- probe rounds -----------------------------------------------------------------------------------------


def _probe_worker(urls: list[str], connect_to: dict, rounds: int, out: Any) -> None:
    from govinspect.checks import liveness
    from govinspect.net import HttpClient, run

    async def one_round() -> tuple[float, Counter]:
        started = time.monotonic()
        async with HttpClient(_settings(connect_to)) as client:  # a fresh client each round, as each DAG run has
            results = await liveness.probe_many(urls, client)
        return time.monotonic() - started, Counter(r.outcome for r in results)

    cpu0, _ = _usage()
    walls, outcomes = [], Counter()
    for _ in range(rounds):
        wall, outcomes = run(one_round())  # the event loop the liveness_probe DAG's rounds run on
        walls.append(wall)
    cpu, rss = _usage()
    out.put({"walls": walls, "cpu": cpu - cpu0, "rss_mb": rss, "outcomes": dict(outcomes)})


def _collect(queue: Any, processes: list[Any]) -> list[dict[str, Any]]:
    """One result from each worker; a worker that died without one stops the benchmark."""
    results: list[dict[str, Any]] = []
    while len(results) < len(processes):
        try:
            results.append(queue.get(timeout=1.0))
        except Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a benchmark worker exited with {dead[0].exitcode}") from None
    for p in processes:
        p.join()
    return results


def _in_fresh_process(target: Any, *args: Any) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    return _collect(queue, [process])[0]


def _wrk(server: Nginx, hosts: list[str], workdir: Path, seconds: int, close: bool = False) -> float:
    """Requests per second wrk gets from nginx asking the same homepages by host name (the ceiling)."""
    host_file = workdir / "wrk-hosts.txt"
    host_file.write_text("\n".join(hosts) + "\n")
    script = workdir / "wrk-homepages.lua"
    connection = ', ["Connection"] = "close"' if close else ""
    script.write_text(
        f'local hosts = {{}}\nfor line in io.lines("{host_file}") do hosts[#hosts + 1] = line end\n'
        "local i = math.random(#hosts)\n"
        f'request = function()\n  i = i % #hosts + 1\n  return wrk.format("GET", "/", {{["Host"] = hosts[i]{connection}}})\nend\n'
    )
    done = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", "-s", str(script), f"{server.proxy()}/"],
                          capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    raise RuntimeError(f"no rate in wrk output:\n{done.stdout}\n{done.stderr}")


def bench_probe(sizes: list[int], workdir: Path, rounds: int, drip: int) -> list[dict[str, Any]]:
    """Probe rounds at each size; then, with ``drip`` hosts, one round that only the deadline can end."""
    biggest = max(sizes)
    farm = generate(workdir / "probe-farm", biggest, 1, slow=biggest // 100, hostile=4, drip=drip, homepages_only=True)
    normal = [s for s in farm.sites if s.behaviour == "normal"]
    hostile = [s for s in farm.sites if s.behaviour not in ("normal", "slow", "drip")]
    print(f"probe farm: {len(farm.sites)} homepages ({sum(s.behaviour == 'slow' for s in farm.sites)} slow, "
          f"{len(hostile)} hostile), {farm.bytes / 1e6:.0f} MB", flush=True)
    rows = []
    with Nginx(farm) as server:
        for size in sizes:
            sites = [s for s in farm.sites if s.behaviour in ("normal", "slow")][: size - len(hostile)] + hostile
            urls = [s.url for s in sites]
            before, machine_before, started = server.requests(), machine_cpu_seconds(), time.monotonic()
            result = _in_fresh_process(_probe_worker, urls, server.connect_to(), rounds)
            other = (machine_cpu_seconds() - machine_before - result["cpu"]) / (time.monotonic() - started)
            served = server.requests() - before
            wall = statistics.median(result["walls"])
            wrk_rps = _wrk(server, [s.host for s in sites if s in normal], workdir, 5)
            wrk_close_rps = _wrk(server, [s.host for s in sites if s in normal], workdir, 5, close=True)
            row = {
                "homepages": len(urls), "rounds": rounds, "round_seconds": round(wall, 3),
                "round_seconds_all": [round(w, 3) for w in result["walls"]],
                "probes_per_second": round(len(urls) / wall), "cpu_ms_per_probe": round(result["cpu"] * 1000 / (len(urls) * rounds), 3),
                "peak_rss_mb": result["rss_mb"], "requests_served": served, "outcomes": result["outcomes"],
                "wrk_rps": round(wrk_rps), "wrk_close_rps": round(wrk_close_rps),
                "other_cpu_cores": round(max(other, 0.0), 2),
            }
            row["probe_round_vs_wrk"] = round(row["probes_per_second"] / wrk_rps, 3)
            row["probe_round_vs_wrk_close"] = round(row["probes_per_second"] / wrk_close_rps, 3)
            rows.append(row)
            print(f"  probe round {len(urls)} homepages: {wall:.2f} s → {row['probes_per_second']}/s, "
                  f"{row['cpu_ms_per_probe']} ms CPU/probe, RSS {row['peak_rss_mb']} MB; wrk {row['wrk_rps']}/s "
                  f"keep-alive, {row['wrk_close_rps']}/s new connections; outcomes {row['outcomes']}; other work "
                  f"{row['other_cpu_cores']} cores", flush=True)
        if drip:
            sites = [s for s in farm.sites if s.behaviour == "normal"][:1000] + [s for s in farm.sites if s.behaviour == "drip"]
            result = _in_fresh_process(_probe_worker, [s.url for s in sites], server.connect_to(), 1)
            row = {"homepages": len(sites), "drip_hosts": drip, "round_seconds": round(result["walls"][0], 2),
                   "peak_rss_mb": result["rss_mb"], "outcomes": result["outcomes"]}
            rows.append(row)
            print(f"  probe round {len(sites)} homepages, {drip} of them dripping 16 bytes a second: "
                  f"{row['round_seconds']} s (the 15 s deadline holds), RSS {row['peak_rss_mb']} MB; "
                  f"outcomes {row['outcomes']}", flush=True)
    return rows


# --- the whole check --------------------------------------------------------------------------------------


def _crawl_worker(batches: Any, connect_to: dict, per_host_rate: float, go: Any, out: Any) -> None:
    """An Airflow worker slot: takes mapped batches until none is left and runs each as
    ``check_website_batch`` does — ``check_website`` on every site of the batch over one fresh client."""
    from govinspect.checks.website import SiteTarget, check_website
    from govinspect.net import HttpClient, limit_for_hosts, run

    async def run_batch(targets: list[SiteTarget]) -> list[Any]:
        async with HttpClient(_settings(connect_to), per_host_rate=per_host_rate,
                              limit=limit_for_hosts(len(targets))) as client:
            return await asyncio.gather(*(check_website(client, t, AS_OF) for t in targets))

    cpu0, _ = _usage()
    go.wait()
    started = time.monotonic()
    checks: list[Any] = []
    while (batch := batches.get()) is not None:
        checks.extend(run(run_batch([SiteTarget(code, name, url) for code, name, url in batch])))
    ended = time.monotonic()
    cpu, rss = _usage()
    observations = [c.observation for c in checks]
    out.put({
        "started": started, "ended": ended, "cpu": cpu - cpu0, "rss_mb": rss,
        "pages": sum(o["pages_fetched"] for o in observations),
        "columns": sum(len(o["columns"]) for o in observations),
        "dated_columns": sum(1 for o in observations for c in o["columns"] if c["latest"]),
        "dead_links": sum(len(c.dead_links) for c in checks),
        "homepage_outcomes": dict(Counter(c.homepage_outcome for c in checks)),
    })


def run_check(server: Nginx, sites: list[Any], per_host_rate: float, workers: int = WORKERS,
              batch_size: int = BATCH) -> dict[str, Any]:
    """The whole check of ``sites`` in batches of ``batch_size`` over ``workers`` fresh processes started together."""
    ctx = multiprocessing.get_context("spawn")
    go = ctx.Event()
    batches = ctx.Queue()
    for i in range(0, len(sites), batch_size):
        batches.put([(s.host, s.name, s.url) for s in sites[i:i + batch_size]])
    for _ in range(workers):
        batches.put(None)
    queue = ctx.Queue()
    processes = []
    for _ in range(workers):
        p = ctx.Process(target=_crawl_worker, args=(batches, server.connect_to(), per_host_rate, go, queue))
        p.start()
        processes.append(p)
    time.sleep(1.5)  # let the workers import and wait on the start signal
    before = server.requests()
    machine_before = machine_cpu_seconds()
    go.set()
    parts = _collect(queue, processes)
    machine_busy = machine_cpu_seconds() - machine_before
    served = server.requests() - before
    wall = max(p["ended"] for p in parts) - min(p["started"] for p in parts)
    ours = sum(p["cpu"] for p in parts)
    pages = sum(p["pages"] for p in parts)
    outcomes: Counter = Counter()
    for p in parts:
        outcomes.update(p["homepage_outcomes"])
    return {
        "sites": len(sites), "workers": workers, "batch_size": batch_size, "wall_seconds": round(wall, 3),
        "pages": pages, "requests": served,
        "pages_per_second": round(pages / wall), "requests_per_second": round(served / wall),
        "cpu_seconds": round(sum(p["cpu"] for p in parts), 2),
        "cpu_ms_per_page": round(sum(p["cpu"] for p in parts) * 1000 / max(pages, 1), 3),
        "cpu_busy": round(ours / (wall * workers), 2),
        # cores taken by everything else meanwhile (nginx, the parent, other work on the machine)
        "other_cpu_cores": round(max(machine_busy - ours, 0.0) / wall, 2),
        "peak_rss_mb_per_worker": max(p["rss_mb"] for p in parts),
        "columns": sum(p["columns"] for p in parts), "dated_columns": sum(p["dated_columns"] for p in parts),
        "dead_link_rows": sum(p["dead_links"] for p in parts), "homepage_outcomes": dict(outcomes),
    }


def _linkchecker(server: Nginx, sites: list[Any], workdir: Path, threads: int) -> dict[str, Any]:
    """linkchecker on the same start pages, unthrottled, through nginx as its proxy."""
    rc = workdir / "linkcheckerrc"
    rc.write_text(
        "[checking]\n"
        f"threads={threads}\ntimeout=15\nmaxrequestspersecond=100000\nrobotstxt=1\n"
        "[filtering]\ncheckextern=1\n[output]\nstatus=0\nwarnings=0\n"
    )
    env = {**os.environ, "http_proxy": server.proxy(), "HTTP_PROXY": server.proxy(), "no_proxy": "", "NO_PROXY": "",
           "HOME": str(workdir)}
    command = ["linkchecker", "-f", str(rc), "--check-extern", "--no-status", "--no-warnings", "-o", "none",
               *[s.url for s in sites]]
    before, machine_before = server.requests(), machine_cpu_seconds()
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]

    def watch() -> None:  # VmHWM only grows: its last reading before the exit is the peak
        while (mb := peak_rss_mb(process.pid)) is not None:
            peak[0] = max(peak[0], mb)
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    watcher.join()
    wall = time.monotonic() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: it found broken links
        raise RuntimeError(f"linkchecker exited {process.returncode}: {stderr[-2000:]}")
    served = server.requests() - before
    return {"threads": threads, "wall_seconds": round(wall, 3), "requests": served,
            "requests_per_second": round(served / wall), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": peak[0],
            "other_cpu_cores": round(max(machine_cpu_seconds() - machine_before - usage.ru_utime - usage.ru_stime, 0) / wall, 2)}


def _url_set(server: Nginx) -> set[tuple[str, str]]:
    urls = {(host, path) for host, _method, path, _status in server.log_lines() if path != "/_status"}
    server.discard()
    return urls


def bench_crawl(sizes: list[int], workdir: Path, with_linkchecker: bool, lc_threads: int) -> list[dict[str, Any]]:
    biggest = max(sizes)
    farm = generate(workdir / "crawl-farm", biggest, PAGES, slow=max(1, biggest // 100), hostile=4)
    print(f"crawl farm: {len(farm.sites)} sites, {farm.pages} pages, {farm.bytes / 1e6:.0f} MB "
          f"({sum(s.behaviour == 'slow' for s in farm.sites)} slow, 4 hostile hosts)", flush=True)
    hostile = [s for s in farm.sites if s.behaviour not in ("normal", "slow")]
    rows = []
    for size in sizes:
        sites = [s for s in farm.sites if s.behaviour in ("normal", "slow")][: size - len(hostile)] + hostile
        with Nginx(farm, access_log=with_linkchecker) as server:
            ours = run_check(server, sites, per_host_rate=0)
        row: dict[str, Any] = {"sites": len(sites), "site_pages": sum(s.pages for s in sites), "ours": ours}
        print(f"  whole check, {len(sites)} sites: {ours['wall_seconds']:.2f} s, {ours['pages']} pages "
              f"({ours['pages_per_second']}/s), {ours['requests']} requests ({ours['requests_per_second']}/s), "
              f"{ours['cpu_ms_per_page']} ms CPU/page (workers busy {ours['cpu_busy']:.0%}, other work "
              f"{ours['other_cpu_cores']} cores), RSS {ours['peak_rss_mb_per_worker']} MB/worker; "
              f"{ours['dated_columns']}/{ours['columns']} columns dated, {ours['dead_link_rows']} dead-link rows",
              flush=True)
        if with_linkchecker:
            ours_urls = _url_set(server)
            with Nginx(farm, linkchecker_header=True, access_log=True) as lc_server:
                theirs = _linkchecker(lc_server, sites, workdir, lc_threads)
            theirs_urls = _url_set(lc_server)
            both = ours_urls & theirs_urls
            theirs["urls"] = len(theirs_urls)
            row["linkchecker"] = theirs
            row["urls"] = {"ours": len(ours_urls), "linkchecker": len(theirs_urls), "both": len(both),
                           "only_ours": len(ours_urls - theirs_urls), "only_linkchecker": len(theirs_urls - ours_urls)}
            # linkchecker also fetches images, stylesheets, scripts and outside hosts' robots.txt: compare the
            # rate per request, which does not reward checking less; the wall-time ratio is kept beside it.
            row["crawl_vs_linkchecker"] = round(ours["requests_per_second"] / max(theirs["requests_per_second"], 1), 1)
            row["wall_time_vs_linkchecker"] = round(theirs["wall_seconds"] / ours["wall_seconds"], 1)
            print(f"  linkchecker ({lc_threads} threads), same sites: {theirs['wall_seconds']:.1f} s, "
                  f"{theirs['requests']} requests ({theirs['requests_per_second']}/s), {theirs['cpu_seconds']} s CPU, "
                  f"RSS {theirs['peak_rss_mb']} MB, other work {theirs['other_cpu_cores']} cores → ours {row['crawl_vs_linkchecker']}x its rate per request, "
                  f"{row['wall_time_vs_linkchecker']}x less wall time; distinct URLs "
                  f"{row['urls']}", flush=True)
        rows.append(row)
    return rows


def bench_polite(sizes: list[int], workdir: Path) -> list[dict[str, Any]]:
    """POLITE_HOSTS sites of ``size`` pages each at the default per-host rate, every host crawled at once."""
    rows = []
    for size in sizes:
        farm = generate(workdir / f"polite-farm-{size}", POLITE_HOSTS, size, seed=7)
        sites = farm.sites
        with Nginx(farm, access_log=True) as server:
            result = run_check(server, sites, per_host_rate=RATE)
        per_host = Counter(host for host, _m, path, _s in server.log_lines() if path != "/_status")
        server.discard()
        bound = result["requests"] / (len(sites) * RATE)
        busiest = max(per_host[s.host] for s in sites)
        row = {"hosts": len(sites), "pages_per_site": size, "rate": RATE, **result, "bound_seconds": round(bound, 2),
               "crawl_vs_politeness_bound": round(result["wall_seconds"] / bound, 3),
               "busiest_host_requests": busiest, "busiest_host_bound_seconds": round((busiest - 1) / RATE, 2),
               "crawl_vs_busiest_host_bound": round(result["wall_seconds"] / ((busiest - 1) / RATE), 3)}
        rows.append(row)
        print(f"  polite check, {len(sites)} hosts of {size} pages at {RATE:g}/s: {result['wall_seconds']:.2f} s for "
              f"{result['requests']} requests; bound {bound:.2f} s → {row['crawl_vs_politeness_bound']}x (busiest host "
              f"{busiest} requests, {row['crawl_vs_busiest_host_bound']}x its own bound), "
              f"{result['cpu_ms_per_page']} ms CPU/page", flush=True)
    return rows


def _growth(rows: list[dict[str, Any]], size_key: str, cost_key: str) -> str:
    """Cost per unit at the largest size ÷ at the smallest: 1.0 is linear growth."""
    first, last = rows[0], rows[-1]
    return f"{(last[cost_key] / last[size_key]) / (first[cost_key] / first[size_key]):.2f}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()} {platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), {mem:.0f} GB RAM, "
            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small size of each (for make bench-quick)")
    parser.add_argument("--parts", default="probe,crawl,linkchecker,polite")
    parser.add_argument("--workdir", help="where the farms are written (default: a temporary folder, removed after)")
    parser.add_argument("--json", help="write every figure to this file")
    parser.add_argument("--rounds", type=int, default=3, help="probe rounds per size (the median is reported)")
    parser.add_argument("--linkchecker-threads", type=int, default=10)
    for part, (full, _quick) in SIZES.items():
        parser.add_argument(f"--{part}-sizes", help=f"comma-separated sizes instead of {full}")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    for tool in ["nginx"] + (["wrk"] if "probe" in parts else []) + (["linkchecker"] if "linkchecker" in parts else []):
        _need(tool)
    pick = 1 if args.quick else 0
    for part in SIZES:
        chosen = getattr(args, f"{part}_sizes")
        if chosen:
            SIZES[part] = ([int(n) for n in chosen.split(",")],) * 2
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="govinspect-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"date": date.today().isoformat(), "machine": machine(), "quick": args.quick}
    print(f"machine: {report['machine']}", flush=True)
    headline: dict[str, str] = {}
    try:
        if "probe" in parts:
            rows = bench_probe(SIZES["probe"][pick], workdir, args.rounds, 0 if args.quick else 4)
            report["probe"] = rows
            rows = [r for r in rows if "drip_hosts" not in r]
            headline["probes_per_second"] = str(rows[-1]["probes_per_second"])  # headlines: the largest size
            headline["probe_round_vs_wrk"] = f"{rows[-1]['probe_round_vs_wrk']}x"
            if len(rows) > 1:
                headline["probe_cost_growth"] = _growth(rows, "homepages", "round_seconds")
        if "crawl" in parts or "linkchecker" in parts:
            rows = bench_crawl(SIZES["crawl"][pick], workdir, "linkchecker" in parts, args.linkchecker_threads)
            report["crawl"] = rows
            last = rows[-1]["ours"]
            headline["crawl_pages_per_second"] = str(last["pages_per_second"])
            headline["crawl_requests_per_second"] = str(last["requests_per_second"])
            headline["crawl_cpu_ms_per_page"] = str(last["cpu_ms_per_page"])
            headline["crawl_peak_rss_mb"] = str(last["peak_rss_mb_per_worker"])
            if "linkchecker" in rows[-1]:
                headline["crawl_vs_linkchecker"] = f"{rows[-1]['crawl_vs_linkchecker']}x"
                headline["crawl_wall_time_vs_linkchecker"] = f"{rows[-1]['wall_time_vs_linkchecker']}x"
            if len(rows) > 1:
                flat = [{"pages": r["ours"]["pages"], "wall": r["ours"]["wall_seconds"]} for r in rows]
                headline["crawl_cost_growth"] = _growth(flat, "pages", "wall")
        if "polite" in parts:
            rows = bench_polite(SIZES["polite"][pick], workdir)
            report["polite"] = rows
            headline["crawl_vs_politeness_bound"] = f"{max(r['crawl_vs_politeness_bound'] for r in rows)}x"
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    for name, value in headline.items():
        print(f"{name}: {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
