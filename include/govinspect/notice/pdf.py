"""The quarterly notice (通报) as a PDF laid out after GB/T 9704-2012 (党政机关公文格式).

Geometry: A4, 天头 37 mm, 订口 28 mm, text block 156 × 225 mm holding 22 lines × 28 characters of
3号 (16 pt). 28 glyphs of 16 pt are 158 mm wide, so, as a word processor's document grid does, the
character pitch is tightened to 156 mm / 28 while the glyphs keep their 3号 size.

Everything printed comes from :class:`~govinspect.notice.model.NoticeData`. Body text is laid out
as plain text (:mod:`govinspect.notice.layout`), table cells are escaped Paragraphs, so no name or
detail in the store can break rendering.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from govinspect.notice.charts import pass_rate_bars, trend_lines
from govinspect.notice.fonts import FontSet, register_fonts
from govinspect.notice.formatting import clean_text, cn_date, cn_ordinal, format_rate
from govinspect.notice.layout import NO_LINE_END, NO_LINE_START, GridText, is_latin, text_width
from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup
from govinspect.notice.model import Table as Attachment

__all__ = ["balance_title", "cn_date", "column_widths", "format_rate", "render_pdf"]

# GB/T 9704 geometry.
TOP_MARGIN = 37 * mm
LEFT_MARGIN = 28 * mm
BLOCK_WIDTH = 156 * mm
BLOCK_HEIGHT = 225 * mm
BOTTOM_MARGIN = A4[1] - TOP_MARGIN - BLOCK_HEIGHT  # 35 mm
PAGE_NUMBER_GAP = 7 * mm  # 一字线上距版心下边缘 7 mm
LANDSCAPE_TOP = 26 * mm  # a turned page keeps the 156 mm side vertical, page number below as usual

BODY_SIZE = 16.0  # 3号
TITLE_SIZE = 22.0  # 2号
PAGE_NUMBER_SIZE = 14.0  # 4号
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LEADING = math.floor(BLOCK_HEIGHT / LINES_PER_PAGE * 100) / 100  # 28.99 pt: 22 lines fill the block
PITCH = BLOCK_WIDTH / CHARS_PER_LINE  # one grid character, the unit of every indent
GRID_SPACE = PITCH - BODY_SIZE  # character spacing that puts 16 pt glyphs on the 28-character grid
TITLE_LEADING = 34.0

TABLE_SIZE = 12.0  # 小四, for the counts table and the attachments
TABLE_LEADING = 15.0
CELL_PAD = 3.0
CAPTION_SIZE = 14.0

_NONE = "无。"
_SENTENCE_END = tuple("。！？；…")
# Good places to end a title line (after 的、， or a closing quote) or to start one (before 与 和 及 关于).
_TITLE_BREAK_AFTER = set("的、，”》）")
_TITLE_BREAK_BEFORE = set("与和及暨")


def _markup(value: object) -> str:
    """Plain text → reportlab Paragraph markup (table cells): entities escaped, line breaks kept."""
    text = clean_text(value).replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    return escape(text, {'"': "&quot;", "'": "&#39;"}).replace("\n", "<br/>")


def _sentence(text: str) -> str:
    """Close a sentence with 。 unless it already ends with sentence punctuation."""
    text = text.strip()
    return text if not text or text.endswith(_SENTENCE_END) else text + "。"


def _title_break_allowed(text: str, i: int) -> bool:
    before, after = text[i - 1], text[i]
    return (
        after not in NO_LINE_START
        and before not in NO_LINE_END
        and not (is_latin(before) and is_latin(after))
    )


def _title_break_cost(text: str, i: int, target: float, font: str, size: float) -> float:
    cost = abs(text_width(text[:i], font, size) - target)
    if text[i - 1] in _TITLE_BREAK_AFTER or text[i] in _TITLE_BREAK_BEFORE or text.startswith("关于", i):
        cost -= 2 * size  # worth two characters of imbalance: keeps words whole (词意完整)
    return cost


def balance_title(text: str, font: str, size: float, width: float) -> list[str]:
    """Split a title into lines of nearly equal width (标题回行排列对称), breaking at natural points.

    A title longer than a few lines is not a title a reader balances by eye: it is left to the
    ordinary line breaking.
    """
    text = " ".join(clean_text(text).split())
    total = text_width(text, font, size)
    if total <= width or len(text) < 2 or total > 4 * width:
        return [text]
    for count in range(math.ceil(total / width), len(text) + 1):
        lines: list[str] = []
        rest = text
        for remaining in range(count, 1, -1):
            target = text_width(rest, font, size) / remaining
            options = [
                i
                for i in range(1, len(rest))
                if _title_break_allowed(rest, i) and text_width(rest[:i], font, size) <= width
            ]
            if not options:
                break
            cut = min(options, key=lambda i: _title_break_cost(rest, i, target, font, size))
            lines.append(rest[:cut])
            rest = rest[cut:]
        lines.append(rest)
        if all(text_width(line, font, size) <= width for line in lines):
            return lines
    return [text]


class _Styles:
    """The faces of one notice and the text blocks built on them."""

    def __init__(self, fonts: FontSet) -> None:
        self.fonts = fonts
        cell = dict(fontName=fonts.body, fontSize=TABLE_SIZE, leading=TABLE_LEADING, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", alignment=TA_LEFT, **cell)
        self.cell_centre = ParagraphStyle("cell_centre", alignment=TA_CENTER, **cell)
        self.head = ParagraphStyle("head", **dict(cell, fontName=fonts.hei, alignment=TA_CENTER))

    def text(self, text: str, font: str | None = None, **kw: object) -> GridText:
        """A line-grid block in the body face unless told otherwise."""
        return GridText(text, font or self.fonts.body, BODY_SIZE, LEADING, char_space=GRID_SPACE, **kw)  # type: ignore[arg-type]

    def body(self, text: str) -> GridText:
        """正文 paragraph: first line indented two characters, justified."""
        return self.text(text, first_indent=2 * PITCH)

    def heading(self, text: str, level: int) -> GridText:
        """一、 in 黑体, （一） in 楷体, 1. in the body face; all indented two characters."""
        font = {1: self.fonts.hei, 2: self.fonts.kai}.get(level, self.fonts.body)
        return self.text(text, font, first_indent=2 * PITCH, indent=0.0, align="left", keep_with_next=True)

    def title(self, text: str, width: float) -> GridText:
        lines = balance_title(text, self.fonts.title, TITLE_SIZE, width)
        return GridText("\n".join(lines), self.fonts.title, TITLE_SIZE, TITLE_LEADING, align="centre")

    def caption(self, text: str) -> GridText:
        return GridText(
            text, self.fonts.body, CAPTION_SIZE, CAPTION_SIZE * 1.6, align="centre", keep_with_next=True
        )


def _block(is_landscape: bool) -> tuple[float, float, float, float]:
    """(left, bottom, width, height) of the text block; a landscape page turns the block on its side."""
    if not is_landscape:
        return LEFT_MARGIN, BOTTOM_MARGIN, BLOCK_WIDTH, BLOCK_HEIGHT
    page_w, page_h = landscape(A4)
    return (page_w - BLOCK_HEIGHT) / 2, page_h - LANDSCAPE_TOP - BLOCK_WIDTH, BLOCK_HEIGHT, BLOCK_WIDTH


def _page_number(canvas: Canvas, doc: BaseDocTemplate) -> None:
    """页码: 4号 half-width digits between 一字线, odd pages right and even pages left, one character in."""
    page_w, page_h = canvas._pagesize
    left, bottom, width, _ = _block(page_w > page_h)
    number = canvas.getPageNumber()
    text = f"— {number} —"
    # The 一字线 sits at mid x-height: its top 7 mm below the block puts the baseline about 0.35 em lower.
    baseline = bottom - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE * 0.35
    canvas.saveState()
    canvas.setFont(doc.fonts.song, PAGE_NUMBER_SIZE)  # type: ignore[attr-defined]
    if number % 2:
        canvas.drawRightString(left + width - PAGE_NUMBER_SIZE, baseline, text)
    else:
        canvas.drawString(left + PAGE_NUMBER_SIZE, baseline, text)
    canvas.restoreState()


class _NoticeDoc(BaseDocTemplate):
    """Portrait pages for the notice, landscape pages for wide attachments."""

    def __init__(self, filename: str, fonts: FontSet, data: NoticeData) -> None:
        super().__init__(
            filename,
            pagesize=A4,
            invariant=1,
            title=clean_text(data.title),
            author=clean_text(data.issuer),
            subject=clean_text(data.quarter_label),
            creator="govinspect",
            lang="zh-CN",
            initialFontName=fonts.song,
            initialFontSize=BODY_SIZE,
        )
        self.fonts = fonts
        templates = []
        for name, is_landscape in (("portrait", False), ("landscape", True)):
            left, bottom, width, height = _block(is_landscape)
            frame = Frame(left, bottom, width, height, 0, 0, 0, 0, id=name)
            size = landscape(A4) if is_landscape else A4
            templates.append(PageTemplate(id=name, frames=[frame], onPage=_page_number, pagesize=size))
        self.addPageTemplates(templates)


def _canvas_maker(issue_date: date) -> type[Canvas]:
    """A canvas whose creation date is the notice's 成文日期, so reruns give the same bytes."""
    stamp = f"D:{issue_date:%Y%m%d}000000+08'00'"

    class _DatedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.setDateFormatter(lambda *_: stamp)

    return _DatedCanvas


# ---------------------------------------------------------------------------------------------- tables


def _rows_of(columns: Sequence[str], rows: Sequence[Sequence[object]]) -> tuple[list[str], list[list[str]]]:
    """Header and rows as clean strings of one width: short rows padded, long rows cut at the header."""
    width = len(columns) or max((len(r) for r in rows), default=0)
    header = [clean_text(c) for c in columns] + [""] * (width - len(columns))
    body = []
    for row in rows:
        cells = [clean_text(c) for c in list(row)[:width]]
        body.append(cells + [""] * (width - len(cells)))
    return header, body


def _text_width(text: str, font: str, size: float) -> float:
    return max((text_width(line, font, size) for line in text.split("\n")), default=0.0)


def _sample_widths(rows: Sequence[Sequence[str]], font: str, size: float) -> list[list[float]]:
    """Text width of every cell of an even sample of at most ~2,000 rows (a large attachment is sized on it)."""
    step = max(1, len(rows) // 2000)
    return [[_text_width(cell[:400], font, size) for cell in row] for row in rows[::step]]


def _need(widths: Sequence[float]) -> float:
    """Width a column needs: the 95th percentile of its cells, so one very long name wraps instead of
    squeezing every other column, but wide enough that the longest cell wraps into a handful of
    lines rather than a column of glyphs."""
    if not widths:
        return 0.0
    ordered = sorted(widths)
    return max(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], ordered[-1] / 8)


def _column_needs(rows: Sequence[Sequence[str]], j: int, font: str, size: float) -> float:
    return _need([_text_width(row[j][:400], font, size) for row in rows[:: max(1, len(rows) // 2000)]])


def _fill(base: Sequence[float], target: Sequence[float], total: float) -> list[float]:
    """Raise ``base`` towards ``target`` until the widths sum to ``total``, the smallest gaps first
    (water-filling): columns that need little get all of it, the widest ones absorb the squeeze."""
    spare = total - sum(base)
    gaps = [max(0.0, t - b) for b, t in zip(base, target, strict=True)]
    if spare <= 0 or not any(gaps):
        return list(base)
    level, left = max(gaps), spare
    for k, gap in enumerate(sorted(gaps)):
        share = left / (len(gaps) - k)
        if gap >= share:
            level = share
            break
        left -= gap
    return [b + min(gap, level) for b, gap in zip(base, gaps, strict=True)]


def _height(sample: Sequence[Sequence[float]], widths: Sequence[float]) -> int:
    """Lines the sampled rows would take at these column widths (a row is as tall as its tallest cell)."""
    inner = [max(w - 2 * CELL_PAD, 1.0) for w in widths]
    return sum(max((math.ceil(c / w - 1e-9) for c, w in zip(row, inner, strict=False) if c), default=1)
               for row in sample)


def column_widths(
    header: Sequence[str], rows: Sequence[Sequence[str]], font: str, size: float, total: float
) -> list[float]:
    """Share ``total`` among the columns: a few characters each at least, the rest by need.

    Headers up to six characters stay on one line; no column asks for more than 45 % of the table.
    Short columns (序号, 平台类型, dates, 检查结果) keep their natural width while the text columns
    give way. Of two ways to squeeze — narrow the widest columns first, or let every text column
    wrap into the same number of lines — the one that gives the shorter table on the sampled rows wins.
    """
    if not header:
        return []
    pad = 2 * CELL_PAD
    sample = _sample_widths(rows, font, size)
    needs, natural, minimum = [], [], []
    for j, title in enumerate(header):
        need = max(_need([row[j] for row in sample]), min(_text_width(title, font, size), 6 * size))
        needs.append(need)
        natural.append(min(need + pad, 0.45 * total))
        minimum.append(natural[-1] if need <= 6 * size else min(natural[-1], 4 * size + pad))
    if sum(natural) <= total:
        scale = total / sum(natural)
        return [w * scale for w in natural]
    if sum(minimum) >= total:
        scale = total / sum(minimum)
        return [w * scale for w in minimum]
    candidates = [_fill(minimum, natural, total)]
    # The widest need may exceed the 45 % cap: measure it uncapped for the same-number-of-lines split.
    for lines in range(2, 64):
        base = [min(max(low, need / lines + pad), 0.45 * total) if low < nat else low
                for need, low, nat in zip(needs, minimum, natural, strict=True)]
        if sum(base) <= total:
            candidates.append(_fill(base, natural, total))
            break
    return min(candidates, key=lambda widths: _height(sample, widths))


def _cell(text: str, width: float, max_height: float, styles: _Styles, centred: bool) -> str | Paragraph:
    """A plain string when the text fits on one line (fast path), a wrapping Paragraph otherwise.

    A cell taller than ``max_height`` is cut with "…" so that every row fits on one page: the
    XLSX attachment carries the full text.
    """
    inner = width - 2 * CELL_PAD
    if "\n" not in text and text_width(text, styles.fonts.body, TABLE_SIZE) <= inner:
        return text
    style = styles.cell_centre if centred else styles.cell
    para = Paragraph(_markup(text), style)
    if para.wrap(inner, max_height)[1] <= max_height:
        return para
    lo, hi = 0, len(text)
    while lo < hi:  # the longest head that still fits, found in a few wraps
        mid = (lo + hi + 1) // 2
        if Paragraph(_markup(text[:mid] + "…"), style).wrap(inner, max_height)[1] <= max_height:
            lo = mid
        else:
            hi = mid - 1
    return Paragraph(_markup(text[:lo] + "…"), style)


def build_table(
    columns: Sequence[str], rows: Sequence[Sequence[object]], styles: _Styles, width: float, height: float
) -> Flowable:
    """A table whose header repeats on every page; cells wrap, an empty table prints 无.

    ``height`` is the text block's: no row may take more than 40 % of it.
    """
    header, body = _rows_of(columns, rows)
    if not header:
        return styles.body(_NONE)
    widths = column_widths(header, body, styles.fonts.body, TABLE_SIZE, width)
    # Short columns (序号, counts, dates, 合格率) read better centred; text columns stay flush left.
    centred = [
        _column_needs(body, j, styles.fonts.body, TABLE_SIZE) <= 6 * TABLE_SIZE for j in range(len(header))
    ]
    data: list[list[object]] = [[Paragraph(_markup(h), styles.head) for h in header]]
    for row in body:
        data.append(
            [_cell(text, w, 0.4 * height, styles, c) for text, w, c in zip(row, widths, centred, strict=True)]
        )
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), styles.fonts.body, TABLE_SIZE, TABLE_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]
    commands += [("ALIGN", (j, 1), (j, -1), "CENTER" if c else "LEFT") for j, c in enumerate(centred)]
    if not body:
        data.append([Paragraph("无", styles.cell_centre)] + [""] * (len(header) - 1))
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return LongTable(data, colWidths=widths, repeatRows=1, style=TableStyle(commands), hAlign="CENTER")


def _counts_table(data: NoticeData, styles: _Styles) -> Flowable:
    """Running / checked / failed / unknown / 合格率 for websites and each platform."""
    header = ["类别", "运行数", "检查数", "不合格数", "无法判定数", "合格率"]
    counts: list[Count] = [data.website_counts, *data.account_counts]
    rows = [
        [c.label, str(c.running), str(c.checked), str(c.failed), str(c.unknown), format_rate(c.pass_rate)]
        for c in counts
    ]
    return build_table(header, rows, styles, BLOCK_WIDTH, BLOCK_HEIGHT)


# ---------------------------------------------------------------------------------------------- body


def _charts(data: NoticeData, styles: _Styles) -> list[Flowable]:
    """Figures for 一、总体情况, each kept with its caption; a chart without figures is left out."""
    font = styles.fonts.body
    figures = [
        (
            "政府网站及各平台政务新媒体合格率",
            pass_rate_bars([data.website_counts, *data.account_counts], font, BLOCK_WIDTH),
        ),
        ("各类单位政务新媒体合格率", pass_rate_bars(data.unit_type_rates, font, BLOCK_WIDTH)),
        ("合格率季度变化", trend_lines(data.trend, font, BLOCK_WIDTH)),
    ]
    out: list[Flowable] = []
    number = 1
    for caption, drawing in figures:
        if drawing is None:
            continue
        out.append(
            KeepTogether([Spacer(1, CAPTION_SIZE / 2), drawing, styles.caption(f"图{number} {caption}")])
        )
        number += 1
    return out


def _problem_line(index: int, problem: Problem) -> str:
    """（1）subject，责任单位：unit。detail。"""
    subject = clean_text(problem.subject).strip() or "未具名对象"
    unit = clean_text(problem.unit).strip()
    text = f"（{index}）{subject}"
    if unit and unit != subject:
        text += f"，责任单位：{unit}"
    text = _sentence(text)
    detail = clean_text(problem.detail).strip()
    return text + _sentence(detail) if detail else text


def _problem_section(groups: list[ProblemGroup], styles: _Styles) -> list[Flowable]:
    """Each category as a numbered 1. heading with its count, each problem as a （1） paragraph."""
    if not groups:
        return [styles.body(_NONE)]
    out: list[Flowable] = []
    for i, group in enumerate(groups, start=1):
        title = clean_text(group.title).strip() or "其他问题"
        if group.items:
            title += f"（{len(group.items)}个）"
        out.append(styles.heading(f"{i}.{title}", 3))
        note = clean_text(group.note).strip()
        if note and group.items:
            out.append(styles.body(_sentence(note)))
        if not group.items:
            out.append(styles.body(_NONE))
        out.extend(styles.body(_problem_line(j, p)) for j, p in enumerate(group.items, start=1))
    return out


def _attachment_note(attachments: list[Attachment], styles: _Styles) -> list[Flowable]:
    """附件说明: 附件：1.名称 — later numbers and wrapped lines align with the first name (GB/T 9704 7.3.4)."""
    measure = styles.text("").measure
    label = "附件："
    out: list[Flowable] = []
    for i, table in enumerate(attachments, start=1):
        number = f"{i}."
        name = clean_text(table.title).strip().rstrip("。；;，,.")
        first = 2 * PITCH + (0.0 if i == 1 else measure(label))
        hanging = 2 * PITCH + measure(label) + measure(number)
        text = (label if i == 1 else "") + number + name
        out.append(styles.text(text, first_indent=first, indent=hanging, align="left"))
    return out


def _signature(data: NoticeData, styles: _Styles) -> list[Flowable]:
    """发文机关署名 2 characters in from the right; 成文日期 starts 2 characters right of it (7.3.5.2).

    When the date is the longer of the two, the date keeps 2 characters on its right and the
    issuer moves left to stay 2 characters ahead of it.
    """
    measure = styles.text("").measure
    issuer = clean_text(data.issuer).strip()
    when = cn_date(data.issue_date)
    issuer_w, date_w = measure(issuer), measure(when)
    date_left = BLOCK_WIDTH - issuer_w  # issuer starts 2 characters earlier and ends 2 before the edge
    if BLOCK_WIDTH - (date_left + date_w) < 2 * PITCH:
        date_left = BLOCK_WIDTH - 2 * PITCH - date_w
    issuer_left = max(date_left - 2 * PITCH, 0.0)
    out: list[Flowable] = []
    if issuer:
        out.append(styles.text(issuer, first_indent=issuer_left, indent=issuer_left, align="left"))
    out.append(styles.text(when, first_indent=max(date_left, 0.0), align="left"))
    return out


def _contact_line(contact: str) -> str:
    """（联系方式：…） after the requirements, unless the profile already wrote its own label."""
    text = clean_text(contact).strip()
    if text.startswith(("（", "(")) or "：" in text or ":" in text:
        return text
    return f"（联系方式：{text}）"


def _body(data: NoticeData, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = []
    if data.document_number.strip():
        story += [styles.text(data.document_number.strip(), align="centre"), Spacer(1, LEADING)]
    story.append(styles.title(data.title, BLOCK_WIDTH))
    story.append(Spacer(1, LEADING))
    if data.addressees.strip():
        story.append(styles.text(data.addressees.strip().rstrip(":：") + "：", align="justify"))
    if data.lead.strip():
        story.append(styles.body(data.lead))

    story.append(styles.heading("一、总体情况", 1))
    story.extend(styles.body(p) for p in data.overview if p.strip())
    story.append(styles.caption(f"表1 {clean_text(data.quarter_label)}政府网站和政务新媒体检查情况"))
    story.append(_counts_table(data, styles))
    story.extend(_charts(data, styles))
    story.append(Spacer(1, LEADING / 2))

    story.append(styles.heading("二、存在问题", 1))
    story.append(styles.heading(f"（{cn_ordinal(1)}）政府网站方面", 2))
    story.extend(_problem_section(data.website_problems, styles))
    story.append(styles.heading(f"（{cn_ordinal(2)}）政务新媒体方面", 2))
    story.extend(_problem_section(data.account_problems, styles))

    story.append(styles.heading("三、下一步工作要求", 1))
    closing = [styles.body(r) for r in data.requirements if r.strip()] or [styles.body(_NONE)]
    if data.contact.strip():
        closing.append(styles.body(_contact_line(data.contact)))
    # The last paragraph travels with the signature so that the signature never opens a page alone.
    story.extend(closing[:-1])
    tail: list[Flowable] = [closing[-1]]
    if data.attachments:
        tail += [Spacer(1, LEADING), *_attachment_note(data.attachments, styles)]
    tail += [Spacer(1, LEADING), *_signature(data, styles)]
    story.append(KeepTogether(tail))
    return story


def _annexes(attachments: list[Attachment], styles: _Styles) -> list[Flowable]:
    """附件 pages: 附件N top left in 黑体, the title centred on the third line, then the table."""
    story: list[Flowable] = []
    for table in attachments:
        story.append(NextPageTemplate("landscape" if table.landscape else "portrait"))
        story.append(PageBreak())
        _, _, width, height = _block(table.landscape)
        story.append(styles.text(f"附件{table.number}", styles.fonts.hei, align="left"))
        story.append(Spacer(1, LEADING))
        story.append(styles.title(table.title, width))
        story.append(Spacer(1, LEADING / 2))
        story.append(build_table(table.columns, table.rows, styles, width, height))
    return story


def render_pdf(data: NoticeData, path: Path) -> Path:
    """Render the notice and its attachments to ``path``; the same data gives the same bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fonts = register_fonts()
    styles = _Styles(fonts)
    doc = _NoticeDoc(str(path), fonts, data)
    story = _body(data, styles) + _annexes(list(data.attachments), styles)
    doc.build(story, canvasmaker=_canvas_maker(data.issue_date))
    return path
