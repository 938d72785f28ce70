"""Reconciliation on the demo county: the registry, the sweep and the account checks over real HTTP
against the farm give exactly the problems designed into the demo (govinspect.demo.county), and
the notice shows them. Expected findings are derived from the demo's story, not from the code."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from govinspect import pipeline
from govinspect.demo import county
from govinspect.demo.farm import start_farm
from govinspect.quarter import Quarter
from govinspect.registry.reconcile import KIND_LABELS
from govinspect.store import migrate, session_scope
from govinspect.store.models import Finding

QUARTER = "2020Q3"


def _key(platform: str, account_id: str) -> str:
    return f"{platform}:{account_id}"


def _current(unit: str) -> str:
    row = county.UNITS_BY_NAME[unit]
    return _current(row.successor) if row.status != "正常" and row.successor else unit


def designed() -> dict[str, set[str]]:
    """The findings the demo was built to contain, from its own tables."""
    reformed = {u.name for u in county.UNITS if u.status != "正常"}
    swept = defaultdict(set)
    for s in county.SWEPT:
        swept[s.category].add(_key(s.platform, s.account_id))
    groups = defaultdict(list)
    for a in county.REGISTERED:
        if a.status == "正常":
            groups[(_current(a.sponsor), a.platform)].append(a)
    return {
        "unregistered": swept["unregistered"] | swept["personal"] | swept["reform"],
        "out_of_scope": swept["out_of_scope"],
        "registered_also_swept": swept["registered"],
        "personal_subject": swept["personal"],
        "reform_not_updated": swept["reform"] | {_key(a.platform, a.account_id) for a in county.REGISTERED
                                                 if a.sponsor in reformed},
        "late_filing": {_key(a.platform, a.account_id) for a in county.REGISTERED if a.filed_after > 10},
        "closed_but_posting": {_key(a.platform, a.account_id) for a in county.REGISTERED
                               if a.status != "正常" and a.feed == "fresh"},
        "registered_gone": {_key(a.platform, a.account_id) for a in county.REGISTERED if a.feed == "cancelled"},
        "consolidation": {f"{platform}:{unit}" for (unit, platform), accounts in groups.items() if len(accounts) > 1},
    }


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory: pytest.TempPathFactory, demo_profile) -> dict:
    home = tmp_path_factory.mktemp("reconcile-demo")
    url = f"sqlite:///{home / 'store.db'}"
    farm = start_farm(today=demo_profile.check_point_for(Quarter.parse(QUARTER)))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOVINSPECT_CONNECT_TO", farm.connect_to())
        env.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
        env.setenv("GOVINSPECT_REPORTS_DIR", str(home / "reports"))
        env.delenv("GOVINSPECT_RSSHUB_BASE", raising=False)
        try:
            migrate(url)
            pipeline.snapshot_registry(QUARTER, demo_profile, url)
            for batch in pipeline.plan_account_batches(QUARTER, demo_profile, url):
                pipeline.check_account_batch(QUARTER, batch, demo_profile, url)
            counts = pipeline.reconcile_registry(QUARTER, demo_profile, url)
            pipeline.score_quarter(QUARTER, demo_profile, url)
            paths = pipeline.render_notice(QUARTER, demo_profile, url)
        finally:
            farm.stop()
    with session_scope(url) as session:
        findings = session.execute(select(Finding).where(Finding.quarter == QUARTER)).scalars().all()
        by_kind = defaultdict(dict)
        for f in findings:
            by_kind[f.kind][f.subject] = {"unit": f.unit, **f.detail}
    return {"counts": counts, "findings": by_kind, "paths": paths}


def test_the_designed_problems_and_nothing_else(reconciled: dict) -> None:
    expected = designed()
    assert len(expected["unregistered"]) == 21
    assert {kind: set(subjects) for kind, subjects in reconciled["findings"].items()} == expected
    assert reconciled["counts"] == {kind: len(subjects) for kind, subjects in expected.items()}


def test_each_finding_carries_its_evidence(reconciled: dict) -> None:
    found = reconciled["findings"]
    late = {s: (d["days"], d["limit_days"]) for s, d in found["late_filing"].items()}
    assert sorted(late.values()) == [(11, 10), (25, 10), (47, 10)]
    personal = [d["sponsor"] for d in found["personal_subject"].values()]
    assert all("某" in s for s in personal)
    reform = {d["name"]: (d["old_unit"], d["successor"], d["unit"]) for d in found["reform_not_updated"].values()}
    assert reform == {
        "前旗林业": ("旗林业局", "旗林业和草原局", "旗林业和草原局"),
        "前旗安监": ("旗安全生产监督管理局", "旗应急管理局", "旗应急管理局"),
        "前旗农牧": ("旗农牧业局", "旗农牧局", "旗农牧局"),
    }
    closed = next(iter(found["closed_but_posting"].values()))
    assert closed["status"] == "注销" and closed["last_post"] == "2020-10-12"
    gone = next(iter(found["registered_gone"].values()))
    assert gone["name"] == "健康前旗" and gone["state"] in ("cancelled", "not_found")
    assert gone["source"] and gone["evidence"], gone  # what the source answered, for the inspector
    out = {d["name"]: d["unit_kind"] for d in found["out_of_scope"].values()}
    assert sorted(out.values()) == ["党群", "嘎查村", "嘎查村", "垂管"]
    problems = sorted(tuple(d["problems"]) for d in found["unregistered"].values() if d["problems"])
    assert problems == [("personal_subject",)] * 4 + [("reform_not_updated",)] * 2
    assert all(d["found_on"] == "2020-10-13" for d in found["unregistered"].values())


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_notice_shows_them(reconciled: dict) -> None:
    found = reconciled["findings"]
    workbook = load_workbook(reconciled["paths"]["xlsx"])
    sheet = next(ws for ws in workbook.worksheets if "附件2" in ws.title or "之外" in str(ws.cell(1, 1).value))
    names = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert {d["name"] for d in found["unregistered"].values()} <= names
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    text = _flat(subprocess.run(["pdftotext", "-layout", str(Path(reconciled["paths"]["pdf"])), "-"],
                                capture_output=True, text=True, check=True).stdout)
    assert "之外的政务新媒体21个" in text
    for kind in ("personal_subject", "reform_not_updated", "late_filing", "closed_but_posting", "registered_gone",
                 "consolidation"):
        assert _flat(KIND_LABELS[kind]) in text, kind
        for detail in found[kind].values():
            named = detail.get("name") or "、".join(detail["accounts"])
            assert _flat(named) in text, (kind, named)


def test_a_registered_website_that_failed_every_probe_of_the_week_is_gone(store_url: str, demo_profile) -> None:
    """Wiring: the week of probes and the website check's homepage outcome reach the reconciliation."""
    from datetime import datetime, timedelta

    from govinspect.registry.load import load_files
    from govinspect.store import upsert
    from govinspect.store.models import Probe, WebsiteObservation

    data = Path(county.__file__).parent / "data"
    load_files([data / "units.csv", data / "website_registry.xlsx"], Quarter.parse(QUARTER), url=store_url,
               county=county.COUNTY)
    check_point = demo_profile.check_point_for(Quarter.parse(QUARTER))
    start = datetime.combine(check_point - timedelta(days=7), datetime.min.time())
    probes = [{"site_code": county.SITE_CODE, "probed_at": start + timedelta(minutes=70 * i), "url": county.SITE_URL + "/",
               "outcome": "dns_error", "status": None, "elapsed_ms": 12, "series": "routine"} for i in range(144)]
    with session_scope(store_url) as session:
        upsert(session, Probe, probes)
        upsert(session, WebsiteObservation, [{"quarter": QUARTER, "site_code": county.SITE_CODE, "batch": "001",
                                              "homepage_outcome": "dns_error", "data": {}}])
    assert pipeline.reconcile_registry(QUARTER, demo_profile, store_url) == {"website_gone": 1}
    with session_scope(store_url) as session:
        finding = session.execute(select(Finding)).scalar_one()
    assert finding.subject == county.SITE_CODE and finding.unit == county.COUNTY_GOVERNMENT
    assert finding.detail["probes"] == finding.detail["failed"] == 144
    assert finding.detail["by_outcome"] == {"dns_error": 144} and finding.detail["homepage_outcome"] == "dns_error"

    with session_scope(store_url) as session:  # one probe answered: the site is unreliable (V2), not gone
        upsert(session, Probe, [{**probes[5], "outcome": "ok", "status": 200}])
    assert pipeline.reconcile_registry(QUARTER, demo_profile, store_url) == {}
