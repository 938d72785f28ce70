"""Polite fetching for the account sources: per-platform rate limits, retries with backoff for
transient failures, and one response cache for the whole run.

Platforms throttle hard (Weibo answers 418 or 432, Apple allows about 20 lookups a minute), so
requests for one platform are spaced and few at a time, whichever source (the platform itself,
an RSSHub route, a feed) carries them. A quick transient failure — refused or reset connection,
5xx, 429 — is retried after a pause that doubles each time (a ``Retry-After`` is honoured up to
the longest pause); a timeout only when the profile asks (``retry_timeouts``); anything else is
final at once. The run's cache keeps every final answer, so an account listed twice, or two
routes to one URL, cost one request. (The HTTP client itself also spaces requests to one host
and waits once on a 429 within its deadline.)
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from govinspect.checks.outcomes import Outcome
from govinspect.net import FetchResult, HttpClient
from govinspect.newmedia.model import Fetch
from govinspect.quarter import CHINA

TRANSIENT = frozenset({Outcome.TIMEOUT, Outcome.CONNECT_ERROR, Outcome.PROTOCOL_ERROR, Outcome.HTTP_5XX})
THROTTLED = frozenset({429, 418})  # 418: Weibo's "too many requests"
SECRET_PARAMS = frozenset({"key", "code", "token", "access_token", "accesskey", "sign", "signature", "cookie"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often a transient failure is tried again, and how long to pause in between."""

    attempts: int = 3  # tries in all for a quick transient failure (refused, reset, 5xx, 429)
    # Tries in all when the source let the whole deadline pass. One by default: a source that used
    # all 15 s is overloaded, a second wait doubles the batch, and the account is listed for manual
    # evidence; rerunning the batch alone tries again.
    timeout_attempts: int = 1
    backoff: float = 1.0  # first pause in seconds, doubled before each further try
    max_pause: float = 30.0  # longest pause; a longer Retry-After ends the tries

    def pause(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before try ``attempt + 1``, or None to give up."""
        if retry_after is not None:
            return retry_after if retry_after <= self.max_pause else None
        base = min(self.max_pause, self.backoff * 2 ** (attempt - 1))
        return base * random.uniform(0.75, 1.0)


class RateLimiter:
    """Spaces request starts per key (a platform) by its interval and caps requests in flight."""

    def __init__(self, intervals: Mapping[str, float], default: float = 1.0, concurrency: int = 2,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self._intervals = dict(intervals)
        self._default = default
        self._concurrency = max(1, concurrency)
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}

    def interval(self, key: str) -> float:
        return self._intervals.get(key, self._default)

    def slow_down(self, key: str) -> None:
        """A platform said "too many requests": double its spacing for the rest of the run."""
        self._intervals[key] = max(self.interval(key) * 2, 0.5)

    @asynccontextmanager
    async def turn(self, key: str):  # noqa: ANN201 - an async context manager
        slots = self._slots.setdefault(key, asyncio.Semaphore(self._concurrency))
        async with slots:
            lock = self._locks.setdefault(key, asyncio.Lock())
            async with lock:
                now = self._clock()
                start = max(now, self._next.get(key, now))
                self._next[key] = start + self.interval(key)
            if start > now:
                await self._sleep(start - now)
            yield


def redact(url: str) -> str:
    """The URL with access keys and signatures replaced, fit for evidence and logs."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, "***" if k.lower() in SECRET_PARAMS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query, safe="*")))


def _retry_after(result: FetchResult) -> float | None:
    raw = result.headers.get("retry-after")
    if not raw:
        return None
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    try:
        moment = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (moment - datetime.now(moment.tzinfo)).total_seconds())


def transient(result: FetchResult) -> bool:
    return result.outcome in TRANSIENT or (result.status in THROTTLED and result.outcome == Outcome.HTTP_4XX)


class SourceFetcher:
    """The one way account sources fetch: limited per platform, retried, cached for the run."""

    def __init__(self, client: HttpClient, limiter: RateLimiter, retry: RetryPolicy | None = None, *,
                 timeout: float = 15.0, max_bytes: int = 5 * 1024 * 1024,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.client = client
        self.limiter = limiter
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._sleep = sleep
        self.requests = 0  # requests actually sent, for the run's summary

    async def get(self, url: str, *, what: str, platform: str,
                  headers: Mapping[str, str] | None = None) -> tuple[FetchResult, Fetch]:
        """The final answer for ``url`` in this run, and its evidence (``cached`` when reused).

        The answers live in the HTTP client's cache, the one cache of the run.
        """
        key = ("account-source", url, tuple(sorted((headers or {}).items())))
        cache = self.client.cache
        pending = cache.get(key)
        if pending is not None:
            result, fetch = await asyncio.shield(pending)
            return result, replace(fetch, what=what, cached=True)
        future: asyncio.Future[tuple[FetchResult, Fetch]] = asyncio.get_running_loop().create_future()
        cache[key] = future
        try:
            answer = await self._fetch(url, what, platform, dict(headers or {}))
        except BaseException as exc:
            del cache[key]
            future.set_exception(exc)
            future.exception()  # retrieved: waiting callers get it, nobody else warns about it
            raise
        future.set_result(answer)
        return answer

    async def _fetch(self, url: str, what: str, platform: str, headers: dict[str, str]) -> tuple[FetchResult, Fetch]:
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            async with self.limiter.turn(platform):
                self.requests += 1
                result = await self.client.fetch(url, timeout=self.timeout, max_bytes=self.max_bytes, headers=headers)
            if not transient(result):
                break
            if result.status in THROTTLED:
                self.limiter.slow_down(platform)
            limit = self.retry.timeout_attempts if result.outcome == Outcome.TIMEOUT else self.retry.attempts
            pause = self.retry.pause(attempt, _retry_after(result)) if attempt < limit else None
            if pause is None:
                break
            await self._sleep(pause)
        fetch = Fetch(
            what=what, url=redact(url), when=datetime.now(CHINA), outcome=str(result.outcome), status=result.status,
            elapsed_ms=int((time.monotonic() - started) * 1000), attempts=attempt, size=len(result.body),
            sha256=hashlib.sha256(result.body).hexdigest() if result.body else None, detail=result.detail,
        )
        return result, fetch


def describe_failure(result: FetchResult, timeout: float) -> str:
    """Why a request gave no usable answer, in the words an inspector reads in the notice."""
    outcome = result.outcome
    if outcome == Outcome.TIMEOUT:
        return f"请求超时（{timeout:g}秒内无完整响应）"
    if result.status in THROTTLED:
        return f"平台限制访问频率（HTTP {result.status}）"
    if outcome == Outcome.HTTP_5XX:
        return f"服务端错误（HTTP {result.status}）"
    if outcome == Outcome.HTTP_4XX:
        return f"请求被拒绝（HTTP {result.status}）"
    return {
        Outcome.DNS_ERROR: "域名解析失败",
        Outcome.CONNECT_ERROR: "无法建立连接",
        Outcome.TLS_ERROR: "TLS 握手失败",
        Outcome.TOO_LARGE: "响应超过大小上限",
        Outcome.REDIRECT_LOOP: "重定向循环",
        Outcome.TOO_MANY_REDIRECTS: "重定向次数过多",
        Outcome.BLOCKED_PRIVATE_ADDRESS: "地址属于内部网络，未获准访问",
        Outcome.PROTOCOL_ERROR: "响应不完整",
        Outcome.INVALID_URL: "地址无效",
    }.get(outcome, f"请求失败（{outcome}）")
