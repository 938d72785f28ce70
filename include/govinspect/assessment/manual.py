"""Inspectors' manual inputs (人工核定事项): what only a person can establish, kept in the store
with its reason, who entered it and when, and merged into the observations the rubric scores.

Kinds of input, for one website or account in one quarter:

| kind        | 事项类型 in a sheet            | item                         | points |
|-------------|--------------------------------|------------------------------|--------|
| `bonus`     | 加分                           | the bonus item (加分项目)      | > 0    |
| `flag`      | 安全事故, 严重表述错误, 无有效互动功能 … | the flag the rubric tests | —      |
| `veto`      | 单项否决, or a veto's title (互动回应差) | the veto code (V6, NM3)  | —      |
| `deduction` | 扣分                           | the item deducted (+ 指标)    | > 0    |
| `override`  | 复核撤销                        | a veto code or deduction rule id the inspector sets aside | — |

An inspector's sheet (XLSX or CSV, UTF-8 or GBK) is read like the registry exports: title rows
are skipped, headers may be spelled several ways, and a bad row is quarantined with its file, row,
column and reason while the good rows are imported. Loading a sheet again replaces what that
sheet brought before; ``govinspect manual add`` enters one input by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from govinspect.quarter import Quarter
from govinspect.registry.readers import RegistryFileError, Sheet, clean_header, read_tables
from govinspect.registry.schema import (
    CellError,
    Field,
    FileKind,
    account_id,
    cell_date,
    limited,
    platform,
    site_code,
)
from govinspect.scoring.engine import FLAG_LABELS
from govinspect.scoring.rubric import DEFAULT_RUBRIC, EntityRubric, Rubric, load_rubric
from govinspect.store import replace_partition, session_scope, upsert
from govinspect.store.models import Account, ManualInput, QuarantinedRow, Website

KINDS = ("bonus", "flag", "veto", "deduction", "override")
KIND_LABELS = {
    "bonus": "加分",
    "flag": "人工核定问题",
    "veto": "单项否决确认",
    "deduction": "人工扣分",
    "override": "复核撤销",
}
ENTITY_TYPES = ("website", "account")
CLI_SOURCE = "cli"

# How a sheet names each kind (事项类型); flags are also named by their label (安全事故 …).
_TYPE_WORDS = {
    "加分": "bonus",
    "加分项": "bonus",
    "加分项目": "bonus",
    "扣分": "deduction",
    "人工扣分": "deduction",
    "扣分项": "deduction",
    "单项否决": "veto",
    "否决": "veto",
    "确认否决": "veto",
    "复核撤销": "override",
    "人工复核撤销": "override",
    "撤销": "override",
    "问题": "flag",
    "人工核定问题": "flag",
}
_FLAG_WORDS = {
    **{label: flag for flag, label in FLAG_LABELS.items()},
    "安全事件": "security_incident",
    "严重错误": "serious_error",
    "泄密": "secret_leak",
    "有害信息": "harmful_content",
    "账号被盗用": "hijacked",
    "内容被篡改": "hijacked",
    "无互动功能": "no_interaction",
    "留言未回复": "unanswered_messages",
    "政策文件与解读未关联": "interpretation_unlinked",
}


class ManualInputError(ValueError):
    """A manual input that cannot be stored; the message says which value and why."""


@dataclass
class Rejected:
    """A sheet row that was not imported, with where and why (stored in the quarantine table)."""

    file: str
    row: int
    column: str
    value: str | None
    reason: str


def points_cell(value: Any, as_of: date | None = None) -> Decimal | None:
    """A point value as inspectors write it: 5, 0.5, "5分", "+5", "-2" (a deduction's sign is dropped later)."""
    if isinstance(value, bool):
        raise CellError(f"not a number of points: {value!r}")
    raw = limited(40)(value, as_of)
    if raw is None:
        return None
    cleaned = raw.replace("分", "").replace("＋", "+").replace("－", "-").replace("−", "-").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"not a number of points: {raw[:40]!r}") from None
    if not number.is_finite():
        raise CellError(f"not a number of points: {raw[:40]!r}")
    return number


SHEET = FileKind(
    "manual_inputs",
    "人工核定事项",
    (
        Field("site_code", ("网站标识码", "标识码"), site_code),
        Field("platform", ("平台类型", "平台", "新媒体类型"), platform),
        Field("account_id", ("账号ID", "账号ID/原始ID", "原始ID"), account_id),
        Field("name", ("网站名称", "账号名称", "名称"), limited(300)),
        Field("type", ("事项类型", "核定类型", "输入类型"), limited(40), required=True),
        Field("item", ("事项", "项目", "规则", "代码", "加分项目", "扣分事项"), limited(200)),
        Field("indicator", ("指标", "一级指标"), limited(100)),
        Field("points", ("分值", "分数", "加分分值", "扣分分值"), points_cell),
        Field("reason", ("理由", "原因", "说明", "依据"), required=True),
        Field("entered_by", ("录入人", "核定人", "核查人", "检查人"), limited(100), required=True),
        Field("entered_on", ("录入日期", "录入时间", "核定日期", "核查时间", "日期"), cell_date, required=True),
    ),
    marker=("事项类型", "核定类型", "输入类型"),
    key=("entity_type", "entity_id", "kind", "item"),
)


# ----------------------------------------------------------------------------- what the rubric accepts


def _entity_rubric(rubric: Rubric, entity_type: str) -> EntityRubric:
    return rubric.websites if entity_type == "website" else rubric.accounts


def rubric_flags(erub: EntityRubric) -> list[str]:
    """Manual flags the rubric tests for this kind of entity (veto flags and ``manual.*`` flag rules)."""
    flags: list[str] = []
    for veto in erub.vetoes:
        flags.extend(f for f in veto.params.get("flags", ()) if f not in flags)
    for rule in erub.deductions:
        path = rule.params.get("field", ())
        if rule.measure == "flag" and len(path) == 2 and path[0] == "manual" and path[1] not in flags:
            flags.append(path[1])
    return flags


@dataclass(frozen=True)
class Entry:
    """One manual input, validated."""

    entity_type: str
    entity_id: str
    kind: str
    item: str
    reason: str
    entered_by: str
    entered_on: date
    indicator: str | None = None
    points: Decimal | None = None

    def row(self, quarter: str, source: str, source_row: int | None) -> dict[str, Any]:
        return {
            "quarter": quarter,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "kind": self.kind,
            "item": self.item,
            "indicator": self.indicator,
            "points": None if self.points is None else float(self.points),
            "reason": self.reason,
            "entered_by": self.entered_by,
            "entered_on": self.entered_on,
            "source": source,
            "source_row": source_row,
        }


def check_entry(
    rubric: Rubric,
    entity_type: str,
    entity_id: str,
    kind: str,
    item: str | None,
    reason: str | None,
    entered_by: str | None,
    entered_on: date | None,
    indicator: str | None = None,
    points: Decimal | float | int | None = None,
) -> tuple[Entry, str | None]:
    """Validate one input against the rubric; raises :class:`ManualInputError` naming the field.

    Returns the entry and, when a value was read generously (a deduction written as −2), a note.
    """
    if entity_type not in ENTITY_TYPES:
        raise ManualInputError(f"entity: expected website or account, got {entity_type!r}")
    if kind not in KINDS:
        raise ManualInputError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    for name, value in (("reason", reason), ("entered_by", entered_by)):
        if not (value or "").strip():
            raise ManualInputError(f"{name}: required (every manual input says why and who entered it)")
    if entered_on is None:
        raise ManualInputError("entered_on: required (the day the input was entered)")
    erub = _entity_rubric(rubric, entity_type)
    item = (item or "").strip()
    number = None if points is None else Decimal(str(points))
    note = None
    if kind in ("bonus", "deduction"):
        if number is None:
            raise ManualInputError(f"points: required for a {KIND_LABELS[kind]} input")
        if kind == "deduction" and number < 0:
            number, note = -number, f"扣分 {number} read as {-number} points deducted"
        if number <= 0:
            raise ManualInputError(f"points: must be more than 0, got {number}")
        item = item or KIND_LABELS[kind]
    elif number is not None:
        raise ManualInputError(f"points: a {KIND_LABELS[kind]} input carries no points")
    if kind == "deduction":
        names = [i.name for i in erub.indicators]
        if not names:
            raise ManualInputError(
                f"kind: {rubric.name} judges {entity_type}s by vetoes alone; a deduction has nowhere to go"
            )
        if (indicator or "").strip() not in names:
            raise ManualInputError(f"indicator: expected one of {', '.join(names)}, got {indicator!r}")
        indicator = indicator.strip() if indicator else None
    elif indicator:
        raise ManualInputError(f"indicator: only a deduction names an indicator, not a {KIND_LABELS[kind]} input")
    if kind == "flag":
        flags = rubric_flags(erub)
        item = _FLAG_WORDS.get(item, item)
        if item not in flags:
            known = "、".join(f"{f}（{FLAG_LABELS[f]}）" if f in FLAG_LABELS else f for f in flags)
            raise ManualInputError(f"item: {rubric.name} has no {entity_type} flag {item!r} (known: {known})")
    elif kind == "veto":
        codes = [v.code for v in erub.vetoes]
        item = item.upper()
        if item not in codes:
            raise ManualInputError(f"item: expected a {entity_type} veto code ({', '.join(codes)}), got {item!r}")
    elif kind == "override":
        known = [v.code for v in erub.vetoes] + [d.id for d in erub.deductions]
        if item.upper() in known:
            item = item.upper()
        if item not in known:
            raise ManualInputError(
                f"item: expected a veto code or a deduction rule id of {rubric.name} ({', '.join(known)}), got {item!r}"
            )
    if not item:
        raise ManualInputError("item: required")
    entry = Entry(
        entity_type=entity_type,
        entity_id=entity_id,
        kind=kind,
        item=item,
        reason=reason.strip(),  # type: ignore[union-attr]
        entered_by=entered_by.strip(),  # type: ignore[union-attr]
        entered_on=entered_on,
        indicator=indicator if kind == "deduction" else None,
        points=number,
    )
    return entry, note


def _kind_and_item(type_text: str, item: str | None, erub: EntityRubric) -> tuple[str, str | None]:
    """事项类型 (and 事项) as a kind and an item: 加分 → bonus; 安全事故 → flag security_incident;
    互动回应差 → veto with that title's code (NM3 for an account, V5 for a website)."""
    word = "".join(type_text.split())
    lowered = word.lower()
    if lowered in KINDS:
        return lowered, item
    if word in _TYPE_WORDS:
        return _TYPE_WORDS[word], item
    if word in _FLAG_WORDS or lowered in FLAG_LABELS:
        return "flag", _FLAG_WORDS.get(word, lowered)
    for veto in erub.vetoes:
        if word in (veto.title, veto.code):
            return "veto", veto.code
    raise ManualInputError(
        f"kind: unknown 事项类型 {type_text!r} (expected 加分, 扣分, 单项否决, 复核撤销, a veto's title, or a flag such as 安全事故)"
    )


# ----------------------------------------------------------------------------- reading a sheet


@dataclass
class ManualLoadReport:
    quarter: str
    imported: int = 0
    quarantined: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: 人工核定事项, {count} imported" for name, count in self.files]
        lines.extend(self.notes)
        lines.append(f"quarantined: {len(self.quarantined)} rows")
        for r in self.quarantined:
            lines.append(f"  {r.file} row {r.row}, column {r.column}: {r.reason} (value {r.value!r})")
        return lines


@dataclass
class _Parsed:
    path: Path
    entries: list[tuple[int, Entry]] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _column_map(sheet: Sheet) -> dict[str, tuple[int, str]]:
    """Field name -> (column index, header as the sheet writes it), each field's first known spelling."""
    found: dict[str, tuple[int, str]] = {}
    used: set[int] = set()
    for fld in SHEET.fields:
        for spelling in fld.aliases():
            if spelling in sheet.header and sheet.header.index(spelling) not in used:
                index = sheet.header.index(spelling)
                found[fld.name] = (index, sheet.written[index] or spelling)
                used.add(index)
                break
    return found


def _is_manual_sheet(sheet: Sheet) -> bool:
    return any(clean_header(m) in sheet.header for m in SHEET.marker)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    out = str(value)
    return out if len(out) <= 200 else out[:200] + "…"


# Which column a validation problem belongs to, for the quarantine record.
_PROBLEM_COLUMNS = {
    "entity": "网站标识码",
    "kind": "事项类型",
    "item": "事项",
    "indicator": "指标",
    "points": "分值",
    "reason": "理由",
    "entered_by": "录入人",
    "entered_on": "录入日期",
}


def parse_sheet(path: Path, quarter: Quarter, rubric: Rubric) -> _Parsed:
    """Read an inspector's sheet; raises :class:`RegistryFileError` when the file cannot be used at all."""
    path = Path(path)
    sheets = read_tables(path, SHEET.known_headers())
    sheet = next((s for s in sheets if _is_manual_sheet(s)), None)
    if sheet is None:
        raise RegistryFileError(path, "no sheet has the header of a manual input sheet (事项类型, 理由, 录入人, 录入日期 …)")
    columns = _column_map(sheet)
    missing = [f.headers[0] for f in SHEET.fields if f.required and f.name not in columns]
    if "site_code" not in columns and "platform" not in columns:
        missing.append("网站标识码 or 平台类型 + 账号ID")
    if missing:
        raise RegistryFileError(
            path, f"sheet {sheet.name!r} lacks required column(s) {', '.join(missing)} in header row {sheet.header_row}"
        )
    parsed = _Parsed(path)
    as_of = quarter.default_check_point()
    fields = {f.name: f for f in SHEET.fields}
    seen: dict[tuple[str, str, str, str], int] = {}
    for row_number, cells in sheet.rows:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        record: dict[str, Any] = {}
        problems: list[Rejected] = []
        for name, (index, header) in columns.items():
            value = cells[index] if index < len(cells) else None
            fld = fields[name]
            try:
                record[name] = fld.parse(value, as_of)
            except CellError as exc:
                problems.append(Rejected(path.name, row_number, header, _shown(value), str(exc)))
                continue
            if fld.required and record[name] is None:
                problems.append(Rejected(path.name, row_number, header, None, "required value is empty"))
        if problems:
            parsed.rejected.extend(problems)
            continue
        try:
            entity_type, entity_id = _entity_of(record)
            kind, item = _kind_and_item(record["type"], record.get("item"), _entity_rubric(rubric, entity_type))
            entry, note = check_entry(
                rubric, entity_type, entity_id, kind, item, record.get("reason"), record.get("entered_by"),
                record.get("entered_on"), record.get("indicator"), record.get("points"),
            )
        except ManualInputError as exc:
            message = str(exc)
            key = message.split(":", 1)[0]
            column = _column_of(key, columns, record)
            value = cells[columns[_field_of(key)][0]] if _field_of(key) in columns else None
            parsed.rejected.append(Rejected(path.name, row_number, column, _shown(value), message))
            continue
        if note:
            parsed.notes.append(f"{path.name} row {row_number}: {note}")
        identity = (entry.entity_type, entry.entity_id, entry.kind, entry.item)
        if identity in seen:
            parsed.rejected.append(
                Rejected(path.name, row_number, "事项", _shown(entry.item), f"duplicate of row {seen[identity]}")
            )
            continue
        seen[identity] = row_number
        parsed.entries.append((row_number, entry))
    return parsed


def _field_of(key: str) -> str:
    return {"entity": "site_code", "kind": "type"}.get(key, key)


def _column_of(key: str, columns: dict[str, tuple[int, str]], record: dict[str, Any]) -> str:
    if key == "entity" and record.get("site_code") is None and "platform" in columns:
        return columns["platform"][1]
    name = _field_of(key)
    if name in columns:
        return columns[name][1]
    return _PROBLEM_COLUMNS.get(key, key)


def _entity_of(record: dict[str, Any]) -> tuple[str, str]:
    if record.get("site_code"):
        if record.get("platform") or record.get("account_id"):
            raise ManualInputError("entity: a row names either a website (网站标识码) or an account (平台类型 + 账号ID), not both")
        return "website", record["site_code"]
    if record.get("platform"):
        account_id = record.get("account_id") or (f"名称:{record['name']}" if record.get("name") else None)
        if not account_id:
            raise ManualInputError("entity: an account needs its 账号ID (or 账号名称 when the export has no ID)")
        return "account", f"{record['platform']}:{account_id}"
    raise ManualInputError("entity: neither 网站标识码 nor 平台类型 + 账号ID is filled in")


def _known_entities(session: Session, quarter: str) -> tuple[set[str], set[str]]:
    sites = set(session.execute(select(Website.site_code).where(Website.quarter == quarter)).scalars())
    accounts = {
        f"{p}:{a}"
        for p, a in session.execute(
            select(Account.platform, Account.account_id).where(Account.quarter == quarter, Account.origin == "registry")
        )
    }
    return sites, accounts


def _unknown_entity(entry: Entry, sites: set[str], accounts: set[str], quarter: str) -> str | None:
    if entry.entity_type == "website" and entry.entity_id not in sites:
        return f"网站标识码 {entry.entity_id} is not in the {quarter} website registry"
    if entry.entity_type == "account" and entry.entity_id not in accounts:
        return f"account {entry.entity_id} is not in the {quarter} new-media registry"
    return None


def load_manual_sheets(
    paths: Iterable[Path | str], quarter: str, rubric: Rubric | str | None = None, *, url: str | None = None
) -> ManualLoadReport:
    """Validate and import inspectors' sheets in one transaction.

    Each sheet replaces the inputs it brought before (its file name is their source) and its
    quarantined rows; inputs entered by hand are kept. An input for a website or account outside
    the quarter's registry is quarantined. A file that cannot be read raises before anything is written.
    """
    q = Quarter.parse(quarter)
    chosen = rubric if isinstance(rubric, Rubric) else load_rubric(rubric or DEFAULT_RUBRIC)
    parsed = [parse_sheet(Path(p), q, chosen) for p in paths]
    report = ManualLoadReport(str(q))
    with session_scope(url) as session:
        sites, accounts = _known_entities(session, str(q))
        for p in parsed:
            rows, rejected = [], list(p.rejected)
            for row_number, entry in p.entries:
                problem = _unknown_entity(entry, sites, accounts, str(q))
                if problem:
                    column = "网站标识码" if entry.entity_type == "website" else "账号ID"
                    rejected.append(Rejected(p.path.name, row_number, column, entry.entity_id, problem))
                    continue
                rows.append(entry.row(str(q), p.path.name, row_number))
            session.execute(
                delete(ManualInput).where(ManualInput.quarter == str(q), ManualInput.source == p.path.name)
            )
            upsert(session, ManualInput, rows)
            unique: dict[tuple[int, str], Rejected] = {}
            for r in rejected:
                unique.setdefault((r.row, r.column), r)
            replace_partition(
                session,
                QuarantinedRow,
                {"quarter": str(q), "source_file": p.path.name},
                [{"row": r.row, "column": r.column, "value": r.value, "reason": r.reason} for r in unique.values()],
            )
            report.imported += len(rows)
            report.quarantined.extend(sorted(rejected, key=lambda r: r.row))
            report.notes.extend(p.notes)
            report.files.append((p.path.name, len(rows)))
    return report


# ----------------------------------------------------------------------------- one input by hand


def add_manual_input(
    quarter: str,
    entity_type: str,
    entity_id: str,
    kind: str,
    item: str | None,
    *,
    reason: str,
    entered_by: str,
    entered_on: date,
    points: float | Decimal | None = None,
    indicator: str | None = None,
    rubric: Rubric | str | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """Enter (or correct) one input; the same website or account, kind and item replaces the earlier one."""
    q = str(Quarter.parse(quarter))
    chosen = rubric if isinstance(rubric, Rubric) else load_rubric(rubric or DEFAULT_RUBRIC)
    entry, _note = check_entry(
        chosen, entity_type, entity_id, kind, item, reason, entered_by, entered_on, indicator, points
    )
    with session_scope(url) as session:
        sites, accounts = _known_entities(session, q)
        problem = _unknown_entity(entry, sites, accounts, q)
        if problem:
            raise ManualInputError(f"entity: {problem}")
        row = entry.row(q, CLI_SOURCE, None)
        upsert(session, ManualInput, [row])
    return row


def remove_manual_input(
    quarter: str, entity_type: str, entity_id: str, kind: str, item: str, *, url: str | None = None
) -> int:
    """Delete one input; returns how many rows went (0 or 1)."""
    q = str(Quarter.parse(quarter))
    with session_scope(url) as session:
        result = session.execute(
            delete(ManualInput).where(
                ManualInput.quarter == q,
                ManualInput.entity_type == entity_type,
                ManualInput.entity_id == entity_id,
                ManualInput.kind == kind,
                ManualInput.item == item,
            )
        )
        return result.rowcount or 0


def _as_dict(row: ManualInput) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in ManualInput.__table__.columns}


def manual_inputs(session: Session, quarter: str) -> list[dict[str, Any]]:
    """The quarter's inputs in a stable order (entity, kind, item)."""
    rows = session.execute(
        select(ManualInput)
        .where(ManualInput.quarter == quarter)
        .order_by(ManualInput.entity_type.desc(), ManualInput.entity_id, ManualInput.kind, ManualInput.item)
    ).scalars()
    return [_as_dict(r) for r in rows]


def list_manual_inputs(quarter: str, *, url: str | None = None) -> list[dict[str, Any]]:
    with session_scope(url) as session:
        return manual_inputs(session, str(Quarter.parse(quarter)))


# ----------------------------------------------------------------------------- into the observations


def attribution(row: dict[str, Any]) -> str:
    """The reason with who entered it and when, as the verdict's evidence carries it."""
    on = row["entered_on"].isoformat() if isinstance(row["entered_on"], date) else str(row["entered_on"])
    return f"{row['reason']}（{row['entered_by']}，{on}录入）"


def manual_objects(session: Session, quarter: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (entity_type, entity_id), the ``manual`` object of the observations schema built from the inputs."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in manual_inputs(session, quarter):
        grouped[(row["entity_type"], row["entity_id"])].append(row)
    return {key: _manual_object(rows) for key, rows in grouped.items()}


def _manual_object(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    bonus = Decimal(0)
    for row in rows:
        said = attribution(row)
        kind, item = row["kind"], row["item"]
        if kind == "bonus":
            bonus += Decimal(repr(row["points"]))
            out.setdefault("bonus_items", []).append({"item": item, "points": row["points"], "evidence": said})
        elif kind == "flag":
            out[item] = True
            out.setdefault("reasons", {})[item] = said
        elif kind == "veto":
            out.setdefault("vetoes", []).append({"rule": item, "evidence": said})
        elif kind == "deduction":
            out.setdefault("deductions", []).append(
                {"rule": item, "indicator": row["indicator"], "points": row["points"], "evidence": f"{item}：{said}"}
            )
        elif kind == "override":
            out.setdefault("overrides", []).append({"rule": item, "evidence": said})
    if bonus:
        out["bonus"] = float(bonus)
    return out


def merge_manual(entity: dict[str, Any], inputs: dict[str, Any] | None) -> dict[str, Any]:
    """Lay the stored inputs over an observation's own ``manual`` object (lists extend, the bonus adds up)."""
    manual = dict(entity.get("manual") or {})
    for key, value in (inputs or {}).items():
        if key == "bonus":
            manual["bonus"] = float(Decimal(repr(manual.get("bonus") or 0)) + Decimal(repr(value)))
        elif isinstance(value, list):
            manual[key] = [*(manual.get(key) or []), *value]
        elif isinstance(value, dict):
            manual[key] = {**(manual.get(key) or {}), **value}
        else:
            manual[key] = value
    entity["manual"] = manual
    return entity


# ----------------------------------------------------------------------------- in the notice


def _points(value: float | None) -> str:
    return "" if value is None else f"{Decimal(repr(value)).normalize():f}分"


def manual_input_lines(session: Session, quarter: str) -> dict[str, list[tuple[str, str, str]]]:
    """Per entity type, one (subject, detail, kind) per input for the notice: the subject names the
    website or account and its unit, the detail what was entered, why, by whom and when."""
    from govinspect.notice.formatting import cn_date
    from govinspect.registry.platforms import platform_label

    sites = {s.site_code: (s.name, s.sponsor) for s in session.execute(select(Website).where(Website.quarter == quarter)).scalars()}
    accounts = {
        f"{a.platform}:{a.account_id}": (f"{a.name}（{a.platform_label or platform_label(a.platform)}）", a.unit or a.sponsor)
        for a in session.execute(select(Account).where(Account.quarter == quarter, Account.origin == "registry")).scalars()
    }
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in manual_inputs(session, quarter):
        name, unit = (sites if row["entity_type"] == "website" else accounts).get(row["entity_id"], (row["entity_id"], ""))
        subject = f"{name}（{unit}）" if unit and unit != name else name
        kind, item = row["kind"], row["item"]
        what = {
            "bonus": f"{item} {_points(row['points'])}",
            "flag": FLAG_LABELS.get(item, item),
            "veto": item,
            "deduction": f"{row['indicator']}·{item} {_points(row['points'])}",
            "override": item,
        }[kind]
        detail = f"{KIND_LABELS[kind]}：{what}。理由：{row['reason']}。{row['entered_by']}于{cn_date(row['entered_on'])}录入"
        out[row["entity_type"]].append((subject, detail, kind))
    return dict(out)
