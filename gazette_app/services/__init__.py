"""Application workflows: each one unit of work on the database, audit event included."""
