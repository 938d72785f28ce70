"""Registry imports against the store (SQLite and PostgreSQL): all or nothing, quarantine kept,
snapshots per quarter and their changes, the command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from govinspect.cli import main
from govinspect.quarter import Quarter
from govinspect.registry.load import RegistryImportError, load_files
from govinspect.registry.snapshot import registry_diff
from govinspect.store import session_scope, table_counts
from govinspect.store.models import Account, Base, QuarantinedRow, RegistrySnapshot, Website

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "include" / "govinspect" / "demo" / "data"
CORPUS = ROOT / "tests" / "fixtures" / "registry"
DEMO_FILES = [DEMO / n for n in ("units.csv", "website_registry.xlsx", "newmedia_registry.xlsx", "sweep.xlsx",
                                 "manual_evidence.csv")]
Q3 = Quarter.parse("2020Q3")
UNUSABLE = ["missing_required_columns.xlsx", "wrong_sheet.xlsx", "not_a_spreadsheet.xlsx", "renamed_xls.xlsx",
            "encrypted.xlsx", "truncated.xlsx", "header_only.xlsx", "all_rows_bad.csv", "empty.csv",
            "unknown_header.csv"]


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: what "unchanged" is compared on."""
    out = {}
    with session_scope(url) as session:
        for table in Base.metadata.sorted_tables:
            rows = session.execute(select(table)).all()
            out[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def test_a_rejected_file_leaves_the_store_exactly_as_it_was(store_url: str) -> None:
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    before_counts, before = table_counts(store_url), _dump(store_url)
    assert before_counts["accounts"] == 64 + 27 and before_counts["websites"] == 1
    for name in UNUSABLE:
        with pytest.raises(RegistryImportError) as caught:
            # a good file beside the bad one is not written either
            load_files([CORPUS / "blank_rows.xlsx", CORPUS / name], Q3, url=store_url)
        assert [e.path for e in caught.value.errors] == [str(CORPUS / name)]
        assert table_counts(store_url) == before_counts, name
    assert _dump(store_url) == before


def test_every_unusable_file_is_named_at_once(store_url: str) -> None:
    with pytest.raises(RegistryImportError) as caught:
        load_files([CORPUS / "empty.csv", DEMO / "units.csv", CORPUS / "header_only.xlsx"], Q3, url=store_url)
    assert [Path(e.path).name for e in caught.value.errors] == ["empty.csv", "header_only.xlsx"]
    assert all(n == 0 for n in table_counts(store_url).values())


def test_quarantine_is_stored_with_file_row_column_value_and_reason(store_url: str) -> None:
    report = load_files([CORPUS / "impossible_dates.xlsx", CORPUS / "invalid_urls.xlsx"], Q3, url=store_url)
    assert report.imported == {"accounts": 1, "websites": 2}
    with session_scope(store_url) as session:
        rows = session.execute(select(QuarantinedRow).order_by(QuarantinedRow.source_file, QuarantinedRow.row)).scalars().all()
        stored = [(r.source_file, r.row, r.column, r.value, r.kind) for r in rows]
        reasons = {(r.source_file, r.row): r.reason for r in rows}
    assert stored[:2] == [("impossible_dates.xlsx", 4, "开设时间", "2020-13-45", "accounts"),
                          ("impossible_dates.xlsx", 5, "开设时间", "2020年2月30日", "accounts")]
    assert len(stored) == 5 + 6
    assert reasons[("invalid_urls.xlsx", 4)] == "not a web address: '无'"
    lines = report.summary_lines()
    assert "quarantined: 11 rows (websites 6, accounts 5)" in lines
    assert "  impossible_dates.xlsx row 4, column 开设时间: not a date: '2020-13-45' (value '2020-13-45')" in lines


def test_a_kind_is_replaced_whole_and_its_old_quarantine_with_it(store_url: str) -> None:
    load_files([CORPUS / "invalid_urls.xlsx"], Q3, url=store_url)
    load_files([DEMO / "website_registry.xlsx"], Q3, url=store_url)
    with session_scope(store_url) as session:
        assert [w.site_code for w in session.execute(select(Website)).scalars()] == ["1506230001"]
        assert session.execute(select(QuarantinedRow)).scalars().all() == []


def test_files_of_one_kind_add_up_and_duplicates_across_them_are_quarantined(store_url: str) -> None:
    report = load_files([CORPUS / "blank_rows.xlsx", CORPUS / "duplicate_ids.xlsx", CORPUS / "several_sheets.xlsx"],
                        Q3, url=store_url)
    assert report.imported["accounts"] == 3 + 2 + 1  # 12 readable rows, 6 of them accounts seen before
    reasons = sorted((r.source, r.row, r.reason) for r in report.quarantined)
    assert reasons == [
        ("duplicate_ids.xlsx", 3, "duplicate of blank_rows.xlsx row 3"),
        ("duplicate_ids.xlsx", 5, "duplicate of blank_rows.xlsx row 3"),
        ("several_sheets.xlsx[微信]", 3, "duplicate of blank_rows.xlsx row 3"),
        ("several_sheets.xlsx[微信]", 4, "duplicate of blank_rows.xlsx row 5"),
        ("several_sheets.xlsx[微博]", 3, "duplicate of blank_rows.xlsx row 7"),
        ("several_sheets.xlsx[抖音]", 3, "duplicate of duplicate_ids.xlsx row 4"),
    ]
    with session_scope(store_url) as session:
        snapshot = session.get(RegistrySnapshot, ("2020Q3", "accounts"))
        assert snapshot.rows == 6 and snapshot.quarantined == 6
        assert [s["source"] for s in snapshot.sources] == [
            "blank_rows.xlsx", "duplicate_ids.xlsx", "several_sheets.xlsx[微信]", "several_sheets.xlsx[微博]",
            "several_sheets.xlsx[抖音]"]


def test_importing_again_gives_the_same_rows(store_url: str) -> None:
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    first = _dump(store_url)
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    second = _dump(store_url)
    first.pop("registry_snapshots"), second.pop("registry_snapshots")  # they record when
    assert first == second


def test_units_resolve_through_the_reform_history(store_url: str) -> None:
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    with session_scope(store_url) as session:
        units = {(a.origin, a.name, a.platform): a.unit for a in session.execute(select(Account)).scalars()}
        portal = session.execute(select(Website)).scalar_one()
    assert units[("registry", "前旗农牧", "toutiao")] == "旗农牧局"  # 主办单位 旗农牧业局, renamed in 2019
    assert units[("sweep", "前旗安监", "wechat")] == "旗应急管理局"  # 疑似所属单位 the abolished 安监局
    assert units[("sweep", "前旗发改", "wechat")] == "旗发展和改革委员会"  # 鄂托克前旗发展和改革委员会
    assert portal.unit == "鄂托克前旗人民政府"


def _q2_exports(tmp_path: Path) -> Path:
    """The demo's new-media export as it stood a quarter earlier: one account not yet opened, one
    under its old name, one with its former sponsor, one still running that is closed in Q3."""
    workbook = load_workbook(DEMO / "newmedia_registry.xlsx")
    sheet = workbook.active
    rows = {sheet.cell(r, 4).value: r for r in range(3, sheet.max_row + 1)}
    sheet.cell(rows["86127456887"], 2).value = "前旗政务服务（旧名）"
    sheet.cell(rows["gh_05a30e96ace4"], 5).value = "旗卫生健康委员会"
    sheet.cell(rows["1892409133"], 9).value = "正常"
    sheet.delete_rows(rows["wx0ced7e1e9f84b5d7"])
    path = tmp_path / "newmedia_2020Q2.xlsx"
    workbook.save(path)
    return path


def test_snapshots_per_quarter_and_the_diff_against_the_previous_one(store_url: str, tmp_path: Path) -> None:
    q2 = Quarter.parse("2020Q2")
    load_files([DEMO / "units.csv", DEMO / "website_registry.xlsx", _q2_exports(tmp_path)], q2, url=store_url,
               county="鄂托克前旗")
    assert registry_diff("2020Q2", store_url).baseline is None
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    diff = registry_diff("2020Q3", store_url)
    assert diff.baseline == "2020Q2"
    got = sorted((c["change"], c["entity_id"], c["name"]) for c in diff.changes)
    assert got == [
        ("closed", "kuaishou:1892409133", "前旗市场监管"),
        ("moved", "wechat:gh_05a30e96ace4", "前旗医保"),
        ("opened", "miniprogram:wx0ced7e1e9f84b5d7", "前旗不动产登记预约"),
        ("renamed", "douyin:86127456887", "前旗政务服务"),
    ]
    moved = diff.of("moved")[0]["detail"]
    assert (moved["before"], moved["after"]) == ("旗卫生健康委员会", "旗医疗保障局")
    assert diff.counts()["account"]["opened"] == 1 and diff.counts()["website"] == dict.fromkeys(diff.counts()["website"], 0)
    # the earlier quarter imported again: the later quarter's changes follow
    load_files([DEMO / "units.csv", DEMO / "website_registry.xlsx", DEMO / "newmedia_registry.xlsx"], q2, url=store_url,
               county="鄂托克前旗")
    assert registry_diff("2020Q3", store_url).changes == []


def test_command_line(store_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("GOVINSPECT_DB_URL", store_url)
    monkeypatch.delenv("GOVINSPECT_PROFILE", raising=False)
    assert main(["registry", "load", "--quarter", "2020Q3", "--dry-run", str(CORPUS / "impossible_dates.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "imported: accounts 1" in out and "dry run: nothing was written" in out
    assert table_counts(store_url)["accounts"] == 0

    assert main(["registry", "load", "--quarter", "2020Q3", "--county", "鄂托克前旗", *map(str, DEMO_FILES),
                 str(CORPUS / "impossible_dates.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "newmedia_registry.xlsx: 政务新媒体, 64 imported" in out
    assert "imported: units 68, websites 1, accounts 64, sweep 27, manual 27" in out
    assert "quarantined: 6 rows (accounts 6)" in out
    assert ("impossible_dates.xlsx row 3, column 账号ID/原始ID: duplicate of newmedia_registry.xlsx row 8 "
            "(value 'gh_8b43b571951a')") in out
    assert "impossible_dates.xlsx row 6, column 备案时间: not a date with a year: '10-21'" in out
    before = table_counts(store_url)

    assert main(["registry", "load", "--quarter", "2020Q3", str(DEMO / "sweep.xlsx"),
                 str(CORPUS / "missing_required_columns.xlsx")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: {CORPUS / 'missing_required_columns.xlsx'}: sheet '政务新媒体' (政务新媒体, header on row 2) lacks the "
        "required column(s) 平台类型 (or 平台, 类型, 新媒体类型, 平台名称)",
        "nothing was imported"]
    assert table_counts(store_url) == before

    assert main(["registry", "diff", "--quarter", "2020Q3"]) == 0
    assert "no snapshot of 2020Q2" in capsys.readouterr().out


def test_values_that_look_like_formulas_are_neutralised_in_the_notice_attachments(
        store_url: str, tmp_path: Path, demo_profile) -> None:
    """A registry name starting with = + - @ is text in the store and stays text in every XLSX written."""
    from govinspect.notice.assemble import build_notice
    from govinspect.notice.xlsx import render_rectification, render_xlsx
    from govinspect.pipeline import reconcile_registry

    load_files([DEMO / "units.csv", CORPUS / "formula_cells.xlsx"], Q3, url=store_url, county="鄂托克前旗")
    sweep = tmp_path / "sweep.csv"
    sweep.write_text("账号名称,平台类型,账号ID,认证主体,疑似所属单位,发现时间\n"
                     "\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",抖音,99,@旗民政局,旗民政局,2020-10-13\n",
                     encoding="utf-8")
    load_files([sweep], Q3, url=store_url, county="鄂托克前旗")
    reconcile_registry("2020Q3", demo_profile, store_url)
    data = build_notice("2020Q3", demo_profile, store_url)
    attachments = tmp_path / "attachments.xlsx"
    render_xlsx(data, attachments)
    lists = render_rectification(data, tmp_path / "lists")
    written = [attachments, *lists]
    risky = []
    for path in written:
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.lstrip("'").startswith(("=", "+", "-", "@")):
                        risky.append((path.name, cell.coordinate, cell.value, cell.data_type))
    assert risky, "the registry's formula-like names should reach the attachments"
    assert all(value.startswith("'") and data_type == "s" for _name, _coord, value, data_type in risky), risky
    assert any("=HYPERLINK" in value for _n, _c, value, _t in risky)


def test_snapshot_records_what_was_read(store_url: str) -> None:
    load_files(DEMO_FILES, Q3, url=store_url, county="鄂托克前旗")
    with session_scope(store_url) as session:
        snapshots = {s.kind: s for s in session.execute(select(RegistrySnapshot)).scalars()}
    assert {k: s.rows for k, s in snapshots.items()} == {"units": 68, "websites": 1, "accounts": 64, "sweep": 27,
                                                         "manual": 27}
    accounts = snapshots["accounts"]
    assert accounts.sources[0]["source"] == "newmedia_registry.xlsx" and len(accounts.sources[0]["sha256"]) == 64
    assert isinstance(accounts.imported_at, datetime)
