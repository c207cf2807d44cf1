"""tracked_claim.mention_count, article_count and top_checkworthiness, kept by triggers on mention,
and the indexes the queue pages through (db/claim_stats.py): the queue sorted and filtered every
mention of the archive on each rerun; and mention.created_at, as the UI's index check reads the
newest mention's time on each rerun

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 15:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of db/claim_stats.py's statements as of this revision (a migration must not change later).
_RECOUNT = (
    "UPDATE tracked_claim SET "
    "mention_count = (SELECT count(*) FROM mention WHERE mention.claim_id = tracked_claim.id), "
    "article_count = (SELECT count(DISTINCT article_id) FROM mention WHERE mention.claim_id = tracked_claim.id), "
    "top_checkworthiness = coalesce("
    "(SELECT max(checkworthiness) FROM mention WHERE mention.claim_id = tracked_claim.id), 0)"
)
TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS claim_stats_insert AFTER INSERT ON mention BEGIN {_RECOUNT} WHERE id = new.claim_id; END",
    f"CREATE TRIGGER IF NOT EXISTS claim_stats_delete AFTER DELETE ON mention BEGIN {_RECOUNT} WHERE id = old.claim_id; END",
    "CREATE TRIGGER IF NOT EXISTS claim_stats_update AFTER UPDATE OF claim_id, article_id, checkworthiness ON mention "
    f"BEGIN {_RECOUNT} WHERE id IN (old.claim_id, new.claim_id); END",
]


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild of a table mentions point to).
    for column, type_ in (('mention_count', sa.Integer()), ('article_count', sa.Integer()), ('top_checkworthiness', sa.Float())):
        op.add_column('tracked_claim', sa.Column(column, type_, server_default=sa.text('0'), nullable=False))
    op.create_index('ix_mention_claim_stats', 'mention', ['claim_id', 'article_id', 'checkworthiness'], unique=False)
    op.create_index('ix_mention_created_at', 'mention', ['created_at'], unique=False)
    op.create_index('ix_tracked_claim_status', 'tracked_claim', ['status'], unique=False)
    op.create_index('ix_tracked_claim_first_seen', 'tracked_claim', ['first_seen'], unique=False)
    op.create_index('ix_tracked_claim_article_count', 'tracked_claim', ['article_count'], unique=False)
    op.create_index('ix_tracked_claim_by_mentions', 'tracked_claim', ['mention_count', 'first_seen'], unique=False)
    op.create_index(
        'ix_tracked_claim_by_checkworthiness', 'tracked_claim', ['top_checkworthiness', 'mention_count'], unique=False
    )
    for statement in TRIGGERS:
        op.execute(statement)
    op.execute(_RECOUNT)  # the claims stored before this revision


def downgrade() -> None:
    for name in ('claim_stats_update', 'claim_stats_delete', 'claim_stats_insert'):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    for name, table in (
        ('ix_tracked_claim_by_checkworthiness', 'tracked_claim'),
        ('ix_tracked_claim_by_mentions', 'tracked_claim'),
        ('ix_tracked_claim_article_count', 'tracked_claim'),
        ('ix_tracked_claim_first_seen', 'tracked_claim'),
        ('ix_tracked_claim_status', 'tracked_claim'),
        ('ix_mention_claim_stats', 'mention'),
        ('ix_mention_created_at', 'mention'),
    ):
        op.drop_index(name, table_name=table)
    for column in ('top_checkworthiness', 'article_count', 'mention_count'):
        op.execute(f"ALTER TABLE tracked_claim DROP COLUMN {column}")
