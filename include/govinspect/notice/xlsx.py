"""The notice's attachments (附件) and the per-unit rectification lists (整改清单) as XLSX.

Every value passes through :func:`safe_cell`: names and details come from registries, crawled
pages and manual entry, and a cell that opens with ``=`` would otherwise run as a formula
(CSV/formula injection) on the unit's computer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govinspect.notice.model import Count, NoticeData

__all__ = ["rectification_filename", "render_rectification", "render_xlsx", "safe_cell"]

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_EXCEL_MAX_CHARS = 32767
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(name="宋体", size=14, bold=True)
_HEAD_FONT = Font(name="黑体", size=11, bold=True)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_MAX_NAME_BYTES = 200  # well under the 255-byte limit of common file systems


def safe_cell(value: object) -> object:
    """A value that a spreadsheet stores as data, never as a formula.

    Strings starting with ``=``, ``+``, ``-``, ``@``, tab or CR get a leading ``'`` (OWASP advice
    for formula injection). Characters XML cannot carry are dropped and text is cut to Excel's
    32,767-character limit, so no value can make the workbook unreadable. Numbers, dates, booleans
    and None pass through unchanged.
    """
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith(_FORMULA_TRIGGERS):
        text = "'" + text
    return text[:_EXCEL_MAX_CHARS]


def _put(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Write one neutralised value; strings are stored as text whatever they look like."""
    cell = ws.cell(row=row, column=column, value=safe_cell(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"


def _display_width(text: str) -> int:
    """Column width in Excel units: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_table(
    ws: Worksheet,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    first_row: int = 1,
    filter_and_freeze: bool = True,
) -> int:
    """Title row, header, rows; widths from the content. Returns the next free row."""
    width = max([len(columns), *(len(r) for r in rows)], default=0) or 1
    _put(ws, first_row, 1, title)
    ws.cell(row=first_row, column=1).font = _TITLE_FONT
    ws.cell(row=first_row, column=1).alignment = _CENTRE
    if width > 1:
        ws.merge_cells(start_row=first_row, start_column=1, end_row=first_row, end_column=width)
    ws.row_dimensions[first_row].height = 28
    head_row = first_row + 1
    widths = [0] * width
    for j in range(width):
        name = columns[j] if j < len(columns) else ""
        _put(ws, head_row, j + 1, name)
        cell = ws.cell(row=head_row, column=j + 1)
        cell.font, cell.alignment, cell.border = _HEAD_FONT, _CENTRE, _BORDER
        widths[j] = _display_width(str(name))
    for i, row in enumerate(rows, start=head_row + 1):
        for j in range(width):
            value = row[j] if j < len(row) else ""
            _put(ws, i, j + 1, value)
            cell = ws.cell(row=i, column=j + 1)
            cell.border, cell.alignment = _BORDER, _WRAP
            if i - head_row <= 2000:  # widths from the first rows keep 6,000-row sheets quick
                widths[j] = max(widths[j], _display_width(str(cell.value or "")))
    for j, w in enumerate(widths, start=1):
        current = ws.column_dimensions[get_column_letter(j)].width or 0
        ws.column_dimensions[get_column_letter(j)].width = max(current, min(max(w + 2, 6), 60))
    last_row = head_row + len(rows)
    if filter_and_freeze:
        ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
        ws.auto_filter.ref = f"A{head_row}:{get_column_letter(width)}{last_row}"
        ws.print_title_rows = f"{head_row}:{head_row}"
    return last_row + 1


def _count_rows(counts: Sequence[Count]) -> list[list[object]]:
    return [
        [
            c.label,
            c.running,
            c.checked,
            c.failed,
            c.unknown,
            c.passed,
            c.pass_rate if c.pass_rate is not None else "—",
        ]
        for c in counts
    ]


_COUNT_COLUMNS = ["类别", "运行数", "检查数", "不合格数", "无法判定数", "合格数", "合格率"]


def _percent_format(ws: Worksheet, column: int, first: int, last: int) -> None:
    for row in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        if isinstance(cell.value, float):
            cell.number_format = "0.0%"
        cell.alignment = _CENTRE


def _overview(ws: Worksheet, data: NoticeData) -> None:
    """总体情况: the counts of the notice's table 1, by unit type and over quarters when known."""
    counts = [data.website_counts, *data.account_counts]
    end = _write_table(
        ws, f"{data.quarter_label}政府网站和政务新媒体检查情况", _COUNT_COLUMNS, _count_rows(counts)
    )
    _percent_format(ws, 7, 3, end - 1)
    if data.unit_type_rates:
        start = end + 1
        end = _write_table(
            ws,
            "各类单位政务新媒体检查情况",
            _COUNT_COLUMNS,
            _count_rows(data.unit_type_rates),
            first_row=start,
            filter_and_freeze=False,
        )
        _percent_format(ws, 7, start + 2, end - 1)
    if data.trend:
        start = end + 1
        rows = [
            [q, site if site is not None else "—", acc if acc is not None else "—"]
            for q, site, acc in data.trend
        ]
        end = _write_table(
            ws,
            "合格率季度变化",
            ["季度", "政府网站合格率", "政务新媒体合格率"],
            rows,
            first_row=start,
            filter_and_freeze=False,
        )
        for column in (2, 3):
            _percent_format(ws, column, start + 2, end - 1)


def _properties(wb: Workbook, data: NoticeData) -> None:
    """Document properties from the notice: its title, the issuing body, created on the 成文日期."""
    wb.properties.title = safe_cell(data.title)  # type: ignore[assignment]
    wb.properties.creator = safe_cell(data.issuer)  # type: ignore[assignment]
    wb.properties.created = datetime.combine(data.issue_date, time())


def render_xlsx(data: NoticeData, path: Path) -> Path:
    """One workbook: 总体情况 first, then a sheet per attachment (附件1 …)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "总体情况"
    _overview(ws, data)
    used = {"总体情况"}
    for table in data.attachments:
        name = f"附件{table.number}"
        suffix = 2
        while name in used:  # two attachments with one number still get a sheet each
            name = f"附件{table.number}-{suffix}"
            suffix += 1
        used.add(name)
        sheet = wb.create_sheet(name[:31])
        _write_table(sheet, f"附件{table.number} {table.title}", table.columns, table.rows)
        if table.landscape:
            sheet.page_setup.orientation = "landscape"
    _properties(wb, data)
    wb.save(path)
    return path


def rectification_filename(unit: str) -> str:
    """``整改清单-<unit>.xlsx`` with characters that no file system accepts replaced by ``_``."""
    name = _UNSAFE_FILENAME.sub("_", unit.strip()).strip().strip(".")
    name = name or "未署名单位"
    while len(f"整改清单-{name}.xlsx".encode()) > _MAX_NAME_BYTES:
        name = name[:-1]
    return f"整改清单-{name}.xlsx"


def render_rectification(data: NoticeData, directory: Path) -> list[Path]:
    """One 整改清单 workbook per unit; units whose names clean up alike get numbered files."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    taken: set[str] = set()
    for unit, rows in data.rectification.items():
        filename = rectification_filename(unit)
        stem, n = filename[: -len(".xlsx")], 2
        while filename.lower() in taken:
            filename = f"{stem}-{n}.xlsx"
            n += 1
        taken.add(filename.lower())
        wb = Workbook()
        ws = wb.active
        ws.title = "整改清单"
        title = f"{data.quarter_label}政府网站与政务新媒体检查整改清单（{unit}）"
        _write_table(ws, title, data.rectification_columns, rows)
        _properties(wb, data)
        target = directory / filename
        wb.save(target)
        written.append(target)
    return written
