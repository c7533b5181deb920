"""conversation: comment threads on cycles, submissions and recommendations; the notification centre

Revision ID: d5f9b2a7c3e1
Revises: c4e8a1f0b2d6
Create Date: 2026-12-01 16:50:00

The comments on submissions move into the new `comments` table (each keeps its author, text and
date; it becomes the first comment of its own thread), then `submission_comments` is dropped.
"""
from alembic import op
import sqlalchemy as sa

import cpas_workflow.core.db


# revision identifiers, used by Alembic.
revision = 'd5f9b2a7c3e1'
down_revision = 'c4e8a1f0b2d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('root_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('submission_id IS NULL OR recommendation_id IS NULL', name=op.f('ck_comments_comment_on_one_object')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_comments_cycle_id_cycles')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_comments_recommendation_id_recommendations')),
    sa.ForeignKeyConstraint(['root_id'], ['comments.id'], name=op.f('fk_comments_root_id_comments')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_comments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_recommendation_id'), ['recommendation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_root_id'), ['root_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_submission_id'), ['submission_id'], unique=False)
    op.execute(
        "INSERT INTO comments (cycle_id, submission_id, author_id, body, created_at) "
        "SELECT s.cycle_id, c.submission_id, c.author_id, c.body, c.created_at "
        "FROM submission_comments c JOIN submissions s ON s.id = c.submission_id ORDER BY c.id"
    )
    with op.batch_alter_table('submission_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_comments_submission_id'))
    op.drop_table('submission_comments')

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('read_at', cpas_workflow.core.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('key', name=op.f('uq_notifications_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')
    op.drop_table('notifications')
    op.create_table('submission_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_submission_comments_author_id_users')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_submission_comments_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_comments'))
    )
    with op.batch_alter_table('submission_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_comments_submission_id'), ['submission_id'], unique=False)
    op.execute(
        "INSERT INTO submission_comments (submission_id, author_id, body, created_at) "
        "SELECT submission_id, author_id, body, created_at FROM comments WHERE submission_id IS NOT NULL ORDER BY id"
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_comments_root_id'))
        batch_op.drop_index(batch_op.f('ix_comments_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_comments_cycle_id'))
    op.drop_table('comments')
