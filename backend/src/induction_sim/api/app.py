"""The FastAPI application: API routers under /api, the built dashboard at /."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from induction_sim import __version__
from induction_sim.api.errors import install_error_handlers
from induction_sim.api.job_feed import JobFeed
from induction_sim.api.loop_lag import LoopLagMonitor
from induction_sim.api.openapi import install_openapi
from induction_sim.api.routes import health, jobs, machine, recipes, runs, stream, telemetry
from induction_sim.api.security import install as install_security
from induction_sim.api.state import AppState
from induction_sim.drivers.factory import Factory
from induction_sim.drivers.hub import Hub, StreamSink
from induction_sim.drivers.live import LiveMachine, LiveRunner
from induction_sim.drivers.live_writer import LiveWriter
from induction_sim.drivers.sinks import Sink
from induction_sim.machine.recipe import load_recipe
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo, create_engine
from induction_sim.storage.repositories import jobs as jobs_repo

log = logging.getLogger(__name__)

_NOT_BUILT = """<!doctype html><title>induction-sim</title>
<p>The dashboard is not built. Run <code>make run</code> from the repository root
(it builds <code>frontend/dist</code>), or use the API at <a href="/docs">/docs</a>.</p>"""


def create_app(settings: Settings, database: DatabaseInfo) -> FastAPI:
    """Build the app for a database that is already up and migrated (see `running_database`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database.url, pool_size=settings.db_pool_size)
        async with engine.begin() as conn:
            interrupted = await jobs_repo.mark_interrupted_jobs(conn)
        if interrupted:
            log.warning("%d generation job(s) were interrupted by the last stop", interrupted)
        hub = Hub()
        factory = Factory(
            engine,
            database.url,
            settings.factory_workers,
            settings.max_concurrent_jobs,
            settings.max_queued_jobs,
        )
        feed = JobFeed(engine, factory, hub)
        factory.on_change = feed.changed
        factory.start()
        runner = None
        live_engine = None
        if settings.live:
            # the live run writes on connections of its own: a request flood that drains the
            # request pool cannot stall it (nor make health blame it)
            live_engine = create_engine(database.url, pool_size=2, role="live writer")
            start_sim = datetime.now(UTC).replace(microsecond=0)  # live: starts now
            writer = LiveWriter(live_engine, start_sim, settings.data_dir / "dead-letters")
            # The live machine's sinks, each with its own queue. A new one is one line here.
            sinks: list[Sink] = [
                writer,
                StreamSink(hub),
            ]
            runner = LiveRunner(
                load_recipe(settings.live_recipe),
                settings.live_speed,
                settings.live_autostart,
                start_sim,
                writer,
                sinks,
            )
            await runner.start()
        loop_lag = LoopLagMonitor()
        app.state.sim = AppState(
            settings,
            database,
            engine,
            factory,
            hub,
            runner,
            loop_lag,
            machine=None if runner is None else LiveMachine(runner),
        )
        background = [
            asyncio.create_task(feed.run(), name="job-feed"),
            asyncio.create_task(loop_lag.run(), name="loop-lag"),
        ]
        app.openapi()  # built now, not by the first request for it (~150 ms on the loop)
        # Imports and start-up made a few hundred thousand long-lived objects: frozen, full
        # garbage collections skip them (seen: 30-220 ms pauses of the event loop without this)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            if runner is not None:
                await runner.stop()
            await factory.close()
            await engine.dispose()
            if live_engine is not None:
                await live_engine.dispose()

    app = FastAPI(
        title="Induction Hardening Simulator",
        version=__version__,
        lifespan=lifespan,
        description="Physics-grounded simulator of an induction hardening machine.",
    )
    install_error_handlers(app)
    install_openapi(app, settings)
    install_security(app, settings)
    app.include_router(health.router, prefix="/api")
    app.include_router(jobs.router, prefix="/api")
    app.include_router(telemetry.router, prefix="/api")
    app.include_router(machine.router, prefix="/api")
    app.include_router(recipes.router, prefix="/api")
    app.include_router(stream.router, prefix="/api")
    app.include_router(runs.router, prefix="/api")

    dist = settings.frontend_dist
    if (dist / "index.html").is_file():
        app.mount("/", StaticFiles(directory=dist, html=True), name="dashboard")
    else:
        log.warning("dashboard not built (%s missing); serving API only", dist / "index.html")

        @app.get("/", include_in_schema=False)
        async def dashboard_missing() -> HTMLResponse:
            return HTMLResponse(_NOT_BUILT)

    return app
