"""Print the API's OpenAPI schema as JSON without a database.

`python -m induction_sim.api.schema_dump > frontend/openapi.json`.

The dashboard's TypeScript types are generated from this output (`frontend/openapi.json`, then
`openapi-typescript`; `make api-types`). The app is built with the default settings only (no
environment, no `.env`: the schema must not depend on who runs the command) and a placeholder
database: `create_app` touches the database only when its lifespan runs, which never happens here.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from induction_sim.api.app import create_app
from induction_sim.settings import Settings
from induction_sim.storage.database import DatabaseInfo

PLACEHOLDER_DATABASE = DatabaseInfo(
    url="postgresql+asyncpg://schema-dump@127.0.0.1:1/none", kind="embedded", server_version="0"
)


class DefaultSettings(Settings):
    """The settings' defaults, whatever the environment or a `.env` file say."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def schema() -> dict[str, Any]:
    """The OpenAPI schema of an app built with the default settings."""
    return create_app(DefaultSettings(), PLACEHOLDER_DATABASE).openapi()


def main() -> None:
    sys.stdout.write(json.dumps(schema(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
