"""parts and machine_events without a foreign key to runs, like telemetry

The factory COPYs parts and events in bulk; their per-row foreign-key check (a locking lookup of
the run row) cost 44 % of the events COPY. Telemetry never had one. Runs are deleted with their
rows by `records.delete_runs` instead of ON DELETE CASCADE.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 10:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEYS = (
    ("parts", "fk_parts_run_id_runs"),
    ("machine_events", "fk_machine_events_run_id_runs"),
)


def upgrade() -> None:
    for table, name in FOREIGN_KEYS:
        op.drop_constraint(name, table, type_="foreignkey")


def downgrade() -> None:
    for table, name in FOREIGN_KEYS:
        # NOT VALID: rows of runs deleted meanwhile stay; new rows are checked again
        op.create_foreign_key(
            name, table, "runs", ["run_id"], ["id"], ondelete="CASCADE", postgresql_not_valid=True
        )
