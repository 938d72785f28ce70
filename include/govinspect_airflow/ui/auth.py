"""Who may see the Inspection view: an authenticated Airflow user allowed to read the quarterly DAG's runs.

Airflow mounts a plugin's FastAPI app without its own login check, so the app checks every request
itself: the token Airflow issued (``Authorization: Bearer`` from ``POST /auth/token``, or the
``_token`` cookie the UI sets at login) is validated by the api-server's auth manager, exactly as
the core API does, and then the user must be allowed to read ``quarterly_inspection`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

INSPECTED_DAG = "quarterly_inspection"


@dataclass(frozen=True)
class Denied(Exception):
    """Why a request may not see the view: 401 (who are you?) or 403 (not allowed)."""

    status: int
    detail: str


def request_token(request: Request) -> str | None:
    """The Airflow JWT a request carries: a bearer header wins over the UI's session cookie."""
    from airflow.api_fastapi.auth.managers.base_auth_manager import COOKIE_NAME_JWT_TOKEN

    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(COOKIE_NAME_JWT_TOKEN) or None


async def authorized_user(request: Request, auth_manager: Any | None = None) -> Any:
    """The Airflow user behind the request; raises :class:`Denied` when there is none or it may not read runs."""
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
    from jwt import InvalidTokenError

    if auth_manager is None:
        from airflow.api_fastapi.app import get_auth_manager

        auth_manager = get_auth_manager()
    token = request_token(request)
    if not token:
        raise Denied(401, "Not authenticated: log in to Airflow first")
    try:
        user = await auth_manager.get_user_from_token(token)
    except InvalidTokenError as exc:  # expired, revoked, forged or signed by another deployment
        raise Denied(401, f"Invalid or expired Airflow token ({type(exc).__name__})") from None
    allowed = await run_in_threadpool(
        auth_manager.is_authorized_dag, method="GET", access_entity=DagAccessEntity.RUN,
        details=DagDetails(id=INSPECTED_DAG), user=user,
    )
    if not allowed:
        raise Denied(403, f"{user.get_name()} may not read {INSPECTED_DAG} runs")
    return user
