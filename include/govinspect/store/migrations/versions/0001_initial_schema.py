"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_observations',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=120), nullable=False),
    sa.Column('batch', sa.String(length=100), nullable=False),
    sa.Column('freshness', sa.String(length=10), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('last_post', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'platform', 'account_id')
    )
    op.create_table('accounts',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=120), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('platform_label', sa.String(length=40), nullable=False),
    sa.Column('sponsor', sa.String(length=200), nullable=True),
    sa.Column('operator', sa.String(length=200), nullable=True),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('opened_on', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('found_on', sa.Date(), nullable=True),
    sa.Column('seen_last_post', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source_file', sa.String(length=300), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('quarter', 'platform', 'account_id', 'origin')
    )
    op.create_table('dead_links',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('referrer', sa.String(length=1000), nullable=False),
    sa.Column('anchor', sa.Text(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('on_homepage', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'site_code', 'url', 'referrer')
    )
    op.create_table('findings',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'kind', 'subject')
    )
    op.create_table('manual_evidence',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=120), nullable=False),
    sa.Column('last_post', sa.Date(), nullable=True),
    sa.Column('checked_by', sa.String(length=100), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('quarter', 'platform', 'account_id')
    )
    op.create_table('probes',
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('probed_at', sa.DateTime(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('elapsed_ms', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('site_code', 'probed_at')
    )
    op.create_table('quarantine',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('source_file', sa.String(length=300), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'source_file', 'row', 'column')
    )
    op.create_table('stage_runs',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('stage', sa.String(length=60), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'stage')
    )
    op.create_table('unit_scores',
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('unit_kind', sa.String(length=20), nullable=True),
    sa.Column('website_score', sa.Float(), nullable=True),
    sa.Column('account_score', sa.Float(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('judged', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('unknown', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('period', 'unit')
    )
    op.create_table('units',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parent', sa.String(length=200), nullable=True),
    sa.Column('has_services', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('successor', sa.String(length=200), nullable=True),
    sa.Column('changed_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('quarter', 'name')
    )
    op.create_table('verdicts',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('entity_type', sa.String(length=10), nullable=False),
    sa.Column('entity_id', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=200), nullable=True),
    sa.Column('unit_kind', sa.String(length=20), nullable=True),
    sa.Column('platform', sa.String(length=20), nullable=True),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('indicator_set', sa.String(length=60), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'entity_type', 'entity_id')
    )
    op.create_table('website_observations',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('batch', sa.String(length=100), nullable=False),
    sa.Column('homepage_outcome', sa.String(length=30), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('quarter', 'site_code')
    )
    op.create_table('websites',
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('site_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('sponsor', sa.String(length=200), nullable=False),
    sa.Column('operator', sa.String(length=200), nullable=True),
    sa.Column('icp', sa.String(length=100), nullable=True),
    sa.Column('psb', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source_file', sa.String(length=300), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('quarter', 'site_code')
    )


def downgrade() -> None:
    op.drop_table('websites')
    op.drop_table('website_observations')
    op.drop_table('verdicts')
    op.drop_table('units')
    op.drop_table('unit_scores')
    op.drop_table('stage_runs')
    op.drop_table('quarantine')
    op.drop_table('probes')
    op.drop_table('manual_evidence')
    op.drop_table('findings')
    op.drop_table('dead_links')
    op.drop_table('accounts')
    op.drop_table('account_observations')
