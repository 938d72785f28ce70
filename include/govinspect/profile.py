"""A bureau's inspection profile: who issues the notice, where the registry files are, which
rubric applies. One TOML file per bureau (the demo county ships its own)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from govinspect.checks.columns import COLUMN_TYPES
from govinspect.quarter import CHINA, Quarter


class ProfileError(ValueError):
    pass


@dataclass
class Profile:
    path: Path
    county: str
    region_code: str
    issuer: str
    addressees: str
    contact: str = ""
    indicator_set: str = "national-2019"
    registry: dict[str, list[str]] = field(default_factory=dict)  # kind -> files, may hold {quarter}
    check_point: dict[str, date] = field(default_factory=dict)  # quarter -> check point
    notice_date: dict[str, date] = field(default_factory=dict)  # quarter -> date written on the notice
    sweep_date: dict[str, date] = field(default_factory=dict)
    rsshub_base: str | None = None
    appstore_lookup: str | None = None
    filing_days: int = 10
    notice: dict[str, Any] = field(default_factory=dict)
    batch_size_websites: int = 20
    batch_size_accounts: int = 40
    # site code -> {column name or URL: column type}: the inspectors' binding of columns to types
    # ([columns."1506230001"] 旗长信箱 = "consult"), which beats the keyword guess (spec §7.1).
    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    def check_point_for(self, quarter: Quarter, today: date | None = None) -> date:
        """The day the quarter's checks look back from: the profile's date for that quarter, else the
        15th of the following month — or the day of the run when that day is still to come (a scheduled
        run on the 1st checks the sites as they are that day, not as of a date in the future)."""
        configured = self.check_point.get(str(quarter))
        if configured:
            return configured
        today = today or datetime.now(CHINA).date()
        default = quarter.default_check_point()
        return min(default, today) if today > quarter.end else default

    def notice_date_for(self, quarter: Quarter) -> date:
        return self.notice_date.get(str(quarter)) or self.check_point_for(quarter)


def _dates(table: dict[str, Any], name: str) -> dict[str, date]:
    out = {}
    for key, value in (table or {}).items():
        if not isinstance(value, date):
            raise ProfileError(f"[{name}] {key}: expected a date like 2020-10-15, got {value!r}")
        out[str(Quarter.parse(key))] = value
    return out


def _column_overrides(table: Any) -> dict[str, dict[str, str]]:
    """``[columns."SITE_CODE"]`` tables, each type checked against the column types of design.md."""
    if not isinstance(table, dict):
        raise ProfileError("[columns]: expected tables like [columns.\"1506230001\"]")
    out: dict[str, dict[str, str]] = {}
    for site_code, bindings in table.items():
        if not isinstance(bindings, dict):
            raise ProfileError(f"[columns.\"{site_code}\"]: expected column = \"type\" lines")
        for column, column_type in bindings.items():
            if column_type not in COLUMN_TYPES:
                raise ProfileError(
                    f"[columns.\"{site_code}\"] {column}: {column_type!r} is not one of {', '.join(COLUMN_TYPES)}"
                )
        out[str(site_code)] = {str(column).strip(): column_type for column, column_type in bindings.items()}
    return out


def load_profile(path: str | Path | None = None) -> Profile:
    """Read ``path``, else ``GOVINSPECT_PROFILE``; file paths inside are relative to the profile."""
    raw_path = path or os.environ.get("GOVINSPECT_PROFILE")
    if not raw_path:
        raise ProfileError("no inspection profile: pass --profile or set GOVINSPECT_PROFILE")
    path = Path(raw_path).resolve()
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProfileError(f"{path}: no such profile") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: {exc}") from exc
    bureau = doc.get("bureau") or {}
    for key in ("county", "issuer", "addressees"):
        if not bureau.get(key):
            raise ProfileError(f"{path}: [bureau] {key} is required")
    registry = {
        kind: [str(f) for f in ([files] if isinstance(files, str) else files)]
        for kind, files in (doc.get("registry") or {}).items()
    }
    run = doc.get("run") or {}
    sources = doc.get("sources") or {}
    return Profile(
        path=path,
        county=bureau["county"],
        region_code=str(bureau.get("region_code", "")),
        issuer=bureau["issuer"],
        addressees=bureau["addressees"],
        contact=bureau.get("contact", ""),
        indicator_set=run.get("indicator_set", "national-2019"),
        registry=registry,
        check_point=_dates(run.get("check_point"), "run.check_point"),
        notice_date=_dates(run.get("notice_date"), "run.notice_date"),
        sweep_date=_dates(run.get("sweep_date"), "run.sweep_date"),
        rsshub_base=sources.get("rsshub_base"),
        appstore_lookup=sources.get("appstore_lookup"),
        filing_days=int(run.get("filing_days", 10)),
        notice=doc.get("notice") or {},
        batch_size_websites=int(run.get("batch_size_websites", 20)),
        batch_size_accounts=int(run.get("batch_size_accounts", 40)),
        columns=_column_overrides(doc.get("columns") or {}),
    )
