//! Integration tests of approval-policy (one binary, several modules).
mod corpus;
