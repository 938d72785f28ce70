"""Publication dates (发布日期) as Chinese government pages write them — the project's one date parser.

Every check that needs a date from text goes through here, so that "2020年10月21日", "[10-21]" and
"二〇二〇年十月二十一日" mean the same thing everywhere. Year-only forms ("© 2020", "2020年工作要点")
are never dates: a title's year is not a publication date. Impossible dates are rejected, not
guessed. Full dates after ``as_of`` are returned as written; callers flag them (V1(e), forged dates).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

__all__ = [
    "date_from_url",
    "find_dates",
    "infer_year",
    "labelled_date",
    "labelled_dates",
    "parse_date",
    "parse_date_element",
]

# Full-width digits, separators and brackets (［１０－２１］). The full-width colon and space need no
# mapping: every pattern below accepts "：" and \s matches the ideographic space.
_WIDTH = str.maketrans("０１２３４５６７８９－／．［］", "0123456789-/.[]")
_WIDE = re.compile("[０-９－／．［］]")


def _narrow(text: str) -> str:
    return text.translate(_WIDTH) if _WIDE.search(text) else text


_YEAR = r"(19[5-9]\d|20\d\d)"
_NUMERIC = re.compile(_YEAR + r"[ \t\u3000]*([-/.])[ \t\u3000]*(\d{1,2})[ \t\u3000]*\2[ \t\u3000]*(\d{1,2})(?!\d)")
_CJK = re.compile(_YEAR + r"\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})(?:\s*[日号])?(?!\d)")
_CN_ZERO = "〇零○ＯOo0"
_CN_DIGITS = {**dict.fromkeys(_CN_ZERO, 0), **{c: i for i, c in enumerate("一二三四五六七八九", 1)}}
_CN = re.compile(
    r"([〇零○ＯOo0一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十廿卅]{1,3})\s*日"
)
_FULL_FORMS = (_NUMERIC, _CJK, _CN)

# Yearless forms, only read where the text is a list item's date: "[10-21]" anywhere, bare
# "10-21", "10/21", "10月21日" when not glued to other digits.
_BRACKETED = re.compile(r"[\[(（【]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\])）】]")
_BARE = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*(?:([-/])|月)\s*(\d{1,2})(?(2)|\s*日)(?![\d\-/.])")
_BARE_DOT = re.compile(r"(\d{1,2})\.(\d{1,2})")

_QUICK = re.compile(r"[\d〇零○Ｏ一二三四五六七八九]")

# Publication labels, strongest first: a page's own publication date beats its 成文日期.
_PUB_LABELS = r"发布时间|发布日期|发稿时间|发稿日期|信息时间|发表时间|公开日期|公开时间|发布于"
_DOC_LABELS = r"成文日期|成文时间|发文日期|印发日期|生成日期|更新时间|更新日期"
_BARE_LABELS = r"(?<![\u4e00-\u9fff])(?:日期|时间)"
# Every label of the three tiers in one pattern, each alternative starting with its label's first
# character so the regex engine skips from one such character to the next (the bare 日期 / 时间 check
# the character before them after their first one). No label starts inside another's match, so one
# scan finds what a scan per tier would; the first two characters of a label tell its tier.
_LABEL_TAIL = r"\s*[:：]?\s*[\[(（【]?\s*"
_BARE_TAIL = r"\s*[:：]\s*[\[(（【]?\s*"
_LABELS = re.compile(
    "|".join(label + _LABEL_TAIL for label in (_PUB_LABELS + "|" + _DOC_LABELS).split("|"))
    + "|日(?<![\u4e00-\u9fff].)期" + _BARE_TAIL + "|时(?<![\u4e00-\u9fff].)间" + _BARE_TAIL
)
_LABEL_TIER = {
    **{label[:2]: 0 for label in _PUB_LABELS.split("|")},
    **{label[:2]: 1 for label in _DOC_LABELS.split("|")},
    "日期": 2,
    "时间": 2,
}
_ANY_LABEL = re.compile(r"(?:" + _PUB_LABELS + "|" + _DOC_LABELS + "|" + _BARE_LABELS + r")\s*[:：]?")

# What may surround a date in a date element without making it "more than a date".
_TIME = re.compile(r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
_WEEKDAY = re.compile(r"(?:星期|周|礼拜)[一二三四五六日天]")
_RESIDUE_OK = re.compile(r"[\s\[\]()（）【】:：\-/.|·,，、T+]*")


def _cn_number(text: str) -> int | None:
    """十 → 10, 二十一 → 21, 廿一 → 21, 九 → 9 (month and day of a 成文日期)."""
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return None
        high = _CN_DIGITS.get(tens, -1) if tens else 1
        low = _CN_DIGITS.get(ones, -1) if ones else 0
        return None if high < 1 or low < 0 else high * 10 + low
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def infer_year(month: int, day: int, as_of: date) -> date | None:
    """A yearless list date ([10-21]) read on ``as_of``: this year, or last year if that is still to come."""
    this_year = _make(as_of.year, month, day)
    if this_year is not None and this_year <= as_of:
        return this_year
    return _make(as_of.year - 1, month, day)


def _full_date(match: re.Match[str]) -> date | None:
    if match.re is _CN:
        digits = [_CN_DIGITS[c] for c in match.group(1)]
        year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        month, day = _cn_number(match.group(2)), _cn_number(match.group(3))
        if month is None or day is None or not 1950 <= year <= 2099:
            return None
        return _make(year, month, day)
    if match.re is _NUMERIC:
        return _make(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _full_matches(text: str) -> list[tuple[int, int, date]]:
    found = []
    for pattern in _FULL_FORMS:
        for match in pattern.finditer(text):
            if match.start() and text[match.start() - 1].isdigit():
                continue
            parsed = _full_date(match)
            if parsed is not None:
                found.append((match.start(), match.end(), parsed))
    return found


def _yearless_matches(text: str, as_of: date, taken: list[tuple[int, int, date]]) -> list[tuple[int, int, date]]:
    found = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in taken) and all(end <= s or start >= e for s, e, _ in found)

    for match in _BRACKETED.finditer(text):
        parsed = infer_year(int(match.group(1)), int(match.group(2)), as_of)
        if parsed is not None and free(match.start(), match.end()):
            found.append((match.start(), match.end(), parsed))
    for match in _BARE.finditer(text):
        parsed = infer_year(int(match.group(1)), int(match.group(3)), as_of)
        if parsed is not None and free(match.start(), match.end()):
            found.append((match.start(), match.end(), parsed))
    return found


def _matches(text: str, as_of: date, yearless: bool) -> list[tuple[int, int, date]]:
    if not text or not _QUICK.search(text):
        return []
    text = _narrow(text)
    found = _full_matches(text)
    if yearless:
        found += _yearless_matches(text, as_of, found)
    found.sort(key=lambda m: m[0])
    return found


def find_dates(text: str, as_of: date, *, yearless: bool = False) -> list[date]:
    """Every full date in ``text``, in reading order.

    ``yearless=True`` is for the text of a list item's date element or the text beside its link:
    it also reads ``[10-21]``, ``(10-21)``, ``10-21`` and ``10月21日`` with the year taken from ``as_of``.
    """
    return [d for _, _, d in _matches(text, as_of, yearless)]


def labelled_dates(text: str, as_of: date) -> list[date]:
    """Every date that follows a date label (发布时间：, 发布日期, 发稿时间, 信息时间, 成文日期 …).

    Ordered by label strength, then reading order: a page's own 发布 dates come before
    成文日期 / 发文日期, which come before a bare 日期： or 时间：. A yearless date after a label
    (``发布时间：10-21``) takes its year from ``as_of``.
    """
    if not text or not _QUICK.search(text):
        return []
    text = _narrow(text)
    tiers: tuple[list[date], list[date], list[date]] = ([], [], [])
    for label in _LABELS.finditer(text):
        parsed = _date_at(text, label.end(), as_of)
        if parsed is not None:
            start = label.start()
            tiers[_LABEL_TIER[text[start:start + 2]]].append(parsed)
    return tiers[0] + tiers[1] + tiers[2]


def _date_at(text: str, position: int, as_of: date) -> date | None:
    for pattern in _FULL_FORMS:
        match = pattern.match(text, position)
        if match:
            return _full_date(match)
    match = _BARE.match(text, position)
    return infer_year(int(match.group(1)), int(match.group(3)), as_of) if match else None


def labelled_date(text: str, as_of: date) -> date | None:
    """The date after the strongest publication label: 发布时间 beats 成文日期 beats a bare 日期：."""
    found = labelled_dates(text, as_of)
    return found[0] if found else None


def parse_date(text: str, as_of: date, *, yearless: bool = False) -> date | None:
    """The date of a piece of text: the labelled publication date if there is one, else the first date."""
    labelled = labelled_date(text, as_of)
    if labelled is not None:
        return labelled
    found = _matches(text, as_of, yearless)
    return found[0][2] if found else None


# The shapes nearly every list uses ("2020-10-21", "[10-21]", "2020年10月21日 09:30"), read in one match.
_SIMPLE_ELEMENT = re.compile(
    r"\s*[\[(（【]?\s*(?:(19[5-9]\d|20\d\d)\s*([-/.年])\s*)?(\d{1,2})\s*([-/.月])\s*(\d{1,2})\s*[日号]?"
    r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*[\])）】]?\s*"
)


def _simple_date(match: re.Match[str], as_of: date) -> date | None:
    year, first, month, second, day = match.groups()
    if year is None:
        return infer_year(int(month), int(day), as_of)
    if (first == "年") != (second == "月") or (first != "年" and first != second):
        return None
    return _make(int(year), int(month), int(day))


def parse_date_element(text: str, as_of: date) -> date | None:
    """The date when ``text`` is a date and nothing more: a list item's date element.

    Accepts brackets, a label, a time and a weekday around it (``[2020-10-21]``, ``(10-21)``,
    ``发布时间：2020-10-21 09:30``, ``10.21``) but not a title that merely contains a date
    ("关于2020年10月1日起实施…"), so a date inside a title is never taken for the item's date.
    """
    if not text or len(text) > 48 or not _QUICK.search(text):
        return None
    text = _narrow(text)
    simple = _SIMPLE_ELEMENT.fullmatch(text)
    if simple:
        return _simple_date(simple, as_of)
    text = _ANY_LABEL.sub(" ", text)
    text = _WEEKDAY.sub(" ", text)
    found = _full_matches(text) or _yearless_matches(text, as_of, [])
    if not found and _RESIDUE_OK.fullmatch(_BARE_DOT.sub("", text, count=1)):
        dot = _BARE_DOT.search(text)
        if dot:
            parsed = infer_year(int(dot.group(1)), int(dot.group(2)), as_of)
            found = [(dot.start(), dot.end(), parsed)] if parsed else []
    if len(found) != 1:
        return None
    start, end, parsed = found[0]
    rest = _TIME.sub(" ", text[:start] + " " + text[end:])
    return parsed if _RESIDUE_OK.fullmatch(rest) else None


# Dates written into URL paths by the common CMS families.
_URL_FORMS = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+"),  # TRS WCM: /202010/t20201021_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/art_"),  # 大汉 Hanweb: /art/2020/10/21/art_1_2.html
    re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/(?:content_|c_)"),  # gov.cn, xinhua: /2020-10/21/content_1.htm
    re.compile(r"/((?:19|20)\d{2})/(\d{2})(\d{2})/c\d+a\d+/"),  # 博达: /2020/1021/c123a456/page.htm
    re.compile(r"/((?:19|20)\d{2})/(\d{2})/(\d{2})/"),  # /2020/10/21/...
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})/"),  # /20201021/...
)


def date_from_url(url: str) -> date | None:
    """The date a CMS wrote into a URL path (``/t20201021_123.html``), or None when the path holds none.

    Only path shapes that are dates by construction count; a bare 8-digit number elsewhere does not.
    """
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in _URL_FORMS:
        match = pattern.search(path)
        if match:
            parsed = _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if parsed is not None:
                return parsed
    return None
