"""Registry snapshots per quarter and the change against the previous quarter.

The websites and registered accounts of a quarter, as imported, are that quarter's snapshot.
Comparing two snapshots tells what the notice reports as movement in the registry: websites and
accounts opened (开设), closed (关停/注销), renamed (更名) and moved to another unit (划转). The
changes are stored whenever a snapshot is written, for the quarter and for the one after it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govinspect.quarter import Quarter
from govinspect.registry.schema import is_closed
from govinspect.store import replace_partition, session_scope
from govinspect.store.models import Account, RegistryChange, Website

CHANGES = ("opened", "closed", "renamed", "moved", "url_changed")
CHANGE_LABELS = {
    "opened": "新开设",
    "closed": "关停注销",
    "renamed": "更名",
    "moved": "主办单位变更",
    "url_changed": "首页网址变更",
}


@dataclass
class RegistryDiff:
    """The registry of ``quarter`` against ``baseline`` (None: no earlier snapshot to compare with)."""

    quarter: str
    baseline: str | None
    changes: list[dict[str, Any]] = field(default_factory=list)

    def of(self, change: str, entity_type: str | None = None) -> list[dict[str, Any]]:
        return [c for c in self.changes if c["change"] == change and entity_type in (None, c["entity_type"])]

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"website": {"opened": 1, …}, "account": {…}}``, every change named, zeros included."""
        tally = Counter((c["entity_type"], c["change"]) for c in self.changes)
        return {etype: {change: tally[(etype, change)] for change in CHANGES} for etype in ("website", "account")}


def _unit(row: Mapping[str, Any]) -> str | None:
    return row.get("unit") or row.get("sponsor")


def _change(etype: str, entity_id: str, change: str, row: Mapping[str, Any], **detail: Any) -> dict[str, Any]:
    return {"entity_type": etype, "entity_id": entity_id, "change": change, "name": row.get("name") or "",
            "unit": _unit(row), "detail": detail}


def diff_entities(etype: str, before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]],
                  key: str = "id") -> list[dict[str, Any]]:
    """What changed between two snapshots of one entity type, keyed by ``key`` (site code, platform:id).

    A record that appears, or whose 运行状态 turns from closed to running, is *opened*; one that
    disappears, or turns closed, is *closed*. A record present in both may also be *renamed*,
    *moved* (its unit changed) and, for a website, have a new homepage address (*url_changed*).
    """
    old = {r[key]: r for r in before}
    new = {r[key]: r for r in after}
    out: list[dict[str, Any]] = []
    for entity_id in sorted(new.keys() - old.keys()):
        row = new[entity_id]
        if not is_closed(row.get("status")):
            out.append(_change(etype, entity_id, "opened", row, how="new in the registry",
                               opened_on=_iso(row.get("opened_on"))))
    for entity_id in sorted(old.keys() - new.keys()):
        row = old[entity_id]
        if not is_closed(row.get("status")):
            out.append(_change(etype, entity_id, "closed", row, how="gone from the registry"))
    for entity_id in sorted(old.keys() & new.keys()):
        was, now = old[entity_id], new[entity_id]
        if is_closed(was.get("status")) != is_closed(now.get("status")):
            change = "closed" if is_closed(now.get("status")) else "opened"
            out.append(_change(etype, entity_id, change, now, how="status", status_before=was.get("status"),
                               status_after=now.get("status"), closed_on=_iso(now.get("closed_on"))))
        if (was.get("name") or "") != (now.get("name") or ""):
            out.append(_change(etype, entity_id, "renamed", now, before=was.get("name"), after=now.get("name")))
        if (_unit(was) or "") != (_unit(now) or ""):
            out.append(_change(etype, entity_id, "moved", now, before=_unit(was), after=_unit(now),
                               sponsor_before=was.get("sponsor"), sponsor_after=now.get("sponsor")))
        if etype == "website" and (was.get("url") or "") != (now.get("url") or ""):
            out.append(_change(etype, entity_id, "url_changed", now, before=was.get("url"), after=now.get("url")))
    return out


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(session: Session, quarter: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sites = [{"id": s.site_code, "name": s.name, "unit": s.unit, "sponsor": s.sponsor, "url": s.url,
              "status": s.status}
             for s in session.execute(select(Website).where(Website.quarter == quarter)).scalars()]
    accounts = [{"id": f"{a.platform}:{a.account_id}", "name": a.name, "unit": a.unit, "sponsor": a.sponsor,
                 "status": a.status, "opened_on": a.opened_on, "closed_on": a.closed_on, "platform": a.platform}
                for a in session.execute(select(Account).where(Account.quarter == quarter,
                                                               Account.origin == "registry")).scalars()]
    return sites, accounts


def has_snapshot(session: Session, quarter: str) -> bool:
    """True when websites or registered accounts were imported for ``quarter``."""
    sites = session.execute(select(func.count()).select_from(Website).where(Website.quarter == quarter)).scalar_one()
    if sites:
        return True
    return bool(session.execute(select(func.count()).select_from(Account)
                                .where(Account.quarter == quarter, Account.origin == "registry")).scalar_one())


def refresh_changes(session: Session, quarter: str) -> int:
    """Recompute and store the changes of ``quarter`` against the quarter before it (none without one)."""
    previous = str(Quarter.parse(quarter).previous())
    rows: list[dict[str, Any]] = []
    if has_snapshot(session, previous) and has_snapshot(session, quarter):
        old_sites, old_accounts = _rows(session, previous)
        new_sites, new_accounts = _rows(session, quarter)
        rows = diff_entities("website", old_sites, new_sites) + diff_entities("account", old_accounts, new_accounts)
    for row in rows:
        row["name"] = row["name"][:300]
        row["unit"] = row["unit"][:200] if row["unit"] else None
        row["detail"] = {**row["detail"], "baseline": previous}
    replace_partition(session, RegistryChange, {"quarter": quarter}, rows)
    return len(rows)


def refresh_around(session: Session, quarter: str) -> None:
    """After ``quarter``'s snapshot changed: its own changes, and those of the next quarter if it has one."""
    refresh_changes(session, quarter)
    following = str(Quarter.parse(quarter).next())
    if has_snapshot(session, following):
        refresh_changes(session, following)


def registry_diff(quarter: str, url: str | None = None) -> RegistryDiff:
    """The stored changes of ``quarter`` against the previous quarter, for the notice and the UI."""
    q = str(Quarter.parse(quarter))
    previous = str(Quarter.parse(q).previous())
    with session_scope(url) as session:
        baseline = previous if has_snapshot(session, previous) and has_snapshot(session, q) else None
        stored = session.execute(select(RegistryChange).where(RegistryChange.quarter == q).order_by(
            RegistryChange.entity_type.desc(), RegistryChange.change, RegistryChange.entity_id)).scalars().all()
        changes = [{"entity_type": c.entity_type, "entity_id": c.entity_id, "change": c.change, "name": c.name,
                    "unit": c.unit, "detail": dict(c.detail)} for c in stored]
    return RegistryDiff(q, baseline, changes)
