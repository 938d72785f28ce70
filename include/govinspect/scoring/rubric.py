"""Rubrics (检查指标) as versioned TOML data, read into immutable objects.

A rubric holds every threshold, weight, cap and point value; the engine holds only the tests
that the national text names. A province's variant is therefore a data file that may
``extends`` another one and override what differs (see ``rubrics/README.md``).
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

from govinspect.checks.columns import COLUMN_TYPES

BUNDLED_DIR = Path(__file__).resolve().parent / "rubrics"
RUBRIC_PATH_ENV = "GOVINSPECT_RUBRIC_PATH"
DEFAULT_RUBRIC = "national-2019"
FORMAT_VERSION = 1

CONFIDENCE_TAGS = ("C3+", "C2", "S", "I", "U")
WEBSITE_KINDS = ("portal", "department")
ENTITIES = ("websites", "accounts")

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Indicator:
    """A first-level indicator (一级指标) of the deduction part; its weight is also its cap."""

    name: str
    weight: Fraction
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Veto:
    """A 单项否决 item: ``test`` names the engine's check, ``params`` its thresholds."""

    code: str
    title: str
    test: str
    params: Mapping[str, Any]
    confidence: str
    source: str = ""


@dataclass(frozen=True)
class DeductionRule:
    """A computable 扣分 rule; ``points`` is None when the official value is unknown."""

    id: str
    indicator: str
    item: str
    title: str
    measure: str
    params: Mapping[str, Any]
    points: Fraction | None
    max_points: Fraction | None
    confidence: str
    source: str = ""


@dataclass(frozen=True)
class NoServices:
    """How units without external services (无对外服务职能) are scored."""

    kinds: frozenset[str]
    indicator: str
    mode: str  # "rescale" (75 × 4/3) or "redistribute" (spread the weight over the others)
    confidence: str
    source: str = ""


@dataclass(frozen=True)
class EntityRubric:
    """The rules for one kind of entity: websites or accounts."""

    deduction_total: Fraction
    pass_mark: Fraction
    bonus_entry: Fraction
    bonus_cap: Fraction
    bonus_kinds: frozenset[str] | None  # None: every entity may earn the bonus
    indicators: tuple[Indicator, ...]
    vetoes: tuple[Veto, ...]
    deductions: tuple[DeductionRule, ...]
    no_services: NoServices | None = None
    column_windows: Mapping[str, int] = field(default_factory=dict)

    @property
    def scored(self) -> bool:
        """True when a deduction table exists; otherwise the entity is judged by its vetoes only."""
        return bool(self.indicators)

    def veto(self, code: str) -> Veto | None:
        for veto in self.vetoes:
            if veto.code == code:
                return veto
        return None


@dataclass(frozen=True)
class UnitRubric:
    """How a unit's quarterly and annual scores are formed from its websites and accounts."""

    pass_mark: Fraction
    vetoed_score: Fraction
    vetoed_unit_cap: Fraction | None
    vetoed_unit_cap_entities: frozenset[str]
    website_weight: Fraction | None
    account_weight: Fraction | None
    annual_missing: str  # "skip" or "zero"


@dataclass(frozen=True)
class Rubric:
    name: str
    title: str
    source: str
    path: Path
    chain: tuple[str, ...]  # this file first, then the files it extends
    score_decimals: int
    websites: EntityRubric
    accounts: EntityRubric
    units: UnitRubric


# ----------------------------------------------------------------------------- locating files


def rubric_dirs() -> list[Path]:
    """Directories searched for a rubric by name: ``$GOVINSPECT_RUBRIC_PATH`` first, then the bundled ones."""
    dirs = [Path(p) for p in os.environ.get(RUBRIC_PATH_ENV, "").split(os.pathsep) if p.strip()]
    return [*dirs, BUNDLED_DIR]


def rubric_names() -> list[str]:
    """Names that :func:`load_rubric` resolves without a path."""
    names: set[str] = set()
    for directory in rubric_dirs():
        if directory.is_dir():
            names.update(p.stem for p in directory.glob("*.toml"))
    return sorted(names)


def is_rubric_name(text: str) -> bool:
    """A bare name such as ``national-2019`` (never a path)."""
    return bool(_NAME_RE.match(text)) and not text.endswith(".toml")


def find_rubric(name: str, near: Path | None = None) -> Path:
    """The file for ``name``: beside ``near`` (for ``extends``), then the search directories."""
    if not is_rubric_name(name):
        raise RubricError(f"not a rubric name: {name!r}")
    dirs = ([near] if near is not None else []) + rubric_dirs()
    for directory in dirs:
        candidate = directory / f"{name}.toml"
        if candidate.is_file():
            return candidate.resolve()
    raise RubricError(f"unknown rubric {name!r} (known: {', '.join(rubric_names()) or 'none'})")


# ----------------------------------------------------------------------------- loading and merging

# path -> (the files of its chain with their modification stamps, the rubric built from them)
_CACHE: dict[Path, tuple[tuple[tuple[Path, int], ...], Rubric]] = {}


def _stamps(paths: Iterable[Path]) -> tuple[tuple[Path, int], ...]:
    return tuple((p, p.stat().st_mtime_ns) for p in paths)


def load_rubric(name_or_path: str | Path | Rubric = DEFAULT_RUBRIC) -> Rubric:
    """Read a rubric by name (``national-2019``) or by file path, resolving ``extends``.

    Rubrics are immutable, so one is built once per process and rebuilt only when a file of its
    chain changes.
    """
    if isinstance(name_or_path, Rubric):
        return name_or_path
    if isinstance(name_or_path, str) and is_rubric_name(name_or_path):
        path = find_rubric(name_or_path)
    else:
        path = Path(name_or_path).expanduser().resolve()
        if not path.is_file():
            raise RubricError(f"{path}: no such rubric file")
    cached = _CACHE.get(path)
    if cached is not None:
        try:
            if _stamps(p for p, _ in cached[0]) == cached[0]:
                return cached[1]
        except OSError:
            pass
    merged, chain = _read_chain(path, ())
    rubric = _build(merged, path, tuple(p.name for p in chain))
    _CACHE[path] = (_stamps(chain), rubric)
    return rubric


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise RubricError(f"{path}: cannot read: {exc.strerror}") from None


def _read_chain(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], list[Path]]:
    if path in seen:
        cycle = " → ".join(p.name for p in (*seen, path))
        raise RubricError(f"{path.name}: extends forms a cycle: {cycle}")
    data = _read_toml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, [path]
    if not isinstance(parent, str) or not parent:
        raise RubricError(f"{path.name}: extends: expected a rubric name or a .toml path")
    if is_rubric_name(parent):
        parent_path = find_rubric(parent, near=path.parent)
    else:
        parent_path = (path.parent / parent).resolve()
        if not parent_path.is_file():
            raise RubricError(f"{path.name}: extends: no such file {parent}")
    base, chain = _read_chain(parent_path, (*seen, path))
    return _merge(base, data), [path, *chain]


def _merge_key(items: list[Any]) -> str | None:
    for key in ("id", "name"):
        if items and all(isinstance(item, dict) and key in item for item in items):
            return key
    return None


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Overlay ``over`` on ``base``: tables merge, arrays of tables merge by ``id``/``name``, the rest replaces."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        current = out.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            out[key] = _merge(current, value)
        elif isinstance(value, list) and isinstance(current, list):
            merge_key = _merge_key(current + value)
            if merge_key is None:
                out[key] = copy.deepcopy(value)
                continue
            merged = {item[merge_key]: item for item in copy.deepcopy(current)}
            for item in value:
                previous = merged.get(item[merge_key])
                merged[item[merge_key]] = _merge(previous, item) if previous else copy.deepcopy(item)
            out[key] = list(merged.values())
        else:
            out[key] = copy.deepcopy(value)
    return out


# ----------------------------------------------------------------------------- validation


class _Reader:
    """Typed access to one table of the merged rubric, with errors that name the key."""

    def __init__(self, file: str, table: Mapping[str, Any], where: str) -> None:
        self.file = file
        self.table = table
        self.where = where

    def fail(self, key: str, problem: str) -> RubricError:
        at = f"{self.where}.{key}" if self.where else key
        return RubricError(f"{self.file}: {at}: {problem}")

    def sub(self, key: str, required: bool = False) -> _Reader:
        value = self.table.get(key)
        if value is None:
            if required:
                raise self.fail(key, "missing table")
            value = {}
        if not isinstance(value, dict):
            raise self.fail(key, "expected a table")
        return _Reader(self.file, value, f"{self.where}.{key}" if self.where else key)

    def has(self, key: str) -> bool:
        return key in self.table

    def text(self, key: str, default: str | None = None) -> str:
        value = self.table.get(key, default)
        if value is None:
            raise self.fail(key, "missing")
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, got {value!r}")
        if default is None and not value:
            raise self.fail(key, "must not be empty")
        return value

    def number(self, key: str, default: Any = None, minimum: Fraction | int | None = 0) -> Fraction:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | Decimal | Fraction):
            raise self.fail(key, "missing number" if value is None else f"expected a number, got {value!r}")
        number = Fraction(value)
        if minimum is not None and number < minimum:
            raise self.fail(key, f"must be ≥ {minimum}")
        return number

    def opt_number(self, key: str, minimum: Fraction | int | None = 0) -> Fraction | None:
        return self.number(key, minimum=minimum) if key in self.table else None

    def whole(self, key: str, default: int | None = None, minimum: int = 0) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(
                key, "missing whole number" if value is None else f"expected a whole number, got {value!r}"
            )
        if value < minimum:
            raise self.fail(key, f"must be ≥ {minimum}")
        return value

    def str_list(
        self, key: str, default: list[str] | None = None, allowed: tuple[str, ...] | None = None
    ) -> list[str]:
        value = self.table.get(key, default)
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise self.fail(key, "expected a list of strings")
        if allowed is not None:
            for item in value:
                if item not in allowed:
                    raise self.fail(key, f"unknown value {item!r} (expected one of {', '.join(allowed)})")
        return list(value)

    def confidence(self) -> str:
        tag = self.text("confidence")
        if tag not in CONFIDENCE_TAGS:
            raise self.fail(
                "confidence", f"unknown tag {tag!r} (expected one of {', '.join(CONFIDENCE_TAGS)})"
            )
        return tag


# Parameters of each veto test: name -> (kind, required). Kinds: number, ratio, int, strs, types.
_VETO_TESTS: dict[str, dict[str, dict[str, tuple[str, bool]]]] = {
    "websites": {
        "manual": {"flags": ("strs", True)},
        "probe_failure_ratio": {
            "ratio_min": ("ratio", True),
            "probes_min": ("int", True),
            "warn_ratio": ("ratio", False),
        },
        "homepage_stale": {"window_days": ("int", True), "warn_days": ("int", False)},
        "columns": {
            "key_types": ("types", True),
            "first_level_only": ("types", False),
            "key_count_min": ("int", True),
            "other_count_min": ("int", True),
            "blank_count_min": ("int", True),
            "warn_stale_over": ("int", False),
            "warn_blank_over": ("int", False),
        },
        "interaction": {"unanswered_days_max": ("number", True)},
        "services": {"guide_missing_min": ("int", True), "incomplete_guides_min": ("int", True)},
    },
    "accounts": {
        "manual": {"flags": ("strs", True)},
        "last_post_stale": {"window_days": ("int", True), "warn_days": ("int", False)},
        "account_interaction": {"flags": ("strs", True)},
    },
}

_MEASURES: dict[str, dict[str, dict[str, tuple[str, bool]]]] = {
    "websites": {
        "count": {"field": ("field", True)},
        "stale_columns": {
            "types": ("types", False),
            "levels": ("ints", False),
            "window_days": ("int", False),
        },
        "blank_columns": {"types": ("types", False), "levels": ("ints", False)},
        "date_age": {"field": ("field", True), "window_days": ("int", True)},
        "flag": {"field": ("field", True)},
    },
    "accounts": {
        "count": {"field": ("field", True)},
        "date_age": {"field": ("field", True), "window_days": ("int", True)},
        "flag": {"field": ("field", True)},
    },
}
# Measures that deduct per occurrence (points_each) rather than once (points).
_PER_OCCURRENCE = {"count", "stale_columns", "blank_columns"}
_FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_RULE_KEYS = {
    "id",
    "indicator",
    "item",
    "title",
    "measure",
    "points",
    "points_each",
    "max_points",
    "confidence",
    "source",
    "enabled",
    "note",
}
_VETO_KEYS = {"title", "test", "confidence", "source", "enabled", "note"}


def _params(reader: _Reader, schema: dict[str, tuple[str, bool]], skip: set[str]) -> Mapping[str, Any]:
    for key in reader.table:
        if key not in schema and key not in skip:
            raise reader.fail(key, f"unknown key (expected one of {', '.join(sorted(schema))})")
    params: dict[str, Any] = {}
    for key, (kind, required) in schema.items():
        if not reader.has(key):
            if required:
                raise reader.fail(key, "missing")
            continue
        if kind == "number":
            params[key] = reader.number(key)
        elif kind == "ratio":
            value = reader.number(key)
            if not 0 < value <= 1:
                raise reader.fail(key, "must be a ratio in (0, 1]")
            params[key] = value
        elif kind == "int":
            params[key] = reader.whole(key)
        elif kind == "ints":
            value = reader.table[key]
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value
            ):
                raise reader.fail(key, "expected a list of whole numbers")
            params[key] = frozenset(value)
        elif kind == "strs":
            params[key] = tuple(reader.str_list(key))
        elif kind == "types":
            params[key] = frozenset(reader.str_list(key, allowed=COLUMN_TYPES))
        elif kind == "field":
            value = reader.text(key)
            if not _FIELD_RE.match(value):
                raise reader.fail(
                    key, f"expected a dotted field path such as dead_links.homepage, got {value!r}"
                )
            params[key] = tuple(value.split("."))
    return MappingProxyType(params)


def _build_entity(file: str, root: _Reader, entity: str) -> EntityRubric:
    table = root.sub(entity, required=True)
    indicators: list[Indicator] = []
    raw_indicators = table.table.get("indicators", [])
    if not isinstance(raw_indicators, list):
        raise table.fail("indicators", "expected an array of tables ([[...indicators]])")
    for index, raw in enumerate(raw_indicators):
        reader = _Reader(file, raw, f"{entity}.indicators[{index}]")
        if raw.get("enabled", True) is False:
            continue
        indicators.append(
            Indicator(
                reader.text("name"), reader.number("weight"), reader.confidence(), reader.text("note", "")
            )
        )
    names = [i.name for i in indicators]
    if len(set(names)) != len(names):
        raise table.fail("indicators", "indicator names must be unique")
    total = table.number("deduction_total")
    if indicators and sum(i.weight for i in indicators) != total:
        weights = " + ".join(str(i.weight) for i in indicators)
        raise table.fail("indicators", f"weights {weights} do not add up to deduction_total {total}")

    vetoes: list[Veto] = []
    veto_tables = table.sub("vetoes")
    for code, raw in veto_tables.table.items():
        if not _CODE_RE.match(code):
            raise veto_tables.fail(code, "a veto code is letters and digits, e.g. V2 or NM2")
        reader = veto_tables.sub(code)
        if raw.get("enabled", True) is False:
            continue
        test = reader.text("test")
        schema = _VETO_TESTS[entity].get(test)
        if schema is None:
            raise reader.fail(
                "test",
                f"unknown test {test!r} for {entity} (expected one of {', '.join(_VETO_TESTS[entity])})",
            )
        params = _params(reader, schema, _VETO_KEYS)
        vetoes.append(
            Veto(code, reader.text("title"), test, params, reader.confidence(), reader.text("source", ""))
        )

    deductions: list[DeductionRule] = []
    raw_rules = table.table.get("deductions", [])
    if not isinstance(raw_rules, list):
        raise table.fail("deductions", "expected an array of tables ([[...deductions]])")
    for index, raw in enumerate(raw_rules):
        reader = _Reader(file, raw, f"{entity}.deductions[{index}]")
        if raw.get("enabled", True) is False:
            continue
        measure = reader.text("measure")
        schema = _MEASURES[entity].get(measure)
        if schema is None:
            raise reader.fail(
                "measure",
                f"unknown measure {measure!r} for {entity} (expected one of {', '.join(_MEASURES[entity])})",
            )
        indicator = reader.text("indicator")
        if indicator not in names:
            raise reader.fail(
                "indicator", f"unknown indicator {indicator!r} (declared: {', '.join(names) or 'none'})"
            )
        per_occurrence = measure in _PER_OCCURRENCE
        points_key, wrong_key = ("points_each", "points") if per_occurrence else ("points", "points_each")
        if reader.has(wrong_key):
            raise reader.fail(wrong_key, f"measure {measure!r} takes {points_key!r}")
        deductions.append(
            DeductionRule(
                id=reader.text("id"),
                indicator=indicator,
                item=reader.text("item", ""),
                title=reader.text("title"),
                measure=measure,
                params=_params(reader, schema, _RULE_KEYS),
                points=reader.opt_number(points_key),
                max_points=reader.opt_number("max_points"),
                confidence=reader.confidence(),
                source=reader.text("source", ""),
            )
        )
    ids = [d.id for d in deductions]
    if len(set(ids)) != len(ids):
        raise table.fail("deductions", "rule ids must be unique")

    no_services = None
    if entity == "websites" and table.has("no_services"):
        ns = table.sub("no_services")
        mode = ns.text("mode")
        if mode not in ("rescale", "redistribute"):
            raise ns.fail("mode", "expected 'rescale' or 'redistribute'")
        excluded = ns.text("indicator")
        if excluded not in names:
            raise ns.fail("indicator", f"unknown indicator {excluded!r}")
        if len(names) < 2 or sum(i.weight for i in indicators if i.name != excluded) <= 0:
            raise ns.fail("indicator", "the other indicators must carry some weight")
        no_services = NoServices(
            frozenset(ns.str_list("kinds", allowed=WEBSITE_KINDS)),
            excluded,
            mode,
            ns.confidence(),
            ns.text("source", ""),
        )

    windows: dict[str, int] = {}
    if entity == "websites":
        columns = table.sub("columns").sub("windows")
        for key in columns.table:
            if key not in COLUMN_TYPES:
                raise columns.fail(key, f"unknown column type (expected one of {', '.join(COLUMN_TYPES)})")
            windows[key] = columns.whole(key)

    bonus_kinds = None
    if table.has("bonus_kinds"):
        bonus_kinds = frozenset(
            table.str_list("bonus_kinds", allowed=WEBSITE_KINDS if entity == "websites" else None)
        )
    pass_mark = table.number("pass_mark")
    bonus_entry = table.number("bonus_entry")
    if not pass_mark <= total or not bonus_entry <= total:
        raise table.fail("pass_mark", "pass_mark and bonus_entry must not exceed deduction_total")
    return EntityRubric(
        deduction_total=total,
        pass_mark=pass_mark,
        bonus_entry=bonus_entry,
        bonus_cap=table.number("bonus_cap"),
        bonus_kinds=bonus_kinds,
        indicators=tuple(indicators),
        vetoes=tuple(vetoes),
        deductions=tuple(deductions),
        no_services=no_services,
        column_windows=MappingProxyType(windows),
    )


def _build_units(root: _Reader) -> UnitRubric:
    units = root.sub("units", required=True)
    has_ww, has_aw = units.has("website_weight"), units.has("account_weight")
    if has_ww != has_aw:
        raise units.fail(
            "website_weight" if has_aw else "account_weight",
            "set both website_weight and account_weight, or neither",
        )
    website_weight = units.number("website_weight") if has_ww else None
    account_weight = units.number("account_weight") if has_aw else None
    if website_weight is not None and account_weight is not None and website_weight + account_weight <= 0:
        raise units.fail("website_weight", "the weights must not both be 0")
    annual_missing = units.text("annual_missing", "skip")
    if annual_missing not in ("skip", "zero"):
        raise units.fail("annual_missing", "expected 'skip' or 'zero'")
    return UnitRubric(
        pass_mark=units.number("pass_mark"),
        vetoed_score=units.number("vetoed_score"),
        vetoed_unit_cap=units.opt_number("vetoed_unit_cap"),
        vetoed_unit_cap_entities=frozenset(
            units.str_list("vetoed_unit_cap_entities", list(ENTITIES), allowed=ENTITIES)
        ),
        website_weight=website_weight,
        account_weight=account_weight,
        annual_missing=annual_missing,
    )


def _build(data: dict[str, Any], path: Path, chain: tuple[str, ...]) -> Rubric:
    file = path.name
    root = _Reader(file, data, "")
    version = root.whole("format", minimum=1)
    if version != FORMAT_VERSION:
        raise root.fail("format", f"this version of govinspect reads format {FORMAT_VERSION}, not {version}")
    name = root.text("name")
    if not is_rubric_name(name):
        raise root.fail("name", "letters, digits, '.', '_' and '-' only")
    decimals = root.whole("score_decimals", 2)
    if decimals > 6:
        raise root.fail("score_decimals", "must be ≤ 6")
    websites = _build_entity(file, root, "websites")
    accounts = _build_entity(file, root, "accounts")
    units = _build_units(root)
    # The unit rollups (Python and SQL) count in steps of 10^-decimals; a value between two steps
    # would be rounded differently by each, so it is refused here.
    step = Fraction(1, 10**decimals)
    for where, key, value in (
        ("websites", "deduction_total", websites.deduction_total),
        ("accounts", "deduction_total", accounts.deduction_total),
        ("units", "vetoed_score", units.vetoed_score),
        ("units", "vetoed_unit_cap", units.vetoed_unit_cap),
        ("units", "pass_mark", units.pass_mark),
    ):
        if value is not None and (value / step).denominator != 1:
            raise root.sub(where).fail(key, f"must have at most score_decimals = {decimals} decimals")
    return Rubric(
        name=name,
        title=root.text("title"),
        source=root.text("source", ""),
        path=path,
        chain=chain,
        score_decimals=decimals,
        websites=websites,
        accounts=accounts,
        units=units,
    )
