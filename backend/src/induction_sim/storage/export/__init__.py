"""Export a run for ML: telemetry streamed as a file in a registered format, and its dataset card.

- `columns.py`: the export's columns, derived from the telemetry contract
  (`machine/sample_schema.py`), and Arrow record batches built from telemetry rows.
- `reading.py`: the run's rows by keyset-paginated binary COPY on the (run_id, seq) primary key.
- `formats.py`: the registry `FORMATS` {name: media type, suffix, writer}.
- `stream.py`: `iter_export`, reading and encoding overlapped, never the whole run in memory.
- `context.py`: the run's recipes per shift and its fault schedule (recipe column, severities).
- `parts_file.py`: the parts table as its own file (`parts_table`, `encode`).
- `card.py`: the dataset card (`manifest`).

Names are imported on first use, so reading `formats.FORMATS` (the CLI's help) loads no pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from induction_sim.storage.export.card import manifest
    from induction_sim.storage.export.columns import (
        COLUMNS,
        PHASES,
        SCHEMA,
        STATE_NAMES,
        ExportColumn,
        arrow_batch,
        fault_column,
    )
    from induction_sim.storage.export.formats import FORMATS, FileFormat, file_format
    from induction_sim.storage.export.parts_file import encode, parts_file_name, parts_table
    from induction_sim.storage.export.reading import decode_copy
    from induction_sim.storage.export.stream import BATCH_ROWS, iter_export

_HOMES: dict[str, str] = {
    **dict.fromkeys(
        ("COLUMNS", "PHASES", "SCHEMA", "STATE_NAMES", "ExportColumn", "arrow_batch"), "columns"
    ),
    "fault_column": "columns",
    **dict.fromkeys(("FORMATS", "FileFormat", "file_format"), "formats"),
    "manifest": "card",
    **dict.fromkeys(("encode", "parts_file_name", "parts_table"), "parts_file"),
    "decode_copy": "reading",
    **dict.fromkeys(("BATCH_ROWS", "iter_export"), "stream"),
}

__all__ = [
    "BATCH_ROWS",
    "COLUMNS",
    "FORMATS",
    "PHASES",
    "SCHEMA",
    "STATE_NAMES",
    "ExportColumn",
    "FileFormat",
    "arrow_batch",
    "decode_copy",
    "encode",
    "fault_column",
    "file_format",
    "iter_export",
    "manifest",
    "parts_file_name",
    "parts_table",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
