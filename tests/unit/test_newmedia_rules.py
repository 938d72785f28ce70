"""The rules around the sources: post times, NM2 from a known last post only, manual evidence,
screening against the bureau's lists, settings and secrets, and polite fetching (limits, retries,
the run's cache) with a fake clock."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path

import pytest

from govinspect.checks.outcomes import Outcome
from govinspect.net import FetchResult, status_outcome
from govinspect.newmedia.adapters import AccountResult, apply_manual
from govinspect.newmedia.fetch import RateLimiter, RetryPolicy, SourceFetcher, redact
from govinspect.newmedia.manual import ManualRecord
from govinspect.newmedia.model import (
    AccountState,
    AccountTarget,
    Freshness,
    Post,
    freshness_of,
    state_from_message,
)
from govinspect.newmedia.screening import (
    ScreeningListError,
    ScreeningLists,
    load_lists,
    read_leaders,
    read_terms,
    screen_post,
)
from govinspect.newmedia.settings import SourceCredentials, SourceSettings, SourceSettingsError
from govinspect.newmedia.timestamps import parse_timestamp
from govinspect.quarter import CHINA

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "screening"
CHECK_POINT = date(2020, 10, 15)
NOW = datetime(2020, 10, 15, 10, 0, tzinfo=CHINA)


# --- times and freshness --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("Wed, 30 Sep 2020 17:30:00 GMT", "2020-10-01T01:30:00+08:00"),
    ("30 Sep 2020 17:30:00 +0000", "2020-10-01T01:30:00+08:00"),
    ("Wed, 14 Oct 2020 18:02:11 +0800", "2020-10-14T18:02:11+08:00"),
    ("Tue Oct 13 08:42:07 +0800 2020", "2020-10-13T08:42:07+08:00"),
    ("2020-10-11T07:35:20.000Z", "2020-10-11T15:35:20+08:00"),
    ("2020-09-29T18:30:00+08:00", "2020-09-29T18:30:00+08:00"),
    ("2020-10-14 23:40:00", "2020-10-14T23:40:00+08:00"),
    ("2020/10/14", "2020-10-14T00:00:00+08:00"),
    (1602466260000, "2020-10-12T09:31:00+08:00"),
    (1602466260, "2020-10-12T09:31:00+08:00"),
    ("1601694120", "2020-10-03T11:02:00+08:00"),
    ("刚刚", "2020-10-15T10:00:00+08:00"),
    ("25分钟前", "2020-10-15T09:35:00+08:00"),
    ("3小时前", "2020-10-15T07:00:00+08:00"),
    ("昨天 23:40", "2020-10-14T23:40:00+08:00"),
    ("10-03", "2020-10-03T00:00:00+08:00"),
    ("12-30", "2019-12-30T00:00:00+08:00"),
    ("上周", None), ("2020-02-30", None), ("13-45", None), (0, None), (True, None), ("", None), (None, None),
])
def test_post_times_in_china_time(value: object, expected: str | None) -> None:
    moment = parse_timestamp(value, NOW)
    assert (moment.isoformat() if moment else None) == expected


def test_relative_times_need_the_moment_of_the_fetch() -> None:
    assert parse_timestamp("3小时前") is None


@pytest.mark.parametrize("last, expected", [
    (date(2020, 10, 1), Freshness.FRESH),  # exactly 14 days before the check point
    (date(2020, 9, 30), Freshness.STALE),
    (date(2020, 10, 15), Freshness.FRESH),
    (None, Freshness.UNKNOWN),
])
def test_nm2_comes_only_from_a_known_last_post(last: date | None, expected: Freshness) -> None:
    assert freshness_of(last, CHECK_POINT) == expected


@pytest.mark.parametrize("text, state", [
    ("NotFoundError: 该账号已注销或不存在", AccountState.CANCELLED),
    ("该账号因被投诉违反法律法规和《微博社区公约》的相关规定，现已无法查看。", AccountState.BANNED),
    ("NotFoundError: 用户不存在", AccountState.NOT_FOUND),
    ("账号已停用", AccountState.CANCELLED),
    ("超过14天未更新", None), ("", None), (None, None),
])
def test_states_named_in_messages_and_notes(text: str | None, state: AccountState | None) -> None:
    assert state_from_message(text) == state


# --- manual evidence ------------------------------------------------------------------------------------


def _result(freshness: Freshness, last: date | None, state: AccountState = AccountState.NORMAL) -> AccountResult:
    return AccountResult(AccountTarget("wechat", "gh_1", "前旗"), freshness, state, last, None, "rsshub",
                         None if last else "请求超时", NOW)


def test_manual_evidence_decides_an_unknown_account() -> None:
    unknown = _result(Freshness.UNKNOWN, None, AccountState.UNKNOWN)
    record = ManualRecord(date(2020, 9, 20), "王某", date(2020, 10, 14), "证据/gh_1.png")
    result = apply_manual(unknown, record, CHECK_POINT)
    assert (result.freshness, result.state, result.last_post, result.source, result.reason) == (
        Freshness.STALE, AccountState.NORMAL, date(2020, 9, 20), "manual", None)
    evidence = result.evidence()
    assert evidence["manual"] == {"what": "人工核查", "last_post": "2020-09-20", "who": "王某", "when": "2020-10-14",
                                  "where": "证据/gh_1.png", "note": None}
    assert evidence["automatic"]["reason"] == "请求超时" and not result.needs_manual


def test_manual_evidence_over_a_known_reading_is_noted() -> None:
    result = apply_manual(_result(Freshness.STALE, date(2020, 9, 1)), ManualRecord(date(2020, 10, 12)), CHECK_POINT)
    assert result.freshness == Freshness.FRESH and result.source == "manual"
    assert "不一致" in result.remarks[0]


def test_a_manual_record_without_a_usable_date_leaves_a_known_reading() -> None:
    known = _result(Freshness.FRESH, date(2020, 10, 10))
    for record in (ManualRecord(None, "高某"), ManualRecord(date(2020, 10, 20), "高某")):
        result = apply_manual(known, record, CHECK_POINT)
        assert (result.freshness, result.last_post, result.source) == (Freshness.FRESH, date(2020, 10, 10), "rsshub")
        assert result.remarks and result.remarks[0].startswith("人工核查记录未采用")


def test_a_manual_record_after_the_check_point_cannot_decide() -> None:
    result = apply_manual(_result(Freshness.UNKNOWN, None), ManualRecord(date(2020, 10, 20)), CHECK_POINT)
    assert result.freshness == Freshness.UNKNOWN and "晚于检查基准日" in result.reason


def test_an_inspector_can_record_that_the_account_is_gone() -> None:
    result = apply_manual(_result(Freshness.UNKNOWN, None, AccountState.UNKNOWN),
                          ManualRecord(None, "王某", date(2020, 10, 14), note="平台显示该账号已注销"), CHECK_POINT)
    assert (result.state, result.freshness, result.source) == (AccountState.CANCELLED, Freshness.UNKNOWN, "manual")


# --- screening ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lists() -> ScreeningLists:
    return load_lists(LISTS / "敏感词.txt", LISTS / "领导干部.csv")


def _post(text: str) -> Post:
    return Post("标题", NOW, "https://weibo.com/1/Abc", text)


def test_lists_are_read(lists: ScreeningLists) -> None:
    assert [(t.text, t.category) for t in lists.terms][:2] == [("中华人民共合国", "严重表述错误"), ("国家秘密", "涉密")]
    leaders = {leader.name: leader for leader in lists.leaders}
    assert leaders["李某华"].titles == ("旗委副书记", "旗长") and leaders["张某明"].wrong_names == ("张某名",)
    assert [s["file"] for s in lists.sources] == ["敏感词.txt", "领导干部.csv"]


@pytest.mark.parametrize("text, found", [
    ("以优异成绩庆祝中华人民共合国成立71周年", [("sensitive_word", "中华人民共合国", None)]),
    ("附件为内部资料请勿外传", [("sensitive_word", "内部资料 请勿外传", None)]),
    ("旗长张某明在城川镇调研", [("wrong_title", "旗长张某明", "旗委书记")]),
    ("张某明旗长强调", [("wrong_title", "旗长张某明", "旗委书记")]),
    ("副旗长李某华出席", [("wrong_title", "副旗长李某华", "旗委副书记、旗长")]),
    ("旗委副书记、旗长李某华主持会议", []),
    ("鄂托克前旗旗委书记张某明", []),
    ("副旗长王某军带队检查", []),
    ("旗委书记张某名讲话", [("wrong_name", "张某名", "张某明")]),
    ("李某华同志", []),
])
def test_screening_finds_candidates(lists: ScreeningLists, text: str, found: list[tuple]) -> None:
    assert [(f.kind, f.term, f.expected) for f in screen_post(_post(text), lists)] == found


def test_a_finding_carries_its_post_and_context(lists: ScreeningLists) -> None:
    (finding,) = screen_post(_post("近日，" + "全旗上下" * 6 + "旗长张某明在城川镇调研" + "防火工作" * 6), lists)
    row = finding.to_row()
    assert row["context"].startswith("…") and "旗长张某明" in row["context"] and row["context"].endswith("…")
    assert row["post_link"] == "https://weibo.com/1/Abc" and row["post_time"] == datetime(2020, 10, 15, 10, 0)
    assert len(row["post_key"]) == 40 and finding.category == "领导职务"


def test_lists_in_gbk_and_broken_lists(tmp_path: Path) -> None:
    gbk = tmp_path / "words.txt"
    gbk.write_bytes("博彩\n# 注释\n\n赌博，有害信息\n".encode("gbk"))
    assert [(t.text, t.category) for t in read_terms(gbk)] == [("博彩", "敏感词"), ("赌博", "有害信息")]
    with pytest.raises(ScreeningListError, match="no such list"):
        read_terms(tmp_path / "missing.txt")
    bad = tmp_path / "leaders.csv"
    bad.write_text("名字,单位\n张某明,旗委\n", encoding="utf-8")
    with pytest.raises(ScreeningListError, match="姓名 and 职务"):
        read_leaders(bad)


# --- settings and secrets -------------------------------------------------------------------------------


def test_settings_from_profile_tables(tmp_path: Path) -> None:
    (tmp_path / "lists" / "2020Q3").mkdir(parents=True)
    (tmp_path / "lists" / "2020Q3" / "words.txt").write_text("博彩\n", encoding="utf-8")
    settings = SourceSettings.from_tables(
        {"rsshub_base": "http://rsshub:1200", "weibo_api": "https://m.weibo.cn/", "timeout": 8,
         "retry_attempts": 4, "rate_limits": {"weibo": 5}, "routes": {"baijiahao": "/baijiahao/user/{id}"},
         "feeds": {"wechat:gh_1": "https://feeds.example.gov.cn/a.xml"}},
        {"sensitive_words": "lists/{quarter}/words.txt"}, tmp_path, "2020Q3")
    assert settings.weibo_profile_url == "https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}"
    assert settings.feeds == {("wechat", "gh_1"): "https://feeds.example.gov.cn/a.xml"}
    assert (settings.timeout, settings.retry.attempts, settings.rate_limits["weibo"]) == (8.0, 4, 5.0)
    assert settings.routes["baijiahao"] == "/baijiahao/user/{id}" and settings.routes["douyin"] == "/douyin/user/{id}"
    assert [t.text for t in settings.screening.terms] == ["博彩"]
    with pytest.raises(SourceSettingsError, match="platform:account_id"):
        SourceSettings.from_tables({"feeds": {"gh_1": "https://x"}})
    with pytest.raises(SourceSettingsError, match=r"\[sources\]"):
        SourceSettings.from_tables({"timeout": "soon"})


def test_credentials_come_as_plain_values_and_never_show() -> None:
    creds = SourceCredentials.from_mapping({"weibo_cookie": " SUB=abc ", "rsshub_access_key": "k", "other": 1})
    assert (creds.weibo_cookie, creds.rsshub_key) == ("SUB=abc", "k")
    assert "abc" not in repr(creds) and SourceCredentials.from_mapping(None) == SourceCredentials()


def test_evidence_urls_hide_keys() -> None:
    assert redact("http://rsshub:1200/weibo/user/1?code=abc&limit=10") == "http://rsshub:1200/weibo/user/1?code=***&limit=10"
    assert redact("https://itunes.apple.com/lookup?id=1&country=cn") == "https://itunes.apple.com/lookup?id=1&country=cn"


# --- polite fetching ------------------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.pauses.append(round(seconds, 3))
        self.now += seconds
        await asyncio.sleep(0)


class ScriptedClient:
    """Answers each URL with the next status of its script; counts requests."""

    def __init__(self, script: dict[str, list[int | str]], headers: dict[str, str] | None = None,
                 clock: FakeClock | None = None) -> None:
        self.script = {url: list(steps) for url, steps in script.items()}
        self.headers = headers or {}
        self.clock = clock
        self.cache: dict = {}
        self.calls: list[str] = []
        self.started: dict[str, float] = {}

    async def fetch(self, url: str, **_kwargs: object) -> FetchResult:
        self.calls.append(url)
        self.started[url] = self.clock() if self.clock else 0.0
        await asyncio.sleep(0)
        step = self.script[url].pop(0) if len(self.script[url]) > 1 else self.script[url][0]
        if step == "timeout":
            return FetchResult(url, Outcome.TIMEOUT)
        return FetchResult(url, status_outcome(int(step)), int(step), url, dict(self.headers), b"body")


def _fetcher(client: ScriptedClient, clock: FakeClock, retry: RetryPolicy | None = None,
             intervals: dict[str, float] | None = None) -> SourceFetcher:
    limiter = RateLimiter(intervals or {}, default=0.0, concurrency=2, clock=clock, sleep=clock.sleep)
    return SourceFetcher(client, limiter, retry or RetryPolicy(), sleep=clock.sleep)  # type: ignore[arg-type]


def test_requests_to_one_platform_are_spaced() -> None:
    clock = FakeClock()
    client = ScriptedClient({f"http://x/{n}": [200] for n in range(4)}, clock=clock)
    fetcher = _fetcher(client, clock, intervals={"weibo": 2.0})

    async def run() -> None:
        await asyncio.gather(*(fetcher.get(f"http://x/{n}", what="t", platform="weibo") for n in range(3)),
                             fetcher.get("http://x/3", what="t", platform="app"))

    asyncio.run(run())
    assert sorted(client.started[f"http://x/{n}"] for n in range(3)) == [0.0, 2.0, 4.0]
    assert client.started["http://x/3"] < 4.0  # the other platform did not queue behind them


def test_transient_failures_are_retried_with_doubling_pauses() -> None:
    clock = FakeClock()
    client = ScriptedClient({"http://x/a": [503, 502, 200], "http://x/b": [404], "http://x/c": ["timeout"]})
    fetcher = _fetcher(client, clock, RetryPolicy(attempts=3, timeout_attempts=2, backoff=1.0))
    result, fetch = asyncio.run(fetcher.get("http://x/a", what="t", platform="p"))
    assert (result.status, fetch.attempts) == (200, 3)
    assert 0.75 <= clock.pauses[0] <= 1.0 and 1.5 <= clock.pauses[1] <= 2.0
    _result, fetch = asyncio.run(fetcher.get("http://x/b", what="t", platform="p"))
    assert fetch.attempts == 1  # a 404 is final at once
    _result, fetch = asyncio.run(fetcher.get("http://x/c", what="t", platform="p"))
    assert (fetch.attempts, fetch.outcome) == (2, "timeout")


def test_throttling_honours_retry_after_and_slows_the_platform_down() -> None:
    clock = FakeClock()
    client = ScriptedClient({"http://x/a": [429, 200]}, headers={"retry-after": "7"})
    fetcher = _fetcher(client, clock, intervals={"weibo": 1.0})
    _result, fetch = asyncio.run(fetcher.get("http://x/a", what="t", platform="weibo"))
    assert fetch.attempts == 2 and 7.0 in clock.pauses and fetcher.limiter.interval("weibo") == 2.0
    long_wait = ScriptedClient({"http://x/b": [429]}, headers={"retry-after": "3600"})
    _result, fetch = asyncio.run(_fetcher(long_wait, FakeClock()).get("http://x/b", what="t", platform="weibo"))
    assert fetch.attempts == 1 and fetch.status == 429  # longer than the longest pause: give up now


def test_one_response_per_url_for_the_whole_run() -> None:
    clock = FakeClock()
    client = ScriptedClient({"http://x/a": [200]})
    fetcher = _fetcher(client, clock)

    async def run() -> list:
        return await asyncio.gather(*(fetcher.get("http://x/a", what=f"t{n}", platform="p") for n in range(3)))

    answers = asyncio.run(run())
    assert client.calls == ["http://x/a"] and fetcher.requests == 1
    assert [f.cached for _r, f in answers] == [False, True, True] and answers[2][1].what == "t2"
