"""reviewers' link decisions

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-25 10:05:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0007'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'link_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_a', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('key_b', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('same', sa.Boolean(), nullable=False),
        sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('link_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_decision_key_a'), ['key_a'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_decision_key_b'), ['key_b'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_decision_key_b'))
        batch_op.drop_index(batch_op.f('ix_link_decision_key_a'))
    op.drop_table('link_decision')
