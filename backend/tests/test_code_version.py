"""The code version changes with the code: a hash of the package's source files."""

from __future__ import annotations

import shutil
from pathlib import Path

from induction_sim import ENGINE_VERSION
from induction_sim.code_version import PACKAGE_ROOT, code_version, source_hash


def test_the_code_version_follows_every_source_file(tmp_path: Path) -> None:
    copy = tmp_path / "induction_sim"
    shutil.copytree(PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_hash(copy)
    assert before == source_hash(PACKAGE_ROOT)  # deterministic, independent of where it lies
    assert code_version() == f"{ENGINE_VERSION}+{before[:12]}"
    target = copy / "machine" / "faults.py"
    target.write_text(target.read_text() + "\n# a comment is a change\n")
    changed = source_hash(copy)
    assert changed != before
    (copy / "machine" / "new_module.py").write_text("X = 1\n")
    assert source_hash(copy) not in (before, changed)
    (copy / "machine" / "__pycache__").mkdir(exist_ok=True)
    (copy / "machine" / "__pycache__" / "faults.cpython-311.pyc").write_bytes(b"\0")
    assert source_hash(copy) not in (before, changed) and source_hash(copy) == source_hash(copy)
