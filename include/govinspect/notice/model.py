"""What a quarterly notice (通报) says, independent of how it is rendered.

The store is read once into a :class:`NoticeData`; the PDF and the XLSX renderers
only format it, so both always carry the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Count:
    """Running / checked / failed for one group (all websites, one platform, one unit type)."""

    label: str
    running: int
    checked: int
    failed: int
    unknown: int = 0

    @property
    def passed(self) -> int:
        return self.checked - self.failed - self.unknown

    @property
    def pass_rate(self) -> float | None:
        judged = self.checked - self.unknown
        return None if judged <= 0 else self.passed / judged


@dataclass
class Problem:
    """One named problem in 二、存在问题: a site, column or account with what was seen."""

    subject: str  # the site, column or account as an inspector names it
    unit: str
    detail: str  # what was observed, e.g. "最近更新 2020-06-30，超过 14 天"
    rule: str = ""  # spec code (V4, NM2, ...) or finding kind


@dataclass
class ProblemGroup:
    """A category of problems, e.g. 栏目不更新, 未备案账号."""

    title: str
    items: list[Problem] = field(default_factory=list)
    note: str = ""  # one sentence printed under the heading, e.g. where the full list is (清单见附件2)


@dataclass
class Table:
    """An attachment (附件): a titled table whose header repeats on every page."""

    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]
    landscape: bool = False


@dataclass
class NoticeData:
    quarter: str  # "2020Q3"
    quarter_label: str  # "2020年第三季度"
    title: str  # "关于2020年第三季度全旗政府网站与政务新媒体检查情况的通报"
    issuer: str  # "鄂托克前旗政务服务局"
    issue_date: date
    addressees: str  # 主送机关, without the trailing colon
    lead: str  # lead paragraph: basis, period, method
    website_counts: Count
    account_counts: list[Count]  # one per platform, then the total last
    overview: list[str]  # paragraphs of 一、总体情况
    website_problems: list[ProblemGroup]  # （一）政府网站方面
    account_problems: list[ProblemGroup]  # （二）政务新媒体方面
    requirements: list[str]  # 三、下一步工作要求, one paragraph each (一是…, 二是…)
    attachments: list[Table]
    unit_type_rates: list[Count] = field(default_factory=list)  # for the chart by unit type
    # (quarter label, website rate, account rate), oldest first, ending with this quarter; empty without history
    trend: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    contact: str = ""
    document_number: str = ""  # e.g. 鄂前政服发〔2020〕12号; empty when none
    rectification: dict[str, list[list[str]]] = field(default_factory=dict)  # unit -> rows of 整改清单
    rectification_columns: list[str] = field(default_factory=list)
