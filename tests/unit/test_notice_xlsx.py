"""The notice's XLSX attachments and rectification lists: same figures as the PDF, nothing evaluates."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup, Table
from govinspect.notice.xlsx import rectification_filename, render_rectification, render_xlsx, safe_cell

FORMULAS = ["=1+1", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")']


def notice() -> NoticeData:
    accounts = [Count("微信公众号", 30, 29, 3), Count("新浪微博", 12, 12, 2, 1), Count("合计", 42, 41, 5, 1)]
    return NoticeData(
        quarter="2020Q3",
        quarter_label="2020年第三季度",
        title="关于2020年第三季度全旗政府网站与政务新媒体检查情况的通报",
        issuer="鄂托克前旗政务服务局",
        issue_date=date(2020, 10, 21),
        addressees="各镇人民政府",
        lead="",
        website_counts=Count("政府网站", 1, 1, 0),
        account_counts=accounts,
        overview=[],
        website_problems=[],
        account_problems=[ProblemGroup("未备案账号", [Problem("=1+1", "某镇", "未备案")])],
        requirements=[],
        attachments=[
            Table(
                1,
                "备案清单",
                ["序号", "新媒体名称", "责任单位"],
                [[str(i), f"账号{i}", "旗某局"] for i in range(1, 301)],
            ),
            Table(
                2,
                "报送系统之外的清单",
                ["序号", "新媒体名称", "责任单位", "备注"],
                [
                    ["1", "=1+1", "某镇", "-"],
                    ["2", "名称<b>&\"'", "某镇"],
                    *[[str(i + 3), f, "某镇", ""] for i, f in enumerate(FORMULAS)],
                ],
                landscape=True,
            ),
            Table(3, "空表", ["序号", "账号名称"], []),
        ],
        unit_type_rates=[Count("镇人民政府", 20, 20, 3)],
        trend=[("2020Q2", None, 0.85), ("2020Q3", 1.0, 36 / 40)],
        rectification={
            "旗教育局": [["1", "内容不更新", "=cmd|' /C calc'!A0", "2020年10月31日"]],
            "某镇/街道:办事处": [["1", "未备案", "关停", "2020年10月31日"]],
            "某镇\\街道*办事处": [["1", "未备案", "关停", "2020年10月31日"]],
        },
        rectification_columns=["序号", "问题类别", "问题描述", "整改时限"],
    )


@pytest.mark.parametrize("value", FORMULAS)
def test_safe_cell_neutralises_formula_triggers(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", [12, 0.875, None, date(2020, 10, 21), True, "鄂托克前旗", "1-2", "a=b", "'=already"]
)
def test_safe_cell_leaves_data_alone(value: object) -> None:
    assert safe_cell(value) == value


def test_safe_cell_drops_characters_xml_cannot_carry() -> None:
    assert safe_cell("账号\x00\x07名\x1f称") == "账号名称"
    assert safe_cell("\x01=1+1") == "'=1+1"  # a hidden control character does not smuggle a formula through
    assert len(safe_cell("字" * 40000)) == 32767


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_xlsx(notice(), tmp_path_factory.mktemp("xlsx") / "notice.xlsx")


def test_workbook_has_overview_and_one_sheet_per_attachment(workbook_path: Path) -> None:
    wb = load_workbook(workbook_path)
    assert wb.sheetnames == ["总体情况", "附件1", "附件2", "附件3"]
    assert wb["附件2"].page_setup.orientation == "landscape"


def test_overview_numbers_match_the_counts(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["总体情况"]
    rows = list(ws.iter_rows(min_row=2, max_row=6, values_only=True))
    assert rows[0] == ("类别", "运行数", "检查数", "不合格数", "无法判定数", "合格数", "合格率")
    data = notice()
    for row, count in zip(rows[1:], [data.website_counts, *data.account_counts], strict=True):
        assert row[:6] == (
            count.label,
            count.running,
            count.checked,
            count.failed,
            count.unknown,
            count.passed,
        )
        assert row[6] == pytest.approx(count.pass_rate)
    assert ws.cell(row=4, column=7).number_format == "0.0%"
    values = [v for row in ws.iter_rows(values_only=True) for v in row]
    assert "镇人民政府" in values and "合格率季度变化" in values and "—" in values  # 2020Q2 had no site rate


def test_attachment_sheet_layout(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["附件1"]
    assert ws["A1"].value == "附件1 备案清单"
    assert [c.value for c in ws[2]] == ["序号", "新媒体名称", "责任单位"]
    assert ws.max_row == 302
    assert ws["B302"].value == "账号300"
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:C302"
    assert ws.column_dimensions["B"].width >= 8
    empty = load_workbook(workbook_path)["附件3"]
    assert [c.value for c in empty[2]] == ["序号", "账号名称"] and empty.max_row == 2


def test_formulas_stay_text(workbook_path: Path) -> None:
    ws = load_workbook(workbook_path)["附件2"]
    cell = ws["B3"]
    assert cell.value == "'=1+1" and cell.data_type == "s"
    assert ws["D3"].value == "'-"
    assert ws["B4"].value == "名称<b>&\"'"
    for i in range(5, 5 + len(FORMULAS)):
        assert ws.cell(row=i, column=2).value.startswith("'")
        assert ws.cell(row=i, column=2).data_type == "s"
    # Nothing in the file is a formula: no <f> element in any sheet.
    with zipfile.ZipFile(workbook_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_rectification_lists_one_workbook_per_unit(tmp_path: Path) -> None:
    paths = render_rectification(notice(), tmp_path / "lists")
    names = [p.name for p in paths]
    assert names == [
        "整改清单-旗教育局.xlsx",
        "整改清单-某镇_街道_办事处.xlsx",
        "整改清单-某镇_街道_办事处-2.xlsx",
    ]
    assert all(p.parent == tmp_path / "lists" and p.is_file() for p in paths)
    ws = load_workbook(paths[0]).active
    assert "旗教育局" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["序号", "问题类别", "问题描述", "整改时限"]
    assert ws["C3"].value == "'=cmd|' /C calc'!A0" and ws["C3"].data_type == "s"


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("旗教育局", "整改清单-旗教育局.xlsx"),
        ('a<b>:"c"/d\\e|f?g*', "整改清单-a_b___c__d_e_f_g_.xlsx"),
        ("..", "整改清单-未署名单位.xlsx"),
        ("", "整改清单-未署名单位.xlsx"),
        ("x\x00y\n", "整改清单-x_y.xlsx"),
    ],
)
def test_rectification_filename(unit: str, name: str) -> None:
    assert rectification_filename(unit) == name


def test_rectification_filename_fits_file_systems() -> None:
    name = rectification_filename("某" * 300)
    assert len(name.encode()) <= 200 and name.endswith(".xlsx")


def test_notice_without_attachments_or_lists(tmp_path: Path) -> None:
    data = notice()
    data.attachments, data.rectification, data.account_counts, data.unit_type_rates, data.trend = (
        [],
        {},
        [],
        [],
        [],
    )
    wb = load_workbook(render_xlsx(data, tmp_path / "bare.xlsx"))
    assert wb.sheetnames == ["总体情况"]
    assert render_rectification(data, tmp_path / "none") == []
