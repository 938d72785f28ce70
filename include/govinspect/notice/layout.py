"""Line layout for 公文 text: a fixed character grid, Chinese line-breaking rules (禁则), justification.

reportlab's Paragraph wraps CJK text one glyph at a time and justifies only at spaces, so a
Chinese paragraph ends ragged and may start a line with "，" or end one with "《". ``GridText``
lays out plain text (no markup, so names never need escaping) the way GB/T 9704 expects:

- character pitch fixed by the grid (28 characters of 3号 in the 156 mm block);
- no line starts with closing punctuation and none ends with opening punctuation: characters are
  pushed to the next line instead (推出), and the line is justified by character spacing;
- Latin runs (URLs, numbers such as 2020-10-21, codes) are kept whole unless longer than a line.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from govinspect.notice.formatting import clean_text

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉｝］’”…—·～％‰℃,.;:?!)]}%")
NO_LINE_END = frozenset("（《「『【〔〈｛［‘“([{")
_MAX_PUSH = 4  # characters moved to the next line at most, before giving up on a rule
_FUZZ = 1e-6


@lru_cache(maxsize=65536)
def _char_width(ch: str, font: str, size: float) -> float:
    return stringWidth(ch, font, size)


def text_width(text: str, font: str, size: float, char_space: float = 0.0) -> float:
    """Visible width of ``text``: glyph advances plus the spacing between characters."""
    if not text:
        return 0.0
    return sum(_char_width(ch, font, size) for ch in text) + char_space * (len(text) - 1)


def is_latin(ch: str) -> bool:
    """Part of a Latin run (word, number, URL), which is kept on one line when it fits."""
    if ch.isspace():
        return False
    if ord(ch) < 0x80:
        return True
    return ord(ch) < 0x2E80 and ch not in NO_LINE_START and ch not in NO_LINE_END


def _units(text: str) -> list[str]:
    """Unbreakable pieces: one CJK character, one space, or a whole Latin run (word, number, URL)."""
    units: list[str] = []
    run = ""
    for ch in text:
        if is_latin(ch):
            run += ch
            continue
        if run:
            units.append(run)
            run = ""
        units.append(ch)
    if run:
        units.append(run)
    return units


@dataclass(frozen=True)
class Line:
    text: str
    indent: float  # from the left edge of the frame
    justify: bool  # stretch to the full measure (every line of a paragraph but its last)


def break_lines(
    text: str,
    width: float,
    measure: Callable[[str], float],
    first_indent: float = 0.0,
    indent: float = 0.0,
) -> list[Line]:
    """Greedy line breaking under the Chinese rules; ``measure`` gives a string's advance."""
    lines: list[Line] = []
    for hard in clean_text(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        lines.extend(_break_hard(hard, width, measure, first_indent if not lines else indent, indent))
    return lines


def _break_hard(
    text: str, width: float, measure: Callable[[str], float], first_indent: float, indent: float
) -> list[Line]:
    queue = _units(text)
    queue.reverse()  # pop() from the end is the next unit
    lines: list[Line] = []
    current: list[str] = []
    used = 0.0

    def measure_of(i: int) -> float:
        return width - (first_indent if i == 0 else indent)

    while queue:
        unit = queue.pop()
        w = measure(unit)
        available = measure_of(len(lines))
        if not current and unit.isspace():
            continue  # no line starts with a space
        if used + w <= available + _FUZZ or not current and w <= available + _FUZZ:
            current.append(unit)
            used += w
            continue
        if w > available + _FUZZ:
            # A Latin run longer than a whole line: fill this line with its head, carry the tail.
            head, tail = _cut(unit, available - used, measure, at_least_one=not current)
            if head:
                current.append(head)
            lines.append(Line("".join(current).rstrip(), first_indent if not lines else indent, True))
            current, used = [], 0.0
            queue.append(tail)
            continue
        # Break before ``unit``; move characters down while a rule is broken.
        carried = [unit]
        moved = 0
        while (
            len(current) > 1
            and moved < _MAX_PUSH
            and (carried[0][0] in NO_LINE_START or current[-1][-1] in NO_LINE_END)
        ):
            carried.insert(0, current.pop())
            moved += 1
        if carried[0][0] in NO_LINE_START or current[-1][-1] in NO_LINE_END:
            # Unfixable within the limit (e.g. a run of closing marks): restore the plain break.
            while len(carried) > 1:
                current.append(carried.pop(0))
        line = "".join(current).rstrip()
        lines.append(Line(line, first_indent if not lines else indent, True))
        current, used = [], 0.0
        queue.extend(reversed(carried))
    lines.append(Line("".join(current).rstrip(), first_indent if not lines else indent, False))
    return lines


def _cut(unit: str, available: float, measure: Callable[[str], float], at_least_one: bool) -> tuple[str, str]:
    """The longest head of ``unit`` that fits; on an empty line at least one character, so layout progresses."""
    lo, hi = (1 if at_least_one else 0), len(unit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(unit[:mid]) <= available + _FUZZ:
            lo = mid
        else:
            hi = mid - 1
    return unit[:lo], unit[lo:]


class GridText(Flowable):
    """A paragraph of plain text on the 公文 grid; splits between lines across pages.

    ``align`` is ``justify`` (正文), ``left``, ``centre`` or ``right``. ``char_space`` is the
    spacing added after every character to reach the grid pitch (negative to tighten).
    """

    def __init__(
        self,
        text: str,
        font: str,
        size: float,
        leading: float,
        *,
        first_indent: float = 0.0,
        indent: float = 0.0,
        align: str = "justify",
        char_space: float = 0.0,
        keep_with_next: bool = False,
        lines: list[Line] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.font = font
        self.size = size
        self.leading = leading
        self.first_indent = first_indent
        self.indent = indent
        self.align = align
        self.char_space = char_space
        self.keepWithNext = keep_with_next
        self._fixed = lines  # set on the halves of a split: laid out already
        self._lines: list[Line] = lines or []
        self._width = 0.0

    @property
    def lines(self) -> list[Line]:
        """The lines as last laid out by :meth:`wrap`."""
        return list(self._lines)

    def measure(self, text: str) -> float:
        """Advance of ``text`` including the grid spacing after each character."""
        return text_width(text, self.font, self.size, self.char_space) + self.char_space if text else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._fixed is None and (not self._lines or self._width != availWidth):
            self._lines = break_lines(self.text, availWidth, self.measure, self.first_indent, self.indent)
        self._width = availWidth
        self.width = availWidth
        self.height = self.leading * len(self._lines)
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fit = int(math.floor((availHeight + _FUZZ) / self.leading))
        if fit <= 0:
            return []
        if fit >= len(self._lines):
            return [self]
        return [self._part(self._lines[:fit]), self._part(self._lines[fit:])]

    def _part(self, lines: list[Line]) -> GridText:
        part = GridText(
            "",
            self.font,
            self.size,
            self.leading,
            align=self.align,
            char_space=self.char_space,
            lines=lines,
        )
        part._width = self._width
        return part

    def draw(self) -> None:
        canvas = self.canv
        # Centre the em box of each line in its line pitch, as a fixed line spacing does in a word processor.
        ascent = self.size * 0.88
        descent = self.size * 0.12
        first_baseline = self.height - (self.leading - (ascent + descent)) / 2 - ascent
        for i, line in enumerate(self._lines):
            if not line.text:
                continue
            measure = self._width - line.indent
            glyphs = text_width(line.text, self.font, self.size)
            gaps = len(line.text) - 1
            spacing = self.char_space
            natural = glyphs + spacing * gaps
            if self.align == "justify" and line.justify and gaps > 0:
                stretch = (measure - glyphs) / gaps
                # A line left very short by a long unbreakable run stays ragged rather than spaced out.
                if stretch - spacing <= self.size * 0.5:
                    spacing, natural = stretch, measure
            if self.align == "centre":
                x = line.indent + (measure - natural) / 2
            elif self.align == "right":
                x = self._width - natural
            else:
                x = line.indent
            tx = canvas.beginText(x, first_baseline - i * self.leading)
            tx.setFont(self.font, self.size)
            tx.setCharSpace(spacing)
            tx.textOut(line.text)
            canvas.drawText(tx)
