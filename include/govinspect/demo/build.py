"""Write the demo county's input files (registry exports, sweep, unit directory, manual evidence).

The files in ``data/`` are committed; this module regenerates them from
:mod:`govinspect.demo.county` so that a change to the story is one edit:
``python -m govinspect.demo.build [DIRECTORY]``. ``demo.toml`` and ``README.md`` are
written by hand and left alone.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from govinspect.demo import county

UNITS_HEADER = ("单位名称", "单位类型", "上级单位", "是否对外服务", "状态", "继任单位", "变更日期")
WEBSITE_HEADER = ("序号", "网站名称", "网站标识码", "首页网址", "主办单位", "承办单位", "ICP备案号", "公安机关备案号",
                  "网站类型", "运行状态")
NEWMEDIA_HEADER = ("序号", "账号名称", "平台类型", "账号ID/原始ID", "主办单位", "运维单位", "开设时间", "备案时间",
                   "运行状态")
SWEEP_HEADER = ("序号", "账号名称", "平台类型", "账号ID", "认证主体", "疑似所属单位", "发现时间", "最近发布时间", "备注")
EVIDENCE_HEADER = ("账号ID", "平台类型", "最近发布时间", "核查人", "核查时间", "截图或链接", "备注")

FILES = ("units.csv", "website_registry.xlsx", "newmedia_registry.xlsx", "sweep.xlsx", "manual_evidence.csv")


def _export_time() -> datetime:
    return datetime.combine(county.EXPORT_DATE, datetime.min.time()).replace(hour=9, minute=12)


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _date_cell(day: date, style: str) -> Any:
    """Registry exports mix real Excel dates with dates typed as text."""
    if style == "cn":
        return _cn(day)
    if style == "iso":
        return day.isoformat()
    return datetime.combine(day, datetime.min.time())


def _workbook(sheet_title: str) -> tuple[Workbook, Any]:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    stamp = _export_time()
    workbook.properties.creator = ""
    workbook.properties.lastModifiedBy = ""
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    return workbook, sheet


def _title_row(sheet: Any, title: str, width: int) -> None:
    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _header_row(sheet: Any, row: int, header: Sequence[str], widths: Sequence[int]) -> None:
    for col, (name, width) in enumerate(zip(header, widths, strict=True), start=1):
        sheet.cell(row, col, name).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = width


def _write_rows(sheet: Any, first_row: int, rows: Sequence[Sequence[Any]]) -> None:
    for r, values in enumerate(rows, start=first_row):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(r, c, value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd"


def write_units(path: Path) -> Path:
    """单位名录 as Excel saves a CSV: UTF-8 with BOM, CRLF line ends."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(UNITS_HEADER)
        for unit in county.UNITS:
            writer.writerow((unit.name, unit.kind, unit.parent, "是" if unit.has_services else "否", unit.status,
                             unit.successor, unit.changed_on.isoformat() if unit.changed_on else ""))
    return path


def write_website_registry(path: Path) -> Path:
    """Export of 全国政府网站信息报送系统: title row, header, one portal."""
    workbook, sheet = _workbook("网站信息")
    _title_row(sheet, f"政府网站信息（导出时间：{county.EXPORT_DATE.isoformat()}）", len(WEBSITE_HEADER))
    _header_row(sheet, 2, WEBSITE_HEADER, (6, 28, 14, 26, 22, 22, 22, 28, 10, 10))
    _write_rows(sheet, 3, [(1, county.SITE_NAME, county.SITE_CODE, county.SITE_URL, county.COUNTY_GOVERNMENT,
                            county.ISSUER, county.SITE_ICP, county.SITE_PSB, "门户网站", "正常运行")])
    sheet.cell(3, 3).number_format = "@"
    workbook.save(path)
    return path


def write_newmedia_registry(path: Path) -> Path:
    """Export of 全国政务新媒体信息报送系统: title row, header, the 64 filed accounts."""
    workbook, sheet = _workbook("政务新媒体")
    _title_row(sheet, f"政务新媒体信息（导出时间：{county.EXPORT_DATE.isoformat()}）", len(NEWMEDIA_HEADER))
    _header_row(sheet, 2, NEWMEDIA_HEADER, (6, 22, 14, 22, 24, 24, 14, 14, 10))
    rows = [
        (n, a.name, a.platform_label, a.account_id, a.sponsor, a.operator, _date_cell(a.opened, a.date_style),
         _date_cell(a.filed, a.date_style), a.status)
        for n, a in enumerate(county.REGISTERED, start=1)
    ]
    _write_rows(sheet, 3, rows)
    for row in range(3, 3 + len(rows)):
        sheet.cell(row, 4).number_format = "@"
    sheet.freeze_panes = "A3"
    workbook.save(path)
    return path


def write_sweep(path: Path) -> Path:
    """The inspectors' sweep of the platforms (人工排查), header on the first row."""
    workbook, sheet = _workbook("排查结果")
    _header_row(sheet, 1, SWEEP_HEADER, (6, 20, 12, 22, 36, 24, 12, 14, 36))
    found = datetime.combine(county.SWEEP_DATE, datetime.min.time())
    rows = [
        (n, s.name, s.platform_label, s.account_id, s.subject, s.unit, found,
         datetime.combine(county.CHECK_POINT - timedelta(days=s.last_post_days_ago), datetime.min.time()), s.note or None)
        for n, s in enumerate(county.SWEPT, start=1)
    ]
    _write_rows(sheet, 2, rows)
    for row in range(2, 2 + len(rows)):
        sheet.cell(row, 4).number_format = "@"
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return path


def write_manual_evidence(path: Path) -> Path:
    """Inspectors' record for accounts no adapter can read (WeChat, mini-programs)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(EVIDENCE_HEADER)
        covered = [a for a in county.REGISTERED if a.feed == "manual"]
        for n, account in enumerate(covered):
            days = account.newest_days_ago or 0
            last = county.CHECK_POINT - timedelta(days=days)
            checker = county.INSPECTORS[n % len(county.INSPECTORS)]
            link = f"证据/{county.QUARTER}/{account.account_id}.png"
            note = "" if days <= county.FRESH_DAYS else "超过14天未更新"
            writer.writerow((account.account_id, account.platform_label, last.isoformat(), checker,
                             county.EVIDENCE_DATE.isoformat(), link, note))
    return path


def write_all(directory: Path) -> list[Path]:
    """Write every generated input file into ``directory``; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        write_units(directory / "units.csv"),
        write_website_registry(directory / "website_registry.xlsx"),
        write_newmedia_registry(directory / "newmedia_registry.xlsx"),
        write_sweep(directory / "sweep.xlsx"),
        write_manual_evidence(directory / "manual_evidence.csv"),
    ]


def main(argv: list[str] | None = None) -> int:
    from govinspect.demo import DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m govinspect.demo.build", description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for path in write_all(args.directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
