"""labels that say what a fault did: the acting mask, full fault schedules, the code version

- `telemetry.faults_acting`: bit mask of the faults whose effect reaches the machine or a part at
  that sample (effective severity > 0, `machine/faults.py: effective_severity`). Rows written
  before this revision hold 0: unknown, not "no fault acting".
- `fault_injections`: every schedule field of an instance (ramp, period, duty, onset window,
  recovery, every-Nth-heat), so the export can compute each fault's effective severity and the
  manifest can state the schedule. Older rows: null (the defaults of their time applied).
- `runs.code_version`: a hash of the engine's source files (`induction_sim/code_version.py`),
  which changes with the code, not only with ENGINE_VERSION. Older runs: null.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-16 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCHEDULE = ("ramp_s", "period_s", "duty", "onset_window_s", "recovery_s")


def upgrade() -> None:
    # The generated view selects every stored column: dropped here, regenerated after the upgrade.
    op.execute("DROP VIEW IF EXISTS telemetry_labelled")
    # A constant default is a catalogue-only change (PostgreSQL ≥ 11): no table rewrite. Writers
    # always give the value, so the default goes again at once.
    op.add_column(
        "telemetry",
        sa.Column(
            "faults_acting",
            sa.BigInteger(),
            nullable=False,
            server_default="0",
            comment="fault_types.bit mask: faults whose effect reaches the machine or a part at "
            "this sample (effective severity > 0)",
        ),
    )
    op.alter_column("telemetry", "faults_acting", server_default=None)
    for name in _SCHEDULE:
        op.add_column("fault_injections", sa.Column(name, sa.Float(), nullable=True))
    op.add_column(
        "fault_injections",
        sa.Column(
            "every_nth_heat", sa.BigInteger(), nullable=True, comment="acts on every N-th heat"
        ),
    )
    op.add_column(
        "runs",
        sa.Column(
            "code_version",
            sa.Text(),
            nullable=True,
            comment="ENGINE_VERSION + hash of the engine's source files that made the run",
        ),
    )


def downgrade() -> None:
    op.drop_column("runs", "code_version")
    op.drop_column("fault_injections", "every_nth_heat")
    for name in reversed(_SCHEDULE):
        op.drop_column("fault_injections", name)
    op.execute("DROP VIEW IF EXISTS telemetry_labelled")
    op.drop_column("telemetry", "faults_acting")
