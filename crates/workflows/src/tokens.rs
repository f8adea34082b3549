//! Counting tokens the way the model family counts them.
//!
//! Prompts are budgeted in tokens, not bytes: a schema of short identifiers and a log of long
//! SQL differ by a factor of two in bytes per token, so `bytes / 4` either wastes the budget or
//! overruns it. [`count_tokens`] uses `tiktoken-rs` with `o200k_base`, the encoding of the
//! GPT-4o / o-series / GPT-5 models Codex talks to. The vocabulary is compiled into the crate
//! (`include_str!` of its bundled `o200k_base.tiktoken`), so counting works offline and never
//! downloads anything; it is parsed once per process, on first use (~0.2 s).
//!
//! Counts are of the text as sent (special-token markers are counted as plain text, since a
//! prompt never carries them as specials).

use std::sync::OnceLock;
use tiktoken_rs::CoreBPE;

/// The name of the encoding [`count_tokens`] uses.
pub const TOKENIZER: &str = "o200k_base";

fn encoder() -> Option<&'static CoreBPE> {
    static ENCODER: OnceLock<Option<CoreBPE>> = OnceLock::new();
    ENCODER
        .get_or_init(|| tiktoken_rs::o200k_base().ok())
        .as_ref()
}

/// The number of `o200k_base` tokens in `text`.
///
/// Should the bundled vocabulary ever fail to load (it is compiled in, so only a broken build
/// could), the count falls back to a conservative estimate of one token per three bytes, so a
/// budget is still respected, if less tightly.
pub fn count_tokens(text: &str) -> usize {
    match encoder() {
        Some(bpe) => bpe.encode_ordinary(text).len(),
        None => text.len().div_ceil(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_real_bpe_counts_not_byte_estimates() {
        assert_eq!(count_tokens(""), 0);
        // Known o200k_base counts (the encoding is loaded: no fallback in a working build).
        assert!(encoder().is_some());
        assert_eq!(count_tokens("hello world"), 2);
        // A long run of one character is one token per few characters, far from len/4.
        let sql = "SELECT id, name FROM customers WHERE id = 7";
        let n = count_tokens(sql);
        assert!((8..=14).contains(&n), "{n}");
    }
}
