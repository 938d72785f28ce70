"""The manual evidence sheet (人工核查记录): what an inspector saw by hand.

It is the path for WeChat, 视频号, mini-programs and anything no source can read: the inspector
records the last post date, a screenshot file or link, who checked and when. A record decides
the account's last post; what the sources said stays beside it in the evidence, and a
disagreement between the two is noted for the inspector.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from govinspect.newmedia.model import AccountState, state_from_message


@dataclass(frozen=True)
class ManualRecord:
    last_post: date | None
    checked_by: str | None = None
    checked_on: date | None = None
    evidence: str | None = None  # screenshot file or link (截图或链接)
    note: str | None = None

    @property
    def state(self) -> AccountState | None:
        """The state the inspector's note names (已注销, 已被封禁, 搜索不到 …), if any."""
        return state_from_message(self.note)

    def to_json(self) -> dict[str, Any]:
        return {
            "what": "人工核查", "last_post": self.last_post.isoformat() if self.last_post else None,
            "who": self.checked_by, "when": self.checked_on.isoformat() if self.checked_on else None,
            "where": self.evidence, "note": self.note,
        }


def manual_reason(record: ManualRecord, check_point: date) -> str | None:
    """Why a manual record does not tell the last post before the check point, when it does not."""
    if record.last_post is None:
        return "人工核查记录未填写最近发布时间"
    if record.last_post > check_point:
        return "人工核查记录的最近发布时间晚于检查基准日，无法判断基准日前的更新情况"
    return None
