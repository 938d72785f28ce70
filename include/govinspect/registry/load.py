"""Import registry exports into the store: validate every row, quarantine what is bad, write all or nothing."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govinspect.quarter import Quarter
from govinspect.registry.platforms import platform_label
from govinspect.registry.readers import RegistryFileError, Sheet, read_tables
from govinspect.registry.schema import KINDS, CellError, FileKind, Field
from govinspect.store import replace_partition, session_scope
from govinspect.store.models import Account, ManualEvidence, QuarantinedRow, Unit, Website

ALL_HEADERS = {h for kind in KINDS for h in kind.known_headers()}


@dataclass
class Rejected:
    file: str
    row: int
    column: str
    value: str | None
    reason: str


@dataclass
class ParsedFile:
    path: Path
    kind: FileKind
    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class LoadReport:
    quarter: str
    imported: Counter = field(default_factory=Counter)
    quarantined: list[Rejected] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (file, kind, rows imported)

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: {kind}, {count} imported" for name, kind, count in self.files]
        lines.append("imported: " + ", ".join(f"{k} {v}" for k, v in sorted(self.imported.items())))
        lines.append(f"quarantined: {len(self.quarantined)} rows")
        for r in self.quarantined:
            lines.append(f"  {r.file} row {r.row}, column {r.column}: {r.reason} (value {r.value!r})")
        return lines


def _column_map(sheet: Sheet, kind: FileKind) -> dict[str, tuple[int, str]]:
    """Field name -> (column index, header as written), taking each field's first known spelling."""
    found: dict[str, tuple[int, str]] = {}
    used: set[int] = set()
    for fld in kind.fields:
        for spelling in fld.headers:
            if spelling in sheet.header and sheet.header.index(spelling) not in used:
                index = sheet.header.index(spelling)
                found[fld.name] = (index, spelling)
                used.add(index)
                break
    return found


def _detect(sheet: Sheet, forced: str | None) -> FileKind | None:
    for kind in KINDS:
        if forced and kind.name != forced:
            continue
        if forced or any(m in sheet.header for m in kind.marker):
            return kind
    return None


def parse_file(path: Path, quarter: Quarter, kind_name: str | None = None) -> ParsedFile:
    """Read one export. Raises :class:`RegistryFileError` for a file that cannot be imported at all."""
    path = Path(path)
    sheets = read_tables(path, ALL_HEADERS)
    if not sheets:
        raise RegistryFileError(path, "no sheet has a recognisable header row (e.g. 网站标识码, 账号名称, 单位名称)")
    as_of = quarter.default_check_point()
    for sheet in sheets:
        kind = _detect(sheet, kind_name)
        if kind is None:
            continue
        columns = _column_map(sheet, kind)
        missing = [f.headers[0] for f in kind.fields if f.required and f.name not in columns]
        if missing:
            raise RegistryFileError(
                path, f"sheet {sheet.name!r} ({kind.label}) lacks required column(s) {', '.join(missing)} in header row {sheet.header_row}"
            )
        return _parse_rows(path, sheet, kind, columns, as_of)
    headers = ", ".join(h for h in sheets[0].header if h)
    raise RegistryFileError(path, f"cannot tell what this file is from its header ({headers[:200]})")


def _parse_rows(path: Path, sheet: Sheet, kind: FileKind, columns: dict[str, tuple[int, str]], as_of: date) -> ParsedFile:
    parsed = ParsedFile(path, kind)
    seen: dict[tuple, int] = {}
    fields: dict[str, Field] = {f.name: f for f in kind.fields}
    for row_number, cells in sheet.rows:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        record: dict[str, Any] = {"source_file": path.name, "source_row": row_number}
        problems: list[Rejected] = []
        for name, (index, header) in columns.items():
            value = cells[index] if index < len(cells) else None
            fld = fields[name]
            try:
                record[name] = fld.parse(value, as_of) if fld.needs_date else fld.parse(value)
            except CellError as exc:
                problems.append(Rejected(path.name, row_number, header, _shown(value), str(exc)))
                continue
            if fld.required and record[name] is None:
                problems.append(Rejected(path.name, row_number, header, None, "required value is empty"))
        if problems:
            parsed.rejected.extend(problems)
            continue
        _complete(record, kind)
        key = tuple(record.get(k) for k in kind.key)
        if key in seen:
            header = columns[kind.key[-1]][1] if kind.key[-1] in columns else kind.key[-1]
            parsed.rejected.append(
                Rejected(path.name, row_number, header, _shown(key[-1]), f"duplicate of row {seen[key]}")
            )
            continue
        seen[key] = row_number
        parsed.records.append(record)
    return parsed


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    out = str(value)
    return out if len(out) <= 200 else out[:200] + "…"


def _complete(record: dict[str, Any], kind: FileKind) -> None:
    """Fill derived fields: platform labels, an account key when the export has no account ID."""
    if "platform" in record and record["platform"]:
        record["platform_label"] = platform_label(record["platform"])
    if kind.name in ("accounts", "sweep") and not record.get("account_id"):
        record["account_id"] = "名称:" + record["name"]
    if kind.name == "websites":
        record["kind"] = "portal" if "门户" in (record.get("kind") or "") else "department"
        record["status"] = record.get("status") or "正常运行"
    if kind.name == "units":
        record["status"] = record.get("status") or "正常"
        record["has_services"] = True if record.get("has_services") is None else record["has_services"]


_REGION_PREFIX = re.compile(r"^(.{1,8}?(自治旗|旗|县|区|市))")


def unit_key(name: str | None, county: str = "") -> str:
    """A comparable form of a unit name: 鄂托克前旗发展和改革委员会 and 旗发展和改革委员会 match."""
    if not name:
        return ""
    out = re.sub(r"\s+", "", name)
    if county and out.startswith(county):
        out = out[len(county) :]
    elif out[:1] in "旗县区市" and len(out) > 2:
        out = out[1:]
    return out.replace("人民政府", "政府")


def match_unit(name: str | None, directory: dict[str, str], county: str = "") -> str | None:
    """The directory unit named by ``name`` (exact, then folded), or None."""
    if not name:
        return None
    if name in directory.values():
        return name
    return directory.get(unit_key(name, county))


def load_files(
    paths: list[Path], quarter: Quarter, *, url: str | None = None, county: str = "", kind: str | None = None
) -> LoadReport:
    """Validate and import exports for ``quarter`` in one transaction.

    Each kind of file replaces that kind's rows of the quarter; quarantined rows are stored with
    file, row, column and reason. A file that cannot be imported at all raises before anything is written.
    """
    parsed = [parse_file(Path(p), quarter, kind) for p in paths]
    report = LoadReport(str(quarter))
    q = str(quarter)
    with session_scope(url) as session:
        units = [r for p in parsed if p.kind.name == "units" for r in p.records]
        if units:
            directory = {unit_key(u["name"], county): u["name"] for u in units}
        else:
            directory = {unit_key(u.name, county): u.name for u in session.query(Unit).filter(Unit.quarter == q)}
        for p in parsed:
            rows = [_row_for(p.kind.name, r, directory, county) for r in p.records]
            model, where = _target(p.kind.name, q)
            replace_partition(session, model, where, rows)
            replace_partition(
                session,
                QuarantinedRow,
                {"quarter": q, "source_file": p.path.name},
                [{"row": r.row, "column": r.column, "value": r.value, "reason": r.reason} for r in _unique(p.rejected)],
            )
            report.imported[p.kind.name] += len(rows)
            report.quarantined.extend(p.rejected)
            report.files.append((p.path.name, p.kind.label, len(rows)))
    return report


def _unique(rejected: list[Rejected]) -> list[Rejected]:
    seen, out = set(), []
    for r in rejected:
        if (r.row, r.column) not in seen:
            seen.add((r.row, r.column))
            out.append(r)
    return out


_MODEL_COLUMNS = {
    m: {c.name for c in m.__table__.columns} for m in (Account, Website, Unit, ManualEvidence)
}


def _target(kind: str, q: str) -> tuple[type, dict[str, Any]]:
    return {
        "websites": (Website, {"quarter": q}),
        "accounts": (Account, {"quarter": q, "origin": "registry"}),
        "sweep": (Account, {"quarter": q, "origin": "sweep"}),
        "units": (Unit, {"quarter": q}),
        "manual": (ManualEvidence, {"quarter": q}),
    }[kind]


def _row_for(kind: str, record: dict[str, Any], directory: dict[str, str], county: str) -> dict[str, Any]:
    model, _ = _target(kind, "")
    row = {k: v for k, v in record.items() if k in _MODEL_COLUMNS[model]}
    if kind == "accounts":
        row["unit"] = (
            match_unit(record.get("sponsor"), directory, county)
            or match_unit(record.get("operator"), directory, county)
            or record.get("sponsor")
        )
    elif kind == "sweep":
        row["unit"] = (
            match_unit(record.get("unit"), directory, county)
            or match_unit(record.get("sponsor"), directory, county)
            or record.get("unit")
        )
    return row
