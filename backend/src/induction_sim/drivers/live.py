"""The live driver: one sample per wall-clock second (× a speed factor) from the same engine.

- `LiveRunner` keeps time and hands each tick's chunk to its sinks (drivers/sinks.py: the
  database writer, the stream; chosen in the app's lifespan). Ticks sit on drift-free monotonic
  deadlines (start + k·period, never "sleep one period"), so the cadence does not wander, and a
  late tick is caught up at once. No sink can delay a tick: each has a queue and a task of its own.
- `LiveMachine` is all the API may do with the live machine: commands, the snapshot, alarms and
  faults. Machine truth lives in one place, the engine (`Machine`: state, latched alarm, faults,
  counters); history comes from the store (`storage/repositories/events.py`), overlaid with what
  the writer has not written yet, so an answer shows an operator's action at once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.drivers.hub import sample_message
from induction_sim.drivers.live_writer import LiveWriter
from induction_sim.drivers.sinks import LiveChunk, Sink
from induction_sim.machine.chunk import EventRecord, SampleChunk
from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode
from induction_sim.machine.machine import CommandError, Machine, MachineConfig, OperatorModel
from induction_sim.machine.recipe import Recipe
from induction_sim.machine.states import ALARMS, AlarmCode
from induction_sim.storage.records import sim_time
from induction_sim.storage.repositories import events
from induction_sim.storage.repositories.events import ALARM_KINDS, AlarmEvent, OperatorFault

log = logging.getLogger(__name__)

STOP_TIMEOUT_S = 40.0  # longer than a write's own timeout (live_writer.WRITE_TIMEOUT_S)
TICK_WINDOW = 3_600  # ticks whose lateness is kept: an hour at 1 Hz, 36 s at 100×
HISTORY_LIMIT = 100  # alarms and faults an answer lists at most


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
    """The live machine's clock: advances the engine one sample per tick into its sinks. The
    writer creates (and at the stop closes) the run; it is also one of the sinks."""

    def __init__(
        self,
        recipe: Recipe,
        speed: float,
        autostart: bool,
        start_sim: datetime,
        writer: LiveWriter,
        sinks: Sequence[Sink],
    ) -> None:
        self.recipe = recipe
        self.speed = speed
        self.seed = secrets.randbelow(2**31)
        self.machine = Machine(
            MachineConfig(
                recipe=recipe,
                seed=self.seed,
                operator=OperatorModel(auto=False),
                autostart=autostart,
                start_sim=start_sim,
            )
        )
        self.writer = writer
        self.sinks = list(sinks)
        self.run_id = 0
        self.previous_parts_run: int | None = None
        self.last_chunk: SampleChunk | None = None
        self.tick = Tick()
        self._tasks: list[asyncio.Task[None]] = []
        self._put_failures = 0

    @property
    def start_sim(self) -> datetime:
        return self.machine.config.start_sim

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """A new live run (seq from 0): a restarted server never continues an old run's seq."""
        self.run_id = await self.writer.create_run(self.recipe.model_dump(mode="json"), self.seed)
        self.previous_parts_run = await self.writer.previous_parts_run()
        self._tasks = [
            asyncio.create_task(self._ticks(), name="live-ticks"),
            *(asyncio.create_task(s.run(), name=f"live-sink-{s.name}") for s in self.sinks),
        ]

    async def stop(self) -> None:
        """Stop ticking, let every sink deliver what it holds (the writer closes the run), end
        their tasks. Bounded: a stop must never hang on a sink."""
        self._tasks[0].cancel()
        for sink in self.sinks:
            try:
                async with asyncio.timeout(STOP_TIMEOUT_S):
                    await sink.close()
            except Exception:
                log.exception("live run %s: sink %s did not close cleanly", self.run_id, sink.name)
        for task in self._tasks:
            task.cancel()
        done, hanging = await asyncio.wait(self._tasks, timeout=STOP_TIMEOUT_S)
        for task in done:
            if not task.cancelled() and (error := task.exception()) is not None:
                log.error("live run %s: %s failed", self.run_id, task.get_name(), exc_info=error)
        for task in hanging:
            log.error("live run %s: %s did not stop; left behind", self.run_id, task.get_name())

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
        """Advance one sample and hand it to every sink (also used by tests without the clock)."""
        chunk = self.machine.advance(1)
        self.tick.count += 1
        self.last_chunk = chunk
        item = LiveChunk(self.run_id, chunk)
        for sink in self.sinks:
            try:
                sink.put(item)
            except Exception:  # a sink's bug must not stop the machine or starve the others
                self._put_failures += 1
                if self._put_failures == 1 or self._put_failures % 3_600 == 0:
                    log.exception("live run %s: sink %s refused a chunk", self.run_id, sink.name)


# --- what the API shows ---------------------------------------------------------------------


@dataclass
class AlarmRecord:
    """One latched alarm: raised, maybe acknowledged, maybe reset. `id` is the seq it was raised
    at, unique within its run (`run_id`)."""

    run_id: int
    id: int
    code: int
    name: str
    text: str
    action: str
    raised_at: datetime
    active: bool = False
    acknowledged_by: str | None = None
    ack_comment: str | None = None
    acknowledged_at: datetime | None = None
    reset_at: datetime | None = None


@dataclass(frozen=True)
class FaultRecord:
    """An operator fault injection (`fault_injections` row) and whether it still acts."""

    row: OperatorFault
    cleared: bool


@dataclass(frozen=True)
class MachineSnapshot:
    run_id: int
    start_sim: datetime
    seq: int
    state: str
    seconds_in_state: int
    part_id: int | None
    parts_made: int
    previous_parts_run: int | None
    recipe: str
    speed: float
    alarm: AlarmRecord | None
    active_faults: list[dict[str, Any]]
    last_sample: dict[str, Any] | None
    energy_window_kj: tuple[float, float]
    loop: dict[str, Any]


Command = Literal["start", "stop", "reset", "estop"]


_ALARM_CODES = frozenset(int(c) for c in AlarmCode)


def _new_alarm(run_id: int, seq: int, code: int, at: datetime) -> AlarmRecord:
    info = ALARMS[AlarmCode(code)]
    return AlarmRecord(run_id, seq, code, info.code.name, info.text, info.action, at)


def alarm_history(alarm_events: Iterable[AlarmEvent]) -> list[AlarmRecord]:
    """Latched alarms from their events (given in the order they happened), oldest first.

    The engine latches one alarm at a time: an acknowledge or reset belongs to the run's newest
    alarm raised before it with the same code; a new alarm raised over a latched one replaces it.
    """
    ordered = sorted(alarm_events, key=lambda e: (e.run_id, e.seq))  # stable: keeps the order
    alarms: list[AlarmRecord] = []
    latched: dict[int, AlarmRecord] = {}  # run → its latched alarm
    for e in ordered:
        current = latched.get(e.run_id)
        if e.kind == "alarm_raised" and e.code in _ALARM_CODES:
            latched[e.run_id] = _new_alarm(e.run_id, e.seq, e.code, e.at)
            alarms.append(latched[e.run_id])
        elif current is None or current.code != e.code:
            continue  # its raise is older than the history read
        elif e.kind == "alarm_acknowledged" and current.acknowledged_at is None:
            current.acknowledged_by, current.ack_comment = e.operator, e.comment
            current.acknowledged_at = e.at
        elif e.kind == "alarm_reset":
            current.reset_at = e.at
            del latched[e.run_id]
    return alarms


class LiveMachine:
    """The live machine as the API sees it: operator commands, the snapshot, alarm and fault
    history. Routes use this, never the runner, the engine or its cursor."""

    def __init__(self, runner: LiveRunner) -> None:
        self._runner = runner
        self._machine = runner.machine
        self._writer = runner.writer

    @property
    def run_id(self) -> int:
        return self._runner.run_id

    @property
    def start_sim(self) -> datetime:
        return self._runner.start_sim

    def _at(self, seq: int) -> datetime:
        return sim_time(self.start_sim, seq)

    # --- commands ----------------------------------------------------------------------------

    def command(self, command: Command, operator: str = "operator") -> None:
        """start, stop (after the cycle), reset (after acknowledge), estop; CommandError when the
        machine's state refuses it."""
        m = self._machine
        if command == "start":
            m.start()
        elif command == "stop":
            m.stop()
        elif command == "reset":
            m.reset(operator)
        else:
            m.estop()

    def door(self, open_: bool) -> None:
        self._machine.set_door(open_)

    # --- the snapshot ------------------------------------------------------------------------

    def _latched(self) -> AlarmRecord | None:
        """The engine's latched alarm (with its acknowledgement, if any)."""
        alarm = self._machine.alarm
        if alarm is None:
            return None
        record = _new_alarm(
            self.run_id, alarm.raised_seq, int(alarm.code), self._at(alarm.raised_seq)
        )
        record.active = True
        if alarm.acknowledged:
            record.acknowledged_by, record.ack_comment = alarm.ack_operator, alarm.ack_comment
            ack_seq = alarm.ack_seq if alarm.ack_seq is not None else alarm.raised_seq
            record.acknowledged_at = self._at(ack_seq)
        return record

    def _running(self, fault_type: str, onset_seq: int) -> bool:
        now = self._machine.seq
        return any(
            f.fault_id == fault_type and int(f.onset_s) == onset_seq and f.onset_s <= now < f.end_s
            for f in self._machine.faults
        )

    def snapshot(self) -> MachineSnapshot:
        r, m = self._runner, self._machine
        now = m.seq
        chunk = r.last_chunk
        return MachineSnapshot(
            run_id=r.run_id,
            start_sim=r.start_sim,
            seq=now,
            state=m.state.name,
            seconds_in_state=m.cursor.elapsed_s,
            part_id=m.cursor.part_id or None,
            parts_made=m.parts_finished,
            previous_parts_run=r.previous_parts_run,
            recipe=r.recipe.name,
            speed=r.speed,
            alarm=self._latched(),
            active_faults=[
                {
                    "type": f.fault_id,
                    "severity": f.severity,
                    "mode": str(f.mode),
                    "onset_seq": int(f.onset_s),
                    "duration_s": f.duration_s,
                }
                for f in m.faults
                if f.onset_s <= now < f.end_s
            ],
            last_sample=None if chunk is None else sample_message(r.run_id, chunk, chunk.size - 1),
            energy_window_kj=r.recipe.energy_window_kj,
            loop=r.loop_view(),
        )

    def latest_seq(self) -> int:
        return self._machine.seq - 1

    # --- alarms ------------------------------------------------------------------------------

    def _unwritten(self) -> list[EventRecord]:
        """This run's events not known to be in the store: queued by the writer, or made by an
        operator command since the last tick."""
        return [*self._writer.pending_events(), *self._machine.unsent_events]

    async def alarms(self, conn: AsyncConnection, limit: int = HISTORY_LIMIT) -> list[AlarmRecord]:
        """Alarms of recent live runs, newest first: the store's history, this run's events not
        written yet, and the engine's latched alarm (`active`)."""
        stored = await events.live_alarm_events(conn, 3 * limit)
        seen = {(e.run_id, e.seq, e.kind, e.code, e.operator, e.comment) for e in stored}
        unwritten = [
            AlarmEvent(self.run_id, e.seq, e.kind, e.code, e.operator, e.comment, self._at(e.seq))
            for e in self._unwritten()
            if e.kind in ALARM_KINDS
        ]
        fresh = [
            e
            for e in unwritten
            if (e.run_id, e.seq, e.kind, e.code, e.operator, e.comment) not in seen
        ]
        history = alarm_history([*stored, *fresh])
        latched = self._latched()
        if latched is not None:  # the engine is the truth about the alarm latched now
            history = [a for a in history if (a.run_id, a.id) != (latched.run_id, latched.id)]
            history.append(latched)
            history.sort(key=lambda a: (a.run_id, a.id))
        return history[::-1][:limit]

    async def acknowledge(
        self,
        conn: AsyncConnection,
        alarm_id: int,
        operator: str,
        comment: str | None,
        run_id: int | None = None,
    ) -> AlarmRecord:
        """Acknowledge the live run's latched alarm `alarm_id`. LookupError: no such alarm;
        ValueError: it is not the active one (reset, replaced, or of an ended run)."""
        run = self.run_id if run_id is None else run_id
        latched = self._latched()
        if latched is not None and (latched.run_id, latched.id) == (run, alarm_id):
            if latched.acknowledged_at is not None:
                raise ValueError(
                    f"alarm {alarm_id} is already acknowledged by {latched.acknowledged_by}"
                )
            self._machine.acknowledge(operator, comment)  # its event goes out with the next tick
            acknowledged = self._latched()
            assert acknowledged is not None
            return acknowledged
        known = [a for a in await self.alarms(conn) if (a.run_id, a.id) == (run, alarm_id)]
        if not known:
            raise LookupError(f"alarm {alarm_id} not found in run {run}")
        if run != self.run_id:
            raise ValueError(f"alarm {alarm_id} belongs to run {run}, which is no longer live")
        raise ValueError(f"alarm {alarm_id} is no longer active")

    # --- faults ------------------------------------------------------------------------------

    def _fault(self, row: OperatorFault) -> FaultRecord:
        active = (
            row.run_id == self.run_id
            and row.cleared_sim is None
            and self._running(row.fault_type, row.onset_seq)
        )
        return FaultRecord(row, cleared=not active)

    async def faults(self, conn: AsyncConnection, limit: int = HISTORY_LIMIT) -> list[FaultRecord]:
        """Faults injected from the HMI into recent live runs, newest first (the store's rows and
        the ones the writer has not written yet)."""
        rows = {f.id: f for f in await events.live_operator_faults(conn, limit)}
        rows |= self._writer.pending_faults
        newest = sorted(rows.values(), key=lambda f: f.id, reverse=True)[:limit]
        return [self._fault(f) for f in newest]

    async def inject(
        self, fault_type: str, severity: float, mode: OnsetMode, duration_s: float | None
    ) -> FaultRecord:
        """Start a fault at the next sample; its row reaches `fault_injections` with the next
        write. LookupError: unknown fault type."""
        if fault_type not in BY_ID:
            raise LookupError(fault_type)
        fault_id = await self._writer.reserve_fault_id()  # the id is stable from the answer on
        placed = self._machine.inject(FaultInstance(fault_type, severity, mode, 0.0, duration_s))
        onset = int(placed.onset_s)
        row = OperatorFault(
            id=fault_id,
            run_id=self.run_id,
            fault_type=fault_type,
            severity=severity,
            mode=str(mode),
            onset_seq=onset,
            onset_sim=self._at(onset),
            duration_s=duration_s,
            cleared_sim=None,
        )
        self._writer.record_fault(row)
        return FaultRecord(row, cleared=False)

    async def clear(self, conn: AsyncConnection, fault_id: int) -> FaultRecord:
        """End an injected fault now. LookupError: unknown id; ValueError: it no longer acts."""
        row = self._writer.pending_faults.get(fault_id) or await events.operator_fault(
            conn, fault_id
        )
        if row is None:
            raise LookupError(f"fault {fault_id} not found")
        if row.run_id != self.run_id:
            raise ValueError(f"fault {fault_id} belongs to run {row.run_id}, which has ended")
        if self._fault(row).cleared:
            raise ValueError(f"fault {fault_id} is already cleared")
        self._machine.clear(row.fault_type)
        cleared = replace(row, cleared_sim=self._at(self._machine.seq))
        self._writer.record_fault(cleared)
        return FaultRecord(cleared, cleared=True)


__all__ = [
    "AlarmRecord",
    "CommandError",
    "FaultRecord",
    "LiveMachine",
    "LiveRunner",
    "MachineSnapshot",
    "Tick",
    "alarm_history",
]
