"""The Inspection view of the Airflow UI (a FastAPI app mounted by the govinspect plugin)."""

from govinspect_airflow.ui.app import URL_PREFIX, create_app

__all__ = ["URL_PREFIX", "create_app"]
