"""From tables to validated records: which export a table is, which column is which field, and
every bad row kept with file, row, column, value and reason (quarantine)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.registry.platforms import platform_codes, platform_label
from govinspect.registry.readers import RegistryFileError, Sheet, Workbook, clean_header, read_workbook
from govinspect.registry.schema import ALL_HEADERS, KINDS, KINDS_BY_NAME, CellError, FileKind

SHOWN_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Rejected:
    """One quarantined cell: where it is, what it holds and why it was refused."""

    source: str  # the file (with its sheet when a workbook holds several tables), or an API address
    row: int
    column: str  # the header as the file writes it
    value: str | None
    reason: str
    kind: str = ""


@dataclass
class ParsedTable:
    source: str
    sheet: str
    kind: FileKind
    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rows: int = 0  # non-blank rows read


@dataclass
class ParsedSource:
    """One file (or one API resource) read and validated, not yet written anywhere."""

    name: str
    format: str
    sha256: str
    tables: list[ParsedTable] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # tables passed over, with the reason


def shown(value: Any) -> str | None:
    """A cell value as quarantine keeps it: control characters escaped, cut to 200 characters."""
    if value is None:
        return None
    out = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return out if len(out) <= SHOWN_CHARS else out[:SHOWN_CHARS] + "…"


def _column_map(sheet: Sheet, kind: FileKind) -> dict[str, int]:
    """Field name -> column index, each field taking its first spelling present in an unused column."""
    found: dict[str, int] = {}
    used: set[int] = set()
    for fld in kind.fields:
        for alias in fld.aliases():
            index = next((i for i, h in enumerate(sheet.header) if h == alias and i not in used), None)
            if index is not None:
                found[fld.name] = index
                used.add(index)
                break
    return found


def detect_kind(header: Iterable[str], forced: str | None = None) -> FileKind | None:
    """The kind of export a header row belongs to: by its marker columns, else by which kind's
    required columns are all present (None when that is not one kind)."""
    if forced:
        return KINDS_BY_NAME[forced]
    present = set(header)
    for kind in KINDS:
        if any(clean_header(m) in present for m in kind.marker):
            return kind
    complete = [k for k in KINDS
                if all(any(a in present for a in f.aliases()) for f in k.fields if f.required)]
    if not complete:
        return None
    scored = sorted(((sum(any(a in present for a in f.aliases()) for f in k.fields), k) for k in complete),
                    key=lambda pair: -pair[0])
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _implied_platform(sheet: Sheet) -> str | None:
    """A sheet named after one platform (微信, 微博 …) tells the platform of rows without that column."""
    codes = platform_codes(sheet.name)
    return codes[0] if len(codes) == 1 else None


def parse_table(sheet: Sheet, kind: FileKind, source: str, as_of: date) -> ParsedTable:
    """Validate every row of ``sheet``; raises :class:`RegistryFileError` when required columns are missing."""
    columns = _column_map(sheet, kind)
    implied: dict[str, Any] = {}
    if "platform" not in columns and any(f.name == "platform" for f in kind.fields):
        code = _implied_platform(sheet)
        if code:
            implied["platform"] = code
    missing = [f for f in kind.fields if f.required and f.name not in columns and f.name not in implied]
    if missing:
        names = "; ".join(f"{f.headers[0]} (or {', '.join(f.headers[1:])})" if len(f.headers) > 1 else f.headers[0]
                          for f in missing)
        raise RegistryFileError(
            sheet.path, f"sheet {sheet.name!r} ({kind.label}, header on row {sheet.header_row}) "
                        f"lacks the required column(s) {names}")
    table = ParsedTable(source, sheet.name, kind)
    for row_number, cells in sheet.rows:
        values = {name: cells[index] if index < len(cells) else None for name, index in columns.items()}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        table.rows += 1
        record: dict[str, Any] = {"source_file": source[:300], "source_row": row_number, **implied}
        problems: list[Rejected] = []
        for name, value in values.items():
            fld = kind.field(name)
            written = sheet.written[columns[name]] or fld.headers[0]
            try:
                if isinstance(value, (dict, list, tuple)):
                    raise CellError("a nested value where a cell is expected")
                record[name] = fld.parse(value, as_of)
            except CellError as exc:
                problems.append(Rejected(source, row_number, written, shown(value), str(exc), kind.name))
                continue
            if fld.required and record[name] is None:
                problems.append(Rejected(source, row_number, written, None, "required value is empty", kind.name))
        if problems:
            table.rejected.extend(problems)
            continue
        complete_record(record, kind)
        table.records.append(record)
    return table


def _name_key(name: str) -> str:
    """The key of an account the export gives no ID for: its name, hashed when too long for the column."""
    key = "名称:" + name
    if len(key) <= 120:
        return key
    return key[:100] + "…" + hashlib.sha1(name.encode()).hexdigest()[:12]


def complete_record(record: dict[str, Any], kind: FileKind) -> None:
    """Fill derived fields: platform labels, an account key when the export has no account ID."""
    if record.get("platform"):
        record["platform_label"] = platform_label(record["platform"])
    if kind.name in ("accounts", "sweep") and not record.get("account_id"):
        record["account_id"] = _name_key(record["name"])
    if kind.name == "websites":
        record["kind"] = "portal" if "门户" in (record.get("kind") or "") or record.get("kind") == "portal" else "department"
        record["status"] = record.get("status") or "正常运行"
    if kind.name == "units":
        record["status"] = record.get("status") or "正常"
        record["has_services"] = True if record.get("has_services") is None else record["has_services"]


def _check_usable(path: Path | str, table: ParsedTable, sheet: Sheet) -> None:
    if table.rows == 0 and not table.kind.may_be_empty:
        raise RegistryFileError(path, f"sheet {sheet.name!r} ({table.kind.label}) has a header on row "
                                      f"{sheet.header_row} but no rows below it")
    if table.rows and not table.records:
        reasons = "; ".join(f"row {r.row} {r.column}: {r.reason}" for r in table.rejected[:3])
        raise RegistryFileError(path, f"none of the {table.rows} rows of sheet {sheet.name!r} could be read ({reasons} …)")


def parse_workbook(workbook: Workbook, as_of: date, kind_name: str | None = None) -> ParsedSource:
    """Validate the tables of one file. Raises :class:`RegistryFileError` for a file that cannot be
    imported at all, so that nothing of it is written."""
    path = workbook.path
    parsed = ParsedSource(path.name, workbook.format, workbook.sha256,
                          skipped=[f"sheet {name!r}: no recognisable header row" for name in workbook.skipped])
    several = len(workbook.sheets) > 1
    for sheet in workbook.sheets:
        kind = detect_kind(sheet.header, kind_name)
        if kind is None:
            parsed.skipped.append(f"sheet {sheet.name!r}: cannot tell which export its header belongs to")
            continue
        source = f"{path.name}[{sheet.name}]" if several else path.name
        table = parse_table(sheet, kind, source, as_of)
        _check_usable(path, table, sheet)
        parsed.tables.append(table)
    if not parsed.tables:
        expected = ("expected e.g. 网站标识码 (网站), 账号名称 + 平台类型 + 备案时间 (新媒体), 单位名称 + 单位类型 (单位名录), "
                    "发现时间 (排查), 核查人 (人工核查)")
        where = "" if workbook.format == "csv" else "sheet " + ", ".join(repr(s.name) for s in workbook.sheets) + ": "
        if workbook.sheets:
            headers = ", ".join(h for h in workbook.sheets[0].written if h)[:200]
            raise RegistryFileError(path, f"{where}cannot tell which export this is from its header ({headers}); "
                                          f"{expected}; or name the kind (--kind)")
        if workbook.format == "csv":
            raise RegistryFileError(path, f"no header row with registry columns in its first lines; {expected}")
        names = ", ".join(repr(n) for n in workbook.skipped) or "none"
        raise RegistryFileError(path, f"no sheet has a header row with registry columns (sheets: {names}); {expected}")
    return parsed


def parse_file(path: Path | str, as_of: date, kind_name: str | None = None) -> ParsedSource:
    """Read and validate one export file."""
    return parse_workbook(read_workbook(Path(path), ALL_HEADERS), as_of, kind_name)


def parse_records(records: list[Mapping[str, Any]], kind: FileKind, source: str, as_of: date,
                  sha256: str = "") -> ParsedSource:
    """Validate records of a JSON source (keys as export headers or field names) like rows of a sheet."""
    keys: list[str] = []
    for record in records:
        for key in record:
            if key not in keys:
                keys.append(key)
    sheet = Sheet(Path(source), kind.label, 0, [clean_header(k) for k in keys], keys,
                  [(i, [r.get(k) for k in keys]) for i, r in enumerate(records, start=1)])
    try:
        table = parse_table(sheet, kind, source, as_of)
    except RegistryFileError as exc:  # named by the sheet's stand-in path, which folds "//": name the source
        raise RegistryFileError(source, exc.message) from None
    if table.rows and not table.records:
        reasons = "; ".join(f"record {r.row} {r.column}: {r.reason}" for r in table.rejected[:3])
        raise RegistryFileError(source, f"none of the {table.rows} records could be read ({reasons} …)")
    return ParsedSource(source, "json", sha256, [table])
