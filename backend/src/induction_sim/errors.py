"""Typed domain errors. The API maps them to HTTP once, in `api/errors.py`; the CLI prints them."""


class SimulatorError(Exception):
    """Base class: the message is meant for a person and names the problem and the fix."""


class StartupError(SimulatorError):
    """The server cannot start (bad configuration, database unreachable, port in use, ...)."""


class NotFoundError(SimulatorError):
    """A requested object (a run, a job, ...) does not exist; the message names it."""
