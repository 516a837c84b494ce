//! planlint: parse PostgreSQL EXPLAIN output into one typed plan tree and analyze it.
