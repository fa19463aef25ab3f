"""The code version of a run: ENGINE_VERSION plus a hash of the package's source files.

ENGINE_VERSION is bumped by hand and stayed `0.1.0` over dozens of commits; the hash changes
with any change to the code that generates, stores or exports data. It is computed from the
installed package's own files at run time (no git needed): SHA-256 over each `*.py` and data
file under `induction_sim/` (sorted relative POSIX path, a NUL, the bytes, a NUL), compiled
files and caches excluded. The same tree gives the same hash on any machine.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Final

from induction_sim import ENGINE_VERSION

PACKAGE_ROOT: Final = Path(__file__).resolve().parent
# Files that make up the engine's behaviour: code and shipped data (recipes, SQL, templates).
_SUFFIXES: Final = frozenset({".py", ".json", ".yaml", ".yml", ".sql", ".csv"})
HASH_CHARS: Final = 12


def source_hash(root: Path) -> str:
    """SHA-256 (hex) of the source files under `root`, in sorted path order."""
    digest = hashlib.sha256()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in _SUFFIXES and "__pycache__" not in p.parts
    )
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def code_version() -> str:
    """`ENGINE_VERSION+<first 12 hex digits of source_hash>`: stored with every run."""
    return f"{ENGINE_VERSION}+{source_hash(PACKAGE_ROOT)[:HASH_CHARS]}"
