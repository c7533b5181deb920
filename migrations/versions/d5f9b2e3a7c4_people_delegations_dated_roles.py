"""people: delegations, dated role assignments, on-behalf-of in the audit trail, handovers

Revision ID: d5f9b2e3a7c4
Revises: c4e8a1f0d2b6
Create Date: 2026-12-01 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from cpas_workflow.core.db import UTCDateTime


# revision identifiers, used by Alembic.
revision = 'd5f9b2e3a7c4'
down_revision = 'c4e8a1f0d2b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ended_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('handover_notes', sa.Text(), nullable=True))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_audit_events_on_behalf_of_id_users', 'users', ['on_behalf_of_id'], ['id'])
    op.create_table(
        'delegations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('delegator_id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('mission_id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('ends', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('ended_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['delegator_id'], ['users.id']),
        sa.ForeignKeyConstraint(['delegate_id'], ['users.id']),
        sa.ForeignKeyConstraint(['mission_id'], ['missions.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegations_delegator_id'), ['delegator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegations_mission_id'), ['mission_id'], unique=False)
    op.create_table(
        'handovers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=False),
        sa.Column('acknowledged_at', UTCDateTime(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['role_assignments.id']),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_assignment_id'), ['assignment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handovers_assignment_id'))
    op.drop_table('handovers')
    with op.batch_alter_table('delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegations_mission_id'))
        batch_op.drop_index(batch_op.f('ix_delegations_delegate_id'))
        batch_op.drop_index(batch_op.f('ix_delegations_delegator_id'))
    op.drop_table('delegations')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_audit_events_on_behalf_of_id_users', type_='foreignkey')
        batch_op.drop_column('on_behalf_of_id')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_column('handover_notes')
        batch_op.drop_column('ended_at')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
