"""account checks: why an account is unknown, when it was read, and post screening findings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

0004 (registry snapshots) was chained onto 0002 first; this revision follows it so that the
history keeps a single head.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_observations") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("checked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "post_findings",
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.String(length=120), nullable=False),
        sa.Column("post_key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("batch", sa.String(length=100), nullable=False),
        sa.Column("expected", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("post_title", sa.String(length=300), nullable=False),
        sa.Column("post_time", sa.DateTime(), nullable=True),
        sa.Column("post_link", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("quarter", "platform", "account_id", "post_key", "kind", "term"),
    )


def downgrade() -> None:
    op.drop_table("post_findings")
    with op.batch_alter_table("account_observations") as batch:
        batch.drop_column("checked_at")
        batch.drop_column("reason")
