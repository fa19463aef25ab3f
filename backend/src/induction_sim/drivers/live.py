"""The live driver: one sample per wall-clock second (× a speed factor) from the same engine.

Ticks sit on drift-free monotonic deadlines (start + k·period, never "sleep one period"), so the
cadence does not wander, and a late tick is caught up at once. Each sample goes to the stream hub
immediately and to PostgreSQL in the background (`live_writer.py`): database I/O never blocks the
loop, and while the database is away samples stay queued, in order, until it takes them back.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.drivers.hub import Hub, Message
from induction_sim.drivers.live_writer import LiveWriter
from induction_sim.machine.chunk import EventRecord, SampleChunk
from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode, fault_labels
from induction_sim.machine.machine import Machine, MachineConfig, OperatorModel
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.signals import SIGNAL_NAMES
from induction_sim.machine.states import ALARMS, AlarmCode, MachineState
from induction_sim.storage import records

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 40.0  # longer than a write's own timeout (live_writer.WRITE_TIMEOUT_S)
TICK_WINDOW = 3_600  # ticks whose lateness is kept: an hour at 1 Hz, 36 s at 100×


@dataclass
class AlarmEntry:
    id: int  # the sample at which it was raised (unique in the run)
    code: int
    name: str
    text: str
    action: str
    raised_seq: int
    raised_at: datetime
    acknowledged_by: str | None = None
    ack_comment: str | None = None
    acknowledged_at: datetime | None = None
    reset_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.reset_at is None


@dataclass
class InjectedFault:
    id: int
    fault: FaultInstance
    onset_at: datetime
    cleared: bool = False


@dataclass
class Tick:
    """Timing of the loop, for the API and the load test (`induction-sim load`)."""

    count: int = 0
    # how late each recent tick woke up after its deadline, s (the event loop's scheduling delay)
    late_s: deque[float] = field(default_factory=lambda: deque(maxlen=TICK_WINDOW))

    def lateness_ms(self) -> tuple[int, float | None, float | None, float | None]:
        """(ticks covered, p50, p99, max) of the recent ticks' lateness, ms."""
        if not self.late_s:
            return 0, None, None, None
        late = np.fromiter(self.late_s, dtype=np.float64, count=len(self.late_s)) * 1000.0
        p50, p99 = np.percentile(late, [50, 99])
        return int(late.size), float(p50), float(p99), float(late.max())


class LiveRunner:
    def __init__(
        self,
        engine: AsyncEngine,
        hub: Hub,
        recipe: Recipe,
        speed: float,
        autostart: bool,
        dead_letter_dir: Path,
    ) -> None:
        self.engine = engine
        self.hub = hub
        self.recipe = recipe
        self.speed = speed
        self.seed = secrets.randbelow(2**31)
        self.machine = Machine(
            MachineConfig(
                recipe=recipe,
                seed=self.seed,
                operator=OperatorModel(auto=False),
                autostart=autostart,
                start_sim=datetime.now(UTC).replace(microsecond=0),  # live: starts now
            )
        )
        self.run_id = 0
        self.alarms: list[AlarmEntry] = []
        self.faults: list[InjectedFault] = []
        self.last_sample: dict[str, Any] | None = None
        self.tick = Tick()
        self.writer = LiveWriter(engine, self.start_sim, dead_letter_dir)
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def start_sim(self) -> datetime:
        return self.machine.config.start_sim

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """A new live run (seq from 0): a restarted server never continues an old run's seq."""
        self.run_id = await self.writer.create_run(self.recipe.model_dump(mode="json"), self.seed)
        self.hub.clear_replay()
        self._tasks = [
            asyncio.create_task(self._ticks(), name="live-ticks"),
            asyncio.create_task(self.writer.run(), name="live-writer"),
        ]

    async def stop(self) -> None:
        self.writer.close()  # its task ends even if the cancel below were lost
        for task in self._tasks:
            task.cancel()
        # bounded: a stop must never hang on a task (a write in flight ends within its timeout)
        done, hanging = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT_S)
        for task in done:
            if not task.cancelled() and (error := task.exception()) is not None:
                log.error("live run %s: %s failed", self.run_id, task.get_name(), exc_info=error)
        for task in hanging:
            log.error("live run %s: %s did not stop; left behind", self.run_id, task.get_name())
        await self.writer.finish("completed", "server stopped")

    def loop_view(self) -> dict[str, Any]:
        """The loop's timing and the writer's backlog (GET /api/machine `loop`)."""
        window, p50, p99, worst = self.tick.lateness_ms()
        failing = self.writer.failing_since
        return {
            "ticks": self.tick.count,
            "window": window,
            "late_p50_ms": p50,
            "late_p99_ms": p99,
            "late_max_ms": worst,
            "queued_samples": self.writer.queued_rows,
            "lost_samples": self.writer.rows_lost,
            "database_failing_s": None if failing is None else time.monotonic() - failing,
            "dead_letter_rows": self.writer.dead_letters.rows,
            "dead_letter_file": str(self.writer.dead_letters.path)
            if self.writer.dead_letters.rows
            else None,
        }

    # --- the loop ---------------------------------------------------------------------------

    async def _ticks(self) -> None:
        period = 1.0 / self.speed
        start = time.monotonic()
        k = 0
        while True:
            k += 1
            deadline = start + k * period
            delay = deadline - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self.tick.late_s.append(max(0.0, time.monotonic() - deadline))
            self.step()

    def step(self) -> None:
        """Advance one sample and publish it (also used by tests without the clock)."""
        chunk = self.machine.advance(1)
        self.tick.count += 1
        self.writer.append(chunk)
        sample = self._sample_message(chunk)
        self.last_sample = sample
        self.hub.publish(Message("sample", sample, f"{self.run_id}:{sample['seq']}"))
        for event in chunk.events:
            self._on_event(event)

    # --- messages ---------------------------------------------------------------------------

    def _sample_message(self, chunk: SampleChunk) -> dict[str, Any]:
        cols = chunk.columns
        seq = int(cols["seq"][0])
        labels = fault_labels(
            int(cols["faults_onset"][0]),
            int(cols["faults_active"][0]),
            int(cols["faults_recovering"][0]),
        )
        message: dict[str, Any] = {
            "run_id": self.run_id,
            "seq": seq,
            "timestamp_sim": records.sim_time(self.start_sim, seq).isoformat(),
            "machine_state": MachineState(int(cols["machine_state"][0])).name,
            "part_id": int(cols["part_id"][0]) or None,
            "alarm_code": int(cols["alarm_code"][0]) or None,
            "fault_labels": labels,
        }
        for name in SIGNAL_NAMES:
            value = float(cols[name][0])
            message[name] = None if np.isnan(value) else round(value, 4)
        return message

    def event_message(self, e: EventRecord) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "seq": e.seq,
            "timestamp_sim": records.sim_time(self.start_sim, e.seq).isoformat(),
            "kind": e.kind,
            "code": e.code,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "message": e.message,
            "operator": e.operator,
            "comment": e.comment,
        }

    def _on_event(self, e: EventRecord) -> None:
        at = records.sim_time(self.start_sim, e.seq)
        if e.kind == "alarm_raised" and e.code is not None:
            alarm = ALARMS[AlarmCode(e.code)]
            self.alarms.append(
                AlarmEntry(e.seq, e.code, alarm.code.name, alarm.text, alarm.action, e.seq, at)
            )
            del self.alarms[:-200]
        elif e.kind in ("alarm_acknowledged", "alarm_reset"):
            latest = next((a for a in reversed(self.alarms) if a.active), None)
            if latest is not None and e.kind == "alarm_acknowledged":
                latest.acknowledged_by, latest.ack_comment, latest.acknowledged_at = (
                    e.operator,
                    e.comment,
                    at,
                )
            elif latest is not None:
                latest.reset_at = at
        self.hub.publish(Message("event", self.event_message(e)))

    # --- operator actions (the API calls these between ticks) -------------------------------

    def acknowledge(self, alarm_id: int, operator: str, comment: str | None) -> AlarmEntry:
        alarm = next((a for a in self.alarms if a.id == alarm_id), None)
        if alarm is None:
            raise LookupError(f"alarm {alarm_id} not found")
        if alarm.acknowledged_at is not None:
            raise ValueError(f"alarm {alarm_id} is already acknowledged by {alarm.acknowledged_by}")
        if not alarm.active:
            raise ValueError(f"alarm {alarm_id} is no longer active")
        self.machine.acknowledge(operator, comment)  # its event goes out with the next sample
        # the answer must already show the acknowledgement (the event repeats the same values)
        alarm.acknowledged_by, alarm.ack_comment = operator, comment
        alarm.acknowledged_at = records.sim_time(self.start_sim, self.machine.seq)
        return alarm

    def reset(self, operator: str) -> None:
        """Reset the latched alarm; the alarm list shows it at once, not after the next tick."""
        self.machine.reset(operator)
        for alarm in self.alarms:
            if alarm.active:
                alarm.reset_at = records.sim_time(self.start_sim, self.machine.seq)

    def inject(
        self, fault_id: str, severity: float, mode: OnsetMode, duration_s: float | None
    ) -> InjectedFault:
        if fault_id not in BY_ID:
            raise LookupError(fault_id)
        placed = self.machine.inject(FaultInstance(fault_id, severity, mode, 0.0, duration_s))
        entry = InjectedFault(
            len(self.faults) + 1, placed, records.sim_time(self.start_sim, placed.onset_s)
        )
        self.faults.append(entry)
        return entry

    def clear(self, injected_id: int) -> InjectedFault:
        entry = next((f for f in self.faults if f.id == injected_id), None)
        if entry is None:
            raise LookupError(f"fault {injected_id} not found")
        if entry.cleared:
            raise ValueError(f"fault {injected_id} is already cleared")
        self.machine.clear(entry.fault.fault_id)
        entry.cleared = True
        return entry
