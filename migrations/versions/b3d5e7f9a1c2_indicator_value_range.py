"""indicator value range set by the framework

Revision ID: b3d5e7f9a1c2
Revises: 678094985b2c
Create Date: 2026-12-01 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d5e7f9a1c2'
down_revision = '678094985b2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('framework_indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minimum', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('maximum', sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('framework_indicators', schema=None) as batch_op:
        batch_op.drop_column('maximum')
        batch_op.drop_column('minimum')
