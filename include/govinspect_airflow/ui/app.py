"""The Inspection view: a FastAPI app the plugin mounts under ``/govinspect`` in the api-server.

Pages (HTML, shown in the Airflow UI's frame): ``/`` the quarters, ``/quarters/{quarter}`` one
quarter's results, ``/quarters/{quarter}/files/{name}`` a notice file. The same data as JSON:
``/api/quarters`` and ``/api/quarters/{quarter}``. Every path, including unknown ones, first
authenticates the request (see :mod:`govinspect_airflow.ui.auth`); the OpenAPI docs are off.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.requests import Request

from govinspect_airflow.ui import pages
from govinspect_airflow.ui.auth import Denied, authorized_user

log = logging.getLogger(__name__)
URL_PREFIX = "/govinspect"


def ui_store_url() -> str | None:
    """The store the view reads: ``GOVINSPECT_DB_URL``, else the Connection ``govinspect_store``, else SQLite.

    The api-server has no task context, so the Connection is read through the metadata database
    and secrets backends directly.
    """
    if os.environ.get("GOVINSPECT_DB_URL"):
        return os.environ["GOVINSPECT_DB_URL"]
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection

    from govinspect_airflow import STORE_CONN_ID

    try:
        conn = Connection.get_connection_from_secrets(STORE_CONN_ID)
    except AirflowNotFoundException:
        return None
    return conn.get_uri().replace("postgres://", "postgresql+psycopg2://", 1)


def _store_label(url: str | None) -> str:
    from sqlalchemy.engine import make_url

    from govinspect import config

    return make_url(url or config.db_url()).render_as_string(hide_password=True)


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        out = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "pass_rate"):
            out["pass_rate"] = value.pass_rate
        return out
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _wants_html(request: Request) -> bool:
    """A browser page rather than the JSON API: errors are then shown as a page."""
    path = request.scope.get("path", "")[len(request.scope.get("root_path", "")):]
    return not path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _login_url() -> str:
    try:
        from airflow.api_fastapi.app import get_auth_manager

        return get_auth_manager().get_url_login()
    except Exception:  # noqa: BLE001 - only the link on an error page
        return "/"


def create_app(auth_manager: Any | None = None, store_url: Callable[[], str | None] = ui_store_url) -> FastAPI:
    """The app; ``auth_manager`` defaults to the api-server's, ``store_url`` to :func:`ui_store_url`."""
    from govinspect import views
    from govinspect.quarter import Quarter

    app = FastAPI(title="govinspect Inspection view", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def require_airflow_user(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            request.state.user = await authorized_user(request, auth_manager)
        except Denied as denied:
            headers = {"WWW-Authenticate": "Bearer"} if denied.status == 401 else {}
            if _wants_html(request):
                return HTMLResponse(pages.denied_page(denied.status, denied.detail, _login_url()),
                                    status_code=denied.status, headers=headers)
            return JSONResponse({"detail": denied.detail}, status_code=denied.status, headers=headers)
        response = await call_next(request)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    def parse_quarter(text: str) -> str:
        try:
            return str(Quarter.parse(text))
        except ValueError:
            raise HTTPException(404, f"not a quarter: {text!r}") from None

    def report_or_404(quarter: str) -> views.QuarterReport:
        report = views.quarter_report(parse_quarter(quarter), store_url())
        if report is None:
            raise HTTPException(404, f"the store has nothing for {quarter}")
        return report

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404 and _wants_html(request):
            return HTMLResponse(pages.not_found_page(str(exc.detail)), status_code=404)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        url = store_url()
        return HTMLResponse(pages.index_page(views.list_quarters(url), _store_label(url)))

    @app.get("/quarters/{quarter}", response_class=HTMLResponse)
    def quarter_page(quarter: str) -> HTMLResponse:
        return HTMLResponse(pages.quarter_page(report_or_404(quarter)))

    @app.get("/quarters/{quarter}/files/{name:path}")
    def notice_file(quarter: str, name: str) -> FileResponse:
        path = views.notice_file(parse_quarter(quarter), name)
        if path is None:
            raise HTTPException(404, f"no such notice file for {quarter}: {name}")
        media = ("application/pdf" if path.suffix.lower() == ".pdf"
                 else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return FileResponse(path, media_type=media, filename=path.name)

    @app.get("/api/quarters")
    def api_quarters() -> JSONResponse:
        return JSONResponse(_jsonable(views.list_quarters(store_url())))

    @app.get("/api/quarters/{quarter}")
    def api_quarter(quarter: str) -> JSONResponse:
        return JSONResponse(_jsonable(report_or_404(quarter)))

    @app.get("/icon.svg")
    def icon() -> Response:
        return Response(pages.ICON, media_type="image/svg+xml")

    return app
