"""Storage: schema, migrations and the database handle."""
