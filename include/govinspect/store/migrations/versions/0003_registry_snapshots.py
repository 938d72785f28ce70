"""registry snapshots and their quarter-to-quarter changes; quarantine by kind; closures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_snapshots",
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", "kind"),
    )
    op.create_table(
        "registry_changes",
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("entity_type", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", "entity_type", "entity_id", "change"),
    )
    with op.batch_alter_table("quarantine") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("closure_filed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("websites") as batch:
        batch.add_column(sa.Column("unit", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("websites") as batch:
        batch.drop_column("unit")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("closure_filed_on")
        batch.drop_column("closed_on")
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("kind")
    op.drop_table("registry_changes")
    op.drop_table("registry_snapshots")
