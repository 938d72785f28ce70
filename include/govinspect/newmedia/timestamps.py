"""Post times as feeds and platform APIs write them, read into China time (+08:00).

This is the machine-time counterpart of :mod:`govinspect.dates` (which reads the dates people
write on pages): RFC 822 (RSS, RSSHub writes GMT), ISO 8601 (Atom, JSON Feed), Weibo's
``Tue Oct 13 08:42:07 +0800 2020``, epoch seconds or milliseconds, and the relative forms of
Weibo's mobile API (刚刚, 3小时前, 昨天 23:40, 10-03), read against the moment of the fetch.

A time without a zone is China time: Chinese CMS feeds write ``2020-10-14 23:40:00`` and mean
Beijing time, and reading it as UTC would move late-evening posts to the next day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

from govinspect.quarter import CHINA

__all__ = ["parse_timestamp"]

_WEIBO = "%a %b %d %H:%M:%S %z %Y"
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
_AGO = re.compile(r"(\d{1,3})\s*(秒|分钟|小时|天)前")
_DAY_WORD = re.compile(r"(今天|昨天|前天)\s*(\d{1,2}):(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?")
_NAIVE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
# Epochs outside 2000-01-01 … 2100-01-01 are not post times.
_EPOCH_MIN, _EPOCH_MAX = 946_684_800, 4_102_444_800


def _china(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment.astimezone(CHINA)


def _from_epoch(value: float) -> datetime | None:
    seconds = value / 1000 if value > _EPOCH_MAX else value
    if not _EPOCH_MIN <= seconds < _EPOCH_MAX:
        return None
    return datetime.fromtimestamp(seconds, CHINA)


def _relative(text: str, now: datetime) -> datetime | None:
    """Weibo mobile's relative times, read against ``now`` (the fetch, in China time)."""
    now = _china(now)
    if text == "刚刚":
        return now
    if m := _AGO.fullmatch(text):
        unit = {"秒": "seconds", "分钟": "minutes", "小时": "hours", "天": "days"}[m.group(2)]
        return now - timedelta(**{unit: int(m.group(1))})
    if m := _DAY_WORD.fullmatch(text):
        back = {"今天": 0, "昨天": 1, "前天": 2}[m.group(1)]
        day = now.date() - timedelta(days=back)
        return _at(day, int(m.group(2)), int(m.group(3)))
    if m := _MONTH_DAY.fullmatch(text):
        try:
            day = date(now.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        if day > now.date():  # "12-30" read on 5 January is last year's
            try:
                day = day.replace(year=now.year - 1)
            except ValueError:
                return None
        return _at(day, int(m.group(3) or 0), int(m.group(4) or 0))
    return None


def _at(day: date, hour: int, minute: int, second: int = 0) -> datetime | None:
    try:
        return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA)
    except ValueError:
        return None


def parse_timestamp(value: object, now: datetime | None = None) -> datetime | None:
    """``value`` as an aware datetime in China time, or None when it is not a readable time.

    ``now`` is when the answer was fetched; without it, relative forms (3小时前) are not read.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    text = str(value).strip()
    if not text:
        return None
    if _EPOCH.fullmatch(text):
        return _from_epoch(float(text))
    try:
        return _china(datetime.strptime(text, _WEIBO))
    except ValueError:
        pass
    if re.search(r"[A-Za-z]{3}", text):  # RFC 822 always names a month
        try:
            return _china(parsedate_to_datetime(text))
        except (TypeError, ValueError, IndexError):
            pass
    try:
        return _china(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    if m := _NAIVE.fullmatch(text):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in m.groups())
        try:
            return _at(date(year, month, day), hour, minute, second)
        except ValueError:
            return None
    if now is not None:
        return _relative(text, now)
    return None
