"""Markup and formulas from the outside world reach the notice as plain text, end to end.

Names come from registry exports (units, accounts, the inspectors' sweep, a bad row kept in the
quarantine list) and from a crawled site (its name in the registry, its column names and the
anchor texts of its dead links). Here every one of them is hostile: reportlab paragraph markup
(``<font>``, ``<a href>``, ``<br/>``, ``<para>``, entities), spreadsheet formulas (``=``, ``+``,
``-``, ``@``, one of them a real formula cell of the export) and a unit name that climbs out of
the reports folder. The quarter runs through the pipeline stages into the store and the notice,
which is then read as its recipients read it: the PDF's text and objects, the XLSX cells.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from loopback import LoopbackServers, connect_to_without_hangs
from openpyxl import load_workbook

QUARTER = "2020Q3"
POPPLER = shutil.which("pdftotext") is not None
FORMULA = '=HYPERLINK("http://evil.example/x","点击查看")'
MARKUP = '<font color="red" size="30">假</font><a href="http://evil.example/">链接</a>&amp;<br/>'
# Account names in the registry export: markup, every formula trigger, a real formula cell.
ACCOUNT_NAMES = [f"旗{MARKUP}发布", "+SUM(1,2)旗政务", "-2+3旗融媒", "@SUM(A1)旗卫健", "<para>旗教育</para>]]>", FORMULA]
SWEEP_NAMES = ['=cmd|" /C calc"!A0', "<b>城川</b>&lt;镇&gt;新闻"]
TRAVERSING_UNIT = "../../../etc/旗<i>文旅</i>局"
SITE_NAME = "<u>鄂托克前旗</u>人民政府门户网站&#x3C;"
COLUMN_NAME = "<b>要闻</b>动态"  # (spaces and a trailing ">" are dropped from column names, like a name's "更多>>")
ANCHOR = '=HYPERLINK("http://evil.example/a","失效")'


def _hostile_site(farm_port: int) -> web.Application:
    """The demo county's portal as an attacker could rewrite it (served through from the demo farm):
    markup in a column's name, markup and a formula as the texts of two dead links."""
    import aiohttp

    async def through(request: web.Request) -> web.Response:
        async with aiohttp.ClientSession() as session, session.get(
                f"http://127.0.0.1:{farm_port}{request.rel_url}", headers={"Host": request.host},
                allow_redirects=False) as answer:
            body = await answer.read()
            headers = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "location")}
            status = answer.status
        if request.path == "/":
            html = body.decode("utf-8").replace(">要闻动态<", ">" + _escape(COLUMN_NAME) + "<")
            links = f"<p><a href='/gone-1.html'>{_escape(ANCHOR)}</a> <a href='/gone-2.html'>{_escape(MARKUP)}</a></p>"
            body = html.replace("</body>", links + "</body>").encode("utf-8")
        return web.Response(body=body, status=status, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", through)
    return app


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _hostile_exports(folder: Path) -> None:
    """The demo exports with hostile names written in, as a reporting system would export them."""
    websites = load_workbook(folder / "website_registry.xlsx")
    sheet = websites.active
    for row in sheet.iter_rows(min_row=3):
        if row[2].value == "1506230001":
            row[1].value = SITE_NAME
    websites.save(folder / "website_registry.xlsx")

    accounts = load_workbook(folder / "newmedia_registry.xlsx")
    sheet = accounts.active
    rows = [r for r in sheet.iter_rows(min_row=3) if r[1].value]
    for row, name in zip(rows, ACCOUNT_NAMES, strict=False):
        row[1].value = name  # the last one starts with "=": openpyxl writes it as a formula cell
    rows[len(ACCOUNT_NAMES)][4].value = TRAVERSING_UNIT  # a sponsor outside the directory becomes the unit
    rows[len(ACCOUNT_NAMES) + 1][6].value = "=NOW()"  # a formula where a date belongs: quarantined with its value
    accounts.save(folder / "newmedia_registry.xlsx")

    sweep = load_workbook(folder / "sweep.xlsx")
    sheet = sweep.active
    rows = [r for r in sheet.iter_rows(min_row=2) if r[1].value]
    for row, name in zip(rows, SWEEP_NAMES, strict=False):
        row[1].value = name
    rows[0][5].value = TRAVERSING_UNIT
    sweep.save(folder / "sweep.xlsx")

    with zipfile.ZipFile(folder / "newmedia_registry.xlsx") as archive:
        assert b"<f>HYPERLINK" in archive.read("xl/worksheets/sheet1.xml")  # a real formula cell went in


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory, demo_profile) -> Iterator[dict[str, Any]]:  # noqa: ANN001
    from govinspect import pipeline
    from govinspect.demo.farm import start_farm
    from govinspect.demo.run import DEMO_DIR
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter
    from govinspect.store import migrate

    home = tmp_path_factory.mktemp("injection")
    farm = start_farm(today=demo_profile.check_point_for(Quarter.parse(QUARTER)))
    http = LoopbackServers()
    try:
        port = http.serve(_hostile_site(int(farm.connect_to().split(",")[0].rsplit(":", 1)[1])))
        data = home / "profile"
        shutil.copytree(DEMO_DIR / "data", data)
        _hostile_exports(data)
        profile = load_profile(data / "inspection.toml")
        url = f"sqlite:///{home / 'store.db'}"
        with pytest.MonkeyPatch.context() as env:
            # The portal through the hostile server; the farm's never-answering host refused at once
            # (its 15 s link timeout is another test's subject).
            env.setenv("GOVINSPECT_CONNECT_TO", connect_to_without_hangs(farm, **{"www.etkqq.gov.cn": f"127.0.0.1:{port}"}))
            env.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
            env.setenv("GOVINSPECT_REPORTS_DIR", str(home / "reports"))
            env.setenv("GOVINSPECT_PER_HOST_RATE", "0")
            migrate(url)
            pipeline.snapshot_registry(QUARTER, profile, url)
            pipeline.replay_probe_week(QUARTER, profile, url)
            for batch in pipeline.plan_website_batches(QUARTER, profile, url):
                pipeline.check_website_batch(QUARTER, batch, profile, url)
            # Accounts are not read (no feeds here): they stay unknown and are listed by name for evidence.
            pipeline.reconcile_registry(QUARTER, profile, url)
            pipeline.score_quarter(QUARTER, profile, url)
            pipeline.rollup_units(QUARTER, profile, url)
            paths = pipeline.render_notice(QUARTER, profile, url)
        yield {"home": home, "reports": home / "reports", "pdf": Path(paths["pdf"]), "xlsx": Path(paths["xlsx"]),
               "rectification": Path(paths["rectification"]), "url": url}
    finally:
        http.stop()
        farm.stop()


def _workbooks(notice: dict[str, Any]) -> list[Path]:
    return [notice["xlsx"], *sorted(notice["rectification"].glob("*.xlsx"))]


def _cells(path: Path) -> list[Any]:
    workbook = load_workbook(path)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_the_hostile_values_reached_the_store(notice: dict[str, Any]) -> None:
    """The control: the hostile texts travelled through import, crawl and checks as data."""
    from sqlalchemy import select

    from govinspect.store import session_scope
    from govinspect.store.models import Account, DeadLink, QuarantinedRow, WebsiteObservation

    with session_scope(notice["url"]) as session:
        names = set(session.execute(select(Account.name)).scalars())
        anchors = set(session.execute(select(DeadLink.anchor)).scalars())
        columns = [c["name"] for o in session.execute(select(WebsiteObservation.data)).scalars() for c in o["columns"]]
        quarantined = set(session.execute(select(QuarantinedRow.value)).scalars())
    assert set(ACCOUNT_NAMES) <= names and set(SWEEP_NAMES) <= names
    assert ANCHOR in anchors
    assert COLUMN_NAME in columns
    assert "=NOW()" in quarantined


@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) not installed")
def test_the_pdf_prints_markup_as_text_and_links_nothing(notice: dict[str, Any]) -> None:
    pdf = notice["pdf"]
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                             check=True).stdout)
    for hostile in (SITE_NAME, ANCHOR, "<para>旗教育</para>]]>", "+SUM(1,2)旗政务", SWEEP_NAMES[1]):
        assert re.sub(r"\s+", "", hostile) in text, hostile
    assert '<fontcolor="red"size="30">假</font><ahref="http://evil.example/">链接</a>' in text
    raw = pdf.read_bytes()
    for action in (b"/URI", b"/JavaScript", b"/JS", b"/Launch", b"/SubmitForm", b"/OpenAction"):
        assert action not in raw, action  # no markup became a link or an action


def test_no_cell_of_any_workbook_is_a_formula(notice: dict[str, Any]) -> None:
    workbooks = _workbooks(notice)
    assert len(workbooks) >= 3
    seen: set[str] = set()
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), (path, name)
        for cell in _cells(path):
            assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell.value)
                seen.add(cell.value)
    # Whole cells are kept with the apostrophe that makes them text; inside a longer text they are text anyway.
    for hostile in (FORMULA, "+SUM(1,2)旗政务", "-2+3旗融媒", "@SUM(A1)旗卫健", SWEEP_NAMES[0], "=NOW()"):
        assert "'" + hostile in seen, hostile
    shown = "\n".join(seen)
    for hostile in (ANCHOR, ACCOUNT_NAMES[0], ACCOUNT_NAMES[4], SWEEP_NAMES[1], SITE_NAME, TRAVERSING_UNIT):
        assert hostile in shown, hostile


def test_a_unit_name_cannot_climb_out_of_the_reports_folder(notice: dict[str, Any]) -> None:
    reports = notice["reports"].resolve()
    files = [p.resolve() for p in notice["home"].rglob("*") if p.is_file() and p.suffix in (".xlsx", ".pdf")]
    outside = [p for p in files if not p.is_relative_to(reports) and p.parent.name != "profile"]
    assert outside == []
    lists = list(notice["rectification"].iterdir())
    climbing = [p for p in lists if "文旅" in p.name]
    assert len(climbing) == 1 and "/" not in climbing[0].name and not climbing[0].name.startswith(".")
    assert all(p.is_file() and p.name.startswith("整改清单-") and p.suffix == ".xlsx" for p in lists)
    title = load_workbook(climbing[0]).active["A1"].value
    assert TRAVERSING_UNIT in title  # the unit keeps its name inside the file
