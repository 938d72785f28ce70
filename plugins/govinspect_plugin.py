"""The govinspect Airflow plugin: the Inspection view under ``/govinspect`` and its entry in the nav.

Airflow does not put plugin apps behind its login; the app authenticates every request itself
(see ``govinspect_airflow.ui.auth``). Plugins load when a process starts: restart the api-server
after changing this file or the view.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from govinspect_airflow.ui import URL_PREFIX, create_app


class GovinspectPlugin(AirflowPlugin):
    name = "govinspect"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Inspection"}]
    # A relative href resolves against the UI's base URL, so the view follows a proxied sub-path.
    external_views = [{
        "name": "Inspection",
        "href": URL_PREFIX.lstrip("/") + "/",
        "icon": URL_PREFIX.lstrip("/") + "/icon.svg",
        "destination": "nav",
        "url_route": "govinspect",
    }]
