"""Import registry exports into the store: validate every row, quarantine what is bad, write all or nothing.

Every source is read and validated before the first write; a source that cannot be imported at
all stops the import with a message naming it and what is missing, and the store stays as it was.
The rows of one input kind (websites, accounts, sweep, units, manual evidence) replace that kind's
rows of the quarter, from however many files and sheets they come; duplicates across them are
quarantined like any bad row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from govinspect.profile import Profile, ProfileError
from govinspect.quarter import Quarter
from govinspect.registry.directory import Directory, unit_key
from govinspect.registry.parse import ParsedSource, Rejected, parse_file, shown
from govinspect.registry.readers import RegistryFileError
from govinspect.registry.schema import KINDS_BY_NAME
from govinspect.registry.snapshot import refresh_around
from govinspect.store import replace_partition, session_scope, upsert
from govinspect.store.models import Account, ManualEvidence, QuarantinedRow, RegistrySnapshot, Unit, Website

__all__ = ["LoadReport", "RegistryImportError", "dry_report", "load_files", "load_parsed", "match_unit",
           "parse_sources", "profile_sources", "unit_key"]

KIND_ORDER = ("units", "websites", "accounts", "sweep", "manual")


class RegistryImportError(RegistryFileError):
    """One or more sources cannot be imported at all; each is named with what is wrong."""

    def __init__(self, errors: Sequence[RegistryFileError]) -> None:
        self.errors = list(errors)
        ValueError.__init__(self, "\n".join(str(e) for e in self.errors))
        self.path = self.errors[0].path
        self.message = self.errors[0].message


@dataclass
class KindBatch:
    """The rows of one input kind gathered from all sources, duplicates set aside."""

    kind: str
    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LoadReport:
    quarter: str
    imported: Counter = field(default_factory=Counter)
    quarantined: list[Rejected] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (source, kind label, rows imported)
    skipped: list[str] = field(default_factory=list)
    written: bool = True

    def quarantined_by_kind(self) -> Counter:
        return Counter(r.kind for r in self.quarantined)

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: {label}, {count} imported" for name, label, count in self.files]
        lines += [f"  passed over: {note}" for note in self.skipped]
        by_kind = self.quarantined_by_kind()
        kinds = sorted(set(self.imported) | set(by_kind), key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99)
        lines.append("imported: " + (", ".join(f"{k} {self.imported[k]}" for k in kinds) or "nothing"))
        rows = len({(r.source, r.row) for r in self.quarantined})
        lines.append(f"quarantined: {rows} rows" + (
            " (" + ", ".join(f"{k} {len({(r.source, r.row) for r in self.quarantined if r.kind == k})}"
                             for k in kinds if by_kind[k]) + ")" if rows else ""))
        for r in self.quarantined:
            lines.append(f"  {r.source} row {r.row}, column {r.column}: {r.reason} (value {r.value!r})")
        if not self.written:
            lines.append("dry run: nothing was written")
        return lines


def match_unit(name: str | None, directory: dict[str, str], county: str = "") -> str | None:
    """The directory unit named by ``name`` (exact, then folded), or None. ``directory`` maps
    :func:`unit_key` to unit names."""
    if not name:
        return None
    if name in directory.values():
        return name
    return directory.get(unit_key(name, county))


def profile_sources(profile: Profile, quarter: Quarter) -> tuple[list[Path], list[str]]:
    """The export files of a quarter with the input kind the profile names for each ([registry])."""
    unknown = sorted(set(profile.registry) - set(KIND_ORDER))
    if unknown:  # a misspelt kind would silently leave its export out of the quarter
        raise ProfileError(f"{profile.path}: [registry] {', '.join(unknown)}: unknown input kind; "
                           f"expected {', '.join(KIND_ORDER)}")
    paths, kinds = [], []
    for kind in sorted(profile.registry, key=KIND_ORDER.index):
        for name in profile.registry[kind]:
            paths.append(profile.path.parent / name.format(quarter=quarter))
            kinds.append(kind)
    return paths, kinds


def parse_sources(paths: Iterable[Path | str], quarter: Quarter, kinds: Sequence[str | None] | None = None,
                  as_of: date | None = None) -> list[ParsedSource]:
    """Read and validate every file; raises :class:`RegistryImportError` naming each unusable one."""
    paths = [Path(p) for p in paths]
    kinds = list(kinds) if kinds is not None else [None] * len(paths)
    as_of = as_of or quarter.default_check_point()
    parsed, errors = [], []
    for path, kind in zip(paths, kinds, strict=True):
        try:
            parsed.append(parse_file(path, as_of, kind))
        except RegistryFileError as exc:
            errors.append(exc)
    if errors:
        raise RegistryImportError(errors)
    return parsed


def combine(parsed: Iterable[ParsedSource]) -> dict[str, KindBatch]:
    """Group the records of all sources by kind; a key seen before is quarantined as a duplicate."""
    batches: dict[str, KindBatch] = {}
    seen: dict[tuple[str, tuple], tuple[str, int]] = {}
    for source in parsed:
        for table in source.tables:
            kind = table.kind
            batch = batches.setdefault(kind.name, KindBatch(kind.name))
            kept = 0
            duplicates: list[Rejected] = []
            for record in table.records:
                key = tuple(record.get(k) for k in kind.key)
                first = seen.get((kind.name, key))
                if first is not None:
                    where = f"row {first[1]}" if first[0] == table.source else f"{first[0]} row {first[1]}"
                    column = kind.field(kind.key[-1]).headers[0]
                    duplicates.append(Rejected(table.source, record["source_row"], column, shown(key[-1]),
                                               f"duplicate of {where}", kind.name))
                    continue
                seen[(kind.name, key)] = (table.source, record["source_row"])
                batch.records.append(record)
                kept += 1
            batch.rejected.extend(table.rejected + duplicates)
            batch.sources.append({"source": table.source, "format": source.format, "sha256": source.sha256,
                                  "rows": kept, "quarantined": len({r.row for r in table.rejected + duplicates})})
    return batches


def _model_columns(model: type) -> set[str]:
    return {c.name for c in model.__table__.columns}


_TARGETS: dict[str, tuple[type, dict[str, Any]]] = {
    "websites": (Website, {}),
    "accounts": (Account, {"origin": "registry"}),
    "sweep": (Account, {"origin": "sweep"}),
    "units": (Unit, {}),
    "manual": (ManualEvidence, {}),
}


def _row_for(kind: str, record: dict[str, Any], directory: Directory) -> dict[str, Any]:
    """The store row of a record: every column present (rows of one insert must share their keys)."""
    model, where = _TARGETS[kind]
    row = {k: record.get(k) for k in _model_columns(model) - {"quarter", *where}}
    if kind == "accounts":
        row["unit"] = (directory.current(record.get("sponsor")) or directory.current(record.get("operator"))
                       or record.get("sponsor"))
    elif kind == "sweep":
        row["unit"] = (directory.current(record.get("unit")) or directory.current(record.get("sponsor"))
                       or record.get("unit"))
    elif kind == "websites":
        row["unit"] = directory.current(record.get("sponsor")) or record.get("sponsor")
    return row


def _write_kind(session: Session, q: str, batch: KindBatch, directory: Directory, at: datetime) -> int:
    model, where = _TARGETS[batch.kind]
    rows = [_row_for(batch.kind, r, directory) for r in batch.records]
    replace_partition(session, model, {"quarter": q, **where}, rows)
    labels = sorted({s["source"][:300] for s in batch.sources})
    session.execute(delete(QuarantinedRow).where(
        QuarantinedRow.quarter == q, or_(QuarantinedRow.kind == batch.kind, QuarantinedRow.source_file.in_(labels))))
    quarantine: dict[tuple[str, int, str], dict[str, Any]] = {}
    for r in batch.rejected:
        key = (r.source[:300], r.row, r.column[:100])
        quarantine.setdefault(key, {"quarter": q, "source_file": key[0], "row": r.row, "column": key[2],
                                    "value": r.value, "reason": r.reason, "kind": batch.kind})
    if quarantine:
        session.execute(QuarantinedRow.__table__.insert(), list(quarantine.values()))
    upsert(session, RegistrySnapshot, [{
        "quarter": q, "kind": batch.kind, "sources": batch.sources, "rows": len(rows),
        "quarantined": len({(r.source, r.row) for r in batch.rejected}), "imported_at": at}])
    return len(rows)


def load_parsed(parsed: Sequence[ParsedSource], quarter: Quarter, *, url: str | None = None,
                county: str = "") -> LoadReport:
    """Write validated sources for ``quarter`` in one transaction and refresh the registry changes."""
    q = str(quarter)
    batches = combine(parsed)
    report = LoadReport(q)
    for source in parsed:
        report.skipped += [f"{source.name}: {note}" for note in source.skipped]
        for table in source.tables:
            report.files.append((table.source, table.kind.label, len(table.records)))
    at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with session_scope(url) as session:
        if "units" in batches:
            directory = Directory.of(batches["units"].records, county)
        else:
            directory = Directory.of(({"name": u.name, "kind": u.kind, "status": u.status, "successor": u.successor}
                                      for u in session.execute(select(Unit).where(Unit.quarter == q)).scalars()),
                                     county)
        for kind in sorted(batches, key=KIND_ORDER.index):
            batch = batches[kind]
            report.imported[kind] += _write_kind(session, q, batch, directory, at)
            report.quarantined.extend(batch.rejected)
        if {"websites", "accounts"} & set(batches):
            refresh_around(session, q)
    _correct_file_counts(report, batches)
    return report


def _correct_file_counts(report: LoadReport, batches: dict[str, KindBatch]) -> None:
    """Per-source counts after duplicates across sources were set aside."""
    kept = {s["source"]: s["rows"] for b in batches.values() for s in b.sources}
    report.files = [(name, label, kept.get(name, count)) for name, label, count in report.files]


def load_files(
    paths: Sequence[Path | str], quarter: Quarter, *, url: str | None = None, county: str = "",
    kind: str | None = None, kinds: Sequence[str | None] | None = None, dry_run: bool = False,
) -> LoadReport:
    """Validate and import exports for ``quarter`` in one transaction.

    ``kind`` names the kind of every file, ``kinds`` one per file; otherwise each table's kind is
    told from its header. Raises :class:`RegistryImportError` before anything is written when a
    file cannot be imported at all. ``dry_run`` validates and reports without writing.
    """
    if kinds is None:
        kinds = [kind] * len(paths)
    parsed = parse_sources(paths, quarter, kinds)
    if dry_run:
        return dry_report(parsed, quarter)
    return load_parsed(parsed, quarter, url=url, county=county)


def dry_report(parsed: Sequence[ParsedSource], quarter: Quarter) -> LoadReport:
    """What an import of ``parsed`` would write, without writing it."""
    report = LoadReport(str(quarter), written=False)
    for source in parsed:
        report.skipped += [f"{source.name}: {note}" for note in source.skipped]
    for name, batch in combine(parsed).items():
        report.imported[name] = len(batch.records)
        report.quarantined.extend(batch.rejected)
        report.files += [(s["source"], KINDS_BY_NAME[name].label, s["rows"]) for s in batch.sources]
    return report
