"""attachments: files attached to submissions and follow-up actions

Revision ID: c4e8a1f0b2d6
Revises: d5f9b2e3a7c4
Create Date: 2026-12-01 16:40:00

"""
from alembic import op
import sqlalchemy as sa

import cpas_workflow.core.db


# revision identifiers, used by Alembic.
revision = 'c4e8a1f0b2d6'
down_revision = 'd5f9b2e3a7c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(submission_id IS NULL) <> (recommendation_id IS NULL)', name=op.f('ck_attachments_attachment_on_one_object')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_attachments_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_attachments_recommendation_id_recommendations')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_attachments_submission_id_submissions')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_submission_id'), ['submission_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_cycle_id'))
    op.drop_table('attachments')
