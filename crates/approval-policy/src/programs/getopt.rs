//! One option parser for every program, read the way the program's own parser reads it.
//!
//! A program's options are a declarative table of [`Opt`]s: its names (`"o|output"`: one-letter
//! names are short options, longer ones long options), its [`Arity`] and its [`Effect`] (what
//! the option makes the program do). [`parse`] reads an argument list against a [`Spec`] (the
//! table plus the program's [`Syntax`]) as GNU `getopt_long` does:
//!
//! - a long option may be any unambiguous prefix of its name (`--outp` is `--output`); an
//!   exact name always wins; a prefix shared by two different options is *unknown*;
//! - `--opt=value` and `--opt value` (required values), `--opt=value` only (optional values);
//! - short options cluster (`-ne` is `-n -e`), and the first one that takes a value takes the
//!   rest of the cluster (`-enode_modules`, `-pPASS`) or, for a required value, the next
//!   argument;
//! - `--` ends the options; `-` alone is an operand;
//! - with permutation (GNU's default) options may follow operands, without it the first operand
//!   ends the options.
//!
//! Programs whose parser takes no abbreviations (git's revision options, exact parsers) say so
//! in their [`Syntax`]. Anything the table does not know, an ambiguous prefix, a missing value
//! or a value given to a flag is an [`Unknown`] with an explanation naming it; callers ask.
//! Arguments whose text is computed at run time are unknown too (`$X` may expand to an option).

use crate::shell::Arg;

/// How many values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// A flag.
    None,
    /// A value: glued (`-oFILE`, `--output=FILE`) or the next argument.
    Required,
    /// A value only when glued (`-cVALUE`, `--color=always`).
    Optional,
}

/// What an option makes the program do.
#[allow(dead_code)] // part of the parser's API for every program family (clients, git)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Changes only what is printed or how it is read.
    Harmless,
    /// Its value names a file the program reads (judged as a read: secrets ask).
    ReadsFile,
    /// Its value names a file the program writes (judged as a write target).
    WritesFile,
    /// Makes the program change files or state (in place editing, deleting).
    Changes,
    /// Makes the program run another program or code.
    RunsCode,
    /// Makes the program talk to the network.
    Network,
    /// Prints a credential.
    Secret,
    /// Changes the system (clock, host name): denied.
    System,
}

impl Effect {
    /// What an option with this effect does, for explanations.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Effect::Harmless => "is harmless",
            Effect::ReadsFile => "reads a file",
            Effect::WritesFile => "writes a file",
            Effect::Changes => "changes files or state",
            Effect::RunsCode => "runs a program or code",
            Effect::Network => "uses the network",
            Effect::Secret => "prints a credential",
            Effect::System => "changes the system",
        }
    }
}

/// One option: its names, arity and effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opt {
    /// `|`-separated names without dashes: one letter is a short option, more a long one.
    pub names: &'static str,
    /// How many values it takes.
    pub arity: Arity,
    /// What it does.
    pub effect: Effect,
}

/// A harmless flag.
pub(crate) const fn flag(names: &'static str) -> Opt {
    Opt {
        names,
        arity: Arity::None,
        effect: Effect::Harmless,
    }
}

/// A harmless option with a required value.
pub(crate) const fn value(names: &'static str) -> Opt {
    Opt {
        names,
        arity: Arity::Required,
        effect: Effect::Harmless,
    }
}

/// A harmless option with an optional (glued) value.
pub(crate) const fn optional(names: &'static str) -> Opt {
    Opt {
        names,
        arity: Arity::Optional,
        effect: Effect::Harmless,
    }
}

impl Opt {
    /// The same option with another effect.
    pub(crate) const fn does(self, effect: Effect) -> Opt {
        Opt {
            names: self.names,
            arity: self.arity,
            effect,
        }
    }

    fn short_names(&self) -> impl Iterator<Item = char> + '_ {
        self.names.split('|').filter_map(|n| {
            let mut chars = n.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Some(c),
                _ => None,
            }
        })
    }

    fn long_names(&self) -> impl Iterator<Item = &'static str> {
        self.names.split('|').filter(|n| n.chars().nth(1).is_some())
    }

    /// The option's main spelling, with its dashes (`--output`, else `-o`).
    pub(crate) fn canonical(&self) -> String {
        match self.long_names().next() {
            Some(l) => format!("--{l}"),
            None => self
                .short_names()
                .next()
                .map_or_else(String::new, |c| format!("-{c}")),
        }
    }

    /// Is `name` (without dashes) one of this option's names?
    #[allow(dead_code)] // part of the parser's API for every program family (clients, git)
    pub(crate) fn is(&self, name: &str) -> bool {
        self.names.split('|').any(|n| n == name)
    }
}

/// How a program's parser reads options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Syntax {
    /// Long options may be abbreviated to an unambiguous prefix (GNU `getopt_long`, git's
    /// parse-options).
    pub abbreviations: bool,
    /// Options may follow operands (GNU permutation).
    pub permute: bool,
    /// `-NUM` is an option (the obsolete `head -5`, `tail -20`, `fmt -72`).
    pub numeric: bool,
    /// `--no-NAME` is the negation of `--NAME` (git's parse-options).
    pub negation: bool,
    /// Long options start with one dash (`-name`, `-version`), as in `find` or `java`.
    pub single_dash_long: bool,
    /// An operand `@FILE` is read as more options (binutils): unknown.
    pub response_files: bool,
}

/// GNU `getopt_long` with permutation: coreutils and most GNU programs.
pub(crate) const GNU: Syntax = Syntax {
    abbreviations: true,
    permute: true,
    numeric: false,
    negation: false,
    single_dash_long: false,
    response_files: false,
};

/// POSIX `getopt`-style or exact long names, options before operands.
pub(crate) const EXACT: Syntax = Syntax {
    abbreviations: false,
    permute: false,
    numeric: false,
    negation: false,
    single_dash_long: false,
    response_files: false,
};

/// git's parse-options: abbreviations, `--no-` negation, permutation.
#[allow(dead_code)] // part of the parser's API for every program family (clients, git)
pub(crate) const GIT: Syntax = Syntax {
    abbreviations: true,
    permute: true,
    numeric: false,
    negation: true,
    single_dash_long: false,
    response_files: false,
};

/// A program's option table and syntax.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec<'a> {
    /// The program, for explanations.
    pub program: &'a str,
    /// How it reads options.
    pub syntax: Syntax,
    /// Every option known (harmless or not). Anything else is unknown.
    pub opts: &'static [Opt],
}

/// An option as found on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The table entry.
    pub opt: &'static Opt,
    /// How it was written (`--outp`, `-o`, `--no-pager`).
    pub spelled: String,
    /// Its value, if it took one.
    pub value: Option<Arg>,
    /// Written `--no-NAME` (git): the option turned off.
    pub negated: bool,
}

impl Found {
    /// "option `--outp` of `sort` abbreviates `--output`" or "option `-o` of `sort`".
    pub(crate) fn describe(&self, program: &str) -> String {
        let canonical = self.opt.canonical();
        let long_spelling = self.spelled.starts_with("--")
            || (self.spelled.len() > 2 && self.spelled.starts_with('-'));
        if long_spelling
            && self.spelled != canonical
            && !self.opt.long_names().any(|l| self.spelled.ends_with(l))
        {
            format!(
                "option `{}` of `{program}` abbreviates `{canonical}`",
                self.spelled
            )
        } else {
            format!("option `{}` of `{program}`", self.spelled)
        }
    }
}

/// One item of a parsed command line, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A known option.
    Opt(Found),
    /// An operand (after `--`, or not an option).
    Operand(Arg),
}

/// Something the table does not know; `why` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// The argument as written.
    pub spelled: String,
    /// The explanation ("option `--frob` of `sort` is not known").
    pub why: String,
}

/// The result of [`parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    /// Options and operands in order.
    pub items: Vec<Item>,
    /// What could not be read.
    pub unknown: Vec<Unknown>,
    /// `-NUM` counts, where the syntax takes them (`head -5`, `git log -1`).
    pub numbers: Vec<String>,
    /// How many operands came before `--`, when `--` was given.
    pub before_double_dash: Option<usize>,
}

impl Parsed {
    /// The known options found, in order.
    pub(crate) fn options(&self) -> impl Iterator<Item = &Found> {
        self.items.iter().filter_map(|i| match i {
            Item::Opt(f) => Some(f),
            Item::Operand(_) => None,
        })
    }

    /// The operands, in order.
    pub(crate) fn operands(&self) -> impl Iterator<Item = &Arg> {
        self.items.iter().filter_map(|i| match i {
            Item::Operand(a) => Some(a),
            Item::Opt(_) => None,
        })
    }

    /// Is the option named `name` (any of its names, without dashes) present?
    #[allow(dead_code)] // part of the parser's API for every program family (clients, git)
    pub(crate) fn has(&self, name: &str) -> bool {
        self.options().any(|f| f.opt.is(name))
    }

    /// The values given to the option named `name`.
    #[allow(dead_code)] // part of the parser's API for every program family (clients, git)
    pub(crate) fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Arg> + 's {
        self.options()
            .filter(move |f| f.opt.is(name))
            .filter_map(|f| f.value.as_ref())
    }

    /// The options whose effect is not [`Effect::Harmless`] (a negated option has none).
    pub(crate) fn effects(&self) -> impl Iterator<Item = &Found> {
        self.options()
            .filter(|f| f.opt.effect != Effect::Harmless && !f.negated)
    }
}

/// Read `args` (without the program name) as `spec`'s program would.
pub(crate) fn parse(spec: &Spec<'_>, args: &[Arg]) -> Parsed {
    let mut out = Parsed::default();
    let mut i = 0;
    let mut options_end = false;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let t = arg.text.as_str();
        if options_end || t == "-" || !t.starts_with('-') {
            if spec.syntax.response_files && t.starts_with('@') {
                out.unknown.push(Unknown {
                    spelled: t.to_string(),
                    why: format!("`{t}` makes `{}` read options from a file", spec.program),
                });
            }
            if arg.dynamic && !options_end {
                // `$X` may expand to an option as well as an operand.
                out.unknown.push(Unknown {
                    spelled: t.to_string(),
                    why: format!("argument `{t}` of `{}` has no known value", spec.program),
                });
            }
            out.items.push(Item::Operand(arg.clone()));
            if !spec.syntax.permute {
                options_end = true;
            }
            continue;
        }
        if arg.dynamic {
            out.unknown.push(Unknown {
                spelled: t.to_string(),
                why: format!("option `{t}` of `{}` has no known value", spec.program),
            });
            continue;
        }
        if t == "--" {
            options_end = true;
            out.before_double_dash = Some(out.operands().count());
            continue;
        }
        if let Some(body) = t.strip_prefix("--") {
            long(spec, t, body, args, &mut i, &mut out);
        } else if spec.syntax.single_dash_long && t.len() > 2 {
            long(spec, t, &t[1..], args, &mut i, &mut out);
        } else if spec.syntax.numeric && t[1..].bytes().all(|b| b.is_ascii_digit()) {
            // `head -5`: the obsolete count form, harmless where the syntax allows it.
            out.numbers.push(t[1..].to_string());
            continue;
        } else {
            short_cluster(spec, t, args, &mut i, &mut out);
        }
    }
    out
}

/// Resolve a long name (without dashes) to its option, as `getopt_long` does.
fn resolve_long(spec: &Spec<'_>, name: &str) -> Result<(&'static Opt, bool), String> {
    let opts: &'static [Opt] = spec.opts;
    if let Some(o) = opts.iter().find(|o| o.long_names().any(|l| l == name)) {
        return Ok((o, false));
    }
    if spec.syntax.negation {
        if let Some(rest) = name.strip_prefix("no-") {
            if let Some(o) = opts.iter().find(|o| o.long_names().any(|l| l == rest)) {
                return Ok((o, true));
            }
        }
    }
    if !spec.syntax.abbreviations || name.is_empty() {
        return Err(format!(
            "option `--{name}` of `{}` is not known",
            spec.program
        ));
    }
    let mut found: Option<(&'static Opt, bool)> = None;
    let mut names: Vec<&str> = Vec::new();
    for o in opts {
        for l in o.long_names() {
            let negated = spec.syntax.negation
                && name
                    .strip_prefix("no-")
                    .is_some_and(|r| !r.is_empty() && l.starts_with(r));
            if l.starts_with(name) || negated {
                names.push(l);
                match found {
                    Some((f, n)) if f != o || n != negated => {
                        return Err(format!(
                            "option `--{name}` of `{}` is ambiguous (`--{}` or `--{l}`)",
                            spec.program,
                            names.first().copied().unwrap_or(l)
                        ))
                    }
                    _ => found = Some((o, negated)),
                }
            }
        }
    }
    found.ok_or_else(|| format!("option `--{name}` of `{}` is not known", spec.program))
}

fn long(spec: &Spec<'_>, t: &str, body: &str, args: &[Arg], i: &mut usize, out: &mut Parsed) {
    let (name, glued) = match body.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (body, None),
    };
    let (opt, negated) = match resolve_long(spec, name) {
        Ok(r) => r,
        Err(why) => {
            out.unknown.push(Unknown {
                spelled: t.to_string(),
                why,
            });
            return;
        }
    };
    let spelled = t.split('=').next().unwrap_or(t).to_string();
    let value = match (opt.arity, glued) {
        (_, Some(_)) if negated => {
            out.unknown.push(Unknown {
                spelled: t.to_string(),
                why: format!("option `{spelled}` of `{}` takes no value", spec.program),
            });
            return;
        }
        (Arity::None, Some(_)) => {
            out.unknown.push(Unknown {
                spelled: t.to_string(),
                why: format!("option `{spelled}` of `{}` takes no value", spec.program),
            });
            return;
        }
        (_, Some(v)) => Some(Arg {
            text: v.to_string(),
            dynamic: false,
        }),
        (Arity::Required, None) if !negated => match args.get(*i) {
            Some(v) => {
                *i += 1;
                Some(v.clone())
            }
            None => {
                out.unknown.push(Unknown {
                    spelled: t.to_string(),
                    why: format!("option `{spelled}` of `{}` needs a value", spec.program),
                });
                return;
            }
        },
        _ => None,
    };
    push_found(spec, t, out, opt, spelled, value, negated);
}

/// Record a found option; a value computed at run time is unknown.
fn push_found(
    spec: &Spec<'_>,
    t: &str,
    out: &mut Parsed,
    opt: &'static Opt,
    spelled: String,
    value: Option<Arg>,
    negated: bool,
) {
    if value.as_ref().is_some_and(|v| v.dynamic) {
        out.unknown.push(Unknown {
            spelled: t.to_string(),
            why: format!(
                "the value of option `{spelled}` of `{}` has no known value",
                spec.program
            ),
        });
    }
    out.items.push(Item::Opt(Found {
        opt,
        spelled,
        value,
        negated,
    }));
}

fn short_cluster(spec: &Spec<'_>, t: &str, args: &[Arg], i: &mut usize, out: &mut Parsed) {
    let body = &t[1..];
    for (pos, c) in body.char_indices() {
        let Some(opt) = spec.opts.iter().find(|o| o.short_names().any(|s| s == c)) else {
            out.unknown.push(Unknown {
                spelled: t.to_string(),
                why: if body.len() == 1 {
                    format!("option `-{c}` of `{}` is not known", spec.program)
                } else {
                    format!(
                        "option `-{c}` (in `{t}`) of `{}` is not known",
                        spec.program
                    )
                },
            });
            return;
        };
        let rest = &body[pos + c.len_utf8()..];
        let spelled = format!("-{c}");
        match opt.arity {
            Arity::None => out.items.push(Item::Opt(Found {
                opt,
                spelled,
                value: None,
                negated: false,
            })),
            Arity::Optional => {
                let value = (!rest.is_empty()).then(|| Arg::lit(rest));
                out.items.push(Item::Opt(Found {
                    opt,
                    spelled,
                    value,
                    negated: false,
                }));
                return;
            }
            Arity::Required => {
                let value = if rest.is_empty() {
                    match args.get(*i) {
                        Some(v) => {
                            *i += 1;
                            v.clone()
                        }
                        None => {
                            out.unknown.push(Unknown {
                                spelled: t.to_string(),
                                why: format!("option `-{c}` of `{}` needs a value", spec.program),
                            });
                            return;
                        }
                    }
                } else {
                    Arg::lit(rest)
                };
                push_found(spec, t, out, opt, spelled, Some(value), false);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: [Opt; 9] = [
        flag("n|quiet|silent"),
        value("e|expression"),
        value("f|file").does(Effect::ReadsFile),
        optional("i|in-place").does(Effect::Changes),
        flag("debug"),
        flag("posix"),
        value("l|line-length"),
        optional("color|colour"),
        value("o|output").does(Effect::WritesFile),
    ];
    const DELETE_DEBUG: [Opt; 2] = [flag("delete"), flag("debug")];
    const PAGER_STAT: [Opt; 2] = [flag("pager"), flag("stat")];
    const LINES: [Opt; 1] = [value("n|lines")];
    const SPEC: Spec<'static> = Spec {
        program: "prog",
        syntax: GNU,
        opts: &OPTS,
    };

    fn args(v: &[&str]) -> Vec<Arg> {
        v.iter().map(|s| Arg::lit(*s)).collect()
    }

    fn p(v: &[&str]) -> Parsed {
        parse(&SPEC, &args(v))
    }

    fn names(parsed: &Parsed) -> Vec<String> {
        parsed
            .items
            .iter()
            .map(|i| match i {
                Item::Opt(f) => format!(
                    "{}{}",
                    f.opt.canonical(),
                    f.value
                        .as_ref()
                        .map(|v| format!("={}", v.text))
                        .unwrap_or_default()
                ),
                Item::Operand(a) => a.text.clone(),
            })
            .collect()
    }

    #[test]
    fn long_prefixes_resolve_to_the_option_they_abbreviate() {
        let r = p(&["--in-pl", "x"]);
        assert!(r.unknown.is_empty(), "{r:?}");
        assert_eq!(names(&r), ["--in-place", "x"]);
        let f = r.options().next().unwrap();
        assert_eq!(
            f.describe("prog"),
            "option `--in-pl` of `prog` abbreviates `--in-place`"
        );
        assert_eq!(names(&p(&["--outp=/tmp/x"])), ["--output=/tmp/x"]);
        assert_eq!(names(&p(&["--outp", "/tmp/x"])), ["--output=/tmp/x"]);
        assert_eq!(names(&p(&["--exp", "p"])), ["--expression=p"]);
    }

    #[test]
    fn exact_names_win_over_longer_candidates() {
        // `--posix` is exact even though nothing else starts with it; `--debug` likewise.
        assert_eq!(names(&p(&["--posix", "--debug"])), ["--posix", "--debug"]);
    }

    #[test]
    fn ambiguous_prefixes_are_unknown() {
        // `--s` would be `--silent`; `--` + `l` is only `--line-length`; `--co` is one option
        // with two names (not ambiguous); `--f` is `--file` only.
        let r = p(&["--co=always"]);
        assert!(r.unknown.is_empty(), "{r:?}");
        let spec = Spec {
            program: "prog",
            syntax: GNU,
            opts: &DELETE_DEBUG,
        };
        let r = parse(&spec, &args(&["--de"]));
        assert_eq!(r.unknown.len(), 1);
        assert!(r.unknown[0].why.contains("ambiguous"), "{:?}", r.unknown);
        assert!(parse(&spec, &args(&["--del"])).unknown.is_empty());
    }

    #[test]
    fn exact_syntax_takes_no_abbreviations() {
        let spec = Spec {
            program: "prog",
            syntax: EXACT,
            opts: &OPTS,
        };
        let r = parse(&spec, &args(&["--outp=x"]));
        assert_eq!(r.unknown.len(), 1);
        assert!(r.unknown[0].why.contains("not known"));
    }

    #[test]
    fn short_clusters_split_and_glued_values_are_read() {
        assert_eq!(
            names(&p(&["-ne", "w FILE"])),
            ["--quiet", "--expression=w FILE"]
        );
        assert_eq!(
            names(&p(&["-nenode_modules"])),
            ["--quiet", "--expression=node_modules"]
        );
        assert_eq!(names(&p(&["-oOUT", "in"])), ["--output=OUT", "in"]);
        // An optional value is only glued.
        assert_eq!(names(&p(&["-i", "x"])), ["--in-place", "x"]);
        assert_eq!(names(&p(&["-i.bak", "x"])), ["--in-place=.bak", "x"]);
        assert_eq!(names(&p(&["-ni"])), ["--quiet", "--in-place"]);
    }

    #[test]
    fn unknown_short_options_name_the_letter() {
        let r = p(&["-nz"]);
        assert_eq!(r.unknown.len(), 1);
        assert_eq!(
            r.unknown[0].why,
            "option `-z` (in `-nz`) of `prog` is not known"
        );
    }

    #[test]
    fn double_dash_ends_options_and_dash_is_an_operand() {
        assert_eq!(names(&p(&["-n", "--", "-o", "x"])), ["--quiet", "-o", "x"]);
        assert_eq!(names(&p(&["-", "-n"])), ["-", "--quiet"]);
    }

    #[test]
    fn permutation_reads_options_after_operands() {
        assert_eq!(names(&p(&["a", "-o", "b"])), ["a", "--output=b"]);
        let spec = Spec {
            program: "prog",
            syntax: EXACT,
            opts: &OPTS,
        };
        assert_eq!(
            names(&parse(&spec, &args(&["a", "-o", "b"]))),
            ["a", "-o", "b"]
        );
    }

    #[test]
    fn optional_long_values_are_only_glued() {
        assert_eq!(names(&p(&["--color", "x"])), ["--color", "x"]);
        assert_eq!(names(&p(&["--colour=never"])), ["--color=never"]);
    }

    #[test]
    fn missing_values_and_values_to_flags_are_unknown() {
        assert!(p(&["-o"]).unknown[0].why.contains("needs a value"));
        assert!(p(&["--output"]).unknown[0].why.contains("needs a value"));
        assert!(p(&["--debug=1"]).unknown[0].why.contains("takes no value"));
    }

    #[test]
    fn run_time_arguments_are_unknown() {
        let mut v = args(&["-n"]);
        v.push(Arg {
            text: "$X".into(),
            dynamic: true,
        });
        let r = parse(&SPEC, &v);
        assert_eq!(r.unknown.len(), 1);
        assert!(r.unknown[0].why.contains("no known value"));
    }

    #[test]
    fn negation_and_numeric_forms_follow_the_syntax() {
        let spec = Spec {
            program: "git",
            syntax: GIT,
            opts: &PAGER_STAT,
        };
        let r = parse(&spec, &args(&["--no-pager", "--no-st"]));
        assert!(r.unknown.is_empty(), "{r:?}");
        let num = Spec {
            program: "head",
            syntax: Syntax {
                numeric: true,
                ..GNU
            },
            opts: &LINES,
        };
        assert!(parse(&num, &args(&["-20", "f"])).unknown.is_empty());
        assert_eq!(p(&["-20"]).unknown.len(), 1);
    }

    #[test]
    fn effects_lists_the_options_that_are_not_harmless() {
        let r = p(&["-n", "--outp=x", "-i"]);
        let e: Vec<Effect> = r.effects().map(|f| f.opt.effect).collect();
        assert_eq!(e, [Effect::WritesFile, Effect::Changes]);
        assert!(r.has("output"));
        assert_eq!(
            r.values("o").map(|v| v.text.as_str()).collect::<Vec<_>>(),
            ["x"]
        );
    }
}
