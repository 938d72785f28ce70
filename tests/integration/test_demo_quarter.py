"""The whole demo quarter through real Airflow task execution (`govinspect demo`), then the
store rows and the notice PDF checked with poppler."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.airflow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("demo")
    env = dict(os.environ)
    for key in ("GOVINSPECT_DB_URL", "GOVINSPECT_PROFILE", "GOVINSPECT_CONNECT_TO", "AIRFLOW_HOME",
                "AIRFLOW__CORE__DAGS_FOLDER"):
        env.pop(key, None)
    env.update({"GOVINSPECT_HOME": str(home / "store"), "GOVINSPECT_REPORTS_DIR": str(home / "reports")})
    cli = Path(sys.executable).with_name("govinspect")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "govinspect.cli"]
    result = subprocess.run([*command, "demo", "--quiet"], env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-6000:]
    pdf = Path(result.stdout.strip().splitlines()[-1])
    return {"pdf": pdf, "url": f"sqlite:///{home / 'store' / 'govinspect.db'}", "home": home}


def _count(url: str, model, *where) -> int:
    from govinspect.store import session_scope

    with session_scope(url) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_store_rows(demo_run):
    from govinspect.store.models import (
        Account,
        AccountObservation,
        Finding,
        UnitScore,
        Verdict,
        WebsiteObservation,
    )

    url = demo_run["url"]
    assert _count(url, Account, Account.origin == "registry") == 64
    assert _count(url, WebsiteObservation) == 1
    assert _count(url, AccountObservation) == 64
    assert _count(url, Finding, Finding.kind == "unregistered") == 21
    assert _count(url, Finding, Finding.kind == "out_of_scope") == 4
    assert _count(url, Verdict, Verdict.entity_type == "account") == 64
    assert _count(url, Verdict, Verdict.entity_type == "account", Verdict.verdict == "fail") > 0
    assert _count(url, Verdict, Verdict.entity_type == "account", Verdict.verdict == "unknown") > 0
    assert _count(url, UnitScore, UnitScore.period == "2020") > 0


def test_notice_pdf(demo_run):
    pdf = demo_run["pdf"]
    assert pdf.name.endswith(".pdf") and pdf.parent.name == "2020Q3"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "关于2020年第三季度政府网站与政务新媒体检查情况的通报" in flat
    assert "运行政府网站1个" in flat
    assert "备案政府系统政务新媒体64个" in flat
    assert "之外的政务新媒体21个" in flat
    for heading in ("一、总体情况", "二、存在问题", "三、下一步工作要求", "附件1", "附件2", "2020年10月21日"):
        assert heading in flat, heading
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts


def test_attachments_written(demo_run):
    folder = demo_run["pdf"].parent
    assert list(folder.glob("*.xlsx"))
    assert list((folder / "整改清单").glob("*.xlsx"))
