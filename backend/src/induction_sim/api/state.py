"""What the app holds while it runs, created in the lifespan and reached through the request."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.loop_lag import LoopLagMonitor
from induction_sim.drivers.factory import Factory
from induction_sim.drivers.hub import Hub
from induction_sim.drivers.live import LiveMachine, LiveRunner
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo


@dataclass
class AppState:
    settings: Settings
    database: DatabaseInfo
    engine: AsyncEngine
    factory: Factory
    hub: Hub
    live: LiveRunner | None  # the driver (health reads its writer); routes use `machine`
    loop_lag: LoopLagMonitor
    machine: LiveMachine | None = None  # the live machine's facade (api/deps.py: Live)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.sim
    return state
