"""The registry loader fuzzed: random bytes, real exports mutated byte by byte and inside their
workbook XML, real headers over random cells, random JSON records of the registry API.

Whatever arrives, only two things may come out: a :class:`RegistryFileError` that names the file
and says what is wrong, or an import whose bad rows are quarantined with row, column and reason.
Any other exception is a bug. A failed import leaves the store exactly as it was, on SQLite and on
PostgreSQL (where column sizes and text contents are enforced).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import resource
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govinspect.quarter import Quarter
from govinspect.registry.load import LoadReport, load_files, load_parsed
from govinspect.registry.parse import ParsedSource, parse_records
from govinspect.registry.readers import RegistryFileError
from govinspect.registry.schema import KINDS, KINDS_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "registry"
DEMO = ROOT / "include" / "govinspect" / "demo" / "data"
Q3 = Quarter.parse("2020Q3")
AS_OF = date(2020, 10, 15)

SEEDS = sorted(p for p in [*CORPUS.iterdir(), *DEMO.iterdir()]
               if p.suffix in (".xlsx", ".csv", ".xls", ".txt") and p.is_file())
GOOD_UNITS = DEMO / "units.csv"
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


def _readable_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist() and archive.testzip() is None
    except (zipfile.BadZipFile, OSError):
        return False


XLSX_SEEDS = [p for p in SEEDS if _readable_zip(p)]
TEXT_SEEDS = [p for p in SEEDS if p not in XLSX_SEEDS]

# Bytes that steer the readers into their branches: magic numbers, BOMs, separators, quotes, GBK.
TOKENS = [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.4", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
          b"<html><table><tr><td>", b"<td rowspan=\"999999999\" colspan=\"-5\">", b"</table>", b"<meta charset=\"gbk\">",
          b"<meta charset=\"x-unknown\">", b",", b"\t", b";", b"|", b"\"", b"\"\"", b"\n", b"\r", b"\r\n", b"\x00",
          b"=", b"=HYPERLINK(\"http://x\")", b"+1", b"-1", b"@SUM(A1)", "年".encode("gbk"), "账号名称".encode(),
          "平台类型".encode("gbk"), "备案时间".encode("utf-16-le"), b"\xe4\xb8", b"\x80\xff", b"#N/A", b"1e+20",
          b"99999999999999999999999", b"2020-02-30", b"00000000", "网站标识码".encode()]

# Cell values that real exports and hostile ones contain.
TRICKY_CELLS = ["", " ", "\u3000", "=1+1", "=DATE(2019,3,5)", "+86 477", "-", "@x", "#N/A", "#REF!", "1.50623e+09",
                "1506230001", "bm12345678", "gh_0123456789", "2020-13-45", "2020年2月30日", "二〇二〇年十月二十一日",
                "10-21", "43831", "20201021", "99999", "http://", "javascript:alert(1)", "ftp://x.gov.cn",
                "www.etkqq.gov.cn", "http://[::1]/", "http://user:pw@x.gov.cn", "微信公众号、新浪微博", "微信", "抖音",
                "是", "否", "√", "正常", "已注销", "x" * 2100, "名" * 301, "<b>名称</b>&amp;", "../../etc/passwd",
                "a\tb", "a\r\nb", "\ufeff账号", "𝕏🙂", "\u202e反转", "NaN", "inf"]

cells = st.one_of(
    st.none(),
    st.sampled_from(TRICKY_CELLS),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
    st.dates(min_value=date(1900, 3, 1)),
    st.times(),
)

# Values each field accepts, so that generated rows are often good and mixed with bad ones.
PLAUSIBLE = {
    "name": st.sampled_from(["鄂托克前旗发布", "前旗民政", "旗政务服务网", "城川镇人民政府", "旗民政局"]),
    "platform": st.sampled_from(["微信公众号", "新浪微博", "抖音", "今日头条", "快手", "weibo", "政务App"]),
    "account_id": st.from_regex(r"\A(gh_[0-9a-f]{12}|[1-9][0-9]{6,11})\Z"),
    "site_code": st.sampled_from(["1506230001", "1506230002", "bm12345678"]),
    "url": st.sampled_from(["http://www.etkqq.gov.cn", "www.etkqq.gov.cn/", "https://xxgk.etkqq.gov.cn/index.html"]),
    "sponsor": st.sampled_from(["鄂托克前旗人民政府", "旗民政局", "旗林业局", "城川镇人民政府"]),
    "unit": st.sampled_from(["旗民政局", "城川镇人民政府"]),
    "kind": st.sampled_from(["镇", "部门", "政府", "门户网站"]),
    "status": st.sampled_from(["正常", "正常运行", "已注销", "撤销"]),
    "has_services": st.sampled_from(["是", "否"]),
    "checked_by": st.sampled_from(["王某", "高某"]),
}
DATES = st.one_of(st.dates(min_value=date(2010, 1, 1), max_value=date(2020, 10, 15)),
                  st.sampled_from(["2020-10-12", "2020/7/1", "2019年3月5日", "20200102", "43831"]))


def field_cells(name: str) -> st.SearchStrategy[Any]:
    """A cell of the column of field ``name``: plausible half of the time, anything the other half."""
    plausible = PLAUSIBLE.get(name, DATES if name.endswith("_on") or name.endswith("post") else st.text(max_size=12))
    return st.one_of(plausible, cells)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(TRICKY_CELLS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


# --- generated files ------------------------------------------------------------------------------------


@st.composite
def random_files(draw: st.DrawFn) -> bytes:
    """Random bytes, sometimes behind a magic number or a BOM so that each reader gets its turn."""
    head = draw(st.sampled_from([b"", *TOKENS[:9]]))
    return head + draw(st.binary(max_size=2048))


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """A few byte-level edits of a real export: flips, insertions of steering tokens, cuts, repeats."""
    out = bytearray(data)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not out:
            out.extend(draw(st.sampled_from(TOKENS)))
            continue
        at = draw(st.integers(min_value=0, max_value=len(out) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat", "random"]))
        if op == "flip":
            out[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif op == "insert":
            out[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del out[at:at + draw(st.integers(min_value=1, max_value=64))]
        elif op == "truncate":
            del out[at:]
        elif op == "repeat":
            out[at:at] = out[at:at + draw(st.integers(min_value=1, max_value=200))] * draw(st.integers(2, 5))
        else:
            out[at:at + 1] = draw(st.binary(min_size=1, max_size=16))
    return bytes(out)


# Edits inside a workbook's XML that keep the zip valid, so openpyxl and the readers see them.
XML_EDITS = [
    (rb't="s"', [b't="n"', b't="e"', b't="b"', b't="d"', b't="str"', b't="inlineStr"', b't="zz"']),
    (rb't="n"', [b't="s"', b't="d"', b't="e"']),
    (rb"<v>[^<]*</v>", [b"<v>1e400</v>", b"<v>-1</v>", b"<v>999999999</v>", b"<v>NaN</v>", b"<v></v>",
                        b"<v>2020-13-45T00:00:00</v>", b"<v>=1+1</v>", b"<v>\xe5\x90\x8d</v>", b"<v>43831.5</v>"]),
    (rb's="\d+"', [b's="999"', b's="-1"', b's="1"']),
    (rb'r="[A-Z]+\d+"', [b'r="XFD1048576"', b'r="A0"', b'r="1A"', b'r="A1"']),
    (rb'ref="[A-Z]+\d+:[A-Z]+\d+"', [b'ref="A1:XFD1048576"', b'ref="B2:A1"', b'ref="A1:A1"']),
    (rb"<mergeCell ", [b'<mergeCell ref="A1:Z400"/><mergeCell ']),
    (rb"<t[^>]*>[^<]*</t>", [b"<t>=HYPERLINK(&quot;http://x&quot;)</t>", b"<t>&#0;</t>", b"<t/>",
                             "<t>账号名称</t>".encode(), "<t>平台类型</t>".encode()]),
    (rb"numFmtId=\"\d+\"", [b'numFmtId="14"', b'numFmtId="21"', b'numFmtId="49"']),
]


@st.composite
def mutated_workbooks(draw: st.DrawFn) -> bytes:
    """A real workbook with one part edited: XML values and types swapped, a part dropped or garbled."""
    seed = draw(st.sampled_from(XLSX_SEEDS))
    with zipfile.ZipFile(seed) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    index = draw(st.integers(min_value=0, max_value=len(parts) - 1))
    name, data = parts[index]
    op = draw(st.sampled_from(["xml", "xml", "xml", "bytes", "drop", "empty"]))
    if op == "xml":
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            pattern, replacements = draw(st.sampled_from(XML_EDITS))
            found = list(re.finditer(pattern, data))
            if found:
                hit = draw(st.sampled_from(found))
                data = data[:hit.start()] + draw(st.sampled_from(replacements)) + data[hit.end():]
        parts[index] = (name, data)
    elif op == "bytes":
        parts[index] = (name, draw(mutated_bytes(data)))
    elif op == "drop":
        del parts[index]
    else:
        parts[index] = (name, b"")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts:
            archive.writestr(part, content)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # openpyxl would write a number Excel cannot read
    return value


@st.composite
def random_tables(draw: st.DrawFn) -> tuple[str, bytes]:
    """The header of a real kind (some columns dropped, shuffled or doubled) over random cells, as
    .xlsx or as CSV in one of the encodings exports come in."""
    kind = draw(st.sampled_from(KINDS))
    columns = [(f.name, f.headers[draw(st.integers(min_value=0, max_value=len(f.headers) - 1))]) for f in kind.fields]
    columns = draw(st.permutations(columns))
    if draw(st.integers(min_value=0, max_value=3)) == 0:  # mostly every column; sometimes some are missing
        columns = columns[: draw(st.integers(min_value=1, max_value=len(columns)))]
    if draw(st.integers(min_value=0, max_value=5)) == 0:
        columns = [*columns, draw(st.sampled_from(columns))]
    headers = [header for _name, header in columns]
    row = st.tuples(*(field_cells(name) for name, _header in columns)).map(list)
    rows = draw(st.lists(st.one_of(row, st.lists(cells, max_size=len(headers) + 1)), max_size=12))
    title_rows = draw(st.integers(min_value=0, max_value=2))
    if draw(st.booleans()):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = draw(st.sampled_from(["Sheet1", "微信", "汇总", "政务新媒体", "抖音"]))
        for _ in range(title_rows):
            sheet.append(["导出时间：2020-10-12"])
        sheet.append(headers)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return ".xlsx", buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=draw(st.sampled_from([",", "\t", ";", "|"])))
    for _ in range(title_rows):
        writer.writerow(["导出时间：2020-10-12"])
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    return ".csv", text.getvalue().encode(encoding, errors="replace")


@st.composite
def fuzzed_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """One file of any of the four families, with the name an inspector might have given it."""
    family = draw(st.sampled_from(["random", "mutated", "workbook", "table"]))
    if family == "table":
        return draw(random_tables())
    if family == "random":
        data = draw(random_files())
    elif family == "workbook":
        data = draw(mutated_workbooks())
    else:
        data = draw(mutated_bytes(draw(st.sampled_from(TEXT_SEEDS + XLSX_SEEDS)).read_bytes()))
    return draw(st.sampled_from([".xlsx", ".csv", ".xls", ".txt", ""])), data


# --- what may come out ----------------------------------------------------------------------------------


def _check_error(exc: RegistryFileError, named: list[Path]) -> None:
    """A clear error: it names a file of the import and says, in a few words, what is wrong."""
    errors = getattr(exc, "errors", [exc])
    assert errors
    for error in errors:
        assert error.path in {str(p) for p in named} or any(error.path.endswith(p.name) for p in named), error.path
        assert error.message.strip() and len(error.message) < 2000, error.message
        assert "Traceback" not in error.message


def _check_report(report: LoadReport) -> None:
    """Every quarantined row says where it is and why it was refused."""
    for rejected in report.quarantined:
        assert rejected.source and isinstance(rejected.row, int) and rejected.row >= 1
        assert rejected.column and rejected.reason
        assert rejected.value is None or len(rejected.value) <= 201


def _store_dump(url: str) -> dict[str, list[str]]:
    from sqlalchemy import inspect, select

    from govinspect.store import session_scope
    from govinspect.store.models import Base

    out: dict[str, list[str]] = {}
    with session_scope(url) as session:
        present = set(inspect(session.get_bind()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name in present:
                rows = session.execute(select(table)).all()
                out[table.name] = sorted(json.dumps(list(r), default=str, ensure_ascii=False) for r in rows)
    return out


def _import(path: Path, url: str | None, kind: str | None) -> None:
    """One import (or a dry run when ``url`` is None) of the fuzzed file beside a good one."""
    paths = [GOOD_UNITS, path]
    kinds = [None, kind]
    try:
        report = load_files(paths, Q3, url=url, kinds=kinds, county="鄂托克前旗", dry_run=url is None)
    except RegistryFileError as exc:
        _check_error(exc, paths)
        event(f"refused: {re.sub(r'[0-9]+', 'N', getattr(exc, 'errors', [exc])[-1].message)[:40]}")
        raise
    _check_report(report)
    event(f"imported, {'some' if report.quarantined else 'no'} rows quarantined")


# --- the tests ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def memory_cap() -> Iterator[None]:
    """The address space capped 1.5 GB above what the process holds, while a test here runs: a file
    that slips past the readers' size guards ends in MemoryError, not in a machine out of memory."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    held = next(int(line.split()[1]) * 1024 for line in Path("/proc/self/status").read_text().splitlines()
                if line.startswith("VmSize:"))
    cap = held + 1536 * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@settings(FUZZ, max_examples=300)
@given(file=fuzzed_files(), kind=st.sampled_from([None, None, None, *KINDS_BY_NAME]))
def test_any_file_gives_a_clear_error_or_quarantined_rows(tmp_path_factory, file, kind) -> None:
    suffix, data = file
    path = tmp_path_factory.mktemp("fuzz") / f"导出{suffix}"
    path.write_bytes(data)
    try:
        _import(path, None, kind)
    except RegistryFileError:
        pass


@settings(FUZZ, max_examples=60)
@given(file=fuzzed_files(), kind=st.sampled_from([None, None, *KINDS_BY_NAME]))
def test_a_failed_import_changes_nothing(loaded_store: str, tmp_path_factory, file, kind) -> None:
    suffix, data = file
    path = tmp_path_factory.mktemp("fuzz") / f"导出{suffix}"
    path.write_bytes(data)
    before = _store_dump(loaded_store)
    try:
        _import(path, loaded_store, kind)
    except RegistryFileError:
        assert _store_dump(loaded_store) == before


@st.composite
def api_records(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    """Records of one kind as a province API might send them: keys as export headers or field names
    (some missing, some unknown), values plausible, odd, or nested."""
    kind = draw(st.sampled_from(KINDS))
    keys = [(f.name, draw(st.sampled_from([*f.headers, f.name]))) for f in kind.fields]
    records = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        record = {key: draw(st.one_of(field_cells(name), json_values)) for name, key in keys if draw(st.integers(0, 7))}
        record.update(draw(st.dictionaries(st.text(max_size=6), json_values, max_size=2)))
        records.append(record)
    return kind.name, records


@settings(FUZZ, max_examples=150)
@given(given_records=api_records())
def test_random_api_records_give_a_clear_error_or_quarantined_rows(loaded_store: str, given_records) -> None:
    kind, records = given_records
    source = "https://registry.example.cn/api/v1/accounts"
    try:
        parsed: ParsedSource = parse_records(records, KINDS_BY_NAME[kind], source, AS_OF)
    except RegistryFileError as exc:
        assert exc.path == source and exc.message.strip()
        event(f"refused: {re.sub(r'[0-9]+', 'N', exc.message)[:40]}")
        return
    report = load_parsed([parsed], Q3, url=loaded_store, county="鄂托克前旗")
    _check_report(report)
    event(f"imported, {'some' if report.quarantined else 'no'} rows quarantined")


@pytest.fixture(params=["sqlite", "postgresql"])
def loaded_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """A store holding the demo county's registry, on both databases; emptied afterwards."""
    from sqlalchemy import text

    from govinspect.store import engine_for, migrate
    from govinspect.store.models import Base

    url = request.getfixturevalue("pg_url" if request.param == "postgresql" else "sqlite_url")
    migrate(url)
    demo = [DEMO / n for n in ("units.csv", "website_registry.xlsx", "newmedia_registry.xlsx", "sweep.xlsx",
                               "manual_evidence.csv")]
    load_files(demo, Q3, url=url, county="鄂托克前旗")
    yield url
    with engine_for(url).begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'delete from "{table.name}"'))


def test_the_seeds_are_there() -> None:
    """The fuzzers start from real exports of every family; an empty seed list would fuzz nothing."""
    assert len(XLSX_SEEDS) >= 10 and len(TEXT_SEEDS) >= 5
    assert any(p.parent == DEMO for p in XLSX_SEEDS)


def test_odd_python_values_are_cells_like_any_other() -> None:
    """Values openpyxl hands over for time-formatted or odd cells are quarantined, not crashed on."""
    record = {"账号名称": "某号", "平台类型": "抖音", "账号ID": "1", "主办单位": "旗民政局",
              "开设时间": time(12, 30), "备案时间": timedelta(days=1), "运行状态": float("nan")}
    parsed = parse_records([record, {**record, "账号ID": "2", "开设时间": "2020-01-01", "备案时间": None,
                                     "运行状态": "正常"}], KINDS_BY_NAME["accounts"], "api", AS_OF)
    table = parsed.tables[0]
    assert [r["account_id"] for r in table.records] == ["2"]
    assert {r.column for r in table.rejected} == {"开设时间", "备案时间"}


@pytest.mark.parametrize("name", ["新媒体.xls", "新媒体.csv", "新媒体"])
def test_a_workbook_is_read_by_its_content_whatever_its_name(tmp_path: Path, name: str) -> None:
    """Reporting systems save .xlsx workbooks as .xls and inspectors rename them: found by the fuzzer."""
    from govinspect.registry.parse import parse_file

    path = tmp_path / name
    path.write_bytes((DEMO / "newmedia_registry.xlsx").read_bytes())
    parsed = parse_file(path, AS_OF)
    assert parsed.format == "xlsx" and len(parsed.tables[0].records) == 64


def _demo_workbook_with(edit: tuple[bytes, bytes]) -> bytes:
    """The demo accounts export with one replacement in its worksheet XML."""
    old, new = edit
    buffer = io.BytesIO()
    with zipfile.ZipFile(DEMO / "newmedia_registry.xlsx") as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new)
            target.writestr(info.filename, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("edit", "message"), [
    ((b'<mergeCell ref="A1:I1"/>', b'<mergeCell ref="A1:XFD1048576"/>'), "merged cells cover 17,179,869,184 cells"),
    ((b'<mergeCell ref="A1:I1"/>', b'<mergeCell ref="A:C"/>'), "merged cells cover 3,145,728 cells"),
    ((b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'),
     "spans 1,048,576 rows × 16,384 columns"),
])
def test_a_workbook_that_would_fill_the_memory_is_refused(tmp_path: Path, edit: tuple[bytes, bytes],
                                                          message: str) -> None:
    """Found by the fuzzer: one merged range or one far cell made the reader build billions of cells."""
    from govinspect.registry.parse import parse_file

    path = tmp_path / "新媒体.xlsx"
    path.write_bytes(_demo_workbook_with(edit))
    with pytest.raises(RegistryFileError, match=re.escape(message)):
        parse_file(path, AS_OF)


def test_an_html_table_that_would_fill_the_memory_is_refused(tmp_path: Path) -> None:
    from govinspect.registry.parse import parse_file

    path = tmp_path / "新媒体.xls"
    path.write_text("<html><table><tr>" + '<td rowspan="1000" colspan="1000">x</td>' * 40 +
                    "</tr><tr><td>账号名称</td><td>平台类型</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(RegistryFileError, match="table 1: its rowspan and colspan cover more than 200,000 cells"):
        parse_file(path, AS_OF)
