"""The stages of a quarter, as plain functions. The Airflow tasks and the CLI call these;
each stage reads its inputs from the store and replaces its own partition, so any stage
can be rerun alone and leaves the rows an all-green run leaves."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, tuple_

from govinspect import config
from govinspect.checks import liveness
from govinspect.checks.website import SiteTarget, check_website
from govinspect.net import HttpClient, limit_for_hosts, run
from govinspect.newmedia.adapters import (
    AccountTarget,
    ManualRecord,
    SourceCredentials,
    SourceSettings,
    check_accounts,
)
from govinspect.profile import Profile, load_profile
from govinspect.quarter import CHINA, Quarter
from govinspect.registry.api import ApiSource
from govinspect.registry.load import LoadReport
from govinspect.registry.reconcile import ReconcileRules, reconcile
from govinspect.store import migrate, replace_partition, session_scope, upsert
from govinspect.store.models import (
    Account,
    AccountObservation,
    DeadLink,
    Finding,
    ManualEvidence,
    Probe,
    StageRun,
    Unit,
    Website,
    WebsiteObservation,
)

PROBES_PER_DAY = 20
PROBE_WEEK_DAYS = 7


def _record_stage(session: Any, quarter: str, stage: str, summary: dict[str, Any]) -> None:
    upsert(session, StageRun, [{"quarter": quarter, "stage": stage, "finished_at": datetime.now(UTC).replace(tzinfo=None),
                                "summary": summary}])


def prepare_store(url: str | None = None) -> None:
    migrate(url)


# --- registry -------------------------------------------------------------------------------------------


def snapshot_registry(quarter: str, profile: Profile | None = None, url: str | None = None,
                      api: ApiSource | None = None) -> dict[str, Any]:
    """Import the quarter's registry (单位名录, 网站, 新媒体, 排查, 人工核查) in one transaction: the
    profile's export files and, when ``api`` is given, the province's registry API. Stores the
    quarter's snapshot and its changes since the previous quarter. An unusable source fails the
    stage before anything is written."""
    from govinspect.registry.api import fetch_and_parse
    from govinspect.registry.load import load_parsed, parse_sources, profile_sources

    profile = profile or load_profile()
    q = Quarter.parse(quarter)
    as_of = profile.check_point_for(q)
    paths, kinds = profile_sources(profile, q)
    parsed = parse_sources(paths, q, kinds, as_of=as_of)
    if api is not None:
        parsed += fetch_and_parse(api, as_of)
    report: LoadReport = load_parsed(parsed, q, url=url, county=profile.county)
    summary = {"imported": dict(report.imported), "quarantined": len({(r.source, r.row) for r in report.quarantined}),
               "quarantined_by_kind": dict(report.quarantined_by_kind()),
               "sources": [name for name, _label, _count in report.files], "passed_over": report.skipped}
    with session_scope(url) as session:
        _record_stage(session, str(q), "registry_snapshot", summary)
    return summary


# --- website checks -------------------------------------------------------------------------------------


def _batches(items: list[tuple[str, str]], size: int) -> list[dict[str, Any]]:
    """Group (label, key) pairs into batches of at most ``size``, labelled by their first label."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in items:
        by_label[label].append(key)
    batches, current, labels = [], [], []
    for label in sorted(by_label):
        for key in by_label[label]:
            if len(current) >= size:
                batches.append((labels, current))
                current, labels = [], []
            current.append(key)
            if label not in labels:
                labels.append(label)
    if current:
        batches.append((labels, current))
    out = []
    for index, (labels, keys) in enumerate(batches, start=1):
        name = labels[0] if len(labels) == 1 else f"{labels[0]}等{len(labels)}个"
        out.append({"batch": f"{index:03d} {name}", "keys": keys})
    return out


def plan_website_batches(quarter: str, profile: Profile | None = None, url: str | None = None) -> list[dict[str, Any]]:
    profile = profile or load_profile()
    with session_scope(url) as session:
        sites = session.execute(select(Website).where(Website.quarter == quarter).order_by(Website.site_code)).scalars().all()
        items = [(s.sponsor or "", s.site_code) for s in sites if "下线" not in (s.status or "")]
        # A rerun after the registry changed: sites no longer checked this quarter leave no rows behind.
        planned = [code for _label, code in items]
        for model in (WebsiteObservation, DeadLink):
            session.execute(delete(model).where(model.quarter == quarter, model.site_code.not_in(planned)))
    return _batches(items, profile.batch_size_websites)


def _site_targets(session: Any, quarter: str, codes: list[str]) -> list[SiteTarget]:
    units = {u.name: u for u in session.execute(select(Unit).where(Unit.quarter == quarter)).scalars()}
    sites = session.execute(select(Website).where(Website.quarter == quarter, Website.site_code.in_(codes))).scalars()
    out = []
    for s in sites:
        unit = units.get(s.sponsor)
        out.append(SiteTarget(s.site_code, s.name, s.url, s.sponsor, s.kind, unit.has_services if unit else True))
    return sorted(out, key=lambda t: t.site_code)


def check_website_batch(quarter: str, batch: dict[str, Any], profile: Profile | None = None,
                        url: str | None = None) -> dict[str, Any]:
    """Check the sites of one batch and replace that batch's observations and dead links."""
    profile = profile or load_profile()
    q = Quarter.parse(quarter)
    as_of = profile.check_point_for(q)
    with session_scope(url) as session:
        targets = _site_targets(session, quarter, batch["keys"])
    for target in targets:  # the inspectors' column bindings ([columns."SITE_CODE"] in the profile)
        target.column_overrides = dict(profile.columns.get(target.site_code, {}))

    async def run_all() -> list[Any]:
        async with HttpClient(limit=limit_for_hosts(len(targets))) as client:
            return await asyncio.gather(*(check_website(client, t, as_of) for t in targets))

    checks = run(run_all())
    with session_scope(url) as session:
        # These sites' rows, whatever batch wrote them: labels shift when the registry gains a unit.
        session.execute(delete(WebsiteObservation).where(WebsiteObservation.quarter == quarter,
                                                         WebsiteObservation.site_code.in_(batch["keys"])))
        replace_partition(session, WebsiteObservation, {"quarter": quarter, "batch": batch["batch"]}, [
            {"site_code": t.site_code, "homepage_outcome": c.homepage_outcome, "data": c.observation}
            for t, c in zip(targets, checks, strict=True)
        ])
        session.execute(delete(DeadLink).where(DeadLink.quarter == quarter, DeadLink.site_code.in_(batch["keys"])))
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for t, c in zip(targets, checks, strict=True):
            for d in c.dead_links:
                rows[(d["url"], d["referrer"])] = {"quarter": quarter, "site_code": t.site_code, **d}
        if rows:
            session.execute(DeadLink.__table__.insert(), list(rows.values()))
    return {"batch": batch["batch"], "sites": len(targets), "dead_links": sum(len(c.dead_links) for c in checks)}


# --- liveness (V2) --------------------------------------------------------------------------------------


def _offset(site_code: str) -> int:
    return int(hashlib.sha1(site_code.encode()).hexdigest()[:6], 16)


CONFIRM_PROBES = 5
CONFIRM_SPACING_SECONDS = 3.0
CONTROL_PREFIX = "_ctl:"


def china_now() -> datetime:
    """Probe times are stored as China Standard Time (the day boundaries of the rules are Beijing days)."""
    return datetime.now(CHINA).replace(tzinfo=None, microsecond=0)


def control_urls() -> list[str]:
    """Reference homepages probed beside ours (``GOVINSPECT_PROBE_CONTROLS``): when all of them fail too,
    the failure is the monitor's own network, not the county's site."""
    return [u.strip() for u in os.environ.get("GOVINSPECT_PROBE_CONTROLS", "").split(",") if u.strip()]


def _control_code(url: str) -> str:
    return CONTROL_PREFIX + hashlib.sha1(url.encode()).hexdigest()[:8]


async def _probe_with_controls(targets: list[tuple[str, str]], per_host_rate: float | None = -1.0) -> list[tuple[str, liveness.ProbeResult]]:
    controls = [(_control_code(u), u) for u in control_urls()]
    async with HttpClient(per_host_rate=per_host_rate) as client:
        results = await asyncio.gather(*(liveness.probe(client, u) for _c, u in [*targets, *controls]))
    return list(zip([c for c, _u in [*targets, *controls]], results, strict=True))


def probe_round(quarter: str | None = None, at: datetime | None = None, url: str | None = None,
                series: str = "routine") -> dict[str, Any]:
    """Probe every registered homepage once, now (the liveness_probe DAG runs this ≥20 times a day)."""
    at = at or china_now()
    with session_scope(url) as session:
        if quarter is None:
            quarter = session.execute(select(Website.quarter).order_by(Website.quarter.desc()).limit(1)).scalar()
        sites = session.execute(select(Website).where(Website.quarter == quarter)).scalars().all()
        targets = [(s.site_code, s.url) for s in sites if "下线" not in (s.status or "")]
    results = run(_probe_with_controls(targets))
    with session_scope(url) as session:
        upsert(session, Probe, [
            {"site_code": code, "probed_at": at, "url": r.url, "outcome": r.outcome, "status": r.status,
             "elapsed_ms": r.elapsed_ms, "series": series}
            for code, r in results
        ])
    sites_only = [r for code, r in results if not code.startswith(CONTROL_PREFIX)]
    return {"probed": len(sites_only), "failed": sum(1 for r in sites_only if r.outcome != "ok")}


def confirm_liveness(quarter: str, profile: Profile | None = None, url: str | None = None,
                     veto_ratio: float = 0.05) -> dict[str, Any]:
    """Re-probe every homepage whose week reached the veto ratio, with the controls beside it.

    A V2 veto stands only once such a series ran while the monitor's own network was healthy, so
    that our own outage cannot fail a county's website. The series is stored (series ``confirm``).
    """
    profile = profile or load_profile()
    check_point = profile.check_point_for(Quarter.parse(quarter))
    with session_scope(url) as session:
        sites = session.execute(select(Website).where(Website.quarter == quarter)).scalars().all()
        suspects = []
        known_rounds: dict[tuple[datetime, datetime], set[datetime]] = {}
        for s in sites:
            summary = probe_summary(session, s.site_code, check_point, known_rounds)
            if summary["total"] and summary["failed"] / summary["total"] >= veto_ratio:
                suspects.append((s.site_code, s.url))
    if not suspects:
        return {"confirmed": 0}

    async def series() -> list[tuple[datetime, list[tuple[str, liveness.ProbeResult]]]]:
        rounds = []
        for i in range(CONFIRM_PROBES):
            if i:
                await asyncio.sleep(CONFIRM_SPACING_SECONDS)
            moment = china_now()
            rounds.append((moment, await _probe_with_controls(suspects)))
        return rounds

    rounds = run(series())
    with session_scope(url) as session:
        rows = {}
        for moment, results in rounds:
            for code, r in results:
                rows[(code, moment)] = {"site_code": code, "probed_at": moment, "url": r.url, "outcome": r.outcome,
                                        "status": r.status, "elapsed_ms": r.elapsed_ms, "series": "confirm"}
        upsert(session, Probe, list(rows.values()))
        _record_stage(session, quarter, "liveness_confirmation", {"sites": len(suspects), "rounds": len(rounds)})
    return {"confirmed": len(suspects)}


def _unhealthy_rounds(session: Any, start: datetime, end: datetime,
                      known: dict[tuple[datetime, datetime], set[datetime]] | None = None) -> set[datetime]:
    """Moments at which every control probe failed: the monitor itself could not reach the internet.

    ``known`` keeps the answer per window for a caller that summarizes many sites in one read of the
    store: the control probes are then read once, not once per site."""
    if known is not None:
        if (start, end) not in known:
            known[(start, end)] = _unhealthy_rounds(session, start, end)
        return known[(start, end)]
    rows = session.execute(select(Probe.probed_at, Probe.outcome).where(
        Probe.site_code.like(CONTROL_PREFIX + "%"), Probe.probed_at >= start, Probe.probed_at < end)).all()
    by_moment: dict[datetime, list[str]] = defaultdict(list)
    for at, outcome in rows:
        by_moment[at].append(outcome)
    return {at for at, outcomes in by_moment.items() if all(o != "ok" for o in outcomes)}


def replay_probe_week(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, Any]:
    """Run the week of probes before the check point now, each stamped with its scheduled time.

    Used by the demo: its farm serves the quarter "as of" the check point, so the probes are
    real requests while their time stamps are the schedule the liveness_probe DAG would have kept.
    """
    profile = profile or load_profile()
    check_point = profile.check_point_for(Quarter.parse(quarter))
    with session_scope(url) as session:
        sites = session.execute(select(Website).where(Website.quarter == quarter)).scalars().all()
        targets = [(s.site_code, s.url) for s in sites if "下线" not in (s.status or "")]
    plan = []
    for code, site_url in targets:
        for day in range(PROBE_WEEK_DAYS, 0, -1):
            start = datetime.combine(check_point - timedelta(days=day), time(0, 0))
            for moment in liveness.schedule(start, PROBES_PER_DAY, _offset(code)):
                plan.append((code, site_url, moment))

    async def run_all() -> list[liveness.ProbeResult]:
        async with HttpClient(limit_per_host=8, per_host_rate=None) as client:
            return await asyncio.gather(*(liveness.probe(client, u) for _c, u, _m in plan))

    results = run(run_all())
    with session_scope(url) as session:
        upsert(session, Probe, [
            {"site_code": code, "probed_at": moment, "url": r.url, "outcome": r.outcome, "status": r.status,
             "elapsed_ms": r.elapsed_ms, "series": "routine"}
            for (code, _u, moment), r in zip(plan, results, strict=True)
        ])
    return {"probes": len(results), "failed": sum(1 for r in results if r.outcome != "ok")}


def probe_summary(session: Any, site_code: str, check_point: date,
                  known_rounds: dict[tuple[datetime, datetime], set[datetime]] | None = None) -> dict[str, Any]:
    """The week before the check point: totals, failures, whether ≥20 probes ran each day, and the
    confirmation of a veto-level failure ratio.

    Probes taken while the monitor's own network was down (every control failed) are left out.
    ``known_rounds``: one dict passed to every call of a loop over sites (no probes written
    meanwhile), so that the control probes are read once.
    """
    start = datetime.combine(check_point - timedelta(days=PROBE_WEEK_DAYS), time(0, 0))
    end = datetime.combine(check_point, time(0, 0))
    unhealthy = _unhealthy_rounds(session, start, end, known_rounds)
    rows = [r for r in session.execute(
        select(Probe.probed_at, Probe.outcome).where(Probe.site_code == site_code, Probe.probed_at >= start,
                                                     Probe.probed_at < end, Probe.series == "routine")
    ).all() if r[0] not in unhealthy]
    availability = liveness.summarize([(r[0], r[1]) for r in rows])
    per_day: dict[date, int] = defaultdict(int)
    for at, _outcome in rows:
        per_day[at.date()] += 1
    complete = len(per_day) == PROBE_WEEK_DAYS and all(n >= PROBES_PER_DAY for n in per_day.values())
    confirmation = session.execute(select(Probe.probed_at, Probe.outcome).where(
        Probe.site_code == site_code, Probe.series == "confirm", Probe.probed_at >= end)).all()
    confirm_unhealthy = _unhealthy_rounds(session, end, datetime.max, known_rounds) if confirmation else set()
    healthy_confirm = [o for at, o in confirmation if at not in confirm_unhealthy]
    return {"total": availability.total, "failed": availability.failed, "complete_week": complete,
            "days_covered": availability.days_covered, "by_outcome": availability.by_outcome,
            "monitor_down_rounds": len(unhealthy),
            "confirmed": bool(healthy_confirm) if confirmation else None,
            "confirmation": {"probes": len(confirmation), "healthy": len(healthy_confirm),
                             "failed": sum(1 for o in healthy_confirm if o != "ok")} if confirmation else None,
            "window": [start.date().isoformat(), (end.date() - timedelta(days=1)).isoformat()]}


# --- account checks -------------------------------------------------------------------------------------


def plan_account_batches(quarter: str, profile: Profile | None = None, url: str | None = None) -> list[dict[str, Any]]:
    from govinspect.store.models import PostFinding

    profile = profile or load_profile()
    with session_scope(url) as session:
        accounts = session.execute(select(Account).where(Account.quarter == quarter, Account.origin == "registry")
                                   .order_by(Account.platform, Account.account_id)).scalars().all()
        items = [(a.platform_label, f"{a.platform}\t{a.account_id}") for a in accounts]
        # A rerun after the registry changed: accounts no longer checked this quarter leave no rows behind.
        planned = [(a.platform, a.account_id) for a in accounts]
        for model in (AccountObservation, PostFinding):
            session.execute(delete(model).where(model.quarter == quarter,
                                                tuple_(model.platform, model.account_id).not_in(planned)))
    batches = _batches(items, profile.batch_size_accounts)
    # How many batches read each platform: batches running at once share its rate (check_account_batch).
    holding = [sorted({key.split("\t", 1)[0] for key in b["keys"]}) for b in batches]
    counts = Counter(platform for platforms in holding for platform in platforms)
    for batch, platforms in zip(batches, holding, strict=True):
        batch["platform_batches"] = {platform: counts[platform] for platform in platforms}
    return batches


def source_settings(profile: Profile, quarter: str | None = None) -> SourceSettings:
    """The profile's ``[sources]`` and ``[screening]`` (see :mod:`govinspect.newmedia.settings`), its
    RSSHub and App Store addresses, then ``GOVINSPECT_RSSHUB_BASE`` / ``GOVINSPECT_APPSTORE_LOOKUP``."""
    settings = SourceSettings.from_profile_file(profile.path, quarter) if profile.path.is_file() else SourceSettings()
    if profile.rsshub_base:
        settings.rsshub_base = profile.rsshub_base
    if profile.appstore_lookup:
        settings.appstore_lookup = profile.appstore_lookup
    settings.apply_env(os.environ)
    return settings


def check_account_batch(quarter: str, batch: dict[str, Any], profile: Profile | None = None,
                        url: str | None = None, secrets: Mapping[str, Any] | None = None,
                        batches_at_once: int = 1) -> dict[str, Any]:
    """Check the accounts of one batch and replace that batch's observations and post findings.

    Manual evidence decides where it tells the last post; accounts no source can read stay
    unknown and are listed for it. ``secrets`` are the sources' cookies and keys as plain values
    (the DAG task reads them from an Airflow Connection): ``weibo_cookie``, ``rsshub_key``.
    ``batches_at_once`` is how many account batches may run at the same time (the feed pool's
    slots): this batch spaces its requests to a platform by that many times the platform's
    interval, so that together they keep it.
    """
    from govinspect.store.models import PostFinding

    profile = profile or load_profile()
    check_point = profile.check_point_for(Quarter.parse(quarter))
    keys = [tuple(k.split("\t", 1)) for k in batch["keys"]]
    with session_scope(url) as session:
        # This batch's rows only: reading the whole quarter in every batch costs O(accounts²) over a run.
        accounts = {(a.platform, a.account_id): a for a in session.execute(
            select(Account).where(Account.quarter == quarter, Account.origin == "registry",
                                  tuple_(Account.platform, Account.account_id).in_(keys))).scalars()}
        manual = {(m.platform, m.account_id): ManualRecord(m.last_post, m.checked_by, m.checked_on, m.evidence, m.note)
                  for m in session.execute(select(ManualEvidence).where(
                      ManualEvidence.quarter == quarter,
                      tuple_(ManualEvidence.platform, ManualEvidence.account_id).in_(keys))).scalars()}
        targets = [AccountTarget(a.platform, a.account_id, a.name, a.unit, True, a.status)
                   for a in (accounts[k] for k in keys if k in accounts)]
    settings = source_settings(profile, quarter)
    settings.shared_by(batches_at_once, batch.get("platform_batches"))
    results = run(check_accounts(targets, check_point, settings, manual, SourceCredentials.from_mapping(secrets)))
    findings = {}
    for r in results:
        for f in r.findings:
            row = {"platform": r.target.platform, "account_id": r.target.account_id, **f.to_row()}
            findings[(row["platform"], row["account_id"], row["post_key"], row["kind"], row["term"])] = row
    with session_scope(url) as session:
        where = {"quarter": quarter, "batch": batch["batch"]}
        # These accounts' rows, whatever batch wrote them: labels shift when the registry gains a platform.
        for model in (AccountObservation, PostFinding):
            session.execute(delete(model).where(model.quarter == quarter,
                                                tuple_(model.platform, model.account_id).in_(keys)))
        replace_partition(session, AccountObservation, where, [r.observation_row() for r in results])
        replace_partition(session, PostFinding, where, list(findings.values()))
    counts: dict[str, int] = defaultdict(int)
    states: dict[str, int] = defaultdict(int)
    for r in results:
        counts[str(r.freshness)] += 1
        states[str(r.state)] += 1
    return {"batch": batch["batch"], "accounts": len(results), **counts, "states": dict(states),
            "needs_manual": [r.target.key for r in results if r.needs_manual], "post_findings": len(findings)}


# --- reconciliation -------------------------------------------------------------------------------------


def _as_dict(row: Any) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in row.__table__.columns}


def reconcile_registry(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, int]:
    """Reconcile the registry with the sweep and the checks (备案核对) and replace the quarter's findings."""
    profile = profile or load_profile()
    check_point = profile.check_point_for(Quarter.parse(quarter))
    with session_scope(url) as session:
        accounts = [_as_dict(a) for a in session.execute(select(Account).where(Account.quarter == quarter)).scalars()]
        units = [_as_dict(u) for u in session.execute(select(Unit).where(Unit.quarter == quarter)).scalars()]
        sites = [_as_dict(w) for w in session.execute(select(Website).where(Website.quarter == quarter)).scalars()]
        seen = {(o.platform, o.account_id): {"last_post": o.last_post, "state": o.state, "source": o.source,
                                             "evidence": {k: v for k, v in (o.evidence or {}).items() if k != "posts"}}
                for o in session.execute(select(AccountObservation).where(AccountObservation.quarter == quarter)).scalars()}
        outcomes = dict(session.execute(select(WebsiteObservation.site_code, WebsiteObservation.homepage_outcome)
                                        .where(WebsiteObservation.quarter == quarter)).all())
        known_rounds: dict[tuple[datetime, datetime], set[datetime]] = {}
        site_checks = {s["site_code"]: {"probes": probe_summary(session, s["site_code"], check_point, known_rounds),
                                        "homepage_outcome": outcomes.get(s["site_code"])} for s in sites}
        findings = reconcile(
            [a for a in accounts if a["origin"] == "registry"],
            [a for a in accounts if a["origin"] == "sweep"],
            units, seen, check_point, ReconcileRules(filing_days=profile.filing_days),
            county=profile.county, websites=sites, site_checks=site_checks,
        )
        unique = {(f["kind"], f["subject"]): f for f in findings}
        replace_partition(session, Finding, {"quarter": quarter}, list(unique.values()))
        counts: dict[str, int] = defaultdict(int)
        for kind, _subject in unique:
            counts[kind] += 1
        _record_stage(session, quarter, "reconciliation", dict(counts))
    return dict(counts)


def reports_for(quarter: str) -> Path:
    path = config.reports_dir() / quarter
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- scoring --------------------------------------------------------------------------------------------


def assemble_observations(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, Any]:
    """The observations document (design.md) of a quarter, from the check stages' rows, with the
    inspectors' manual inputs (人工核定事项) merged into each website's and account's ``manual``."""
    from govinspect.assessment.manual import manual_objects, merge_manual

    profile = profile or load_profile()
    check_point = profile.check_point_for(Quarter.parse(quarter))
    with session_scope(url) as session:
        inputs = manual_objects(session, quarter)
        websites = []
        known_rounds: dict[tuple[datetime, datetime], set[datetime]] = {}
        for obs in session.execute(select(WebsiteObservation).where(WebsiteObservation.quarter == quarter)
                                   .order_by(WebsiteObservation.site_code)).scalars():
            data = dict(obs.data)
            data["probes"] = probe_summary(session, obs.site_code, check_point, known_rounds)
            websites.append(merge_manual(data, inputs.get(("website", obs.site_code))))
        seen = {(o.platform, o.account_id): o for o in session.execute(
            select(AccountObservation).where(AccountObservation.quarter == quarter)).scalars()}
        accounts = []
        for a in session.execute(select(Account).where(Account.quarter == quarter, Account.origin == "registry")
                                 .order_by(Account.platform, Account.account_id)).scalars():
            o = seen.get((a.platform, a.account_id))
            accounts.append({
                "id": f"{a.platform}:{a.account_id}", "name": a.name, "platform": a.platform, "unit": a.unit,
                "registered": True, "status": a.status,
                "last_post": o.last_post.isoformat() if o and o.last_post else None,
                "freshness": o.freshness if o else "unknown",
                "state": o.state if o else "unknown",
                "source": o.source if o else None,
                "checked": o is not None,
                "manual": inputs.get(("account", f"{a.platform}:{a.account_id}"), {}),
            })
    return {"check_point": check_point.isoformat(), "indicator_set": profile.indicator_set,
            "quarter": quarter, "websites": websites, "accounts": accounts}


def score_quarter(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, Any]:
    """Apply the rubric to the quarter's observations and replace its verdicts."""
    from govinspect.scoring.engine import load_rubric, score_observations
    from govinspect.store.models import Verdict

    profile = profile or load_profile()
    observations = assemble_observations(quarter, profile, url)
    rubric = load_rubric(profile.indicator_set)
    result = score_observations(observations, rubric)
    with session_scope(url) as session:
        kinds = {u.name: u.kind for u in session.execute(select(Unit).where(Unit.quarter == quarter)).scalars()}
        rows = []
        for w in result["websites"]:
            rows.append({"entity_type": "website", "entity_id": w["id"], "unit": w.get("unit"),
                         "unit_kind": kinds.get(w.get("unit") or ""), "platform": None, "verdict": w["verdict"],
                         "score": w.get("score"), "indicator_set": result.get("indicator_set", profile.indicator_set),
                         "detail": w})
        for a in result["accounts"]:
            rows.append({"entity_type": "account", "entity_id": a["id"], "unit": a.get("unit"),
                         "unit_kind": kinds.get(a.get("unit") or ""), "platform": a.get("platform"),
                         "verdict": a["verdict"], "score": a.get("score"),
                         "indicator_set": result.get("indicator_set", profile.indicator_set), "detail": a})
        replace_partition(session, Verdict, {"quarter": quarter}, rows)
        counts: dict[str, int] = defaultdict(int)
        for r in rows:
            counts[f"{r['entity_type']}_{r['verdict']}"] += 1
        _record_stage(session, quarter, "scoring", dict(counts))
    return dict(counts)


# --- annual rollup and notice ---------------------------------------------------------------------------


def rollup_units(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, int]:
    """Unit scores for the quarter and the year so far (年度考核), with every unit setting of the rubric."""
    from govinspect.assessment import rollup
    from govinspect.scoring.engine import load_rubric

    profile = profile or load_profile()
    counts = rollup(quarter, load_rubric(profile.indicator_set), url=url)
    with session_scope(url) as session:
        _record_stage(session, quarter, "annual_rollup", counts)
    return counts


def notice_paths(quarter: str) -> dict[str, Path]:
    folder = reports_for(quarter)
    stem = f"{quarter}-政府网站与政务新媒体检查情况通报"
    return {"pdf": folder / f"{stem}.pdf", "xlsx": folder / f"{stem}-附件.xlsx", "rectification": folder / "整改清单"}


def render_notice(quarter: str, profile: Profile | None = None, url: str | None = None) -> dict[str, str]:
    """(Re)render the notice PDF, its XLSX attachments and the per-unit rectification lists."""
    from govinspect.notice.assemble import build_notice
    from govinspect.notice.pdf import render_pdf
    from govinspect.notice.xlsx import render_rectification, render_xlsx

    profile = profile or load_profile()
    data = build_notice(quarter, profile, url)
    paths = notice_paths(quarter)
    render_pdf(data, paths["pdf"])
    render_xlsx(data, paths["xlsx"])
    paths["rectification"].mkdir(parents=True, exist_ok=True)
    lists = render_rectification(data, paths["rectification"])
    with session_scope(url) as session:
        _record_stage(session, quarter, "notice", {"pdf": str(paths["pdf"]), "rectification_lists": len(lists)})
    return {"pdf": str(paths["pdf"]), "xlsx": str(paths["xlsx"]), "rectification": str(paths["rectification"])}
