//! Whole-system tests of xldb-codex live in `system/` (one test binary, modules per area).
//! This library is empty; it exists so the package is a workspace member.
