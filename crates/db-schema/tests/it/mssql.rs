//! SQL Server (placeholder until the engine lands).
