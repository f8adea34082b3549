//! A rule engine that decides whether a command, SQL statement or patch may run.
#![deny(missing_docs)]
