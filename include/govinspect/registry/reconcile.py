"""Registry reconciliation (备案核对): what the sweep and the checks found against what was filed.

Each finding carries its evidence. Accounts of bodies outside the new-media registry's scope
(spec §9: Party and mass organisations, vertically managed units, villages and communities) are
classified apart as ``out_of_scope``, never as unregistered.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from govinspect.registry.directory import Directory
from govinspect.registry.schema import is_closed

OUT_OF_SCOPE_KINDS = frozenset({"党群", "垂管", "嘎查村", "村", "社区", "村居", "群团"})
OUT_OF_SCOPE_KIND_WORDS = ("党群", "垂管", "垂直管理", "嘎查", "社区", "村委", "无行政职能", "非行政")
OUT_OF_SCOPE_WORDS = re.compile(
    r"(嘎查|村民委员会|村委会|居民委员会|社区居委会|社区$|党委|党支部|党工委|团委|共青团|妇联|妇女联合会|总工会|工会|"
    r"科协|残联|税务局|气象局|海关|国家税务总局|烟草专卖|邮政管理|统计调查队)")
ORG_SUFFIX = re.compile(r"(局|委|办|院|所|站|中心|队|政府|镇|乡|苏木|街道|处|室|会|社|厅|部|馆|团|公司|集团|协会|学校|医院|"
                        r"分局|管委会|嘎查|村|社区|发布|融媒|大队|中队|法院|检察院)$")
PERSON_WORDS = re.compile(r"个人|个体|自然人")
GONE_STATES = frozenset({"not_found", "cancelled", "banned"})
CLOSED_STATES = ("注销", "关停", "停用", "已关闭")  # kept for callers; see schema.is_closed

KIND_LABELS = {
    "unregistered": "“全国政务新媒体报送系统”之外的政务新媒体（未备案）",
    "out_of_scope": "不属于报送范围的账号（党群、垂管、嘎查村社区等，另行管理）",
    "personal_subject": "以个人名义开设",
    "reform_not_updated": "机构改革后账号主体未变更",
    "late_filing": "开设后超过规定时限备案",
    "late_closure_filing": "关停注销后超过规定时限报备",
    "closed_but_posting": "已备案注销（关停）但仍在发布",
    "registered_gone": "备案为正常运行但账号已不存在",
    "consolidation": "同一单位同一平台开设多个账号（建议整合）",
    "registered_also_swept": "排查发现的已备案账号",
    "website_gone": "备案为正常运行但网站已无法访问",
    "website_reform_not_updated": "机构改革后网站主办单位未变更",
    "unit_not_in_directory": "主办单位不在单位名录中",
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


def out_of_scope_kind(kind: str | None) -> bool:
    """A 单位类型 outside the registry's scope (党群, 垂管, 嘎查村 (社区), 无行政职能的事业单位)."""
    if not kind:
        return False
    return kind in OUT_OF_SCOPE_KINDS or any(word in kind for word in OUT_OF_SCOPE_KIND_WORDS)


def _key(account: Mapping[str, Any]) -> tuple[str, str]:
    return account["platform"], account["account_id"]


def _named(account: Mapping[str, Any]) -> bool:
    return str(account.get("account_id") or "").startswith("名称:")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _short(text: str, limit: int = 200) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 13] + "…" + hashlib.sha1(text.encode()).hexdigest()[:12]


def website_gone(check: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Evidence that a registered running website is gone: it failed every probe of the week before
    the check point, or there were no probes and the check could not reach its homepage at all."""
    if not check:
        return None
    probes = check.get("probes") or {}
    total, failed = int(probes.get("total") or 0), int(probes.get("failed") or 0)
    outcome = check.get("homepage_outcome")
    if total:
        if failed < total or outcome == "ok":
            return None
    elif outcome in (None, "ok"):
        return None
    return {"probes": total, "failed": failed, "by_outcome": dict(probes.get("by_outcome") or {}),
            "window": probes.get("window"), "homepage_outcome": outcome}


class _Findings:
    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def account(self, kind: str, account: Mapping[str, Any], unit: str | None = None, **detail: Any) -> None:
        self.items.append({
            "kind": kind,
            "subject": f"{account['platform']}:{account['account_id']}",
            "unit": unit if unit is not None else account.get("unit"),
            "detail": {"name": account["name"], "platform": account["platform"],
                       "platform_label": account.get("platform_label"), "account_id": account["account_id"],
                       "sponsor": account.get("sponsor"), **detail},
        })

    def website(self, kind: str, site: Mapping[str, Any], **detail: Any) -> None:
        self.items.append({
            "kind": kind, "subject": site["site_code"], "unit": site.get("unit") or site.get("sponsor"),
            "detail": {"entity_type": "website", "name": site["name"], "site_code": site["site_code"],
                       "url": site.get("url"), "sponsor": site.get("sponsor"), "status": site.get("status"), **detail},
        })


def _reform_detail(directory: Directory, reform: Mapping[str, Any]) -> dict[str, Any]:
    return {"old_unit": reform["name"], "status": reform.get("status"),
            "successor": directory.current(reform["name"]) if reform.get("successor") else None,
            "changed_on": _iso(reform.get("changed_on"))}


def reconcile(
    registered: list[dict[str, Any]],
    swept: list[dict[str, Any]],
    units: list[dict[str, Any]],
    observations: dict[tuple[str, str], dict[str, Any]],
    check_point: date,
    rules: ReconcileRules | None = None,
    *,
    county: str = "",
    websites: list[dict[str, Any]] | None = None,
    site_checks: dict[str, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Findings as ``{"kind", "subject", "unit", "detail"}``, each with the evidence that supports it.

    ``observations`` maps (platform, account id) to what the account check saw (``last_post``,
    ``state``, ``source``); ``site_checks`` maps a site code to its week of probes and the
    homepage outcome of the website check.
    """
    rules = rules or ReconcileRules()
    directory = Directory.of(units, county)
    found = _Findings()
    reg_keys = {_key(a) for a in registered}
    reg_names = {(a["platform"], a["name"]) for a in registered}
    named_reg = {(a["platform"], a["name"]) for a in registered if _named(a)}
    ids_by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in registered:
        ids_by_name[(a["platform"], a["name"])].append(a["account_id"])

    def subject_problems(account: Mapping[str, Any], origin: str, unit: str | None = None) -> list[str]:
        problems = []
        sponsor = account.get("sponsor")
        if looks_personal(sponsor):
            problems.append("personal_subject")
            found.account("personal_subject", account, unit, origin=origin)
        reform = directory.reform(sponsor)
        if reform is not None:
            problems.append("reform_not_updated")
            detail = _reform_detail(directory, reform)
            found.account("reform_not_updated", account, unit or detail["successor"] or account.get("unit"),
                          origin=origin, **detail)
        return problems

    for account in swept:
        registered_too = _key(account) in reg_keys or (
            (_named(account) and (account["platform"], account["name"]) in reg_names)
            or (account["platform"], account["name"]) in named_reg)
        if registered_too:
            found.account("registered_also_swept", account, found_on=_iso(account.get("found_on")))
            subject_problems(account, "sweep")
            continue
        unit_kind = directory.kind(account.get("unit")) or directory.kind(account.get("sponsor"))
        matched = directory.match(account.get("unit")) or directory.match(account.get("sponsor"))
        text = f"{account.get('sponsor') or ''} {account.get('unit') or ''} {account['name']}"
        if out_of_scope_kind(unit_kind) or (matched is None and OUT_OF_SCOPE_WORDS.search(text)):
            found.account("out_of_scope", account, unit_kind=unit_kind, found_on=_iso(account.get("found_on")),
                          reason="单位类型" if unit_kind else "名称")
            continue
        same_name = sorted(ids_by_name.get((account["platform"], account["name"]), ()))
        problems = subject_problems(account, "sweep")
        found.account("unregistered", account, found_on=_iso(account.get("found_on")),
                      last_post=_iso(account.get("seen_last_post")), problems=problems, note=account.get("note"),
                      **({"same_name_registered": same_name} if same_name else {}))

    per_unit_platform: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for account in registered:
        closed = is_closed(account.get("status"))
        if not closed:
            per_unit_platform[(account.get("unit") or account.get("sponsor") or "", account["platform"])].append(account)
        subject_problems(account, "registry")
        if directory and directory.match(account.get("sponsor")) is None and directory.match(account.get("operator")) is None:
            found.account("unit_not_in_directory", account, sponsor=account.get("sponsor"),
                          operator=account.get("operator"))
        opened, filed = account.get("opened_on"), account.get("filed_on")
        if opened and filed and (filed - opened).days > rules.filing_days:
            found.account("late_filing", account, opened_on=opened.isoformat(), filed_on=filed.isoformat(),
                          days=(filed - opened).days, limit_days=rules.filing_days)
        closed_on, closure_filed = account.get("closed_on"), account.get("closure_filed_on")
        if closed_on and closure_filed and (closure_filed - closed_on).days > rules.filing_days:
            found.account("late_closure_filing", account, closed_on=closed_on.isoformat(),
                          filed_on=closure_filed.isoformat(), days=(closure_filed - closed_on).days,
                          limit_days=rules.filing_days)
        seen = observations.get(_key(account))
        if not seen:
            continue
        status = account.get("status") or ""
        last = seen.get("last_post")
        if closed:
            recent = last and (last > closed_on if closed_on else
                               last >= check_point - timedelta(days=rules.posting_window_days))
            if recent:
                found.account("closed_but_posting", account, status=status, last_post=last.isoformat(),
                              closed_on=_iso(closed_on), source=seen.get("source"))
        elif seen.get("state") in GONE_STATES:
            found.account("registered_gone", account, status=status or "正常", state=seen.get("state"),
                          source=seen.get("source"), evidence=seen.get("evidence"))

    for (unit, platform), accounts in sorted(per_unit_platform.items()):
        if len(accounts) > 1 and unit:
            first = accounts[0]
            found.items.append({
                "kind": "consolidation", "subject": _short(f"{platform}:{unit}"), "unit": unit,
                "detail": {"platform": platform, "platform_label": first.get("platform_label"),
                           "accounts": [a["name"] for a in accounts],
                           "account_ids": [a["account_id"] for a in accounts], "count": len(accounts)}})

    for site in websites or []:
        if is_closed(site.get("status")):
            continue
        gone = website_gone((site_checks or {}).get(site["site_code"]))
        if gone:
            found.website("website_gone", site, **gone)
        reform = directory.reform(site.get("sponsor"))
        if reform is not None:
            found.website("website_reform_not_updated", site, **_reform_detail(directory, reform))
        if directory and directory.match(site.get("sponsor")) is None:
            found.website("unit_not_in_directory", site)
    return found.items


def finding_text(kind: str, d: dict[str, Any]) -> str:
    """The facts behind a finding in the inspectors' words (notice and Inspection view alike); "" when none."""
    if kind == "personal_subject":
        return f"认证主体为“{d.get('sponsor')}”"
    if kind == "reform_not_updated":
        successor = f"，应变更为{d['successor']}" if d.get("successor") else ""
        return f"主体“{d.get('old_unit')}”已于机构改革中{d.get('status', '调整')}{successor}"
    if kind == "late_filing":
        return f"{d.get('opened_on')}开设，{d.get('filed_on')}备案，间隔{d.get('days')}天（规定{d.get('limit_days')}日内）"
    if kind == "closed_but_posting":
        return f"报送状态为{d.get('status')}，但{d.get('last_post')}仍有发布"
    if kind == "registered_gone":
        return "报送状态为正常运行，但平台上已查无此账号"
    if kind == "late_closure_filing":
        return f"{d.get('closed_on')}关停注销，{d.get('filed_on')}报备，间隔{d.get('days')}天（规定{d.get('limit_days')}日内）"
    if kind == "unit_not_in_directory":
        return f"主办单位“{d.get('sponsor') or ''}”不在单位名录中，请核实"
    if kind == "website_reform_not_updated":
        successor = f"，应变更为{d['successor']}" if d.get("successor") else ""
        return f"主办单位“{d.get('old_unit') or d.get('sponsor')}”已于机构改革中调整{successor}"
    if kind == "website_gone":
        return "首页在检查期内始终无法访问"
    if kind == "consolidation":
        return f"同一平台开设{d.get('count')}个账号：{'、'.join(d.get('accounts', []))}"
    return ""
