"""The columns of each input file, with the header spellings real exports use, and how each cell
is read. A cell that cannot be read raises :class:`CellError`; its row goes to quarantine."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from govinspect.registry.platforms import PLATFORMS, platform_codes, platform_label
from govinspect.registry.readers import clean_header

SITE_CODE_RE = re.compile(r"^(\d{10}|bm\d{8})$")  # spec §5.1: region code + serial, or bm + department
MAX_CELL = 2000  # free-text cells (备注, evidence); named columns have the store's own limits
EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST = date(1950, 1, 1)
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_CN_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}\s*年")
_HAS_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


class CellError(ValueError):
    """A cell that cannot be read; the row goes to quarantine with this reason."""


def text(value: Any, limit: int = MAX_CELL) -> str | None:
    """A cell as one line of text. Cells starting with = + - @ stay text: nothing is evaluated."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "是" if value else "否"
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime):
        value = value.isoformat(sep=" ")
    raw = str(value)
    if _CONTROL.search(raw):
        raise CellError("contains control characters")
    out = _SPACES.sub(" ", raw).strip()
    if len(out) > limit:
        raise CellError(f"longer than {limit} characters ({len(out)})")
    if out in EXCEL_ERRORS:
        raise CellError(f"an Excel error value ({out}), not data")
    return out or None


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=") and len(value.strip()) > 1


def _no_formula(value: Any, what: str) -> None:
    if _is_formula(value):
        raise CellError(f"a formula ({str(value).strip()[:60]}) where {what} is expected; export values, not formulas")


def _serial(number: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(number))


def _in_range(day: date, as_of: date) -> date:
    if day < EARLIEST or day > as_of + timedelta(days=366):
        raise CellError(f"{day.isoformat()} is not a plausible date")
    return day


def cell_date(value: Any, as_of: date) -> date | None:
    """Excel dates, Excel serial numbers (43831, also as text), 20201021, and the written forms
    2020-10-21, 2020/10/21, 2020.10.21, 2020年10月21日, 二〇二〇年十月二十一日 (a time may follow).
    Impossible dates (2020-13-45, 2月30日) and dates without a year are refused, never guessed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{value} is not a date")
    if isinstance(value, datetime):
        return _in_range(value.date(), as_of)
    if isinstance(value, date):
        return _in_range(value, as_of)
    if isinstance(value, (int, float)):
        return _number_date(value, as_of)
    _no_formula(value, "a date")
    raw = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _number_date(float(raw), as_of)
    if re.fullmatch(r"\d{8}", raw):
        return _number_date(int(raw), as_of)
    from govinspect.dates import parse_date_element

    shown = raw[:60]
    if not (_HAS_YEAR.search(raw) or _CN_YEAR.search(raw)):
        raise CellError(f"not a date with a year: {shown!r}")
    parsed = parse_date_element(raw, as_of)
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(raw).date()
        except ValueError:
            raise CellError(f"not a date: {shown!r}") from None
    return _in_range(parsed, as_of)


def _number_date(number: float, as_of: date) -> date:
    if 19500101 <= number <= 20991231 and float(number).is_integer():
        digits = str(int(number))
        try:
            return _in_range(date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), as_of)
        except ValueError:
            raise CellError(f"{digits} is not a date") from None
    low = (EARLIEST - EXCEL_EPOCH).days
    high = (as_of + timedelta(days=366) - EXCEL_EPOCH).days
    if low <= number <= high:
        return _serial(number)
    raise CellError(f"number {number:g} is not a date")


def site_code(value: Any, as_of: date | None = None) -> str | None:
    """网站标识码: 10 digits (region code + serial) or bm + 8 digits (State Council departments)."""
    _no_formula(value, "a 网站标识码")
    code = text(value, 40)
    if code is None:
        return None
    code = unicodedata.normalize("NFKC", code).replace(" ", "").lower()
    if not SITE_CODE_RE.match(code):
        raise CellError(f"网站标识码 {code!r} is not 10 digits or bm + 8 digits")
    return code


def url(value: Any, as_of: date | None = None) -> str | None:
    """A homepage address; a bare domain (www.etkqq.gov.cn) is read as http://."""
    _no_formula(value, "a web address")
    raw = text(value, 500)
    if raw is None:
        return None
    raw = unicodedata.normalize("NFKC", raw)
    shown = raw[:80]
    if " " in raw:
        raise CellError(f"not one web address: {shown!r}")
    if "://" not in raw:
        raw = "http://" + raw.lstrip("/")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise CellError(f"not a web address: {shown!r}") from None
    host = (parts.hostname or "").rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        ascii_host = ""
    if (parts.scheme not in ("http", "https") or "." not in host or parts.username or parts.password
            or not re.fullmatch(r"[a-z0-9.\-]+", ascii_host) or ".." in ascii_host):
        raise CellError(f"not a web address: {shown!r}")
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def platform(value: Any, as_of: date | None = None) -> str | None:
    raw = text(value, 100)
    if raw is None:
        return None
    codes = platform_codes(raw)
    if not codes:
        raise CellError(f"unknown platform {raw[:40]!r}")
    if len(codes) > 1:
        raise CellError(f"names several platforms ({'、'.join(platform_label(c) for c in codes)}); one row per account")
    return codes[0]


def account_id(value: Any, as_of: date | None = None) -> str | None:
    """账号ID/原始ID. An ID Excel showed in scientific notation has lost its digits and is refused."""
    raw = text(value, 120)
    if raw is None:
        return None
    if _SCIENTIFIC.match(raw):
        raise CellError(f"ID shown in scientific notation ({raw}): its digits are lost; "
                        "format the column as text before exporting")
    return raw


def yes_no(value: Any, as_of: date | None = None) -> bool | None:
    raw = text(value, 20)
    if raw is None:
        return None
    if raw.lower() in ("是", "有", "y", "yes", "1", "true", "√"):
        return True
    if raw.lower() in ("否", "无", "n", "no", "0", "false", "×"):
        return False
    raise CellError(f"expected 是 or 否, got {raw!r}")


def limited(limit: int) -> Callable[[Any, date | None], str | None]:
    """Text of at most ``limit`` characters (the store column's size)."""

    def read(value: Any, as_of: date | None = None) -> str | None:
        return text(value, limit)

    read.__name__ = f"text_{limit}"
    return read


@dataclass(frozen=True)
class Field:
    name: str
    headers: tuple[str, ...]
    parse: Callable[[Any, date], Any] = limited(MAX_CELL)
    required: bool = False

    def aliases(self) -> list[str]:
        """Header spellings as matched: the Chinese ones, then the field's own name (JSON sources)."""
        out = [clean_header(h) for h in self.headers]
        return [*out, clean_header(self.name)]


@dataclass(frozen=True)
class FileKind:
    """One kind of input and how to recognise it by its headers."""

    name: str
    label: str
    fields: tuple[Field, ...]
    marker: tuple[str, ...]  # headers of which at least one must be present for detection
    key: tuple[str, ...]
    may_be_empty: bool = False  # a registry export without rows would wipe the quarter: refused

    def known_headers(self) -> set[str]:
        return {a for f in self.fields for a in f.aliases()}

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


WEBSITES = FileKind(
    "websites",
    "网站信息",
    (
        Field("name", ("网站名称", "名称"), limited(300), required=True),
        Field("site_code", ("网站标识码", "标识码", "网站标识"), site_code, required=True),
        Field("url", ("首页网址", "网址", "域名", "网站地址", "网站域名", "首页地址"), url, required=True),
        Field("sponsor", ("主办单位", "主办单位名称"), limited(200), required=True),
        Field("operator", ("承办单位", "承办单位名称"), limited(200)),
        Field("icp", ("ICP备案号", "备案号", "ICP备案"), limited(100)),
        Field("psb", ("公安机关备案号", "公安备案号", "公网安备", "公网安备号"), limited(100)),
        Field("kind", ("网站类型", "类型"), limited(20)),
        Field("status", ("运行状态", "状态"), limited(20)),
    ),
    marker=("网站标识码", "标识码", "网站标识", "sitecode"),
    key=("site_code",),
)

ACCOUNTS = FileKind(
    "accounts",
    "政务新媒体",
    (
        Field("name", ("账号名称", "新媒体名称", "名称", "账号"), limited(300), required=True),
        Field("platform", ("平台类型", "平台", "类型", "新媒体类型", "平台名称"), platform, required=True),
        Field("account_id", ("账号ID/原始ID", "账号ID", "原始ID", "ID", "微信号"), account_id),
        Field("sponsor", ("主办单位", "认证主体", "开办单位", "主体"), limited(200), required=True),
        Field("operator", ("运维单位", "责任单位", "运营单位"), limited(200)),
        Field("opened_on", ("开设时间", "开通时间", "开设日期"), cell_date),
        Field("filed_on", ("备案时间", "报送时间", "备案日期"), cell_date),
        Field("status", ("运行状态", "状态", "账号状态"), limited(20)),
        Field("closed_on", ("注销时间", "关停时间", "注销日期", "关停日期"), cell_date),
        Field("closure_filed_on", ("注销备案时间", "关停备案时间", "注销报送时间"), cell_date),
    ),
    marker=("备案时间", "报送时间", "运行状态", "运维单位", "accountid"),
    key=("platform", "account_id"),
)

SWEEP = FileKind(
    "sweep",
    "排查结果",
    (
        Field("name", ("账号名称", "新媒体名称", "名称"), limited(300), required=True),
        Field("platform", ("平台类型", "平台", "类型", "新媒体类型"), platform, required=True),
        Field("account_id", ("账号ID", "账号ID/原始ID", "原始ID", "ID"), account_id),
        Field("sponsor", ("认证主体", "主办单位", "主体"), limited(200)),
        Field("unit", ("疑似所属单位", "所属单位", "责任单位"), limited(200)),
        Field("found_on", ("发现时间", "发现日期", "排查时间"), cell_date),
        Field("seen_last_post", ("最近发布时间", "最后更新时间", "最近更新时间"), cell_date),
        Field("note", ("备注",)),
    ),
    marker=("发现时间", "发现日期", "排查时间", "疑似所属单位"),
    key=("platform", "account_id"),
    may_be_empty=True,
)

UNITS = FileKind(
    "units",
    "单位名录",
    (
        Field("name", ("单位名称", "单位"), limited(200), required=True),
        Field("kind", ("单位类型", "类型", "单位性质"), limited(20), required=True),
        Field("parent", ("上级单位", "主管单位"), limited(200)),
        Field("has_services", ("是否对外服务", "对外服务"), yes_no),
        Field("status", ("状态", "机构状态"), limited(10)),
        Field("successor", ("继任单位", "改革后单位", "并入单位"), limited(200)),
        Field("changed_on", ("变更日期", "变更时间", "改革日期"), cell_date),
    ),
    marker=("单位类型", "单位性质"),
    key=("name",),
)

MANUAL = FileKind(
    "manual",
    "人工核查",
    (
        Field("account_id", ("账号ID", "账号ID/原始ID", "原始ID"), account_id, required=True),
        Field("platform", ("平台类型", "平台", "类型"), platform, required=True),
        Field("last_post", ("最近发布时间", "最后发布时间", "最近更新时间"), cell_date),
        Field("checked_by", ("核查人", "检查人"), limited(100)),
        Field("checked_on", ("核查时间", "检查时间"), cell_date),
        Field("evidence", ("截图或链接", "证据", "截图")),
        Field("note", ("备注",)),
    ),
    marker=("核查人", "检查人", "核查时间"),
    key=("platform", "account_id"),
    may_be_empty=True,
)

KINDS = (WEBSITES, SWEEP, MANUAL, UNITS, ACCOUNTS)
KINDS_BY_NAME = {k.name: k for k in KINDS}
ALL_HEADERS = {h for kind in KINDS for h in kind.known_headers()}
KNOWN_PLATFORMS = tuple(PLATFORMS)

# 运行状态 words that mean a website or account no longer runs (注销, 关停, 永久下线 …).
CLOSED_WORDS = ("注销", "关停", "停用", "关闭", "下线", "停运")


def is_closed(status: str | None) -> bool:
    """True for a 运行状态 that says the website or account was closed."""
    return any(word in (status or "") for word in CLOSED_WORDS)
