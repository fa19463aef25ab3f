"""The schema of the "PLC memory" as SQLAlchemy Core tables, used by queries and writers.

Alembic migrations create it (never `create_all` outside tests); `tests/storage` checks that the
migrations and these tables agree. Time-series tables are append-only: typed columns per signal
(no JSON for measurements), fillfactor 100 because rows are never updated in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from induction_sim.machine.sample_schema import SAMPLE_COLUMNS

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

APPEND_ONLY: dict[str, Any] = {"postgresql_with": {"fillfactor": 100}}

RUN_KINDS = ("live", "batch")
RUN_STATUSES = ("running", "completed", "failed", "cancelled", "interrupted")
JOB_STATUSES = ("queued", "running", "cancelling", "succeeded", "failed", "cancelled")


# stored SQL type of a contract column → its SQLAlchemy type
_SQL_TYPES: dict[str, Any] = {
    "int8": BigInteger(),
    "int2": SmallInteger(),
    "float4": REAL(),
    "timestamptz": DateTime(timezone=True),
}


def _tstz(name: str, **kw: Any) -> Column[datetime]:
    """A timestamptz column: all times are stored with their time zone."""
    return Column(name, DateTime(timezone=True), **kw)


runs = Table(
    "runs",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="running"),
    Column("recipe", JSONB, nullable=True, comment="recipe as given (configuration, not data)"),
    Column("scenario", JSONB, nullable=True, comment="scenario as given"),
    Column("seed", BigInteger, nullable=True),
    Column("engine_version", Text, nullable=False),
    Column(
        "code_version",
        Text,
        nullable=True,
        comment="ENGINE_VERSION + hash of the engine's source files that made the run",
    ),
    _tstz("start_sim", nullable=False, comment="timestamp_sim of seq 0"),
    Column("rows_expected", BigInteger, nullable=True),
    Column("status_reason", Text, nullable=True),
    _tstz("created_at", nullable=False, server_default=func.now()),
    _tstz("finished_at", nullable=True),
    CheckConstraint(f"kind IN {RUN_KINDS}", name="kind"),
    CheckConstraint(f"status IN {RUN_STATUSES}", name="status"),
)

# One row per 1 Hz sample, fixed width so that it can be COPYed straight from numpy columns; its
# columns are the telemetry contract's (`machine/sample_schema.py`). Codes, not strings, as in a
# PLC's memory: `machine_states` and `fault_types` name them, and the view `telemetry_labelled`
# (generated from the contract at start-up, `storage/labelled_view.py`) shows them readably.
# The bulk tables (telemetry, parts, machine_events) have no foreign key to runs: a per-row FK
# check would tax COPY ingest (measured on events: 44 % of their COPY); writers own run_id, and
# `repositories/runs.py delete_runs` deletes a run's rows with it.
telemetry = Table(
    "telemetry",
    metadata,
    *(
        Column(c.name, _SQL_TYPES[c.sql_type], nullable=False, comment=c.sql_comment)
        for c in SAMPLE_COLUMNS
    ),
    PrimaryKeyConstraint("run_id", "seq", name="pk_telemetry"),
    # The mandatory B-tree on simulated time. A run's rows are read by seq on the primary key.
    Index("ix_telemetry_timestamp_sim", "timestamp_sim", postgresql_with={"fillfactor": 100}),
    **APPEND_ONLY,
)

machine_states = Table(
    "machine_states",
    metadata,
    Column("code", SmallInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False, unique=True),
)

fault_types = Table(
    "fault_types",
    metadata,
    Column("bit", SmallInteger, primary_key=True, autoincrement=False),
    Column("id", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("subsystem", Text, nullable=False),
    Column("sensor_only", Boolean, nullable=False),
)

alarm_codes = Table(
    "alarm_codes",
    metadata,
    Column("code", SmallInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False, unique=True),
    Column("text", Text, nullable=False),
)

machine_events = Table(
    "machine_events",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("run_id", BigInteger, nullable=False),
    Column("seq", BigInteger, nullable=False, comment="sample at which the event happened"),
    _tstz("timestamp_sim", nullable=False),
    Column("kind", Text, nullable=False, comment="state_change|alarm_raised|alarm_acknowledged|…"),
    Column("code", SmallInteger, nullable=True, comment="alarm code, for alarm events"),
    Column("from_state", Text, nullable=True),
    Column("to_state", Text, nullable=True),
    Column("message", Text, nullable=False, server_default=""),
    Column("operator", Text, nullable=True),
    Column("comment", Text, nullable=True),
    Index("ix_machine_events_run_id_seq", "run_id", "seq"),
    Index("ix_machine_events_timestamp_sim", "timestamp_sim"),
    **APPEND_ONLY,
)

SCHEDULE_FIELDS: Final = ("ramp_s", "period_s", "duty", "onset_window_s", "recovery_s")

fault_injections = Table(
    "fault_injections",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("run_id", BigInteger, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("fault_type", Text, nullable=False),
    Column("severity", REAL, nullable=False),
    Column("mode", Text, nullable=False, comment="step|ramp|intermittent"),
    Column("source", Text, nullable=False, comment="schedule|stochastic|operator"),
    Column("onset_seq", BigInteger, nullable=False),
    _tstz("onset_sim", nullable=False),
    Column("duration_s", Float, nullable=True, comment="null: until cleared"),
    _tstz("cleared_sim", nullable=True),
    # every schedule field of the instance (migration 0008; null on older rows)
    *(Column(name, Float, nullable=True) for name in SCHEDULE_FIELDS),
    Column("every_nth_heat", BigInteger, nullable=True, comment="acts on every N-th heat"),
    CheckConstraint("severity >= 0 AND severity <= 1", name="severity"),
    Index("ix_fault_injections_run_id_onset_seq", "run_id", "onset_seq"),
)

parts = Table(
    "parts",
    metadata,
    Column("run_id", BigInteger, nullable=False),
    Column("part_id", BigInteger, nullable=False),
    Column("recipe_name", Text, nullable=False),
    Column("steel_grade", Text, nullable=False),
    _tstz("started_sim", nullable=False),
    _tstz("finished_sim", nullable=False),
    Column("surface_hrc", REAL, nullable=True),
    Column("case_depth_mm", REAL, nullable=True, comment="SAE J423 effective case depth, 50 HRC"),
    Column("case_depth_iso_mm", REAL, nullable=True, comment="ISO 18203 SHD, 0.8 × min HV"),
    Column("peak_surface_temp_c", REAL, nullable=True),
    Column("energy_part_kj", REAL, nullable=True),
    Column("energy_coil_kj", REAL, nullable=True),
    Column("profile_depth_mm", ARRAY(REAL), nullable=True),
    Column("profile_hv", ARRAY(REAL), nullable=True),
    Column("verdict", Text, nullable=False, comment="OK|NOK"),
    Column("reasons", ARRAY(Text), nullable=False, server_default="{}"),
    Column("interrupted", Boolean, nullable=False, server_default="false"),
    # What the plant measured and decided (machine/inspection.py; migration 0007). `verdict` and
    # `reasons` above judge the true values: the ground-truth label.
    Column("hardness_inspected", Boolean, nullable=False, server_default="false"),
    Column(
        "surface_hrc_measured", REAL, nullable=True, comment="Rockwell C reading; null: not tested"
    ),
    Column("case_depth_inspected", Boolean, nullable=False, server_default="false"),
    Column(
        "case_depth_measured_mm",
        REAL,
        nullable=True,
        comment="SAE J423 ECD from a traverse; null: not sectioned",
    ),
    Column("plant_verdict", Text, nullable=False, comment="OK|NOK on what was measured"),
    Column("plant_reasons", ARRAY(Text), nullable=False, server_default="{}"),
    PrimaryKeyConstraint("run_id", "part_id", name="pk_parts"),
    CheckConstraint("verdict IN ('OK', 'NOK')", name="verdict"),
    CheckConstraint("plant_verdict IN ('OK', 'NOK')", name="plant_verdict"),
    **APPEND_ONLY,
)

recipes = Table(
    "recipes",
    metadata,
    Column("name", Text, primary_key=True),
    Column("recipe", JSONB, nullable=False, comment="as validated"),
    _tstz("created_at", nullable=False, server_default=func.now()),
    comment="recipes added by operators (the built-in ones live in the code)",
)

generation_jobs = Table(
    "generation_jobs",
    metadata,
    Column("id", BigInteger, Identity(always=False), primary_key=True),
    Column("status", Text, nullable=False, server_default="queued"),
    Column("scenario", JSONB, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("rows_requested", BigInteger, nullable=False),
    Column("rows_written", BigInteger, nullable=False, server_default="0"),
    Column("run_id", BigInteger, ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
    _tstz("created_at", nullable=False, server_default=func.now()),
    _tstz("started_at", nullable=True),
    _tstz("finished_at", nullable=True),
    Column("compute_s", Float, nullable=True, comment="seconds spent in the engine"),
    Column("write_s", Float, nullable=True, comment="seconds spent writing (COPY + commit)"),
    Column("error", Text, nullable=True),
    Column("shards", Integer, nullable=True),
    CheckConstraint("rows_requested > 0", name="rows_requested"),
    CheckConstraint(f"status IN {JOB_STATUSES}", name="status"),
    Index("ix_generation_jobs_status", "status"),
)
