from datetime import date

import pytest

from govinspect.quarter import Quarter


@pytest.mark.parametrize("text", ["2020Q3", "2020q3", "2020-3", " 2020 Q3 "])
def test_parse_forms(text):
    assert Quarter.parse(text) == Quarter(2020, 3)


@pytest.mark.parametrize("text", ["2020Q5", "2020", "Q3", ""])
def test_parse_rejects(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


def test_bounds_and_neighbours():
    q = Quarter(2020, 4)
    assert (q.start, q.end) == (date(2020, 10, 1), date(2020, 12, 31))
    assert q.next() == Quarter(2021, 1)
    assert Quarter(2021, 1).previous() == q
    assert Quarter(2020, 3).default_check_point() == date(2020, 10, 15)
    assert Quarter(2020, 3).label_zh == "2020年第三季度"
    assert Quarter.containing(date(2020, 8, 31)) == Quarter(2020, 3)


def test_default_check_point_is_never_in_the_future(tmp_path):
    from govinspect.profile import Profile

    profile = Profile(path=tmp_path / "p.toml", county="旗", region_code="", issuer="局", addressees="各单位")
    q = Quarter(2020, 3)
    assert profile.check_point_for(q, today=date(2020, 10, 1)) == date(2020, 10, 1)
    assert profile.check_point_for(q, today=date(2021, 3, 1)) == date(2020, 10, 15)
    profile.check_point["2020Q3"] = date(2020, 10, 13)
    assert profile.check_point_for(q, today=date(2020, 10, 1)) == date(2020, 10, 13)
