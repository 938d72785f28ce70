"""Apps (移动客户端): the release date of the current version, from the App Store lookup.

An App does not post; what the national rules ask of it is that it is kept up, and the store's
``currentVersionReleaseDate`` is the one public date that says so. The registry's account ID of
an App is its App Store track ID (``1488078891``, also written ``id1488078891``). An empty answer
means the App is not in the China store: removed (下架) or never listed there.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from govinspect.checks.outcomes import Outcome
from govinspect.newmedia.fetch import describe_failure
from govinspect.newmedia.model import AccountState, AccountTarget, Post, Reading
from govinspect.newmedia.timestamps import parse_timestamp

if TYPE_CHECKING:
    from govinspect.newmedia.adapters import CheckContext


def track_id(account_id: str) -> str | None:
    text = account_id.strip().lower().removeprefix("id")
    return text if text.isdigit() else None


class AppStoreAdapter:
    name = "appstore"

    def applies(self, target: AccountTarget, ctx: CheckContext) -> bool:
        return target.platform == "app" and bool(ctx.settings.appstore_lookup) and track_id(target.account_id) is not None

    async def read(self, target: AccountTarget, ctx: CheckContext) -> Reading:
        app_id = track_id(target.account_id)
        url = f"{ctx.settings.appstore_lookup}?{urlencode({'id': app_id, 'country': 'cn'})}"
        result, fetch = await ctx.fetcher.get(url, what="App Store 应用信息", platform="app")
        reading = Reading(self.name, AccountState.UNKNOWN, fetches=[fetch])
        if result.outcome != Outcome.OK:
            reading.reason = describe_failure(result, ctx.fetcher.timeout)
            return reading
        try:
            doc = json.loads(result.body.decode("utf-8-sig"))
            results = doc["results"]
            if not isinstance(results, list):
                raise TypeError("results is not a list")
        except (ValueError, UnicodeDecodeError, KeyError, TypeError) as exc:
            reading.reason = f"App Store 返回的内容无法解析（{type(exc).__name__}）"
            return reading
        apps = [r for r in results if isinstance(r, dict) and str(r.get("trackId")) == app_id] or \
            [r for r in results if isinstance(r, dict)]
        if not apps:
            reading.state = AccountState.NOT_FOUND
            reading.reason = "App Store（中国区）查无此应用（已下架或未上架）"
            return reading
        app = apps[0]
        reading.state = AccountState.NORMAL
        reading.name_seen = app.get("trackName")
        released = parse_timestamp(app.get("currentVersionReleaseDate"))
        title = f"{app.get('trackName') or target.name} {app.get('version') or ''} 版本更新".strip()
        reading.posts = [Post(title, released, app.get("trackViewUrl"), str(app.get("releaseNotes") or ""))]
        return reading
