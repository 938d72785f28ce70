"""The columns of each input file, with the header spellings real exports use."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from govinspect.registry.platforms import normalize_platform

SITE_CODE_RE = re.compile(r"^(\d{10}|bm\d{8})$")
MAX_CELL = 2000


class CellError(ValueError):
    """A cell that cannot be read; the row goes to quarantine with this reason."""


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value).replace("\u3000", " ").strip()
    if len(out) > MAX_CELL:
        raise CellError(f"longer than {MAX_CELL} characters ({len(out)})")
    return out or None


def cell_date(value: Any, as_of: date) -> date | None:
    """Excel dates, Excel serial numbers and written dates (2020-10-21, 2020年10月21日 …)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise CellError(f"number {value} is not a date")
    from govinspect.dates import parse_date

    raw = str(value).strip()
    parsed = parse_date(raw, as_of)
    if parsed is None:
        raise CellError(f"not a date: {raw[:60]!r}")
    return parsed


def site_code(value: Any) -> str | None:
    code = text(value)
    if code is None:
        return None
    code = code.replace(" ", "")
    if not SITE_CODE_RE.match(code):
        raise CellError(f"网站标识码 {code[:40]!r} is not 10 digits or bm + 8 digits")
    return code


def url(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in raw or not re.fullmatch(r"[A-Za-z0-9.\-]+", ascii_host):
        raise CellError(f"not a website address: {raw[:80]!r}")
    return raw if parts.path else raw + "/"


def platform(value: Any) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    code = normalize_platform(raw)
    if code is None:
        raise CellError(f"unknown platform {raw[:40]!r}")
    return code


def yes_no(value: Any) -> bool | None:
    raw = text(value)
    if raw is None:
        return None
    if raw in ("是", "有", "Y", "y", "yes", "1", "true", "True", "√"):
        return True
    if raw in ("否", "无", "N", "n", "no", "0", "false", "False", "×"):
        return False
    raise CellError(f"expected 是 or 否, got {raw[:20]!r}")


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]
    parse: Callable[..., Any] = text
    required: bool = False
    needs_date: bool = False


@dataclass(frozen=True)
class FileKind:
    """One kind of input file and how to recognise it by its headers."""

    name: str
    label: str
    fields: tuple[Field, ...]
    marker: tuple[str, ...]  # headers of which at least one must be present
    key: tuple[str, ...]

    def known_headers(self) -> set[str]:
        return {h for f in self.fields for h in f.headers}


WEBSITES = FileKind(
    "websites",
    "网站信息",
    (
        Field("name", ("网站名称", "名称"), required=True),
        Field("site_code", ("网站标识码", "标识码", "网站标识"), site_code, required=True),
        Field("url", ("首页网址", "网址", "域名", "网站地址", "网站域名"), url, required=True),
        Field("sponsor", ("主办单位", "主办单位名称"), required=True),
        Field("operator", ("承办单位", "承办单位名称")),
        Field("icp", ("ICP备案号", "icp备案号", "备案号")),
        Field("psb", ("公安机关备案号", "公安备案号", "公网安备")),
        Field("kind", ("网站类型", "类型")),
        Field("status", ("运行状态", "状态")),
    ),
    marker=("网站标识码", "标识码", "网站标识"),
    key=("site_code",),
)

ACCOUNTS = FileKind(
    "accounts",
    "政务新媒体",
    (
        Field("name", ("账号名称", "新媒体名称", "名称", "账号"), required=True),
        Field("platform", ("平台类型", "平台", "类型", "新媒体类型", "平台名称"), platform, required=True),
        Field("account_id", ("账号ID/原始ID", "账号ID", "原始ID", "账号id", "ID", "微信号")),
        Field("sponsor", ("主办单位", "认证主体", "开办单位", "主体"), required=True),
        Field("operator", ("运维单位", "责任单位", "运营单位")),
        Field("opened_on", ("开设时间", "开通时间", "开设日期"), cell_date, needs_date=True),
        Field("filed_on", ("备案时间", "报送时间", "备案日期"), cell_date, needs_date=True),
        Field("status", ("运行状态", "状态", "账号状态")),
    ),
    marker=("备案时间", "报送时间", "运行状态", "运维单位"),
    key=("platform", "account_id"),
)

SWEEP = FileKind(
    "sweep",
    "排查结果",
    (
        Field("name", ("账号名称", "新媒体名称", "名称"), required=True),
        Field("platform", ("平台类型", "平台", "类型", "新媒体类型"), platform, required=True),
        Field("account_id", ("账号ID", "账号ID/原始ID", "原始ID", "ID")),
        Field("sponsor", ("认证主体", "主办单位", "主体")),
        Field("unit", ("疑似所属单位", "所属单位", "责任单位")),
        Field("found_on", ("发现时间", "发现日期", "排查时间"), cell_date, needs_date=True),
        Field("seen_last_post", ("最近发布时间", "最后更新时间", "最近更新时间"), cell_date, needs_date=True),
        Field("note", ("备注",)),
    ),
    marker=("发现时间", "发现日期", "排查时间", "疑似所属单位"),
    key=("platform", "account_id"),
)

UNITS = FileKind(
    "units",
    "单位名录",
    (
        Field("name", ("单位名称", "单位"), required=True),
        Field("kind", ("单位类型", "类型", "单位性质"), required=True),
        Field("parent", ("上级单位", "主管单位")),
        Field("has_services", ("是否对外服务", "对外服务"), yes_no),
        Field("status", ("状态", "机构状态")),
        Field("successor", ("继任单位", "改革后单位", "并入单位")),
        Field("changed_on", ("变更日期", "变更时间", "改革日期"), cell_date, needs_date=True),
    ),
    marker=("单位类型", "单位性质"),
    key=("name",),
)

MANUAL = FileKind(
    "manual",
    "人工核查",
    (
        Field("account_id", ("账号ID", "账号ID/原始ID", "原始ID"), required=True),
        Field("platform", ("平台类型", "平台", "类型"), platform, required=True),
        Field("last_post", ("最近发布时间", "最后发布时间", "最近更新时间"), cell_date, needs_date=True),
        Field("checked_by", ("核查人", "检查人")),
        Field("checked_on", ("核查时间", "检查时间"), cell_date, needs_date=True),
        Field("evidence", ("截图或链接", "证据", "截图")),
        Field("note", ("备注",)),
    ),
    marker=("核查人", "检查人", "核查时间"),
    key=("platform", "account_id"),
)

KINDS = (WEBSITES, SWEEP, MANUAL, UNITS, ACCOUNTS)
