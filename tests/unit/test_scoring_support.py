"""Builders for observations documents shared by the test_scoring_* modules (no tests here)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

CHECK_POINT = date(2020, 10, 15)


def days_before(days: int) -> str:
    """The ISO date ``days`` days before the check point (negative: after it)."""
    return (CHECK_POINT - timedelta(days=days)).isoformat()


def column(
    name: str, type_: str = "dynamic", age: int | None = 1, items: int | None = 10, level: int = 1
) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_,
        "level": level,
        "latest": None if age is None else days_before(age),
        "items": items,
    }


def clean_site(**overrides: Any) -> dict[str, Any]:
    """A portal with nothing wrong: scores 100 with no findings under the national rubric."""
    site: dict[str, Any] = {
        "id": "1506230001",
        "name": "鄂托克前旗人民政府门户网站",
        "unit": "鄂托克前旗人民政府",
        "kind": "portal",
        "has_services": True,
        "probes": {"total": 168, "failed": 0},
        "homepage_latest": days_before(1),
        "columns": [
            column("要闻动态", "dynamic", 2),
            column("通知公告", "notice", 10),
            column("政策文件", "policy", 20),
            column("人事信息", "personnel", 100),
        ],
        "dead_links": {"homepage": 0, "other": 0},
        "interaction": {"has_channel": True, "oldest_unanswered_days": 5},
        "services": {"available": True, "guide_missing_counts": [0, 1, 0]},
        "manual": {"security_incident": False, "serious_error": False, "bonus": 0},
    }
    site.update(copy.deepcopy(overrides))
    return site


def clean_account(**overrides: Any) -> dict[str, Any]:
    account: dict[str, Any] = {
        "id": "gh_0123456789ab",
        "name": "鄂托克前旗发布",
        "platform": "wechat",
        "unit": "鄂托克前旗人民政府",
        "registered": True,
        "last_post": days_before(3),
        "interaction": {"has_channel": True},
        "manual": {"security_incident": False, "serious_error": False},
    }
    account.update(copy.deepcopy(overrides))
    return account


def document(
    websites: list[dict[str, Any]] | None = None,
    accounts: list[dict[str, Any]] | None = None,
    indicator_set: str = "national-2019",
) -> dict[str, Any]:
    return {
        "check_point": CHECK_POINT.isoformat(),
        "indicator_set": indicator_set,
        "websites": websites or [],
        "accounts": accounts or [],
    }
