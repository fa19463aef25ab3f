"""induction-sim: a physics-grounded simulator of an induction hardening machine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("induction-sim")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"

# The engine's own version, stored with every run so a dataset names the model that made it.
# Bump it whenever a change alters generated numbers for the same scenario and seed.
ENGINE_VERSION = "0.1.0"
