"""The only package that speaks SQL: asyncpg pool, migrations, one module per table family."""
