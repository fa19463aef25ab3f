"""Storage: the PostgreSQL "PLC memory" — bootstrap, schema, migrations, writers and queries."""
