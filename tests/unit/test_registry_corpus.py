"""The corpus of malformed registry exports (tests/fixtures/registry): each file gives the right
error or the right quarantine. The store side (nothing written after a rejected file) is in
tests/integration/test_registry_load.py."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest

from govinspect.registry.load import combine
from govinspect.registry.parse import parse_file
from govinspect.registry.readers import RegistryFileError

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "registry"
AS_OF = date(2020, 10, 15)

# file -> words the one error message must contain (besides the file's own name)
UNUSABLE = {
    "missing_required_columns.xlsx": ["政务新媒体", "平台类型", "row 2"],
    "wrong_sheet.xlsx": ["'汇总'", "cannot tell which export"],
    "not_a_spreadsheet.xlsx": ["PDF", "not a spreadsheet"],
    "renamed_xls.xlsx": ["Excel 97-2003", ".xlsx"],
    "encrypted.xlsx": ["password-protected"],
    "truncated.xlsx": ["damaged or incompletely downloaded"],
    "header_only.xlsx": ["no rows below it"],
    "all_rows_bad.csv": ["none of the 2 rows", "平台类型"],
    "empty.csv": ["empty"],
    "unknown_header.csv": ["no header row with registry columns"],
}

# file -> (kind, rows imported, [(row, column, words of the reason)])
QUARANTINES = {
    "blank_rows.xlsx": ("accounts", 3, []),
    "duplicate_ids.xlsx": ("accounts", 3, [(5, "账号ID/原始ID", "duplicate of row 3")]),
    "invalid_urls.xlsx": ("websites", 2, [
        (4, "首页网址", "not a web address: '无'"),
        (5, "首页网址", "not a web address"),
        (6, "首页网址", "not one web address"),
        (7, "首页网址", "not a web address: 'ftp://"),
        (8, "首页网址", "not a web address: 'javascript:"),
        (10, "首页网址", "not a web address"),
    ]),
    "invalid_site_codes.xlsx": ("websites", 3, [
        (4, "网站标识码", "'15062300' is not 10 digits"),
        (5, "网站标识码", "'bm1234567'"),
        (6, "网站标识码", "'150623000a'"),
        (7, "网站标识码", "'1.50623e+09'"),
    ]),
    "impossible_dates.xlsx": ("accounts", 1, [
        (4, "开设时间", "not a date: '2020-13-45'"),
        (5, "开设时间", "not a date: '2020年2月30日'"),
        (6, "备案时间", "not a date with a year: '10-21'"),
        (7, "备案时间", "number 99999 is not a date"),
        (8, "开设时间", "not a date with a year: '明天'"),
    ]),
    "formula_cells.xlsx": ("accounts", 4, [(6, "开设时间", "a formula (=DATE(2019,3,5)) where a date is expected")]),
    "long_cells.xlsx": ("accounts", 1, [
        (4, "账号名称", "longer than 300 characters (10000)"),
        (5, "主办单位", "longer than 200 characters (10000)"),
        (5, "运维单位", "longer than 200 characters (10000)"),
    ]),
    "mixed_platforms.xlsx": ("accounts", 18, [
        (21, "平台类型", "names several platforms (微信公众号、新浪微博)"),
        (22, "平台类型", "unknown platform '其他'"),
    ]),
    "gbk_units.csv": ("units", 5, []),
    "utf16_accounts.txt": ("accounts", 2, []),
    "excel_serial_dates.xlsx": ("accounts", 3, []),
    "chinese_dates.xlsx": ("accounts", 5, []),
    "several_sheets.xlsx": ("accounts", 5, []),
    "merged_cells.xlsx": ("accounts", 4, []),
    "html_table.xls": ("accounts", 2, []),
    "scientific_ids.csv": ("accounts", 1, [(2, "账号ID/原始ID", "scientific notation (7.14528E+09)")]),
    "control_characters.csv": ("accounts", 1, [(2, "账号名称", "control characters")]),
}


def _records(name: str) -> list[dict]:
    return [r for t in parse_file(CORPUS / name, AS_OF).tables for r in t.records]


def test_corpus_is_complete_and_covers_each_failure_mode() -> None:
    files = {p.name for p in CORPUS.iterdir() if p.name != "make_corpus.py"}
    assert files == set(UNUSABLE) | set(QUARANTINES)
    assert len(files) >= 15


@pytest.mark.parametrize("name", sorted(UNUSABLE))
def test_unusable_file_gives_one_message_naming_it(name: str) -> None:
    with pytest.raises(RegistryFileError) as caught:
        parse_file(CORPUS / name, AS_OF)
    message = str(caught.value)
    assert message.startswith(str(CORPUS / name) + ": ")
    assert "\n" not in message
    for words in UNUSABLE[name]:
        assert words in message, (words, message)


@pytest.mark.parametrize("name", sorted(QUARANTINES))
def test_bad_rows_are_quarantined_and_the_rest_imports(name: str) -> None:
    kind, imported, expected = QUARANTINES[name]
    parsed = parse_file(CORPUS / name, AS_OF)
    batch = combine([parsed])[kind]
    assert len(batch.records) == imported
    got = [(r.row, r.column, r.reason) for r in batch.rejected]
    assert len(got) == len(expected), got
    for (row, column, reason), (want_row, want_column, words) in zip(got, expected, strict=True):
        assert (row, column) == (want_row, want_column)
        assert words in reason, (words, reason)
    for r in batch.rejected:
        assert r.source == name and r.kind == kind


def test_quarantine_keeps_the_value_shown_and_bounded() -> None:
    rejected = {(r.row, r.column): r for r in combine([parse_file(CORPUS / "long_cells.xlsx", AS_OF)])["accounts"].rejected}
    assert rejected[(4, "账号名称")].value == "前旗" * 100 + "…"
    escaped = combine([parse_file(CORPUS / "control_characters.csv", AS_OF)])["accounts"].rejected[0].value
    assert escaped == "前旗\\x07民政"


def test_formula_like_text_is_kept_as_text() -> None:
    by_id = {r["account_id"]: r for r in _records("formula_cells.xlsx")}
    assert by_id["gh_8b43b571951a"]["name"] == '=HYPERLINK("http://evil.example/","前旗民政")'
    assert by_id["gh_e2b97b6eb75f"]["name"] == "+前旗财政"
    assert by_id["gh_8171abe11ca1"]["name"] == "-前旗水务-"
    assert by_id["gh_8171abe11ca1"]["sponsor"] == "@旗水利局"
    assert by_id["gh_4c1e9a07d2b3"]["sponsor"] == "=cmd|' /C calc'!A0"


def test_platform_spellings_fold_to_one_code_each() -> None:
    platforms = [r["platform"] for r in sorted(_records("mixed_platforms.xlsx"), key=lambda r: r["source_row"])]
    assert platforms == ["wechat"] * 7 + ["wechat_channels", "weibo", "weibo", "douyin", "toutiao", "toutiao", "kuaishou",
                                         "baijiahao", "app", "app", "miniprogram"]


def test_dates_in_every_written_form() -> None:
    for name in ("chinese_dates.xlsx",):
        for record in _records(name):
            assert record["opened_on"] == date(2019, 3, 5), record
    filed = [r["filed_on"] for r in sorted(_records("chinese_dates.xlsx"), key=lambda r: r["source_row"])]
    assert filed == [date(2019, 3, 8), date(2019, 3, 12), date(2019, 3, 8), date(2019, 3, 8), date(2019, 3, 8)]
    serial = sorted(_records("excel_serial_dates.xlsx"), key=lambda r: r["source_row"])
    assert [(r["opened_on"], r["filed_on"]) for r in serial] == [
        (date(2019, 5, 6), date(2019, 5, 9)), (date(2020, 2, 1), date(2020, 2, 4)), (date(2013, 9, 12), date(2013, 9, 14))]


def test_blank_rows_are_skipped_not_quarantined() -> None:
    parsed = parse_file(CORPUS / "blank_rows.xlsx", AS_OF)
    assert [r["source_row"] for r in parsed.tables[0].records] == [3, 5, 7]
    assert parsed.tables[0].rows == 3


def test_several_sheets_each_imported_with_the_platform_its_name_gives() -> None:
    parsed = parse_file(CORPUS / "several_sheets.xlsx", AS_OF)
    assert [(t.sheet, t.source, len(t.records)) for t in parsed.tables] == [
        ("微信", "several_sheets.xlsx[微信]", 2), ("微博", "several_sheets.xlsx[微博]", 1),
        ("抖音", "several_sheets.xlsx[抖音]", 2)]
    assert {r["platform"] for r in parsed.tables[2].records} == {"douyin"}
    assert parsed.skipped == ["sheet '填表说明': no recognisable header row"]


def test_merged_and_spanned_cells_give_their_value_to_every_row() -> None:
    for name in ("merged_cells.xlsx", "html_table.xls"):
        sponsors = {r["name"]: r["sponsor"] for r in _records(name)}
        assert sponsors["前旗公安"] == sponsors["前旗交警"] == "旗公安局", name


def test_gbk_and_utf16_text_decoded() -> None:
    units = {r["name"]: r for r in _records("gbk_units.csv")}
    assert units["旗林业局"]["successor"] == "旗林业和草原局" and units["旗林业局"]["changed_on"] == date(2019, 3, 8)
    assert units["城川镇吉拉嘎查"]["has_services"] is False
    assert {r["name"] for r in _records("utf16_accounts.txt")} == {"前旗民政", "平安前旗"}


def test_the_committed_corpus_is_what_the_script_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_corpus(tmp_path)
    assert {p.name for p in written} == set(UNUSABLE) | set(QUARANTINES)
    for path in written:
        assert path.read_bytes() == (CORPUS / path.name).read_bytes(), path.name
