"""parts: quality as the plant measured it

Beside the true surface hardness and case depth, a part keeps what QA measured (a Rockwell C
reading when it was hardness-tested, the case depth of a microhardness traverse when it was
sectioned: `machine/inspection.py`) and the plant's verdict on those readings. `verdict` and
`reasons` keep judging the true values (the ground-truth label).

Rows written before this revision were judged on their true values as if every part had been
measured exactly: they get exactly that (measured = true, inspected where a value exists, plant
verdict = verdict), so the plant columns agree with their readings on every row.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NEW = (
    "hardness_inspected",
    "surface_hrc_measured",
    "case_depth_inspected",
    "case_depth_measured_mm",
    "plant_verdict",
    "plant_reasons",
)


def _flag(name: str) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), nullable=False, server_default="false")


def upgrade() -> None:
    op.add_column("parts", _flag("hardness_inspected"))
    op.add_column(
        "parts",
        sa.Column(
            "surface_hrc_measured",
            sa.REAL(),
            nullable=True,
            comment="Rockwell C reading; null: not tested",
        ),
    )
    op.add_column("parts", _flag("case_depth_inspected"))
    op.add_column(
        "parts",
        sa.Column(
            "case_depth_measured_mm",
            sa.REAL(),
            nullable=True,
            comment="SAE J423 ECD from a traverse; null: not sectioned",
        ),
    )
    op.add_column(
        "parts",
        sa.Column("plant_verdict", sa.Text(), nullable=True, comment="OK|NOK on what was measured"),
    )
    op.add_column(
        "parts",
        sa.Column(
            "plant_reasons", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"
        ),
    )
    op.execute(
        """
        UPDATE parts SET
            hardness_inspected = surface_hrc IS NOT NULL AND surface_hrc <> 'NaN',
            surface_hrc_measured = NULLIF(surface_hrc, 'NaN'),
            case_depth_inspected = case_depth_mm IS NOT NULL AND case_depth_mm <> 'NaN',
            case_depth_measured_mm = NULLIF(case_depth_mm, 'NaN'),
            plant_verdict = verdict,
            plant_reasons = reasons
        """
    )
    op.alter_column(
        "parts",
        "plant_verdict",
        existing_type=sa.Text(),
        nullable=False,
        existing_comment="OK|NOK on what was measured",
    )
    op.create_check_constraint(
        op.f("ck_parts_plant_verdict"), "parts", "plant_verdict IN ('OK', 'NOK')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_parts_plant_verdict"), "parts", type_="check")
    for name in reversed(_NEW):
        op.drop_column("parts", name)
