//! Oracle (placeholder until the engine lands).
