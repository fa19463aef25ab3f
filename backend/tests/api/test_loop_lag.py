"""The loop-lag monitor sees a stall of the event loop, whether the loop computes or waits."""

from __future__ import annotations

import asyncio
import time

from induction_sim.api.loop_lag import LoopLagMonitor


async def _stalled(stall: str) -> LoopLagMonitor:
    monitor = LoopLagMonitor()
    task = asyncio.create_task(monitor.run())
    await asyncio.sleep(0.1)
    if stall == "compute":
        cpu = time.thread_time()
        while time.thread_time() - cpu < 0.2:  # 0.2 s of CPU, however often preempted
            pass
    else:
        time.sleep(0.2)  # noqa: ASYNC251 - the blocking call under test
    await asyncio.sleep(0.1)
    task.cancel()
    return monitor


async def test_a_computing_stall_shows_as_lag_and_as_busy_cpu() -> None:
    view = (await _stalled("compute")).view()
    assert view.lag_max_ms >= 150 and view.busy_max_ms >= 150
    assert view.samples > 5


async def test_a_blocking_wait_shows_as_lag_without_busy_cpu() -> None:
    view = (await _stalled("wait")).view()
    assert view.lag_max_ms >= 150
    assert view.busy_max_ms < view.lag_max_ms
