"""The bureau's unit directory (单位名录): matching the names exports write to its units, and the
institutional-reform history (机构改革: a unit renamed, merged or abolished, and its successor)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# 单位状态 values that mean the unit still exists as named.
NORMAL_STATES = frozenset({"", "正常", "存续", "在用", "运行", "正常运行"})
_SPACE = re.compile(r"\s+")


def unit_key(name: str | None, county: str = "") -> str:
    """A comparable form of a unit name: 鄂托克前旗发展和改革委员会 and 旗发展和改革委员会 match.

    Exports name the same body with or without the county in front (鄂托克前旗财政局 / 旗财政局 /
    财政局) and with 人民政府 or 政府; the key drops both differences.
    """
    if not name:
        return ""
    out = _SPACE.sub("", name)
    if county and out.startswith(county):
        out = out[len(county):]
    elif out[:1] in "旗县区市" and len(out) > 2:
        out = out[1:]
    return out.replace("人民政府", "政府")


def is_reformed(status: str | None) -> bool:
    """True for a unit the directory marks as renamed, merged or abolished (更名, 合并, 撤销 …)."""
    return _SPACE.sub("", status or "") not in NORMAL_STATES


@dataclass
class Directory:
    """The units of one quarter, looked up by the names registry exports use for them."""

    units: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    county: str = ""
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, units: Iterable[Mapping[str, Any]], county: str = "") -> Directory:
        directory = cls({u["name"]: u for u in units}, county)
        for name in directory.units:
            directory._by_key.setdefault(unit_key(name, county), name)
        return directory

    def __bool__(self) -> bool:
        return bool(self.units)

    def match(self, name: str | None) -> str | None:
        """The directory unit ``name`` refers to (exact, then by :func:`unit_key`), or None."""
        if not name:
            return None
        if name in self.units:
            return name
        return self._by_key.get(unit_key(name, self.county))

    def current(self, name: str | None) -> str | None:
        """The unit that stands for ``name`` today: its successor after a reform, followed to the end."""
        unit = self.match(name)
        seen: set[str] = set()
        while unit is not None and unit not in seen:
            seen.add(unit)
            row = self.units[unit]
            successor = self.match(row.get("successor")) if is_reformed(row.get("status")) else None
            if successor is None:
                return unit
            unit = successor
        return unit

    def reform(self, name: str | None) -> Mapping[str, Any] | None:
        """The directory row when ``name`` is a unit renamed, merged or abolished in a reform."""
        unit = self.match(name)
        if unit is None:
            return None
        row = self.units[unit]
        return row if is_reformed(row.get("status")) else None

    def kind(self, name: str | None) -> str | None:
        unit = self.match(name)
        return None if unit is None else self.units[unit].get("kind")
