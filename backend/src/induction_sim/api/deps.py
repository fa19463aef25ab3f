"""Request dependencies: what a route may ask FastAPI for (the app's state, a database connection,
the live machine). Routes take these as parameters instead of reaching into `request.app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from induction_sim.api.state import AppState, app_state
from induction_sim.drivers.live import LiveMachine

# Without a live machine (SIM_LIVE=false) its endpoints do not exist on this server: 404, the
# answer the dashboard reads as "not here" (a 503 would promise it back soon).
NO_LIVE_MACHINE = "no live machine on this server (SIM_LIVE=false)"

State = Annotated[AppState, Depends(app_state)]


async def connection(state: State) -> AsyncIterator[AsyncConnection]:
    """One pooled connection for the request (a busy pool is a 503, see api/errors.py).
    Reads need nothing more; a write opens its transaction with `conn.begin()`."""
    async with state.engine.connect() as conn:
        yield conn


Conn = Annotated[AsyncConnection, Depends(connection)]


def live_machine(request: Request) -> LiveMachine:
    """The live machine's facade (drivers/live.py); 404 on a server without one."""
    machine = app_state(request).machine
    if machine is None:
        raise HTTPException(404, NO_LIVE_MACHINE)
    return machine


Live = Annotated[LiveMachine, Depends(live_machine)]
