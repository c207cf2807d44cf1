"""link_node, link_neighbour, link_dirty and link_state, with triggers on mention (db/link_state.py):
relinking looked at every stored mention after each ingest, its cost growing with the square of the
archive; it now starts from what changed and the stored neighbourhoods around it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 19:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Frozen copies of db/link_state.py's statements as of this revision (a migration must not change later).
TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS link_dirty_insert AFTER INSERT ON mention "
    "BEGIN INSERT OR IGNORE INTO link_dirty VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS link_dirty_delete AFTER DELETE ON mention "
    "BEGIN INSERT OR IGNORE INTO link_dirty VALUES (old.id); END",
    "CREATE TRIGGER IF NOT EXISTS link_dirty_update "
    "AFTER UPDATE OF text, embedding, speaker_id, role, attribution, article_id ON mention BEGIN "
    "INSERT OR IGNORE INTO link_dirty VALUES (old.id); INSERT OR IGNORE INTO link_dirty VALUES (new.id); END",
]


def upgrade() -> None:
    op.create_table(
        'link_node',
        sa.Column('mention_id', sa.Integer(), nullable=False),
        sa.Column('component', sa.Integer(), nullable=False),
        sa.Column('kth', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('mention_id'),
    )
    op.create_index('ix_link_node_component', 'link_node', ['component'], unique=False)
    op.create_table(
        'link_neighbour',
        sa.Column('mention_id', sa.Integer(), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('neighbour_id', sa.Integer(), nullable=False),
        sa.Column('cosine', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('mention_id', 'rank'),
    )
    op.create_index('ix_link_neighbour_neighbour_id', 'link_neighbour', ['neighbour_id'], unique=False)
    op.create_table('link_dirty', sa.Column('mention_id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('mention_id'))
    op.create_table(
        'link_state',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('model', sa.String(), nullable=False),
        sa.Column('inputs', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    for statement in TRIGGERS:
        op.execute(statement)
    # No neighbourhood is stored yet: the next relinking is a full one.


def downgrade() -> None:
    for name in ('link_dirty_update', 'link_dirty_delete', 'link_dirty_insert'):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table('link_state')
    op.drop_table('link_dirty')
    op.drop_index('ix_link_neighbour_neighbour_id', table_name='link_neighbour')
    op.drop_table('link_neighbour')
    op.drop_index('ix_link_node_component', table_name='link_node')
    op.drop_table('link_node')
