"""Tables of the results store. Every table of a quarterly stage is keyed by quarter,
so a stage can be rerun alone and writes the same rows again."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """A unit of the bureau's directory (旗直部门, 镇, 开发区 …) with its reform history."""

    __tablename__ = "units"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent: Mapped[str | None] = mapped_column(String(200))
    has_services: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(10), default="正常")
    successor: Mapped[str | None] = mapped_column(String(200))
    changed_on: Mapped[date | None] = mapped_column(Date)


class Website(Base):
    """A website of the 全国政府网站信息报送系统 registry, as it stood that quarter."""

    __tablename__ = "websites"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500))
    sponsor: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(200))
    icp: Mapped[str | None] = mapped_column(String(100))
    psb: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    source_file: Mapped[str | None] = mapped_column(String(300))
    source_row: Mapped[int | None] = mapped_column(Integer)
    unit: Mapped[str | None] = mapped_column(String(200))  # the directory unit of the sponsor (after reforms)


class Account(Base):
    """A new-media account: registered (全国政务新媒体信息报送系统) or found by a sweep."""

    __tablename__ = "accounts"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    origin: Mapped[str] = mapped_column(String(10), primary_key=True)  # registry | sweep
    name: Mapped[str] = mapped_column(String(300))
    platform_label: Mapped[str] = mapped_column(String(40))
    sponsor: Mapped[str | None] = mapped_column(String(200))  # 主办单位 / 认证主体
    operator: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(200))  # the directory unit it belongs to
    opened_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(20))
    found_on: Mapped[date | None] = mapped_column(Date)
    seen_last_post: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str | None] = mapped_column(String(300))
    source_row: Mapped[int | None] = mapped_column(Integer)
    closed_on: Mapped[date | None] = mapped_column(Date)  # 注销/关停时间
    closure_filed_on: Mapped[date | None] = mapped_column(Date)  # when the closure was filed


class QuarantinedRow(Base):
    """An input row that could not be imported, kept with its reason (never dropped)."""

    __tablename__ = "quarantine"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    source_file: Mapped[str] = mapped_column(String(300), primary_key=True)
    row: Mapped[int] = mapped_column(Integer, primary_key=True)
    column: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))  # the input kind: websites, accounts, sweep …


class ManualEvidence(Base):
    """What an inspector saw by hand (人工检测) for an account no adapter can read."""

    __tablename__ = "manual_evidence"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_post: Mapped[date | None] = mapped_column(Date)
    checked_by: Mapped[str | None] = mapped_column(String(100))
    checked_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)


class Probe(Base):
    """One liveness probe of a homepage (V2). Not keyed by quarter: a week spans whatever it spans."""

    __tablename__ = "probes"
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    probed_at: Mapped[datetime] = mapped_column(DateTime, primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    series: Mapped[str] = mapped_column(String(20), default="routine")  # routine | confirm


class WebsiteObservation(Base):
    """The observations of one website in one quarter (design.md schema, one JSON document)."""

    __tablename__ = "website_observations"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch: Mapped[str] = mapped_column(String(100))
    homepage_outcome: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict] = mapped_column(JSON)


class DeadLink(Base):
    """A link that did not work, with the page that carried it and its anchor text."""

    __tablename__ = "dead_links"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    referrer: Mapped[str] = mapped_column(String(1000), primary_key=True)
    anchor: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(30))
    status: Mapped[int | None] = mapped_column(Integer)
    on_homepage: Mapped[bool] = mapped_column(Boolean)


class AccountObservation(Base):
    """What the account check saw for one account in one quarter."""

    __tablename__ = "account_observations"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    batch: Mapped[str] = mapped_column(String(100))
    freshness: Mapped[str] = mapped_column(String(10))  # fresh | stale | unknown
    state: Mapped[str] = mapped_column(String(20))  # normal | cancelled | banned | not_found | unknown
    last_post: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(30))
    evidence: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)  # why it is unknown: what the manual-evidence list shows
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)  # China time of the last answer read


class PostFinding(Base):
    """A recent post that matched the bureau's lists (敏感词, 领导姓名职务): an NM1 candidate for an
    inspector to confirm, never a veto by itself."""

    __tablename__ = "post_findings"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    post_key: Mapped[str] = mapped_column(String(40), primary_key=True)  # sha1 of the post's link (or time and title)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # sensitive_word | wrong_name | wrong_title
    term: Mapped[str] = mapped_column(String(100), primary_key=True)
    batch: Mapped[str] = mapped_column(String(100))
    expected: Mapped[str | None] = mapped_column(String(200))  # the correct name or titles, when the list knows
    category: Mapped[str] = mapped_column(String(40))
    context: Mapped[str] = mapped_column(Text)
    post_title: Mapped[str] = mapped_column(String(300))
    post_time: Mapped[datetime | None] = mapped_column(DateTime)  # China time
    post_link: Mapped[str | None] = mapped_column(String(1000))


class Finding(Base):
    """A reconciliation finding (account outside the registry, personal subject, late filing …)."""

    __tablename__ = "findings"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(200), primary_key=True)  # "platform:account_id" or site code
    unit: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON)


class Verdict(Base):
    """The rubric's verdict for one website or account in one quarter."""

    __tablename__ = "verdicts"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(10), primary_key=True)  # website | account
    entity_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    unit: Mapped[str | None] = mapped_column(String(200))
    unit_kind: Mapped[str | None] = mapped_column(String(20))
    platform: Mapped[str | None] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(10))  # pass | fail | unknown
    score: Mapped[float | None] = mapped_column(Float)
    indicator_set: Mapped[str] = mapped_column(String(60))
    detail: Mapped[dict] = mapped_column(JSON)


class UnitScore(Base):
    """A unit's score for a period: a quarter (2020Q3) or a year (2020)."""

    __tablename__ = "unit_scores"
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit: Mapped[str] = mapped_column(String(200), primary_key=True)
    unit_kind: Mapped[str | None] = mapped_column(String(20))
    website_score: Mapped[float | None] = mapped_column(Float)
    account_score: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    judged: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)


class StageRun(Base):
    """When a stage of a quarter last finished, and what it counted (for operators)."""

    __tablename__ = "stage_runs"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    stage: Mapped[str] = mapped_column(String(60), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime)
    summary: Mapped[dict] = mapped_column(JSON)


class ManualInput(Base):
    """An inspector's input for one website or account in one quarter (人工核定): a bonus item, a
    flag (安全事故, 严重表述错误, 无有效互动功能 …), a confirmed veto, a deduction, or a rule set
    aside after review — each with its reason, who entered it and when."""

    __tablename__ = "manual_inputs"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(10), primary_key=True)  # website | account
    entity_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # site code, or platform:account_id
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # bonus | flag | veto | deduction | override
    item: Mapped[str] = mapped_column(String(200), primary_key=True)  # bonus item, flag, veto code or rule
    indicator: Mapped[str | None] = mapped_column(String(100))  # first-level indicator of a deduction
    points: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))  # the sheet's file name, or "cli"
    source_row: Mapped[int | None] = mapped_column(Integer)


class RegistrySnapshot(Base):
    """What a quarter's registry import read, per input kind: its sources, their digests, the counts."""

    __tablename__ = "registry_snapshots"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # websites | accounts | sweep | units | manual
    sources: Mapped[list] = mapped_column(JSON)  # [{"source", "format", "sha256", "rows", "quarantined"}]
    rows: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


class RegistryChange(Base):
    """How the registry changed against the previous quarter's snapshot: a website or account opened,
    closed, renamed or moved to another unit (and, for a website, a new homepage address)."""

    __tablename__ = "registry_changes"
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(10), primary_key=True)  # website | account
    entity_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # site code, or platform:account_id
    change: Mapped[str] = mapped_column(String(20), primary_key=True)  # opened | closed | renamed | moved | url_changed
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON)
