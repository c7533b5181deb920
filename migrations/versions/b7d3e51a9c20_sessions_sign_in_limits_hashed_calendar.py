"""server-side sessions, sign-in attempts, token last use, hashed calendar tokens

Existing calendar addresses keep working: each stored secret is replaced by its SHA-256, which is what
a feed request is now looked up by. Browser sessions signed in before this migration have no record
and must sign in again.

Revision ID: b7d3e51a9c20
Revises: b7d41e0c9a23
Create Date: 2026-12-01 13:40:00.000000

"""
import hashlib

from alembic import op
import sqlalchemy as sa

import cpas_workflow.core.db


# revision identifiers, used by Alembic.
revision = 'b7d3e51a9c20'
down_revision = 'b7d41e0c9a23'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('last_seen_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('created_at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_user_sessions_key_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('sign_in_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', cpas_workflow.core.db.UTCDateTime(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts'))
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_email'), ['email'], unique=False)

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', cpas_workflow.core.db.UTCDateTime(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('calendar_token', sa.String()),
                     sa.column('calendar_token_hash', sa.String()))
    connection = op.get_bind()
    for user_id, token in connection.execute(sa.select(users.c.id, users.c.calendar_token)
                                             .where(users.c.calendar_token.is_not(None))).all():
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(calendar_token_hash=hashlib.sha256(token.encode()).hexdigest()))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_calendar_token', type_='unique')
        batch_op.drop_column('calendar_token')
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token_hash'), ['calendar_token_hash'])


def downgrade():
    # The clear calendar secrets cannot be recovered from their hashes: feeds must be made again.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token_hash'), type_='unique')
        batch_op.add_column(sa.Column('calendar_token', sa.VARCHAR(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_users_calendar_token', ['calendar_token'])
        batch_op.drop_column('calendar_token_hash')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')

    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_email'))
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_address'))
    op.drop_table('sign_in_attempts')

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
