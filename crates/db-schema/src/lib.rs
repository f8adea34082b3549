//! Schema extraction for seven database engines into one model.
#![deny(missing_docs)]
