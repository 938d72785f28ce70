"""Registry reconciliation (备案核对): what the sweep and the checks found against what was filed."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

OUT_OF_SCOPE_KINDS = {"党群", "垂管", "嘎查村", "村", "社区"}
OUT_OF_SCOPE_WORDS = re.compile(r"(嘎查|村民委员会|村委会|社区居委会|社区$|党委|党支部|团委|共青团|妇联|妇女联合会|总工会|工会|税务局|气象局|海关)")
ORG_SUFFIX = re.compile(r"(局|委|办|院|所|站|中心|队|政府|镇|乡|街道|处|室|会|社|厅|部|馆|团|公司|集团|协会|学校|医院|分局|管委会)$")
PERSON_WORDS = re.compile(r"个人|个体")
CLOSED_STATES = ("注销", "关停", "停用", "已关闭")

KIND_LABELS = {
    "unregistered": "“全国政务新媒体报送系统”之外的政务新媒体（未备案）",
    "out_of_scope": "不属于报送范围的账号（党群、垂管、嘎查村社区等，另行管理）",
    "personal_subject": "以个人名义开设",
    "reform_not_updated": "机构改革后账号主体未变更",
    "late_filing": "开设后超过规定时限备案",
    "closed_but_posting": "已备案注销（关停）但仍在发布",
    "registered_gone": "备案为正常运行但账号已不存在",
    "consolidation": "同一单位同一平台开设多个账号（建议整合）",
    "registered_also_swept": "排查发现的已备案账号",
}


@dataclass(frozen=True)
class ReconcileRules:
    filing_days: int = 10  # 开设后10日内必须履行备案 (seed notice, local rule)
    posting_window_days: int = 14


def looks_personal(subject: str | None) -> bool:
    """A certification subject that names a person (以个人名义开设), not an organisation."""
    if not subject:
        return False
    s = re.sub(r"[\s（）()]", "", subject)
    if PERSON_WORDS.search(s):
        return True
    return bool(re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", s)) and not ORG_SUFFIX.search(s)


def _key(account: dict[str, Any]) -> tuple[str, str]:
    return account["platform"], account["account_id"]


def reconcile(
    registered: list[dict[str, Any]],
    swept: list[dict[str, Any]],
    units: list[dict[str, Any]],
    observations: dict[tuple[str, str], dict[str, Any]],
    check_point: date,
    rules: ReconcileRules | None = None,
) -> list[dict[str, Any]]:
    """Findings as ``{"kind", "subject", "unit", "detail"}``, each with the evidence that supports it.

    Accounts outside the registry's scope (Party and mass organisations, vertically managed units,
    villages and communities) are classified apart, never counted as unregistered.
    """
    rules = rules or ReconcileRules()
    by_unit = {u["name"]: u for u in units}
    reformed = {u["name"]: u for u in units if u.get("status") in ("撤销", "合并", "更名")}
    reg_keys = {_key(a) for a in registered}
    reg_names = {(a["platform"], a["name"]) for a in registered}
    findings: list[dict[str, Any]] = []

    def add(kind: str, account: dict[str, Any], **detail: Any) -> None:
        findings.append({
            "kind": kind,
            "subject": f"{account['platform']}:{account['account_id']}",
            "unit": account.get("unit"),
            "detail": {"name": account["name"], "platform": account["platform"],
                       "platform_label": account.get("platform_label"), "account_id": account["account_id"],
                       "sponsor": account.get("sponsor"), **detail},
        })

    def reform_of(account: dict[str, Any]) -> dict[str, Any] | None:
        for name in (account.get("unit"), account.get("sponsor")):
            if name and name in reformed:
                return reformed[name]
        return None

    for account in swept:
        if _key(account) in reg_keys or (account["platform"], account["name"]) in reg_names:
            add("registered_also_swept", account, found_on=_iso(account.get("found_on")))
            continue
        unit = by_unit.get(account.get("unit") or "")
        subject_text = f"{account.get('sponsor') or ''} {account.get('unit') or ''} {account['name']}"
        if (unit and unit.get("kind") in OUT_OF_SCOPE_KINDS) or (unit is None and OUT_OF_SCOPE_WORDS.search(subject_text)):
            add("out_of_scope", account, unit_kind=unit.get("kind") if unit else None, found_on=_iso(account.get("found_on")))
            continue
        problems = []
        if looks_personal(account.get("sponsor")):
            problems.append("personal_subject")
        reform = reform_of(account)
        if reform:
            problems.append("reform_not_updated")
        add("unregistered", account, found_on=_iso(account.get("found_on")),
            last_post=_iso(account.get("seen_last_post")), problems=problems, note=account.get("note"))
        if "personal_subject" in problems:
            add("personal_subject", account, origin="sweep")
        if reform:
            add("reform_not_updated", account, origin="sweep", old_unit=reform["name"], status=reform.get("status"),
                successor=reform.get("successor"), changed_on=_iso(reform.get("changed_on")))

    per_unit_platform: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for account in registered:
        per_unit_platform[(account.get("unit") or account.get("sponsor") or "", account["platform"])].append(account)
        if looks_personal(account.get("sponsor")):
            add("personal_subject", account, origin="registry")
        reform = reform_of(account)
        if reform:
            add("reform_not_updated", account, origin="registry", old_unit=reform["name"], status=reform.get("status"),
                successor=reform.get("successor"), changed_on=_iso(reform.get("changed_on")))
        opened, filed = account.get("opened_on"), account.get("filed_on")
        if opened and filed and (filed - opened).days > rules.filing_days:
            add("late_filing", account, opened_on=opened.isoformat(), filed_on=filed.isoformat(),
                days=(filed - opened).days, limit_days=rules.filing_days)
        seen = observations.get(_key(account))
        status = account.get("status") or ""
        if seen and any(s in status for s in CLOSED_STATES):
            last = seen.get("last_post")
            if last and last >= check_point - timedelta(days=rules.posting_window_days):
                add("closed_but_posting", account, status=status, last_post=last.isoformat(), source=seen.get("source"))
        elif seen and seen.get("state") == "not_found":
            add("registered_gone", account, status=status or "正常", source=seen.get("source"))
    for (unit, platform), accounts in sorted(per_unit_platform.items()):
        if len(accounts) > 1 and unit:
            first = accounts[0]
            findings.append({"kind": "consolidation", "subject": f"{platform}:{unit}", "unit": unit,
                             "detail": {"platform": platform, "platform_label": first.get("platform_label"),
                                        "accounts": [a["name"] for a in accounts], "count": len(accounts)}})
    return findings


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
