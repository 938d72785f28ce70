"""Benchmark: a generated province through the quarterly DAG on a real Airflow deployment.

    python bench/bench_province.py [--quick] [--sizes 150/1500,300/3000,600/6000] [--no-baseline] [--json FILE]

For each size (websites/accounts): ``province.generate_province`` writes the websites (``sitefarm``),
the accounts' sources (``feedfarm``), the registry exports, the sweep, the manual evidence and the
profile; two nginx serve the farms on loopback; ``govinspect_airflow.localstack`` starts Airflow
(LocalExecutor on PostgreSQL, scheduler + dag-processor + api-server, pools imported, the store on
a second PostgreSQL database). The registry is loaded and the liveness week replayed
(``pipeline.snapshot_registry``, ``pipeline.replay_probe_week``: the probes the liveness_probe DAG
would have taken; timed apart), then ``quarterly_inspection`` is triggered through the REST API for
2020Q3 and waited for. Reported:

* ``province_quarter_minutes``: the DAG run from queued to end (the run's own time stamps);
* ``province_peak_rss_mb``: the peak over the run of the sum of PSS (``/proc/PID/smaps_rollup``) of
  every process of the deployment (the three components, the executor's workers, the task
  supervisors and task processes), sampled every half second; beside it the largest single task
  process (its VmHWM) and the components' share;
* time per stage: for each task, the sum of its instances' durations and its span (first start to
  last end), from the task instances;
* sanity counts from the store (websites and accounts checked, account outcomes against the designed
  ones, findings, verdicts, the notice PDF and its pages): the run must end ``success`` with the PDF
  written, else the bench exits 1.

Baseline, in the same run on the same store and farms: the same pipeline stages called one after
another in one fresh process without Airflow (``airflow_vs_inprocess``: DAG wall ÷ in-process wall;
below 1 the deployment's parallel slots win more than its scheduling and task start-up cost).

The farms are ours, on loopback: no per-host spacing (``GOVINSPECT_PER_HOST_RATE=0``) and no
per-platform spacing (the profile's ``[sources.rate_limits]`` are 0). What the real platforms'
default intervals (``newmedia.settings.RATE_LIMITS``) and the client's 10 requests/s per host would
impose on the same requests is printed as ``politeness bound``: in production that bound, not the
machine, sets the account stage's wall time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "include"))

from feedfarm import FeedManifest, FeedNginx  # noqa: E402
from province import QUARTER, generate_province  # noqa: E402
from sitefarm import FarmManifest, Nginx  # noqa: E402

FULL_SIZES = [(150, 1500), (300, 3000), (600, 6000)]
QUICK_SIZES = [(30, 300)]
PAGES = 60
TARGET_MINUTES = 15.0
TARGET_MB = 2048
SAMPLE_SECONDS = 0.5
CLIENT_RATE = 10.0  # net.DEFAULT_PER_HOST_RATE: requests per second to one host in production


# --- the machine ----------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (f"{platform.system()} {platform.release()} {platform.machine()}, nproc {os.cpu_count()}, {cpu}, "
            f"{mem} GB RAM, Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")


def machine_cpu_seconds() -> float:
    """CPU seconds every process of the machine has spent busy so far (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# --- memory of the deployment ---------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree[ppid].append(int(entry.name))
    return tree


def _descendants(roots: list[int]) -> list[int]:
    tree = _children()
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += tree.get(pid, [])
    return out


def _kb(text: str, key: str) -> int:
    match = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


class MemorySampler:
    """Samples every process under the given roots: the sum of PSS, each process's peak RSS and CPU."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots
        self.peak_pss_kb = 0
        self.peak_at = 0.0
        self.peak_parts: dict[str, int] = {}
        self.peak_processes: list[tuple[int, str, str]] = []
        self.samples = 0
        self.procs: dict[int, dict[str, Any]] = {}  # pid -> title, hwm_kb, cpu_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.started = time.monotonic()

    def _kind(self, pid: int, title: str) -> str:
        for name, root in self.roots.items():
            if pid == root:
                return name
        if title.startswith("airflow worker -- LocalExecutor"):
            return "executor worker"
        if title.startswith("airflow worker -- "):
            return "task"
        if title.startswith("airflow supervisor"):
            return "task supervisor"
        return "other"

    def sample(self) -> None:
        total, parts, each = 0, Counter(), []
        for pid in _descendants(list(self.roots.values())):
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                status = Path(f"/proc/{pid}/status").read_text()
                title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pss = _kb(rollup, "Pss")
            total += pss
            kind = self._kind(pid, title)
            parts[kind] += pss
            each.append((pss, kind, title[:80]))
            info = self.procs.setdefault(pid, {"title": title[:120], "kind": kind, "hwm_kb": 0, "cpu_s": 0.0})
            info["title"], info["kind"] = title[:120], kind
            info["hwm_kb"] = max(info["hwm_kb"], _kb(status, "VmHWM"))
            info["cpu_s"] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
        self.samples += 1
        if total > self.peak_pss_kb:
            self.peak_pss_kb, self.peak_parts = total, dict(parts)
            self.peak_processes = [(round(k / 1024), kind, title) for k, kind, title in sorted(each, reverse=True)[:10]]
            self.peak_at = time.monotonic() - self.started

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_SECONDS)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, Any]:
        tasks = [p for p in self.procs.values() if p["kind"] == "task"]
        largest = max(tasks, key=lambda p: p["hwm_kb"], default=None)
        cpu = Counter()
        for p in self.procs.values():
            cpu[p["kind"]] += p["cpu_s"]
        return {"peak_pss_mb": round(self.peak_pss_kb / 1024), "peak_at_s": round(self.peak_at),
                "peak_parts_mb": {k: round(v / 1024) for k, v in sorted(self.peak_parts.items())},
                "peak_processes": self.peak_processes,
                "largest_task_rss_mb": round(largest["hwm_kb"] / 1024) if largest else None,
                "task_processes": len(tasks), "samples": self.samples,
                "cpu_seconds": {k: round(v, 1) for k, v in sorted(cpu.items())}}


# --- stages from the task instances ---------------------------------------------------------------------


def _ts(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def stage_times(instances: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per task id: instances, sum of durations, span from first start to last end, and the longest."""
    by_task: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for ti in instances:
        start, end = _ts(ti.get("start_date")), _ts(ti.get("end_date"))
        if start and end:
            by_task[ti["task_id"]].append((start, end))
    out = {}
    for task_id, spans in by_task.items():
        first = min(s for s, _e in spans)
        last = max(e for _s, e in spans)
        out[task_id] = {"instances": len(spans), "sum_s": round(sum((e - s).total_seconds() for s, e in spans), 1),
                        "span_s": round((last - first).total_seconds(), 1),
                        "max_s": round(max((e - s).total_seconds() for s, e in spans), 1),
                        "median_s": round(statistics.median((e - s).total_seconds() for s, e in spans), 1),
                        "first_start": first.isoformat(), "last_end": last.isoformat()}
    return dict(sorted(out.items(), key=lambda kv: kv[1]["first_start"]))


# --- sanity from the store ------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> int | None:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if match:
            return int(match.group(1))
    count = len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))
    return count or None


def store_sanity(store_url: str, designed: dict[str, list]) -> dict[str, Any]:
    """Counts that show the run did the work, and the account outcomes against the designed ones."""
    from sqlalchemy import func, select

    from govinspect.store import session_scope
    from govinspect.store.models import (
        AccountObservation,
        DeadLink,
        Finding,
        StageRun,
        Verdict,
        WebsiteObservation,
    )

    with session_scope(store_url) as s:
        sites = s.execute(select(func.count()).select_from(WebsiteObservation)
                          .where(WebsiteObservation.quarter == QUARTER)).scalar()
        homepages = Counter(dict(s.execute(select(WebsiteObservation.homepage_outcome, func.count())
                                           .where(WebsiteObservation.quarter == QUARTER)
                                           .group_by(WebsiteObservation.homepage_outcome)).all()))
        dead = s.execute(select(func.count()).select_from(DeadLink).where(DeadLink.quarter == QUARTER)).scalar()
        observed = {f"{o.platform}:{o.account_id}": (o.freshness, o.state, o.evidence)
                    for o in s.execute(select(AccountObservation).where(AccountObservation.quarter == QUARTER)).scalars()}
        findings = Counter(dict(s.execute(select(Finding.kind, func.count()).where(Finding.quarter == QUARTER)
                                          .group_by(Finding.kind)).all()))
        verdicts = Counter(dict(s.execute(select(Verdict.verdict, func.count()).where(Verdict.quarter == QUARTER)
                                          .group_by(Verdict.verdict)).all()))
        notice = s.get(StageRun, (QUARTER, "notice"))
    freshness = Counter(o[0] for o in observed.values())
    matched, mismatched = 0, Counter()
    requests: Counter = Counter()
    for key, (want_fresh, want_state, outcome) in designed.items():
        got = observed.get(key)
        if got and got[0] == want_fresh and (want_state is None or got[1] in ("cancelled", "not_found", "banned")):
            matched += 1
        else:
            mismatched[f"{outcome}: want {want_fresh}/{want_state} got {got[0] + '/' + got[1] if got else 'none'}"] += 1
    for key, (_f, _s, evidence) in observed.items():
        platform = key.split(":", 1)[0]
        for reading in (evidence or {}).get("readings", []):
            for fetch in reading.get("fetches", []):
                if not fetch.get("cached"):
                    requests[(platform, reading.get("source"))] += fetch.get("attempts", 1)
    pdf = Path(notice.summary["pdf"]) if notice else None
    return {
        "websites_checked": sites, "homepage_outcomes": dict(homepages), "dead_links": dead,
        "accounts_checked": len(observed), "freshness": dict(freshness),
        "designed_matched": matched, "designed_mismatched": dict(mismatched.most_common(8)),
        "findings": dict(findings), "verdicts": dict(verdicts),
        "notice_pdf": str(pdf) if pdf else None, "notice_exists": bool(pdf and pdf.exists()),
        "notice_pages": _pdf_pages(pdf) if pdf and pdf.exists() else None,
        "account_requests": {f"{p}/{src}": n for (p, src), n in sorted(requests.items())},
    }


def politeness_bound(requests: dict[str, int], feed_slots: int) -> dict[str, Any]:
    """Seconds the real platforms' default spacing would take for these requests (per platform, all
    platforms at once), and the client's per-host rate on the RSSHub host alone."""
    from govinspect.newmedia.settings import DEFAULT_INTERVAL, RATE_LIMITS

    per_platform: Counter = Counter()
    rsshub = 0
    for key, n in requests.items():
        platform, source = key.split("/", 1)
        per_platform[platform] += n
        if source == "rsshub":
            rsshub += n
    # Batches running at once share a platform's interval (SourceSettings.shared_by): the platform
    # sees its configured rate whatever the feed slots. Each batch has its own HTTP client, so the
    # RSSHub host sees the client's per-host rate once per slot.
    seconds = {p: round(n * RATE_LIMITS.get(p, DEFAULT_INTERVAL)) for p, n in per_platform.items()}
    busiest = max(seconds.items(), key=lambda kv: kv[1], default=("-", 0))
    return {"per_platform_s": seconds, "bound_s": busiest[1], "busiest": busiest[0],
            "rsshub_host_s": round(rsshub / CLIENT_RATE / feed_slots), "feed_slots": feed_slots}


# --- the in-process baseline ----------------------------------------------------------------------------


def _own_peak_rss_mb() -> int:
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that over from the
    parent's copy at fork and exec, so a child of a large parent reports the parent's size."""
    return _kb(Path("/proc/self/status").read_text(), "VmHWM") // 1024


def inprocess(profile_path: str, store_url: str) -> dict[str, Any]:
    """The DAG's stages one after another in this process, on the store the DAG run left."""
    from govinspect import pipeline
    from govinspect.profile import load_profile
    from govinspect.store import migrate

    profile = load_profile(profile_path)
    times: dict[str, float] = {}

    peak_after: dict[str, int] = {}

    def timed(name: str, fn: Any, *args: Any) -> Any:
        started = time.perf_counter()
        result = fn(*args)
        times[name] = times.get(name, 0.0) + time.perf_counter() - started
        peak_after[name] = _own_peak_rss_mb()
        return result

    started = time.perf_counter()
    timed("resolve_quarter", migrate, store_url)
    timed("snapshot_registry", pipeline.snapshot_registry, QUARTER, profile, store_url)
    for batch in timed("plan_website_batches", pipeline.plan_website_batches, QUARTER, profile, store_url):
        timed("check_websites", pipeline.check_website_batch, QUARTER, batch, profile, store_url)
    timed("confirm_liveness", pipeline.confirm_liveness, QUARTER, profile, store_url)
    for batch in timed("plan_account_batches", pipeline.plan_account_batches, QUARTER, profile, store_url):
        timed("check_accounts", pipeline.check_account_batch, QUARTER, batch, profile, store_url)
    timed("reconcile_registry", pipeline.reconcile_registry, QUARTER, profile, store_url)
    timed("score_quarter", pipeline.score_quarter, QUARTER, profile, store_url)
    timed("rollup_annual", pipeline.rollup_units, QUARTER, profile, store_url)
    timed("render_notice", pipeline.render_notice, QUARTER, profile, store_url)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall_s": round(time.perf_counter() - started, 1), "stages_s": {k: round(v, 1) for k, v in times.items()},
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 1), "peak_rss_mb": _own_peak_rss_mb(),
            "peak_rss_mb_after": peak_after}


def run_inprocess(stack_env: dict[str, str], profile: str, store_url: str) -> dict[str, Any]:
    env = {**os.environ, **{k: v for k, v in stack_env.items() if k.startswith("GOVINSPECT_")}}
    env["GOVINSPECT_REPORTS_DIR"] = str(Path(stack_env["GOVINSPECT_REPORTS_DIR"]).with_name("reports-inprocess"))
    proc = subprocess.run([sys.executable, __file__, "--inprocess", profile, store_url], env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"in-process baseline failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- one size -------------------------------------------------------------------------------------------


def _connect_to(*tables: dict[tuple[str, int], tuple[str, int]]) -> str:
    return ",".join(f"{h}:{p}:{a}:{ap}" for table in tables for (h, p), (a, ap) in table.items())


def _load_store(stack: Any, profile_path: str) -> dict[str, Any]:
    from govinspect import pipeline
    from govinspect.profile import load_profile
    from govinspect.store import engine_for, migrate
    from govinspect_airflow.localstack import environment

    keys = ("GOVINSPECT_CONNECT_TO", "GOVINSPECT_ALLOW_NETWORKS", "GOVINSPECT_REPORTS_DIR", "GOVINSPECT_PROFILE",
            "GOVINSPECT_PER_HOST_RATE")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    profile = load_profile(profile_path)
    with environment({k: stack.env[k] for k in keys}):
        migrate(stack.store_url)
        t0 = time.perf_counter()
        registry = pipeline.snapshot_registry(QUARTER, profile, stack.store_url)
        t1 = time.perf_counter()
        probes = pipeline.replay_probe_week(QUARTER, profile, stack.store_url)
        t2 = time.perf_counter()
    engine_for(stack.store_url).dispose()
    return {"registry_s": round(t1 - t0, 1), "registry": registry, "probe_week_s": round(t2 - t1, 1), "probes": probes}


def bench_size(websites: int, accounts: int, workdir: Path, baseline: bool, parallelism: int) -> dict[str, Any]:
    from govinspect_airflow.localstack import start_local_stack
    from govinspect_airflow.pools import POOLS

    root = workdir / f"province-{websites}-{accounts}"
    t0 = time.perf_counter()
    manifest = generate_province(root, websites, accounts, pages=PAGES)
    generate_s = time.perf_counter() - t0
    print(f"[{websites}/{accounts}] generated in {generate_s:.0f} s: {manifest.units} units, {manifest.websites} "
          f"websites, {manifest.accounts} accounts, sweep {manifest.sweep}, manual evidence {manifest.manual}",
          flush=True)
    farm = FarmManifest.load(root / "farm")
    sites_nginx = Nginx(farm, access_log=True)
    feeds_nginx = FeedNginx(FeedManifest.load(root / "feeds"))
    result: dict[str, Any] = {"websites": websites, "accounts": accounts, "units": manifest.units,
                              "sweep": manifest.sweep, "manual_rows": manifest.manual, "generate_s": round(generate_s)}
    stack = None
    try:
        sites_nginx.start()
        feeds_nginx.start()
        connect_to = _connect_to(sites_nginx.connect_to(), feeds_nginx.connect_to())
        t0 = time.perf_counter()
        stack = start_local_stack(profile=Path(manifest.profile), connect_to=connect_to, prefix="govbench",
                                  extra_env={"GOVINSPECT_PER_HOST_RATE": "0"}, parallelism=parallelism)
        result["stack_start_s"] = round(time.perf_counter() - t0, 1)
        result["load"] = _load_store(stack, manifest.profile)
        print(f"[{websites}/{accounts}] registry loaded in {result['load']['registry_s']} s, probe week "
              f"({result['load']['probes']['probes']} probes) replayed in {result['load']['probe_week_s']} s", flush=True)
        stack.wait_for_dag()
        sampler = MemorySampler({name: p.pid for name, p in stack.processes.items()})
        sampler.sample()
        idle_mb = round(sampler.peak_pss_kb / 1024)
        sampler.peak_pss_kb = 0
        sampler.start()
        cpu0, tick = machine_cpu_seconds(), time.monotonic()
        load0 = os.getloadavg()[0]
        run_id = f"province_{websites}_{accounts}_{int(time.time())}"
        stack.trigger(run_id, {"quarter": QUARTER})
        state = stack.wait_for_run(run_id, timeout=3 * 3600, poll=5.0)
        observed_s = time.monotonic() - tick
        busy_cores = (machine_cpu_seconds() - cpu0) / observed_s
        sampler.stop()
        run = stack.run(run_id)
        queued, end = _ts(run.get("queued_at")) or _ts(run["start_date"]), _ts(run["end_date"])
        instances = stack.task_instances(run_id)
        result.update({
            "state": state, "run_s": round((end - queued).total_seconds(), 1), "observed_s": round(observed_s, 1),
            "machine_busy_cores": round(busy_cores, 2), "load_average_start": round(load0, 1),
            "idle_stack_pss_mb": idle_mb, "memory": sampler.summary(), "stages": stage_times(instances),
            "task_instances": len(instances),
            "failed_tasks": sorted({ti["task_id"] for ti in instances if ti["state"] != "success"}),
        })
        result["sanity"] = store_sanity(stack.store_url, manifest.designed)
        result["politeness"] = politeness_bound(result["sanity"]["account_requests"], POOLS["govinspect_feeds"][0])
        if baseline and state == "success":
            print(f"[{websites}/{accounts}] DAG run {state} in {result['run_s'] / 60:.1f} min; in-process baseline …",
                  flush=True)
            result["inprocess"] = run_inprocess(stack.env, manifest.profile, stack.store_url)
    finally:
        if stack is not None:
            if result.get("state") != "success":
                print(stack.logs(40), file=sys.stderr)
            stack.close()
        feeds_nginx.stop()
        sites_nginx.stop()
        result["site_requests"] = _site_requests(sites_nginx)
        sites_nginx.discard()
    return result


def _site_requests(server: Nginx) -> dict[str, Any]:
    """Requests per website host (nginx's log): the client's 10/s per host bounds each site's crawl."""
    per_host: Counter = Counter(host for host, _m, _p, _s in server.log_lines())
    if not per_host:
        return {}
    return {"requests": sum(per_host.values()), "busiest_host": max(per_host.values()),
            "busiest_host_bound_s": round(max(per_host.values()) / CLIENT_RATE, 1)}


# --- report ---------------------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> None:
    size = f"{r['websites']}/{r['accounts']}"
    mem, s = r["memory"], r["sanity"]
    print(f"\n== {size}: websites/accounts, {r['units']} units, sweep {r['sweep']}, manual evidence {r['manual_rows']}")
    print(f"  load before: registry {r['load']['registry_s']} s, probe week {r['load']['probes']['probes']} probes "
          f"in {r['load']['probe_week_s']} s (not part of the DAG run)")
    print(f"  DAG run {r['state']}: {r['run_s'] / 60:.2f} min queued→end ({r['task_instances']} task instances); "
          f"machine busy {r['machine_busy_cores']} cores, load average {r['load_average_start']} at start")
    print(f"  memory: peak PSS of the deployment {mem['peak_pss_mb']} MB at {mem['peak_at_s']} s "
          f"({', '.join(f'{k} {v}' for k, v in mem['peak_parts_mb'].items())}); idle stack {r['idle_stack_pss_mb']} MB; "
          f"largest task process {mem['largest_task_rss_mb']} MB RSS; {mem['task_processes']} task processes")
    print(f"  CPU seconds by kind: {mem['cpu_seconds']}")
    print("  stage                   inst     sum s    span s  median s     max s")
    for task_id, st in r["stages"].items():
        print(f"  {task_id:<22} {st['instances']:>5} {st['sum_s']:>9.1f} {st['span_s']:>9.1f} {st['median_s']:>9.1f} "
              f"{st['max_s']:>9.1f}")
    print(f"  checked: {s['websites_checked']} websites (homepages {s['homepage_outcomes']}), {s['dead_links']} dead "
          f"links; {s['accounts_checked']} accounts {s['freshness']}; designed outcome matched "
          f"{s['designed_matched']}/{r['accounts']}" + (f", mismatched {s['designed_mismatched']}"
                                                        if s["designed_mismatched"] else ""))
    print(f"  findings {s['findings']}; verdicts {s['verdicts']}; notice {s['notice_pages']} pages: {s['notice_exists']}")
    p = r["politeness"]
    print(f"  politeness bound (real platforms' default intervals, {p['feed_slots']} feed slots): {p['bound_s'] / 60:.0f} "
          f"min on {p['busiest']} ({', '.join(f'{k} {v / 60:.1f}' for k, v in p['per_platform_s'].items())} min); "
          f"RSSHub host at {CLIENT_RATE:g}/s: {p['rsshub_host_s'] / 60:.1f} min; busiest website host "
          f"{r['site_requests'].get('busiest_host_bound_s', '?')} s at {CLIENT_RATE:g}/s")
    if "inprocess" in r:
        b = r["inprocess"]
        print(f"  baseline, the same stages in one process: {b['wall_s'] / 60:.2f} min, {b['cpu_s']} CPU s, peak RSS "
              f"{b['peak_rss_mb']} MB; airflow_vs_inprocess: {r['run_s'] / b['wall_s']:.2f}x")
        print(f"    stages: {b['stages_s']}")
        print(f"    peak RSS (MB) after each stage: {b['peak_rss_mb_after']}")


def ok(r: dict[str, Any]) -> bool:
    return r.get("state") == "success" and bool(r.get("sanity", {}).get("notice_exists"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"one small size {QUICK_SIZES[0]}")
    parser.add_argument("--sizes", help="websites/accounts,… e.g. 150/1500,600/6000")
    parser.add_argument("--no-baseline", action="store_true", help="skip the in-process baseline")
    parser.add_argument("--parallelism", type=int, default=4, help="Airflow core.parallelism (default 4)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the generated province")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--inprocess", nargs=2, metavar=("PROFILE", "STORE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inprocess:
        print(json.dumps(inprocess(*args.inprocess)))
        return 0
    if not shutil.which("nginx", path=os.environ.get("PATH", "") + ":/usr/sbin:/usr/local/sbin"):
        sys.exit("nginx is missing: run bench/setup.sh")
    from govinspect_airflow.localstack import pg_problem

    if problem := pg_problem():
        sys.exit(f"PostgreSQL is required (127.0.0.1:5432, user postgres): {problem}")
    if args.sizes:
        sizes = [tuple(int(x) for x in part.split("/")) for part in args.sizes.split(",")]
    else:
        sizes = QUICK_SIZES if args.quick else FULL_SIZES
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-province-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"bench_province: {machine()}; workdir {workdir}", flush=True)
    results = []
    try:
        for websites, accounts in sizes:
            r = bench_size(websites, accounts, workdir, not args.no_baseline, args.parallelism)
            results.append(r)
            report(r)
            if not ok(r):
                break
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, ensure_ascii=False, indent=1))
    if len(results) > 1 and all(ok(r) for r in results):
        first, last = results[0], results[-1]
        scale = (last["websites"] + last["accounts"]) / (first["websites"] + first["accounts"])
        print(f"\ngrowth {first['websites']}/{first['accounts']} → {last['websites']}/{last['accounts']} "
              f"({scale:.0f}x the entities): wall {last['run_s'] / first['run_s']:.2f}x, "
              f"peak PSS {last['memory']['peak_pss_mb'] / first['memory']['peak_pss_mb']:.2f}x, "
              f"task CPU {sum(last['memory']['cpu_seconds'].values()) / sum(first['memory']['cpu_seconds'].values()):.2f}x")
    last = results[-1]
    if ok(last):
        print(f"province_quarter_minutes: {last['run_s'] / 60:.1f}")
        print(f"province_peak_rss_mb: {last['memory']['peak_pss_mb']}")
        if "inprocess" in last:
            print(f"airflow_vs_inprocess: {last['run_s'] / last['inprocess']['wall_s']:.2f}x")
    failed = [r for r in results if not ok(r)]
    if failed:
        for r in failed:
            print(f"FAILED at {r['websites']}/{r['accounts']}: state {r.get('state')}, failed tasks "
                  f"{r.get('failed_tasks')}, notice {r.get('sanity', {}).get('notice_pdf')}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
