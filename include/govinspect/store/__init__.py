"""The results store: one session factory, migrations, and writes that converge on rerun."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from govinspect import config
from govinspect.store.models import Base

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(RuntimeError):
    """The store could not be reached or is not at the expected schema."""


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def migrate(url: str | None = None) -> None:
    """Bring the store to the newest schema (Alembic ``upgrade head``)."""
    from alembic import command
    from alembic.config import Config

    url = url or config.db_url()
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection_url"] = url
    with engine_for(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any error."""
    url = url or config.db_url()
    factory = sessionmaker(engine_for(url), expire_on_commit=False)
    session = factory()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def replace_partition(
    session: Session, model: type[Base], where: Mapping[str, Any], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Replace every row matching ``where`` by ``rows``, in the caller's transaction.

    A stage writes its whole partition (a quarter, or a quarter and a batch) this way, so a
    rerun leaves exactly the rows of its last run: nothing duplicated, nothing stale.
    """
    stmt = delete(model)
    for column, value in where.items():
        stmt = stmt.where(getattr(model, column) == value)
    session.execute(stmt)
    rows = [dict(row) for row in rows]
    for row in rows:
        for column, value in where.items():
            row.setdefault(column, value)
    if rows:
        session.execute(model.__table__.insert(), rows)
    return len(rows)


def upsert(session: Session, model: type[Base], rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert rows or update them in place on their primary key (SQLite and PostgreSQL)."""
    rows = [dict(row) for row in rows]
    if not rows:
        return 0
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise StoreError(f"unsupported database dialect: {dialect}")
    stmt = insert(table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_=updates) if updates else stmt.on_conflict_do_nothing()
    session.execute(stmt, rows)
    return len(rows)


def table_counts(url: str | None = None) -> dict[str, int]:
    """Rows per table: what an operator checks after a run, and what tests compare."""
    from sqlalchemy import func, select

    out: dict[str, int] = {}
    with session_scope(url) as session:
        names = set(inspect(session.get_bind()).get_table_names())
        for table in Base.metadata.sorted_tables:
            if table.name in names:
                out[table.name] = session.execute(select(func.count()).select_from(table)).scalar_one()
    return out


__all__ = ["StoreError", "engine_for", "migrate", "replace_partition", "session_scope", "table_counts", "upsert"]
