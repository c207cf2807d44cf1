"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 07:53:45.060017
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0001'
down_revision: Union[str, None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    
    op.create_table('outlet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outlet_name'), ['name'], unique=True)

    op.create_table('speaker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.Enum('person', 'organisation', name='speakerkind'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_name'), ['name'], unique=True)

    op.create_table('tracked_claim',
    sa.Column('canonical_text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sa.Enum('unreviewed', 'in_progress', 'true', 'mostly_true', 'misleading', 'false', 'unverifiable', 'not_checkable', name='claimstatus'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('article',
    sa.Column('document', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=True),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ingested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_content_hash'), ['content_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_article_document'), ['document'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_outlet_id'), ['outlet_id'], unique=False)

    op.create_table('note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['tracked_claim.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_claim_id'), ['claim_id'], unique=False)

    op.create_table('speakeralias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('alias', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('speakeralias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speakeralias_alias'), ['alias'], unique=True)
        batch_op.create_index(batch_op.f('ix_speakeralias_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('mention',
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('venue', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('attribution', sa.Enum('direct_quote', 'reported_speech', 'outlet_assertion', name='attributionkind'), nullable=False),
    sa.Column('checkworthiness', sa.Float(), nullable=False),
    sa.Column('sourcing', sa.Enum('primary', 'secondary', 'unsourced', name='sourcing'), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ),
    sa.ForeignKeyConstraint(['claim_id'], ['tracked_claim.id'], ),
    sa.ForeignKeyConstraint(['speaker_id'], ['speaker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('mention_id', sa.Integer(), nullable=True),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('new', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('reviewer', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['tracked_claim.id'], ),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_claim_id'), ['claim_id'], unique=False)

    op.create_table('link_suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mention_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'accepted', 'rejected', name='suggestionstate'), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['tracked_claim.id'], ),
    sa.ForeignKeyConstraint(['mention_id'], ['mention.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('link_suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_suggestion_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_link_suggestion_mention_id'), ['mention_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('link_suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_suggestion_mention_id'))
        batch_op.drop_index(batch_op.f('ix_link_suggestion_claim_id'))

    op.drop_table('link_suggestion')
    with op.batch_alter_table('history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_history_claim_id'))

    op.drop_table('history')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_mention_claim_id'))
        batch_op.drop_index(batch_op.f('ix_mention_article_id'))

    op.drop_table('mention')
    with op.batch_alter_table('speakeralias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speakeralias_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_speakeralias_alias'))

    op.drop_table('speakeralias')
    with op.batch_alter_table('note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_claim_id'))

    op.drop_table('note')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_outlet_id'))
        batch_op.drop_index(batch_op.f('ix_article_document'))
        batch_op.drop_index(batch_op.f('ix_article_content_hash'))

    op.drop_table('article')
    op.drop_table('tracked_claim')
    with op.batch_alter_table('speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_name'))

    op.drop_table('speaker')
    with op.batch_alter_table('outlet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outlet_name'))

    op.drop_table('outlet')
    
