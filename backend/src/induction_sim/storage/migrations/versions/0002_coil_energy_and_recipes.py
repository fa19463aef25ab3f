"""coil energy named as such; operators' recipes kept in the database

`telemetry.energy_part_kj` held the energy delivered to the coil for the current part, while
`parts.energy_part_kj` is the energy the part absorbed: the telemetry column becomes
`energy_coil_kj`, matching `parts.energy_coil_kj`. Recipes added through the API were held in
memory only; they get a table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The view `telemetry_labelled` is generated after the migrations (storage/labelled_view.py);
# a database made before 0006 holds a hand-written one whose t.* depends on the renamed column,
# so it is dropped here and regenerated at the end of the upgrade.


def _rename_energy(old: str, new: str) -> None:
    op.execute("DROP VIEW IF EXISTS telemetry_labelled")
    op.alter_column(
        "telemetry",
        old,
        new_column_name=new,
        comment="[kJ] energy delivered to the coil for the current part so far",
        existing_type=sa.REAL(),
        existing_nullable=False,
    )


def upgrade() -> None:
    _rename_energy("energy_part_kj", "energy_coil_kj")
    op.create_table(
        "recipes",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("recipe", postgresql.JSONB(), nullable=False, comment="as validated"),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_recipes")),
        comment="recipes added by operators (the built-in ones live in the code)",
    )


def downgrade() -> None:
    op.drop_table("recipes")
    _rename_energy("energy_coil_kj", "energy_part_kj")
