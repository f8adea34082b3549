//! Throwaway real database servers (PostgreSQL, MariaDB, ClickHouse) on random loopback ports.
