//! Declarative program tables and the one place they are registered.
//!
//! A [`Program`] is what the engine knows about a program that is allowed when every option
//! is known: its names, its rule id (written literally in its family file, so `grep -r
//! 'program.sort'` finds it), what it does, its option table ([`Opt`]s, read by
//! [`getopt::parse`]) and what its operands are. [`judge`] asks for anything the table does
//! not know and judges each option's [`Effect`]; only then is the command read-only.
//!
//! To add a program: write its `Program` in its family file (`coreutils.rs`, `text.rs`,
//! `system.rs`, …) and, for a new family, add the family's `PROGRAMS` to [`FAMILIES`].

use super::getopt::{self, Effect, Opt, Parsed, Spec, Syntax};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{self, Cmd, Ctx};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a program's operands are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operands {
    /// Files or text it reads (secret paths are asked about by the caller).
    Read,
    /// Files it reads, except the operand at this index, which it writes (`uniq IN OUT`).
    WritesAt(usize),
    /// Files it writes, every one (`tee FILE…`).
    Write,
    /// Values that change the system (`hostname NAME`): denied.
    SetsSystem,
}

/// A program allowed when every option it is given is in its table.
#[derive(Debug)]
pub(crate) struct Program {
    /// The names it is run by.
    pub names: &'static [&'static str],
    /// The rule id, `program.<name>`.
    pub id: &'static str,
    /// What it does, for the explanation of `allow`.
    pub does: &'static str,
    /// How its parser reads options.
    pub syntax: Syntax,
    /// Every option it has that is known (harmless or not).
    pub opts: &'static [Opt],
    /// What its operands are.
    pub operands: Operands,
}

/// Every family of table-driven programs.
const FAMILIES: [&[Program]; 4] = [
    super::coreutils::PROGRAMS,
    super::text::PROGRAMS,
    super::system::PROGRAMS,
    super::viewers::PROGRAMS,
];

/// Every table-driven program, family by family (for the rule catalogue).
pub(crate) fn all() -> impl Iterator<Item = &'static Program> {
    FAMILIES.into_iter().flatten()
}

/// The table for a program's base name, if it has one.
pub(crate) fn lookup(name: &str) -> Option<&'static Program> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Program>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let mut map = HashMap::new();
            for family in FAMILIES {
                for p in family {
                    for n in p.names {
                        map.insert(*n, p);
                    }
                }
            }
            map
        })
        .get(name)
        .copied()
}

/// Judge a table-driven program: unknown options ask, option effects are judged, operands
/// that are written are judged as write targets; what is left is read-only.
pub(crate) fn judge(ctx: &mut Ctx, cmd: &Cmd, name: &str, p: &Program, a: &mut Assessment) {
    let spec = Spec {
        program: name,
        syntax: p.syntax,
        opts: p.opts,
    };
    let parsed = getopt::parse(&spec, cmd.argv.get(1..).unwrap_or_default());
    judge_options(ctx, a, p.id, name, &parsed);
    if parsed.has("recursive") || parsed.has("dereference-recursive") {
        if let Some(dir) = parsed.operands().find(|o| holds_credentials(&o.text)) {
            a.concern(
                Decision::Ask,
                Risk::High,
                "path.secret",
                format!(
                    "reads `{}` recursively, where credentials files live",
                    dir.text
                ),
            );
        }
    }
    match p.operands {
        Operands::Read => {}
        Operands::WritesAt(n) => {
            if let Some(out) = parsed.operands().nth(n) {
                shell::write_target(ctx, out, &format!("{name} … {}", out.text));
            }
        }
        Operands::SetsSystem => {
            if let Some(v) = parsed.operands().next() {
                a.deny(
                    Risk::High,
                    p.id,
                    format!("`{name} {}` changes the system", v.text),
                );
            }
        }
        Operands::Write => {
            for out in parsed.operands() {
                shell::write_target(ctx, out, &format!("{name} {}", out.text));
            }
        }
    }
    a.read_only(p.id, p.does);
}

/// A directory whose tree holds credentials files (a home directory, its configuration, `/`).
fn holds_credentials(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    matches!(
        p,
        "" | "~" | "~/.config" | "~/.local" | "/root" | "/home" | "/etc" | "/proc"
    ) || (p.starts_with("/home/") && p.matches('/').count() <= 2)
}

/// Ask for every unknown option and judge every option that is not harmless.
pub(crate) fn judge_options(
    ctx: &mut Ctx,
    a: &mut Assessment,
    id: &str,
    program: &str,
    parsed: &Parsed,
) {
    for u in &parsed.unknown {
        a.ask(id, u.why.clone());
    }
    for f in parsed.effects() {
        let what = format!("{}, which {}", f.describe(program), f.opt.effect.describe());
        match f.opt.effect {
            Effect::Harmless => {}
            Effect::ReadsFile => {
                if let Some(v) = &f.value {
                    if super::names_secret(&v.text) {
                        a.concern(
                            Decision::Ask,
                            Risk::High,
                            "path.secret",
                            format!("{what}: `{}` is a secret or credentials file", v.text),
                        );
                    }
                }
            }
            Effect::WritesFile => {
                // The target is judged as a write (denied outside the workspace); the
                // command says which option wrote it.
                if let Some(v) = &f.value {
                    shell::write_target(ctx, v, &format!("{program} {} {}", f.spelled, v.text));
                }
                a.ask(id, what);
            }
            Effect::Changes => {
                a.ask(id, what);
            }
            Effect::RunsCode | Effect::Network | Effect::Secret => {
                a.concern(Decision::Ask, Risk::High, id, what);
            }
            Effect::System => {
                a.deny(Risk::High, id, &what);
            }
        }
    }
}
