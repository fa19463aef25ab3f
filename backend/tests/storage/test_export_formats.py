"""The export formats come from one registry: the API's format parameter and the CLI's help are
its names, and a name it does not hold is an error, never a fallback format."""

from __future__ import annotations

import pytest

from induction_sim.api.routes.runs import ExportFormat
from induction_sim.storage.export.formats import FORMATS, file_format, format_of_suffix


def test_an_unknown_format_is_an_error_at_the_registry() -> None:
    with pytest.raises(ValueError, match=r"^format: unsupported export format 'xlsx'; use one"):
        file_format("xlsx")
    with pytest.raises(ValueError, match="'CSV'"):
        file_format("CSV")  # names are exact
    assert file_format("csv").media_type.startswith("text/csv")
    assert format_of_suffix(".Parquet") is FORMATS["parquet"]
    assert format_of_suffix(".json") is None


def test_every_registered_format_is_offered_by_the_api_and_the_cli() -> None:
    from typer.testing import CliRunner

    from induction_sim.cli import app

    assert [f.value for f in ExportFormat] == list(FORMATS)  # type: ignore[attr-defined]
    help_text = CliRunner().invoke(app, ["export", "--help"]).output
    assert all(name in help_text for name in FORMATS)
    for f in FORMATS.values():
        assert f.suffix and "/" in f.media_type and f.notes
