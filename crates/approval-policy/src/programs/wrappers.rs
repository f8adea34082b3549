//! Wrappers that run the command after their options and leading operands (`timeout 5
//! CMD`, `nice -n 5 CMD`, `flock FILE CMD`): option tables (GNU coreutils 9.1 and
//! util-linux 2.38 `--help`, `getopt_long` stopping at the first operand) so the command is
//! found where the wrapper finds it. `timeout --sig KILL 5 rm x` or `flock --comm=CMD FILE`
//! must not hide the command that runs.

use super::getopt::{flag, value, Opt, Syntax, GNU};

/// Options stop at the first operand (`+` in the getopt string).
pub(super) const WRAPPER: Syntax = Syntax {
    permute: false,
    ..GNU
};

/// `nice -10 CMD`: the obsolete adjustment form.
const WRAPPER_NUMERIC: Syntax = Syntax {
    numeric: true,
    ..WRAPPER
};

const TIMEOUT: &[Opt] = &[
    flag("preserve-status"),
    flag("foreground"),
    value("k|kill-after"),
    value("s|signal"),
    flag("v|verbose"),
    flag("help"),
    flag("version"),
];
const NICE: &[Opt] = &[value("n|adjustment"), flag("help"), flag("version")];
const STDBUF: &[Opt] = &[
    value("i|input"),
    value("o|output"),
    value("e|error"),
    flag("help"),
    flag("version"),
];
const IONICE: &[Opt] = &[
    value("c|class"),
    value("n|classdata"),
    flag("t|ignore"),
    flag("h|help"),
    flag("V|version"),
];
const FLOCK: &[Opt] = &[
    flag("s|shared"),
    flag("x|e|exclusive"),
    flag("u|unlock"),
    flag("n|nb|nonblock"),
    value("w|wait|timeout"),
    value("E|conflict-exit-code"),
    flag("o|close"),
    value("c|command"),
    flag("F|no-fork"),
    flag("verbose"),
    flag("h|help"),
    flag("V|version"),
];
const TASKSET: &[Opt] = &[
    flag("a|all-tasks"),
    flag("c|cpu-list"),
    flag("h|help"),
    flag("V|version"),
];
const CHRT: &[Opt] = &[
    flag("b|batch"),
    flag("d|deadline"),
    flag("f|fifo"),
    flag("i|idle"),
    flag("o|other"),
    flag("r|rr"),
    flag("R|reset-on-fork"),
    flag("a|all-tasks"),
    flag("m|max"),
    flag("v|verbose"),
    value("T|sched-runtime"),
    value("P|sched-period"),
    value("D|sched-deadline"),
    flag("h|help"),
    flag("V|version"),
];

/// A wrapper's option table, syntax, and how many operands come before the command.
pub(super) fn spec(name: &str) -> Option<(&'static [Opt], Syntax, usize)> {
    Some(match name {
        "timeout" => (TIMEOUT, WRAPPER, 1),
        "nice" => (NICE, WRAPPER_NUMERIC, 0),
        "stdbuf" => (STDBUF, WRAPPER, 0),
        "ionice" => (IONICE, WRAPPER, 0),
        "flock" => (FLOCK, WRAPPER, 1),
        "taskset" => (TASKSET, WRAPPER, 1),
        "chrt" => (CHRT, WRAPPER, 1),
        _ => return None,
    })
}
