"""The observations document (检查记录): validated once, with errors that name the JSON path.

Inspectors write this document by hand as well as the checks do, so every mistake must be
reported where it is (``websites[3].probes.failed: expected a number, got "x"``), never as a
traceback from deep inside the scoring.

Absent and ``null`` differ: an absent field was not observed (the rule is not applied and a
finding says so); ``null`` on a date means it was looked for and none was found (not updated).
A website with ``"checked": false`` could not be crawled at the check: what a crawl would have
seen (``homepage_latest``, ``columns``, ``dead_links``, ``interaction``) counts as not observed,
whatever placeholder values it carries. Availability is judged from the probes (V2), not from
one failed crawl.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from govinspect.scoring.rubric import COLUMN_TYPES, WEBSITE_KINDS


class ObservationsError(ValueError):
    """A malformed observations document; ``path`` is the JSON path of the first problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class _Missing:
    """Marks a field that is absent from the document (not observed), as opposed to ``null``."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()

# Fields that only a successful crawl of the site can fill in.
CRAWLED_FIELDS = ("homepage_latest", "columns", "dead_links", "interaction")

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?$")


def describe(value: Any) -> str:
    """A short JSON rendering of a bad value for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_error(path: str, expected: str, value: Any) -> ObservationsError:
    return ObservationsError(path, f"expected {expected}, got {describe(value)}")


def as_date(value: Any, path: str) -> date | None:
    """An ISO date (``2020-10-12``, a time after it is ignored) or ``null``."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass  # the pattern below gives the precise message
        match = _DATE_RE.match(value.strip())
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                raise ObservationsError(path, f"not a calendar date: {describe(value)}") from None
    raise _type_error(path, "a date (YYYY-MM-DD) or null", value)


def as_count(value: Any, path: str) -> int:
    """A whole number ≥ 0 (``3`` or ``3.0``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(path, "a number", value)
    if isinstance(value, float):
        if not value.is_integer():
            raise _type_error(path, "a whole number", value)
        value = int(value)
    if value < 0:
        raise _type_error(path, "a number ≥ 0", value)
    return value


def as_number(value: Any, path: str) -> Fraction:
    """A number ≥ 0, kept exact (``0.1`` is one tenth, not its binary neighbour)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(path, "a number", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _type_error(path, "a finite number", value)
    number = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    if number < 0:
        raise _type_error(path, "a number ≥ 0", value)
    return number


def as_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _type_error(path, "true or false", value)
    return value


def as_text(value: Any, path: str, required: bool = False) -> str:
    if value is None:
        if required:
            raise ObservationsError(path, "missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _type_error(path, "a string", value)
    text = str(value).strip()
    if required and not text:
        raise ObservationsError(path, "must not be empty")
    return text


def as_object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _type_error(path, "an object", value)
    return value


def as_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _type_error(path, "a list", value)
    return value


def optional(obj: dict[str, Any], key: str, path: str, convert: Any) -> Any:
    """``convert(obj[key])`` when present (``null`` included), else :data:`MISSING`."""
    if key not in obj:
        return MISSING
    return convert(obj[key], f"{path}.{key}")


def field_value(obj: dict[str, Any], keys: tuple[str, ...], path: str) -> tuple[Any, str]:
    """The value at a dotted rubric field path, or :data:`MISSING`; also its JSON path for errors."""
    current: Any = obj
    at = path
    for key in keys:
        if not isinstance(current, dict):
            raise _type_error(at, "an object", current)
        at = f"{at}.{key}"
        if key not in current:
            return MISSING, at
        current = current[key]
    return current, at


@dataclass(slots=True)
class ManualVeto:
    """A veto an inspector confirmed by hand (人工核定), e.g. V6 from a review of the 办事指南."""

    rule: str
    evidence: str


@dataclass(slots=True)
class ManualDeduction:
    """A deduction an inspector applied from the official table (人工扣分)."""

    rule: str
    indicator: str
    points: Fraction
    evidence: str
    path: str


@dataclass(slots=True)
class Manual:
    raw: dict[str, Any]
    path: str
    bonus: Fraction = Fraction(0)
    vetoes: tuple[ManualVeto, ...] = ()
    deductions: tuple[ManualDeduction, ...] = ()
    # Rules an inspector set aside after review (人工复核撤销), e.g. V2 failures caused by the
    # monitoring network itself; the verdict keeps them under ``overridden`` with the reason.
    overrides: tuple[ManualVeto, ...] = ()
    reasons: dict[str, str] = field(default_factory=dict)  # flag -> why an inspector set it

    def flag(self, name: str) -> bool:
        """A boolean manual flag; absent or null means not established."""
        value = self.raw.get(name)
        if value is None or value is False:
            return False
        return as_bool(value, f"{self.path}.{name}")

    def flags(self, names: Iterable[str]) -> list[str]:
        """The names among ``names`` whose flag is set."""
        raw = self.raw
        return [
            name for name in names if raw.get(name) is not None and raw[name] is not False and self.flag(name)
        ]


def _manual(value: Any, path: str) -> Manual:
    if value is None:
        return Manual({}, path)
    raw = as_object(value, path)
    manual = Manual(raw, path)
    if raw.get("bonus") is not None:
        manual.bonus = as_number(raw["bonus"], f"{path}.bonus")
    if raw.get("vetoes"):
        manual.vetoes = tuple(_manual_vetoes(raw["vetoes"], f"{path}.vetoes"))
    if raw.get("deductions"):
        manual.deductions = tuple(_manual_deductions(raw["deductions"], f"{path}.deductions"))
    if raw.get("overrides"):
        manual.overrides = tuple(_manual_vetoes(raw["overrides"], f"{path}.overrides"))
    if raw.get("reasons"):
        reasons = as_object(raw["reasons"], f"{path}.reasons")
        manual.reasons = {
            str(flag): as_text(why, f"{path}.reasons.{flag}") for flag, why in reasons.items()
        }
    return manual


def _manual_vetoes(value: Any, path: str) -> list[ManualVeto]:
    vetoes = []
    for index, item in enumerate(as_list(value, path)):
        at = f"{path}[{index}]"
        if isinstance(item, str):
            vetoes.append(ManualVeto(as_text(item, at, required=True), ""))
        else:
            item = as_object(item, at)
            vetoes.append(
                ManualVeto(
                    as_text(item.get("rule"), f"{at}.rule", True),
                    as_text(item.get("evidence"), f"{at}.evidence"),
                )
            )
    return vetoes


def _manual_deductions(value: Any, path: str) -> list[ManualDeduction]:
    deductions = []
    for index, item in enumerate(as_list(value, path)):
        at = f"{path}[{index}]"
        item = as_object(item, at)
        if "points" not in item:
            raise ObservationsError(f"{at}.points", "missing")
        deductions.append(
            ManualDeduction(
                rule=as_text(item.get("rule"), f"{at}.rule") or "manual",
                indicator=as_text(item.get("indicator"), f"{at}.indicator", required=True),
                points=as_number(item["points"], f"{at}.points"),
                evidence=as_text(item.get("evidence"), f"{at}.evidence"),
                path=at,
            )
        )
    return deductions


@dataclass(slots=True)
class Column:
    """One 栏目 as observed: ``latest`` None means no date was found; ``items`` None means not counted."""

    name: str
    type: str
    level: int
    latest: date | None
    items: int | None


@dataclass(slots=True)
class Website:
    path: str
    raw: dict[str, Any]
    id: str
    name: str
    unit: str
    kind: str
    has_services: bool
    checked: bool  # False: the crawl failed, crawled fields are not observed
    crawl_outcome: str
    probes: tuple[int, int] | _Missing  # (total, failed)
    probes_confirmed: bool | None | _Missing  # the confirming re-probe series: ran with a healthy monitor?
    homepage_latest: date | None | _Missing
    columns: list[Column] | _Missing
    has_channel: bool | None | _Missing
    oldest_unanswered_days: Fraction | None | _Missing
    services_available: bool | None | _Missing
    guide_missing_counts: list[int] | _Missing
    manual: Manual


@dataclass(slots=True)
class Account:
    path: str
    raw: dict[str, Any]
    id: str
    name: str
    unit: str
    platform: str
    registered: bool | None
    last_post: date | None | _Missing
    has_channel: bool | None | _Missing
    manual: Manual


@dataclass(slots=True)
class Observations:
    check_point: date
    indicator_set: str | None
    quarter: str | None
    websites: list[Website]
    accounts: list[Account]


def _column(value: Any, path: str) -> Column:
    col = as_object(value, path)
    kind = as_text(col.get("type"), f"{path}.type", required=True)
    if kind not in COLUMN_TYPES:
        raise ObservationsError(
            f"{path}.type", f"expected one of {', '.join(COLUMN_TYPES)}, got {describe(kind)}"
        )
    level = col.get("level", 1)
    level = 1 if level is None else as_count(level, f"{path}.level")
    if level < 1:
        raise ObservationsError(f"{path}.level", "a column level starts at 1 (first-level 一级栏目)")
    items = col.get("items")
    return Column(
        name=as_text(col.get("name"), f"{path}.name"),
        type=kind,
        level=level,
        latest=as_date(col.get("latest"), f"{path}.latest"),
        items=None if items is None else as_count(items, f"{path}.items"),
    )


def _probes(value: Any, path: str) -> tuple[int, int] | _Missing:
    if value is None:
        return MISSING
    probes = as_object(value, path)
    for key in ("total", "failed"):
        if key not in probes:
            raise ObservationsError(f"{path}.{key}", "missing")
    total = as_count(probes["total"], f"{path}.total")
    failed = as_count(probes["failed"], f"{path}.failed")
    if failed > total:
        raise ObservationsError(f"{path}.failed", f"{failed} failed probes out of {total} in total")
    return total, failed


def _probes_confirmed(value: Any, path: str) -> bool | None | _Missing:
    """``probes.confirmed`` as the pipeline writes it: True once a confirming series ran while the monitor's
    own network was healthy, False when it ran but the monitor was down, null when none ran. A document
    without the key (e.g. written by an inspector) asks for no confirmation."""
    if not isinstance(value, dict) or "confirmed" not in value:
        return MISSING
    return _opt_bool(value["confirmed"], f"{path}.confirmed")


def _opt_bool(value: Any, path: str) -> bool | None:
    return None if value is None else as_bool(value, path)


def _opt_number(value: Any, path: str) -> Fraction | None:
    return None if value is None else as_number(value, path)


def _website(value: Any, path: str) -> Website:
    site = as_object(value, path)
    if "kind" not in site:
        raise ObservationsError(f"{path}.kind", f"missing (expected one of {', '.join(WEBSITE_KINDS)})")
    kind = as_text(site["kind"], f"{path}.kind", required=True)
    if kind not in WEBSITE_KINDS:
        raise ObservationsError(
            f"{path}.kind", f"expected one of {', '.join(WEBSITE_KINDS)}, got {describe(kind)}"
        )
    has_services = site.get("has_services", True)
    has_services = True if has_services is None else as_bool(has_services, f"{path}.has_services")
    checked = site.get("checked")
    checked = True if checked is None else as_bool(checked, f"{path}.checked")
    outcome = site.get("homepage_outcome")
    outcome = as_text(outcome, f"{path}.homepage_outcome") if not checked else ""
    if not checked:
        site = {key: value for key, value in site.items() if key not in CRAWLED_FIELDS}

    columns: list[Column] | _Missing = MISSING
    if site.get("columns") is not None:
        raw_columns = as_list(site["columns"], f"{path}.columns")
        columns = [_column(col, f"{path}.columns[{i}]") for i, col in enumerate(raw_columns)]

    if site.get("dead_links") is not None:
        links = as_object(site["dead_links"], f"{path}.dead_links")
        for key, count in links.items():
            if count is not None:
                as_count(count, f"{path}.dead_links.{key}")

    has_channel: Any = MISSING
    unanswered: Any = MISSING
    if site.get("interaction") is not None:
        interaction = as_object(site["interaction"], f"{path}.interaction")
        has_channel = optional(interaction, "has_channel", f"{path}.interaction", _opt_bool)
        unanswered = optional(interaction, "oldest_unanswered_days", f"{path}.interaction", _opt_number)

    available: Any = MISSING
    guides: Any = MISSING
    if site.get("services") is not None:
        services = as_object(site["services"], f"{path}.services")
        available = optional(services, "available", f"{path}.services", _opt_bool)
        if services.get("guide_missing_counts") is not None:
            at = f"{path}.services.guide_missing_counts"
            guides = [
                as_count(n, f"{at}[{i}]") for i, n in enumerate(as_list(services["guide_missing_counts"], at))
            ]

    return Website(
        path=path,
        raw=site,
        checked=checked,
        crawl_outcome=outcome,
        id=as_text(site.get("id"), f"{path}.id", required=True),
        name=as_text(site.get("name"), f"{path}.name"),
        unit=as_text(site.get("unit"), f"{path}.unit"),
        kind=kind,
        has_services=has_services,
        probes=_probes(site.get("probes"), f"{path}.probes"),
        probes_confirmed=_probes_confirmed(site.get("probes"), f"{path}.probes"),
        homepage_latest=optional(site, "homepage_latest", path, as_date),
        columns=columns,
        has_channel=has_channel,
        oldest_unanswered_days=unanswered,
        services_available=available,
        guide_missing_counts=guides,
        manual=_manual(site.get("manual"), f"{path}.manual"),
    )


def _account(value: Any, path: str) -> Account:
    acct = as_object(value, path)
    registered = acct.get("registered")
    has_channel: Any = MISSING
    if acct.get("interaction") is not None:
        interaction = as_object(acct["interaction"], f"{path}.interaction")
        has_channel = optional(interaction, "has_channel", f"{path}.interaction", _opt_bool)
    return Account(
        path=path,
        raw=acct,
        id=as_text(acct.get("id"), f"{path}.id", required=True),
        name=as_text(acct.get("name"), f"{path}.name"),
        unit=as_text(acct.get("unit"), f"{path}.unit"),
        platform=as_text(acct.get("platform"), f"{path}.platform"),
        registered=None if registered is None else as_bool(registered, f"{path}.registered"),
        last_post=optional(acct, "last_post", path, as_date),
        has_channel=has_channel,
        manual=_manual(acct.get("manual"), f"{path}.manual"),
    )


def parse_observations(document: Any) -> Observations:
    """Validate the whole document; raise :class:`ObservationsError` at the first problem."""
    doc = as_object(document, "$")
    if "check_point" not in doc:
        raise ObservationsError("check_point", "missing (the day the checks look back from, YYYY-MM-DD)")
    check_point = as_date(doc["check_point"], "check_point")
    if check_point is None:
        raise ObservationsError("check_point", "must be a date, not null")
    indicator_set = doc.get("indicator_set")
    if indicator_set is not None:
        indicator_set = as_text(indicator_set, "indicator_set", required=True)
    quarter = doc.get("quarter")
    if quarter is not None:
        quarter = as_text(quarter, "quarter", required=True)

    websites = [
        _website(s, f"websites[{i}]") for i, s in enumerate(as_list(doc.get("websites") or [], "websites"))
    ]
    seen: dict[str, str] = {}
    for site in websites:
        if site.id in seen:
            raise ObservationsError(
                f"{site.path}.id", f"duplicate website id {describe(site.id)} (also {seen[site.id]})"
            )
        seen[site.id] = site.path

    accounts = [
        _account(a, f"accounts[{i}]") for i, a in enumerate(as_list(doc.get("accounts") or [], "accounts"))
    ]
    seen_accounts: dict[tuple[str, str], str] = {}
    for acct in accounts:
        key = (acct.platform, acct.id)
        if key in seen_accounts:
            raise ObservationsError(
                f"{acct.path}.id",
                f"duplicate account {describe(acct.id)} on {describe(acct.platform)} (also {seen_accounts[key]})",
            )
        seen_accounts[key] = acct.path
    return Observations(check_point, indicator_set, quarter, websites, accounts)
