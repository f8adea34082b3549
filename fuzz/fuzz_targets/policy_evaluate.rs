//! Fuzz `Policy::evaluate` and `classify_sql`: no input may cause an internal error (a panic
//! the policy turns into `deny`), and nothing the engine does not understand may be allowed.
//!
//! The first byte picks the shape: a `bash -lc` script, a NUL-separated argv, SQL in one of
//! the dialects, or an `apply_patch` text.

#![no_main]

use approval_policy::{classify_sql, Action, Decision, Dialect, Policy, Verdict};
use libfuzzer_sys::fuzz_target;

fn check(v: &Verdict, input: &str) {
    assert!(
        v.explanation.iter().all(|f| f.id != "error"),
        "internal error on {input:?}: {v}"
    );
    if v.decision == Decision::Allow {
        assert!(
            v.explanation.iter().all(|f| f.decision == Decision::Allow && f.id != "unknown"),
            "allowed without knowledge: {input:?}: {v}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest).into_owned();
    let policy = Policy::builtin();
    match mode % 4 {
        0 => {
            let v = policy.evaluate(&Action::exec(vec!["bash".into(), "-lc".into(), text.clone()], None));
            check(&v, &text);
        }
        1 => {
            let argv: Vec<String> = text.split('\0').map(str::to_string).collect();
            check(&policy.evaluate(&Action::exec(argv, Some("/w".into()))), &text);
        }
        2 => {
            let dialect = Dialect::ALL[(mode as usize / 4) % Dialect::ALL.len()];
            check(&classify_sql(dialect, &text), &text);
        }
        _ => {
            if let Ok(action) = Action::patch_text(&text, Some("/w".into())) {
                check(&policy.evaluate(&action), &text);
            }
        }
    }
});
