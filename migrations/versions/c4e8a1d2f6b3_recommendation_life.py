"""a recommendation's whole life: proposals, withdrawal, the original of an amended text, carry-over
origins and co-owning components

Revision ID: c4e8a1d2f6b3
Revises: 79745ffc9909
Create Date: 2026-12-01 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import cpas_workflow.core.db


# revision identifiers, used by Alembic.
revision = 'c4e8a1d2f6b3'
down_revision = '79745ffc9909'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), server_default='current', nullable=False))
        batch_op.add_column(sa.Column('stage_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('stage_at', cpas_workflow.core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('original_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('proposed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_recommendations_stage'), ['stage'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_recommendations_proposed_by_id_users'), 'users', ['proposed_by_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_recommendations_merged_into_id_recommendations'), 'recommendations', ['merged_into_id'], ['id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_recommendations_origin_id_recommendations'), 'recommendations', ['origin_id'], ['id']
        )
    op.create_table('recommendation_co_owners',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_recommendation_co_owners_component_id_components')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_recommendation_co_owners_recommendation_id_recommendations')),
    sa.PrimaryKeyConstraint('recommendation_id', 'component_id', name=op.f('pk_recommendation_co_owners'))
    )
    # Carried-over actions made before this revision name their origin too.
    op.execute(
        "UPDATE recommendations SET origin_id = carried_from_id WHERE carried_from_id IS NOT NULL"
    )


def downgrade():
    op.drop_table('recommendation_co_owners')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_recommendations_origin_id_recommendations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recommendations_merged_into_id_recommendations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_recommendations_proposed_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_recommendations_stage'))
        batch_op.drop_column('origin_id')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('proposed_by_id')
        batch_op.drop_column('original_body')
        batch_op.drop_column('stage_at')
        batch_op.drop_column('stage_comment')
        batch_op.drop_column('stage')
