"""Jobs on the stream: each `job` message is the job's JobView, as GET /api/jobs/{id} answers.

The factory says which jobs changed (created, started, cancelling, ended); this feed publishes
a changed job at once and every running job's progress twice a second, so a subscriber sees a
job appear, move and end — its final status included — without polling. Changes that come
faster than the feed reads them are merged: a subscriber always gets a job's latest state.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from induction_sim.api.job_views import job_view
from induction_sim.drivers.factory import Factory
from induction_sim.drivers.hub import Hub, Message
from induction_sim.storage.repositories import jobs

PERIOD_S = 0.5

log = logging.getLogger(__name__)


class JobFeed:
    def __init__(self, engine: AsyncEngine, factory: Factory, hub: Hub) -> None:
        self.engine = engine
        self.factory = factory
        self.hub = hub
        self._changed: set[int] = set()
        self._wake = asyncio.Event()

    def changed(self, job_id: int) -> None:
        """The factory's hook: called on the event loop when a job's status moves."""
        self._changed.add(job_id)
        self._wake.set()

    async def run(self) -> None:
        while True:
            with suppress(TimeoutError):
                async with asyncio.timeout(PERIOD_S):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.publish_once()
            except (SQLAlchemyError, OSError) as exc:  # the database is away: try next period
                log.debug("job feed skipped: %s", exc)

    async def publish_once(self) -> None:
        ids = self._changed | set(self.factory.running)
        if not ids:
            return
        async with self.engine.connect() as conn:
            rows = await jobs.jobs_by_id(conn, sorted(ids))
        self._changed -= ids  # kept when the read failed; new changes stay for the next round
        for row in rows:
            view = job_view(row, self.factory.live(row.id))
            self.hub.publish(Message("job", view.model_dump(mode="json")))
