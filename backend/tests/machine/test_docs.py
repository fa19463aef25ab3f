"""The documentation's fault table lists every catalogue fault (docs stay true)."""

from __future__ import annotations

from pathlib import Path

from induction_sim.machine.faults import CATALOGUE

DOC = Path(__file__).resolve().parents[2] / "docs" / "machine.md"


def test_machine_doc_lists_every_fault_of_the_catalogue() -> None:
    text = DOC.read_text()
    missing = [f.id for f in CATALOGUE if f"`{f.id}` ({f.bit})" not in text]
    assert not missing, f"docs/machine.md lacks {missing}"
