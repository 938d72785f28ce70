"""The notice PDF: GB/T 9704 layout, every section and figure present, fonts embedded, reproducible.

The PDF is read back with poppler (pdftotext, pdffonts, pdfinfo), as a reader would see it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govinspect.notice.fonts import ENV_VARS, FontError, outline_kind, parse_font_spec, resolve_fonts
from govinspect.notice.formatting import cn_date, format_rate
from govinspect.notice.layout import NO_LINE_END, NO_LINE_START, GridText, break_lines, text_width
from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup, Table
from govinspect.notice.pdf import (
    BLOCK_HEIGHT,
    BLOCK_WIDTH,
    GRID_SPACE,
    LEADING,
    LEFT_MARGIN,
    TOP_MARGIN,
    balance_title,
    column_widths,
    render_pdf,
)

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfinfo"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdffonts, pdfinfo) not installed"
)

ODD_NAME = "名称<b>&\"'测试"
LONG_NAME = "鄂托克前旗" + "长" * 195  # 200 characters, no space anywhere


def rich_notice() -> NoticeData:
    """Several platforms, problem groups (one empty), three attachments: 300 rows, landscape, empty."""
    platforms = [
        Count("微信公众号", 30, 30, 3),
        Count("新浪微博", 12, 12, 2, 1),
        Count("抖音", 8, 8, 1),
        Count("移动客户端", 4, 4, 0, 4),
        Count("合计", 54, 54, 6, 5),
    ]
    website_problems = [
        ProblemGroup(
            "栏目不更新",
            [
                Problem(
                    "鄂托克前旗人民政府门户网站 > 在线访谈",
                    "旗政务服务局",
                    "最近更新 2020-03-02，超过 180 天",
                    "V4",
                ),
                Problem("政策解读", "旗司法局", "最近更新 2020-06-30"),
            ],
        ),
        ProblemGroup("互动回应差", [Problem(ODD_NAME, "单位<i>", "留言 95 天未答复", "V5")]),
        ProblemGroup("空白栏目", []),
    ]
    account_problems = [
        ProblemGroup(
            "未备案账号",
            [Problem(f"某镇政务号{i}", "某镇人民政府", "不在全国政务新媒体报送系统中") for i in range(21)],
        ),
        ProblemGroup(
            "内容不更新", [Problem(LONG_NAME, "旗教育局", "最近发布 2020-08-01，超过 14 天", "NM2")]
        ),
    ]
    filed = Table(
        1,
        "上报备案的政府系统政务新媒体清单",
        ["序号", "新媒体类型", "新媒体名称", "责任单位", "检查结果"],
        [[str(i + 1), "微信公众号", f"备案账号{i + 1:03d}", "旗某局", "合格"] for i in range(300)],
    )
    outside = Table(
        2,
        "报送系统之外的政府系统政务新媒体清单",
        ["序号", "新媒体类型", "新媒体名称", "责任单位", "问题类别", "检查时更新日期", "网址或账号"],
        [
            ["1", "抖音", ODD_NAME, "某镇", "未备案", "2020-09-30", "=1+1"],
            ["2", "微博", LONG_NAME, "某镇", "未备案", "2020-09-28", "https://weibo.example.cn/" + "a" * 90],
            ["3", "头条", "短", "某镇"],  # a short row is padded, not an error
        ],
        landscape=True,
    )
    empty = Table(3, "已关停注销账号清单", ["序号", "账号名称"], [])
    return NoticeData(
        quarter="2020Q3",
        quarter_label="2020年第三季度",
        title="关于2020年第三季度全旗政府网站与政务新媒体检查情况的通报",
        issuer="鄂托克前旗政务服务局",
        issue_date=date(2020, 10, 21),
        addressees="上海庙经济开发区管委会，各镇人民政府，旗直各部门",
        lead="依据国办秘函〔2019〕19号，我局采用核对备案与人工检测相结合的方式开展了本季度检查。现将有关情况通报如下。",
        website_counts=Count("政府网站", 1, 1, 0),
        account_counts=platforms,
        overview=[
            "全旗运行政府网站1个，检查1个，合格率100%。",
            "全旗政务新媒体54个，不合格6个，无法判定5个。",
        ],
        website_problems=website_problems,
        account_problems=account_problems,
        requirements=["一是压实责任。", "二是限期整改，10日内报送整改情况。"],
        attachments=[filed, outside, empty],
        unit_type_rates=[Count("镇人民政府", 20, 20, 3), Count("旗直部门", 34, 34, 3, 1)],
        trend=[("2020Q1", 1.0, 0.8), ("2020Q2", None, 0.85), ("2020Q3", 1.0, 0.875)],
        contact="联系电话：0477-0000000",
        document_number="鄂前政服发〔2020〕12号",
    )


def empty_notice() -> NoticeData:
    return NoticeData(
        quarter="2020Q4",
        quarter_label="2020年第四季度",
        title="关于2020年第四季度政府网站与政务新媒体检查情况的通报",
        issuer="某县政务服务局",
        issue_date=date(2021, 1, 5),
        addressees="各乡镇人民政府",
        lead="",
        website_counts=Count("政府网站", 0, 0, 0),
        account_counts=[],
        overview=[],
        website_problems=[],
        account_problems=[ProblemGroup("内容不更新", [])],
        requirements=[],
        attachments=[],
    )


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> list[str]:
    """Text of each page, as pdftotext reads it."""
    return _run("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def _flat(text: str) -> str:
    """Text without layout whitespace: justified CJK lines may be read with spaces between glyphs."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rich_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_pdf(rich_notice(), tmp_path_factory.mktemp("notice") / "notice.pdf")


# ------------------------------------------------------------------------------------------ helpers


def test_cn_date_has_no_zero_padding() -> None:
    assert cn_date(date(2020, 10, 21)) == "2020年10月21日"
    assert cn_date(date(2024, 1, 5)) == "2024年1月5日"


@pytest.mark.parametrize(
    ("rate", "text"),
    [(0.875, "87.5%"), (1.0, "100%"), (0.9, "90%"), (0.0, "0%"), (53 / 59, "89.8%"), (None, "—")],
)
def test_format_rate(rate: float | None, text: str) -> None:
    assert format_rate(rate) == text


def test_count_pass_rate_leaves_unknown_out() -> None:
    count = Count("新浪微博", 12, 12, 2, 1)
    assert count.passed == 9
    assert format_rate(count.pass_rate) == "81.8%"
    assert Count("移动客户端", 4, 4, 0, 4).pass_rate is None


# ------------------------------------------------------------------------------------------ layout


def _grid_lines(text: str, first_indent: float = 2) -> list[str]:
    from govinspect.notice.fonts import register_fonts

    fonts = register_fonts()
    block = GridText(
        text, fonts.body, 16, LEADING, first_indent=first_indent * BLOCK_WIDTH / 28, char_space=GRID_SPACE
    )
    block.wrap(BLOCK_WIDTH, BLOCK_HEIGHT)
    return [line.text for line in block.lines]


def test_grid_holds_22_lines_of_28_characters() -> None:
    assert LEADING * 22 <= BLOCK_HEIGHT < LEADING * 23
    assert [len(line) for line in _grid_lines("国" * 100)] == [26, 28, 28, 18]


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation() -> None:
    # 26 characters, then "，": a plain greedy break would open line 2 with the comma.
    text = "国" * 26 + "，" + "家" * 10 + "《" + "民" * 40
    lines = _grid_lines(text)
    assert "".join(lines) == text
    assert all(line[0] not in NO_LINE_START for line in lines[1:])
    assert all(line[-1] not in NO_LINE_END for line in lines)


def test_latin_runs_stay_whole_when_they_fit() -> None:
    text = "国" * 20 + "http://www.etkqq.gov.cn" + "家" * 10
    assert any("http://www.etkqq.gov.cn" in line for line in _grid_lines(text))


_ALPHABET = st.sampled_from(list("政府网站新媒体检查通报ab1-.:/ ，。、（）《》“”"))


@settings(max_examples=150, deadline=None)
@given(text=st.text(_ALPHABET, max_size=200), width=st.floats(min_value=20, max_value=400))
def test_break_lines_keeps_every_character_and_fits(text: str, width: float) -> None:
    def measure(s: str) -> float:
        return text_width(s, "Helvetica", 10) + 0  # a metric font is enough for the invariant

    lines = break_lines(text, width, measure)
    assert "".join(line.text for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert measure(line.text) <= width + 1e-6 or len(line.text) == 1


def test_title_wraps_symmetrically_at_a_natural_break() -> None:
    from govinspect.notice.fonts import register_fonts

    fonts = register_fonts()
    title = "关于2020年第三季度全旗政府网站与政务新媒体检查情况的通报"
    lines = balance_title(title, fonts.title, 22, BLOCK_WIDTH)
    assert lines == ["关于2020年第三季度全旗政府网站", "与政务新媒体检查情况的通报"]
    widths = [text_width(line, fonts.title, 22) for line in lines]
    assert max(widths) <= BLOCK_WIDTH and max(widths) - min(widths) < 3 * 22
    assert balance_title("关于检查情况的通报", fonts.title, 22, BLOCK_WIDTH) == ["关于检查情况的通报"]


def test_one_long_value_does_not_squeeze_the_other_columns() -> None:
    from govinspect.notice.fonts import register_fonts

    fonts = register_fonts()
    rows = [[str(i), f"账号{i}", "某局"] for i in range(50)] + [["51", "长" * 400, "某局"]]
    header = ["序号", "账号名称", "责任单位"]
    for total in (400.0, 250.0):
        widths = column_widths(header, rows, fonts.body, 12, total)
        assert sum(widths) == pytest.approx(total)
        # The short columns keep their header on one line; the long name wraps instead.
        assert widths[0] >= text_width("序号", fonts.body, 12)
        assert widths[2] >= text_width("责任单位", fonts.body, 12)
        assert widths[1] < 0.75 * total


def test_a_squeeze_keeps_short_columns_whole_and_shortens_the_table() -> None:
    from govinspect.notice.fonts import register_fonts
    from govinspect.notice.pdf import _height, _sample_widths

    fonts = register_fonts()
    header = ["序号", "网站名称", "平台类型", "主要问题"]
    notes = "发布解读政策文件一级栏目超过6个月未更新：1 个（规范性文件）（-5）；功能设计其他页面链接不可用：7 处（-0.7）"
    rows = [[str(i), f"某县第{i}镇人民政府网站", "微信公众号", notes] for i in range(1, 40)]
    total = 360.0
    widths = column_widths(header, rows, fonts.body, 12, total)
    assert sum(widths) == pytest.approx(total)
    assert widths[2] >= text_width("微信公众号", fonts.body, 12) + 6  # never 微信公众 / 号
    assert widths[3] > widths[1]  # the notes take the room: four lines a row, not seven
    sample = _sample_widths(rows, fonts.body, 12)
    even = [widths[0], widths[2], (total - widths[0] - widths[2]) / 2, (total - widths[0] - widths[2]) / 2]
    assert _height(sample, widths) < _height(sample, [even[0], even[2], even[1], even[3]])


# ------------------------------------------------------------------------------------------ fonts


def test_font_spec_with_collection_index() -> None:
    assert parse_font_spec("/fonts/a.ttc#2") == (Path("/fonts/a.ttc"), 2)
    assert parse_font_spec("/fonts/方正小标宋.ttf") == (Path("/fonts/方正小标宋.ttf"), 0)


def test_env_var_selects_the_face(tmp_path: Path) -> None:
    chosen = resolve_fonts({ENV_VARS["kai"]: "/usr/share/fonts/truetype/arphic/ukai.ttc#1"}, dirs=[])
    assert chosen["kai"].index == 1 and chosen["kai"].origin == "env"
    assert all(chosen[role] == chosen["kai"] for role in ("song", "hei", "fangsong", "title"))


def _fake_cff(path: Path) -> Path:
    # An sfnt header with PostScript outlines: what Noto Sans CJK / Source Han ship.
    path.write_bytes(b"OTTO" + b"\x00\x01" + b"\x00" * 6 + b"CFF " + b"\x00" * 12)
    return path


def test_cff_faces_are_skipped_and_explained(tmp_path: Path) -> None:
    cff = _fake_cff(tmp_path / "NotoSansCJK-Regular.otf")
    assert outline_kind(cff) == "cff"
    with pytest.raises(FontError, match="CFF"):
        resolve_fonts({ENV_VARS["song"]: str(cff)}, dirs=[])
    # Found by search (named like a known face), it is skipped; with nothing else the error names the fix.
    (tmp_path / "simsun.ttc").write_bytes(cff.read_bytes())
    with pytest.raises(FontError) as err:
        resolve_fonts({}, dirs=[tmp_path])
    message = str(err.value)
    assert "GOVINSPECT_FONT_SONG" in message and "GOVINSPECT_FONT_TITLE" in message
    assert "fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei" in message
    assert "CFF" in message


def test_missing_configured_font_is_an_error() -> None:
    with pytest.raises(FontError, match="GOVINSPECT_FONT_TITLE"):
        resolve_fonts({ENV_VARS["title"]: "/nonexistent/方正小标宋简体.ttf"}, dirs=[])


def test_official_faces_win_when_installed(tmp_path: Path) -> None:
    uming = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
    if not uming.is_file():
        pytest.skip("fonts-arphic-uming not installed")
    # Stand-ins carrying the official file names: the search must prefer them over the free faces.
    (tmp_path / "仿宋_GB2312.ttf").symlink_to(uming)
    (tmp_path / "uming.ttc").symlink_to(uming)
    chosen = resolve_fonts({}, dirs=[tmp_path])
    assert chosen["fangsong"].path.name == "仿宋_GB2312.ttf"
    assert chosen["song"].path.name == "uming.ttc"


# ------------------------------------------------------------------------------------------ the PDF


@needs_poppler
def test_sections_figures_and_page_numbers_are_printed(rich_pdf: Path) -> None:
    pages = _pages(rich_pdf)
    text = _flat("".join(pages))
    for expected in [
        "鄂前政服发〔2020〕12号",
        "关于2020年第三季度全旗政府网站与政务新媒体检查情况的通报",
        "上海庙经济开发区管委会，各镇人民政府，旗直各部门：",
        "一、总体情况",
        "二、存在问题",
        "（一）政府网站方面",
        "（二）政务新媒体方面",
        "三、下一步工作要求",
        "1.栏目不更新（2个）",
        "（21）某镇政务号20，责任单位：某镇人民政府。",
        "附件：1.上报备案的政府系统政务新媒体清单",
        "鄂托克前旗政务服务局2020年10月21日",
        "附件1",
        "附件2",
        "附件3",
    ]:
        assert expected in text, expected
    # The counts table: 新浪微博 12 running, 12 checked, 2 failed, 1 unknown → 81.8 %.
    assert "新浪微博121221" + "81.8%" in text
    assert "移动客户端4404—" in text
    assert "合计54546587.8%" in text  # 43 of the 49 judged
    # Names are printed literally, never read as markup.
    assert _flat(ODD_NAME) in text
    assert LONG_NAME in text
    assert "3.空白栏目无。" in text
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])


@needs_poppler
def test_long_attachment_repeats_its_header_on_the_next_page(rich_pdf: Path) -> None:
    pages = _pages(rich_pdf)
    start = next(i for i, page in enumerate(pages) if "附件1" in page and "备案账号001" in page)
    following = pages[start + 1]
    assert "新媒体名称" in following and "责任单位" in following
    assert "备案账号001" not in following
    assert re.search(r"备案账号0[2-9]\d", following)
    last = next(i for i, page in enumerate(pages) if "备案账号300" in page)
    assert last > start + 1  # 300 rows take several pages, each opening with the header
    assert all("新媒体名称" in pages[i] for i in range(start, last + 1))


@needs_poppler
def test_wide_attachment_is_on_landscape_pages(rich_pdf: Path) -> None:
    pages = _pages(rich_pdf)
    info = _run("pdfinfo", "-f", "1", "-l", str(len(pages)), str(rich_pdf))
    sizes = dict(re.findall(r"Page\s+(\d+) size:\s+([\d.]+ x [\d.]+)", info))
    landscape_page = next(i for i, page in enumerate(pages, start=1) if "附件2" in page)
    assert sizes[str(landscape_page)] == "841.89 x 595.276"
    assert sizes["1"] == "595.276 x 841.89"
    assert sizes[str(len(pages))] == "595.276 x 841.89"  # 附件3 turns back to portrait


@needs_poppler
def test_every_font_is_embedded(rich_pdf: Path) -> None:
    rows = _run("pdffonts", str(rich_pdf)).splitlines()[2:]
    assert len(rows) >= 3
    faces = set()
    for row in rows:
        name, kind, emb = row.split()[0], row.split()[1], row.split()[-5]
        assert emb == "yes", row
        assert kind == "TrueType", row
        assert "STSong" not in name and "Helvetica" not in name
        faces.add(name.split("+", 1)[1])
    assert len(faces) >= 3  # body, 黑体 headings, 楷体 headings at least


@needs_poppler
def test_text_stays_inside_the_gb9704_text_block(rich_pdf: Path) -> None:
    """Every word of page 1 lies in the 156 × 225 mm block 37 mm from the top and 28 mm from the left."""
    xml = _run("pdftotext", "-bbox", "-f", "1", "-l", "2", str(rich_pdf), "-")
    pages = xml.split("<page ")[1:]
    tolerance = 1.0
    left, top = LEFT_MARGIN, TOP_MARGIN
    for number, page in enumerate(pages, start=1):
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)
        body = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words]
        numbers = [w for w in body if w[1] > top + BLOCK_HEIGHT]
        inside = [w for w in body if w[1] <= top + BLOCK_HEIGHT]
        for x0, y0, x1, _, word in inside:
            assert x0 >= left - tolerance and x1 <= left + BLOCK_WIDTH + tolerance, word
            assert y0 >= top - tolerance, word
        # 页码 7 mm below the block: odd pages on the right, even pages on the left.
        bottom = top + BLOCK_HEIGHT
        assert numbers and all(bottom < w[1] and w[3] < bottom + 7 * 72 / 25.4 + 14 for w in numbers)
        centre = left + BLOCK_WIDTH / 2
        assert all((w[0] > centre) if number % 2 else (w[2] < centre) for w in numbers)


@needs_poppler
def test_same_input_gives_identical_bytes(tmp_path: Path, rich_pdf: Path) -> None:
    again = render_pdf(rich_notice(), tmp_path / "again.pdf")
    assert again.read_bytes() == rich_pdf.read_bytes()
    info = _run("pdfinfo", str(again))
    assert "2020" in re.search(r"CreationDate:\s+(.*)", info).group(1)


@needs_poppler
def test_empty_notice_prints_none(tmp_path: Path) -> None:
    pdf = render_pdf(empty_notice(), tmp_path / "empty.pdf")
    text = _flat("".join(_pages(pdf)))
    assert "（一）政府网站方面无。" in text
    assert "1.内容不更新无。" in text
    assert "三、下一步工作要求无。" in text
    assert "合格率" in text and "政府网站000" in text
    assert "附件：" not in text
    assert text.endswith("某县政务服务局2021年1月5日—1—")


@needs_poppler
def test_hostile_values_never_break_rendering(tmp_path: Path) -> None:
    hostile = "<para><b>&amp;&#0;\x00\x07\ufffe]]></font>" + "\n\t" + "𝕏🙂" * 20
    data = replace(
        rich_notice(),
        title=hostile,
        issuer=hostile,
        addressees=hostile,
        overview=[hostile],
        website_problems=[ProblemGroup(hostile, [Problem(hostile, hostile, hostile)])],
        attachments=[Table(1, hostile, [hostile, ""], [[hostile, hostile * 40], [], ["x", "y", "z"]])],
        trend=[("Q1", None, None), ("Q2", None, None)],
    )
    pdf = render_pdf(data, tmp_path / "hostile.pdf")
    assert "<para><b>&amp;" in _flat(_run("pdftotext", str(pdf), "-"))
