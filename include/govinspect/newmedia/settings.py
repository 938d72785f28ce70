"""Where account data comes from, how politely it is fetched, and what posts are screened against.

Read from the inspection profile's ``[sources]`` and ``[screening]`` tables::

    [sources]
    rsshub_base = "http://rsshub:1200"            # the compose stack's RSSHub
    weibo_api = "https://m.weibo.cn"               # Weibo's public JSON timeline (off unless set)
    appstore_lookup = "https://itunes.apple.com/lookup"
    timeout = 15                                   # seconds per request
    retry_attempts = 3                             # tries for a transient failure
    retry_timeouts = 1                             # tries when the deadline passed (1: no retry)
    retry_backoff = 1.0                            # first pause, doubled each time
    [sources.rate_limits]                          # seconds between two requests to one platform
    weibo = 3.0
    [sources.routes]                               # RSSHub route per platform ({id} = account ID)
    xiaohongshu = "/xiaohongshu/user/{id}/notes"
    [sources.feeds]                                # a feed URL for one account (RSS, Atom, JSON Feed)
    "wechat:gh_dfb0cb648255" = "https://feeds.example.gov.cn/qianqi.xml"

    [screening]
    sensitive_words = "lists/敏感词.txt"            # paths relative to the profile, {quarter} allowed
    leaders = "lists/领导干部.csv"

Cookies and access keys never live here: they come from an Airflow Connection, which the DAG
task reads and passes in as :class:`SourceCredentials`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govinspect.newmedia.fetch import RetryPolicy
from govinspect.newmedia.model import NM2_WINDOW_DAYS
from govinspect.newmedia.screening import ScreeningLists, load_lists

APPSTORE_LOOKUP = "https://itunes.apple.com/lookup"
WEIBO_PROFILE = "{base}/api/container/getIndex?type=uid&value={uid}"
WEIBO_TIMELINE = "{base}/api/container/getIndex?type=uid&value={uid}&containerid={containerid}"

# RSSHub route per platform code ({id} is the account ID of the registry).
RSSHUB_ROUTES = {
    "weibo": "/weibo/user/{id}",
    "douyin": "/douyin/user/{id}",
    "toutiao": "/toutiao/user/{id}",
    "kuaishou": "/kuaishou/profile/{id}",
    "bilibili": "/bilibili/user/dynamic/{id}",
    "xiaohongshu": "/xiaohongshu/user/{id}/notes",
}

# Seconds between two requests for one platform, whichever host carries them. Apple documents
# about 20 lookups a minute; Weibo, Douyin and Kuaishou block bursts from one address.
RATE_LIMITS = {"weibo": 2.0, "douyin": 1.0, "kuaishou": 1.0, "xiaohongshu": 2.0, "toutiao": 0.5,
               "bilibili": 0.5, "app": 3.0}
DEFAULT_INTERVAL = 0.5

# Platforms no public source can read: the path is the manual evidence sheet.
MANUAL_ONLY = frozenset({"wechat", "wechat_channels", "miniprogram"})


class SourceSettingsError(ValueError):
    """The profile's [sources] or [screening] table is not usable."""


@dataclass(frozen=True)
class SourceCredentials:
    """Secrets for the sources, from an Airflow Connection's extra (never from the repository).

    ``weibo_cookie``: the Cookie header for Weibo's JSON API (a logged-in or visitor session);
    ``rsshub_key``: the ACCESS_KEY of an RSSHub with access control (sent as the per-route MD5 code).
    """

    weibo_cookie: str | None = field(default=None, repr=False)
    rsshub_key: str | None = field(default=None, repr=False)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> SourceCredentials:
        values = values or {}

        def text(*names: str) -> str | None:
            for name in names:
                value = values.get(name)
                if isinstance(value, str) and value.strip():
                    return value.strip()
            return None

        return cls(weibo_cookie=text("weibo_cookie", "weibo_cookies"),
                   rsshub_key=text("rsshub_key", "rsshub_access_key"))


@dataclass
class SourceSettings:
    rsshub_base: str | None = None
    routes: dict[str, str] = field(default_factory=lambda: dict(RSSHUB_ROUTES))
    weibo_profile_url: str | None = None
    weibo_timeline_url: str | None = None
    appstore_lookup: str | None = APPSTORE_LOOKUP
    feeds: dict[tuple[str, str], str] = field(default_factory=dict)
    timeout: float = 15.0
    max_bytes: int = 5 * 1024 * 1024
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limits: dict[str, float] = field(default_factory=lambda: dict(RATE_LIMITS))
    default_interval: float = DEFAULT_INTERVAL
    concurrency: int = 2  # requests in flight per platform
    window_days: int = NM2_WINDOW_DAYS
    screening: ScreeningLists = field(default_factory=ScreeningLists)

    def shared_by(self, batches_at_once: int, platform_batches: Mapping[str, int] | None = None) -> None:
        """Space requests for batches that run at once, each with its own limiter, so that together they
        keep the interval set for one platform: a platform's interval is multiplied by the number of
        batches that may read it at the same time — ``batches_at_once``, or fewer when
        ``platform_batches`` says that only so many batches of the run hold that platform."""
        if batches_at_once <= 1:
            return

        def factor(platform: str) -> int:
            if platform_batches is None:
                return batches_at_once
            return max(1, min(batches_at_once, int(platform_batches.get(platform, 1))))

        for platform in platform_batches or {}:
            self.rate_limits.setdefault(platform, self.default_interval)
        self.rate_limits = {platform: interval * factor(platform) for platform, interval in self.rate_limits.items()}
        if platform_batches is None:
            self.default_interval *= batches_at_once

    def apply_env(self, env: Mapping[str, str]) -> None:
        """An operator's ``GOVINSPECT_RSSHUB_BASE`` / ``GOVINSPECT_APPSTORE_LOOKUP`` win over the profile."""
        if env.get("GOVINSPECT_RSSHUB_BASE"):
            self.rsshub_base = env["GOVINSPECT_RSSHUB_BASE"]
        if env.get("GOVINSPECT_APPSTORE_LOOKUP"):
            self.appstore_lookup = env["GOVINSPECT_APPSTORE_LOOKUP"]

    @classmethod
    def from_tables(cls, sources: Mapping[str, Any] | None, screening: Mapping[str, Any] | None = None,
                    base_dir: Path | None = None, quarter: str | None = None) -> SourceSettings:
        """Settings from a profile's ``[sources]`` and ``[screening]`` tables (see the module doc)."""
        sources = dict(sources or {})
        settings = cls()
        try:
            if sources.get("rsshub_base"):
                settings.rsshub_base = str(sources["rsshub_base"])
            if "appstore_lookup" in sources:
                settings.appstore_lookup = str(sources["appstore_lookup"]) or None
            if sources.get("weibo_api"):
                base = str(sources["weibo_api"]).rstrip("/")
                settings.weibo_profile_url = WEIBO_PROFILE.replace("{base}", base)
                settings.weibo_timeline_url = WEIBO_TIMELINE.replace("{base}", base)
            for key in ("weibo_profile_url", "weibo_timeline_url"):
                if sources.get(key):
                    setattr(settings, key, str(sources[key]))
            settings.routes.update({str(k): str(v) for k, v in (sources.get("routes") or {}).items()})
            settings.rate_limits.update({str(k): float(v) for k, v in (sources.get("rate_limits") or {}).items()})
            for key, url in (sources.get("feeds") or {}).items():
                platform, sep, account_id = str(key).partition(":")
                if not sep or not account_id:
                    raise SourceSettingsError(f"[sources.feeds] {key!r}: expected \"platform:account_id\"")
                settings.feeds[(platform, account_id)] = str(url)
            settings.timeout = float(sources.get("timeout", settings.timeout))
            settings.concurrency = int(sources.get("concurrency", settings.concurrency))
            settings.default_interval = float(sources.get("default_interval", settings.default_interval))
            settings.retry = RetryPolicy(
                attempts=int(sources.get("retry_attempts", settings.retry.attempts)),
                timeout_attempts=int(sources.get("retry_timeouts", settings.retry.timeout_attempts)),
                backoff=float(sources.get("retry_backoff", settings.retry.backoff)),
                max_pause=float(sources.get("retry_max_pause", settings.retry.max_pause)),
            )
        except SourceSettingsError:
            raise
        except (TypeError, ValueError, AttributeError) as exc:
            raise SourceSettingsError(f"[sources]: {exc}") from exc
        if screening:
            settings.screening = load_lists(*(_list_path(screening.get(k), base_dir, quarter)
                                              for k in ("sensitive_words", "leaders")))
        return settings

    @classmethod
    def from_profile_file(cls, path: Path, quarter: str | None = None) -> SourceSettings:
        """The ``[sources]`` and ``[screening]`` tables of an inspection profile file."""
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SourceSettingsError(f"{path}: {exc}") from exc
        return cls.from_tables(doc.get("sources"), doc.get("screening"), path.parent, quarter)


def _list_path(value: Any, base_dir: Path | None, quarter: str | None) -> Path | None:
    if not value:
        return None
    text = str(value).replace("{quarter}", quarter or "{quarter}")
    path = Path(text)
    return path if path.is_absolute() or base_dir is None else base_dir / path
