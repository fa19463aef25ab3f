"""initial schema: PLC memory time series, reference tables, jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-25 02:59:27.563530
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alarm_codes",
        sa.Column("code", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_alarm_codes")),
        sa.UniqueConstraint("name", name=op.f("uq_alarm_codes_name")),
    )
    op.create_table(
        "fault_types",
        sa.Column("bit", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("subsystem", sa.Text(), nullable=False),
        sa.Column("sensor_only", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("bit", name=op.f("pk_fault_types")),
        sa.UniqueConstraint("id", name=op.f("uq_fault_types_id")),
    )
    op.create_table(
        "machine_states",
        sa.Column("code", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_machine_states")),
        sa.UniqueConstraint("name", name=op.f("uq_machine_states_name")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="running", nullable=False),
        sa.Column(
            "recipe",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="recipe as given (configuration, not data)",
        ),
        sa.Column(
            "scenario",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="scenario as given",
        ),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("engine_version", sa.Text(), nullable=False),
        sa.Column(
            "start_sim",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="timestamp_sim of seq 0",
        ),
        sa.Column("rows_expected", sa.BigInteger(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('live', 'batch')", name=op.f("ck_runs_kind")),
        sa.CheckConstraint(
            "status IN ('running', 'completed', 'failed', 'cancelled', 'interrupted')",
            name=op.f("ck_runs_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_table(
        "telemetry",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "seq", sa.BigInteger(), nullable=False, comment="sample number within the run, from 0"
        ),
        sa.Column(
            "timestamp_sim",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="simulated time: start_sim + seq seconds",
        ),
        sa.Column(
            "machine_state", sa.SmallInteger(), nullable=False, comment="machine_states.code"
        ),
        sa.Column(
            "part_id", sa.BigInteger(), nullable=False, comment="part in the machine; 0: none"
        ),
        sa.Column(
            "alarm_code", sa.SmallInteger(), nullable=False, comment="latched alarm; 0: none"
        ),
        sa.Column(
            "faults_onset", sa.BigInteger(), nullable=False, comment="fault_types.bit mask, onset"
        ),
        sa.Column(
            "faults_active", sa.BigInteger(), nullable=False, comment="fault_types.bit mask, active"
        ),
        sa.Column(
            "faults_recovering",
            sa.BigInteger(),
            nullable=False,
            comment="fault_types.bit mask, recovering",
        ),
        sa.Column(
            "power_setpoint_kw",
            sa.REAL(),
            nullable=False,
            comment="[kW] coil power setpoint of the active recipe step",
        ),
        sa.Column(
            "power_kw",
            sa.REAL(),
            nullable=False,
            comment="[kW] real power delivered by the inverter to the coil",
        ),
        sa.Column(
            "frequency_hz",
            sa.REAL(),
            nullable=False,
            comment="[Hz] inverter output frequency, tracking tank resonance",
        ),
        sa.Column("coil_current_a", sa.REAL(), nullable=False, comment="[A] rms coil current"),
        sa.Column("coil_voltage_v", sa.REAL(), nullable=False, comment="[V] rms coil voltage"),
        sa.Column(
            "power_factor",
            sa.REAL(),
            nullable=False,
            comment="[1] coil power factor (real / apparent power)",
        ),
        sa.Column("dc_bus_v", sa.REAL(), nullable=False, comment="[V] inverter DC link voltage"),
        sa.Column(
            "inverter_temp_c",
            sa.REAL(),
            nullable=False,
            comment="[°C] inverter heat-sink temperature",
        ),
        sa.Column(
            "energy_part_kj",
            sa.REAL(),
            nullable=False,
            comment="[kJ] energy delivered to the coil for the current part so far",
        ),
        sa.Column(
            "surface_temp_c",
            sa.REAL(),
            nullable=False,
            comment="[°C] pyrometer reading of the part surface at the coil exit",
        ),
        sa.Column(
            "scan_position_mm",
            sa.REAL(),
            nullable=False,
            comment="[mm] scan axis position from the start of the hardened length",
        ),
        sa.Column("scan_speed_mm_s", sa.REAL(), nullable=False, comment="[mm/s] scan axis speed"),
        sa.Column("spindle_rpm", sa.REAL(), nullable=False, comment="[rpm] part rotation speed"),
        sa.Column(
            "coil_water_flow_lpm",
            sa.REAL(),
            nullable=False,
            comment="[l/min] coil cooling water flow",
        ),
        sa.Column(
            "coil_water_in_c",
            sa.REAL(),
            nullable=False,
            comment="[°C] coil cooling water inlet temperature",
        ),
        sa.Column(
            "coil_water_out_c",
            sa.REAL(),
            nullable=False,
            comment="[°C] coil cooling water outlet temperature",
        ),
        sa.Column("quench_flow_lpm", sa.REAL(), nullable=False, comment="[l/min] quench ring flow"),
        sa.Column(
            "quench_pressure_bar", sa.REAL(), nullable=False, comment="[bar] quench supply pressure"
        ),
        sa.Column(
            "quench_temp_c", sa.REAL(), nullable=False, comment="[°C] quench tank temperature"
        ),
        sa.Column(
            "quench_concentration_pct",
            sa.REAL(),
            nullable=False,
            comment="[%] polymer concentration (refractometer)",
        ),
        sa.Column(
            "ground_leakage_ma",
            sa.REAL(),
            nullable=False,
            comment="[mA] earth-leakage current of the coil circuit",
        ),
        sa.Column("surface_temp_true_c", sa.REAL(), nullable=False, comment="[°C] true value"),
        sa.Column(
            "coil_water_flow_true_lpm", sa.REAL(), nullable=False, comment="[l/min] true value"
        ),
        sa.PrimaryKeyConstraint("run_id", "seq", name="pk_telemetry"),
        postgresql_with={"fillfactor": 100},
    )
    op.create_index(
        "ix_telemetry_run_id_timestamp_sim",
        "telemetry",
        ["run_id", "timestamp_sim"],
        unique=False,
        postgresql_with={"fillfactor": 100},
    )
    op.create_index(
        "ix_telemetry_timestamp_sim",
        "telemetry",
        ["timestamp_sim"],
        unique=False,
        postgresql_with={"fillfactor": 100},
    )
    op.create_table(
        "fault_injections",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("fault_type", sa.Text(), nullable=False),
        sa.Column("severity", sa.REAL(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False, comment="step|ramp|intermittent"),
        sa.Column("source", sa.Text(), nullable=False, comment="schedule|stochastic|operator"),
        sa.Column("onset_seq", sa.BigInteger(), nullable=False),
        sa.Column("onset_sim", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True, comment="null: until cleared"),
        sa.Column("cleared_sim", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "severity >= 0 AND severity <= 1", name=op.f("ck_fault_injections_severity")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_fault_injections_run_id_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fault_injections")),
    )
    op.create_index(
        "ix_fault_injections_run_id_onset_seq",
        "fault_injections",
        ["run_id", "onset_seq"],
        unique=False,
    )
    op.create_table(
        "generation_jobs",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("status", sa.Text(), server_default="queued", nullable=False),
        sa.Column("scenario", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("rows_requested", sa.BigInteger(), nullable=False),
        sa.Column("rows_written", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("compute_s", sa.Float(), nullable=True, comment="seconds spent in the engine"),
        sa.Column(
            "write_s", sa.Float(), nullable=True, comment="seconds spent writing (COPY + commit)"
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("shards", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_generation_jobs_status"),
        ),
        sa.CheckConstraint("rows_requested > 0", name=op.f("ck_generation_jobs_rows_requested")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
            name=op.f("fk_generation_jobs_run_id_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generation_jobs")),
    )
    op.create_index("ix_generation_jobs_status", "generation_jobs", ["status"], unique=False)
    op.create_table(
        "machine_events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "seq", sa.BigInteger(), nullable=False, comment="sample at which the event happened"
        ),
        sa.Column("timestamp_sim", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Text(),
            nullable=False,
            comment="state_change|alarm_raised|alarm_acknowledged|…",
        ),
        sa.Column("code", sa.SmallInteger(), nullable=True, comment="alarm code, for alarm events"),
        sa.Column("from_state", sa.Text(), nullable=True),
        sa.Column("to_state", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column(
            "ref_event_id",
            sa.BigInteger(),
            nullable=True,
            comment="the alarm an ack/reset refers to",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_machine_events_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_machine_events")),
        postgresql_with={"fillfactor": 100},
    )
    op.create_index(
        "ix_machine_events_run_id_seq", "machine_events", ["run_id", "seq"], unique=False
    )
    op.create_index(
        "ix_machine_events_timestamp_sim", "machine_events", ["timestamp_sim"], unique=False
    )
    op.create_table(
        "parts",
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("part_id", sa.BigInteger(), nullable=False),
        sa.Column("recipe_name", sa.Text(), nullable=False),
        sa.Column("steel_grade", sa.Text(), nullable=False),
        sa.Column("started_sim", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_sim", sa.DateTime(timezone=True), nullable=False),
        sa.Column("surface_hrc", sa.REAL(), nullable=True),
        sa.Column(
            "case_depth_mm",
            sa.REAL(),
            nullable=True,
            comment="SAE J423 effective case depth, 50 HRC",
        ),
        sa.Column(
            "case_depth_iso_mm", sa.REAL(), nullable=True, comment="ISO 18203 SHD, 0.8 × min HV"
        ),
        sa.Column("peak_surface_temp_c", sa.REAL(), nullable=True),
        sa.Column("energy_part_kj", sa.REAL(), nullable=True),
        sa.Column("energy_coil_kj", sa.REAL(), nullable=True),
        sa.Column("profile_depth_mm", postgresql.ARRAY(sa.REAL()), nullable=True),
        sa.Column("profile_hv", postgresql.ARRAY(sa.REAL()), nullable=True),
        sa.Column("verdict", sa.Text(), nullable=False, comment="OK|NOK"),
        sa.Column("reasons", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("interrupted", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("verdict IN ('OK', 'NOK')", name=op.f("ck_parts_verdict")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_parts_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "part_id", name="pk_parts"),
        postgresql_with={"fillfactor": 100},
    )
    # The readable view `telemetry_labelled` is generated from the telemetry contract after the
    # migrations (storage/labelled_view.py); this revision created a hand-written one until 0006.


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS telemetry_labelled")
    op.drop_table("parts")
    op.drop_index("ix_machine_events_timestamp_sim", table_name="machine_events")
    op.drop_index("ix_machine_events_run_id_seq", table_name="machine_events")
    op.drop_table("machine_events")
    op.drop_index("ix_generation_jobs_status", table_name="generation_jobs")
    op.drop_table("generation_jobs")
    op.drop_index("ix_fault_injections_run_id_onset_seq", table_name="fault_injections")
    op.drop_table("fault_injections")
    op.drop_index(
        "ix_telemetry_timestamp_sim", table_name="telemetry", postgresql_with={"fillfactor": 100}
    )
    op.drop_index(
        "ix_telemetry_run_id_timestamp_sim",
        table_name="telemetry",
        postgresql_with={"fillfactor": 100},
    )
    op.drop_table("telemetry")
    op.drop_table("runs")
    op.drop_table("machine_states")
    op.drop_table("fault_types")
    op.drop_table("alarm_codes")
