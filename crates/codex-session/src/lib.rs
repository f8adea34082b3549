//! Drive a local Codex engine over stdio.
#![deny(missing_docs)]
