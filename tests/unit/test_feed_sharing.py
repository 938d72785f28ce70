"""Account batches that run at once share each platform's rate: SourceSettings.shared_by."""

from __future__ import annotations

import pytest

from govinspect.newmedia.settings import SourceSettings


def _settings() -> SourceSettings:
    settings = SourceSettings()
    settings.rate_limits = {"weibo": 2.0, "douyin": 1.0, "toutiao": 0.5}
    settings.default_interval = 0.5
    return settings


def test_one_batch_at_a_time_keeps_the_intervals() -> None:
    settings = _settings()
    settings.shared_by(1, {"weibo": 9})
    assert settings.rate_limits == {"weibo": 2.0, "douyin": 1.0, "toutiao": 0.5}
    assert settings.default_interval == 0.5


def test_without_a_plan_every_interval_is_multiplied_by_the_slots() -> None:
    settings = _settings()
    settings.shared_by(2)
    assert settings.rate_limits == {"weibo": 4.0, "douyin": 2.0, "toutiao": 1.0}
    assert settings.default_interval == 1.0


@pytest.mark.parametrize(("slots", "weibo_batches", "expected"), [(2, 1, 2.0), (2, 5, 4.0), (3, 2, 4.0), (4, 9, 8.0)])
def test_a_platform_is_slowed_only_by_the_batches_that_can_read_it_together(
        slots: int, weibo_batches: int, expected: float) -> None:
    settings = _settings()
    settings.shared_by(slots, {"weibo": weibo_batches, "bilibili": 3})
    assert settings.rate_limits["weibo"] == expected
    # a platform with no interval of its own takes the default, shared the same way
    assert settings.rate_limits["bilibili"] == 0.5 * min(slots, 3)
    # platforms this batch does not read are not this batch's concern: the default stays as set
    assert settings.default_interval == 0.5
