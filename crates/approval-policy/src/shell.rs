//! Shell scripts: parse with `brush-parser`, walk every node, judge every simple command.
//!
//! The walker visits lists, pipelines, `&&`/`||`/`;`/`&`, subshells, brace groups, `if`/`for`/
//! `while`/`case`, functions, `[[ … ]]`, redirects, here-documents and here-strings, and every
//! word's command and process substitutions (judged recursively, at a bounded depth). What it
//! cannot see through is never allowed: a program name that is computed at run time, a word it
//! cannot parse, or a script the parser rejects. Quote-split and escaped names (`r''m`, `\rm`,
//! `"rm"`, `$'rm'`) are reassembled from the parsed word pieces before the program is looked up,
//! so they are judged as the program bash would run.

use crate::assess::{Assessment, Target, Unit};
use crate::decision::Risk;
use crate::programs;
use brush_parser::ast;
use brush_parser::word::{WordPiece, WordPieceWithSource};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Recursion limit for nested scripts (`bash -c`, `eval`, substitutions, wrappers).
pub(crate) const MAX_DEPTH: usize = 12;

/// What a command reads on standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stdin {
    /// Whatever the caller gives (a terminal, or nothing): not known.
    Inherit,
    /// The output of the previous pipeline stage.
    Pipe,
    /// A here-document or here-string, or a pipe from a command whose output is literal
    /// (`piped`); `dynamic` when it contains expansions.
    Text {
        text: String,
        dynamic: bool,
        piped: bool,
    },
    /// A file (`< file`).
    File(String),
}

/// One argument after quote removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arg {
    pub text: String,
    /// Depends on run-time values (variables, substitutions, arithmetic).
    pub dynamic: bool,
}

impl Arg {
    pub fn lit(text: impl Into<String>) -> Arg {
        Arg {
            text: text.into(),
            dynamic: false,
        }
    }
}

/// A simple command ready to be judged.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    pub argv: Vec<Arg>,
    /// `NAME=value` assignments in effect for this command only.
    pub env: Vec<(String, Arg)>,
    pub stdin: Stdin,
}

impl Cmd {
    pub fn from_argv(argv: &[String]) -> Cmd {
        Cmd {
            argv: argv.iter().map(Arg::lit).collect(),
            env: Vec::new(),
            stdin: Stdin::Inherit,
        }
    }

    /// The command line as text, for explanations.
    pub fn display(&self) -> String {
        let mut out = String::new();
        let mut first = true;
        for (k, v) in &self.env {
            if !std::mem::take(&mut first) {
                out.push(' ');
            }
            out.push_str(k);
            out.push('=');
            push_quoted(&mut out, &v.text);
        }
        for a in &self.argv {
            if !std::mem::take(&mut first) {
                out.push(' ');
            }
            push_quoted(&mut out, &a.text);
        }
        out
    }

    pub fn texts(&self) -> Vec<String> {
        self.argv.iter().map(|a| a.text.clone()).collect()
    }
}

/// Bytes a word may consist of to be shown without quotes (a lookup table).
const PLAIN_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric();
        c += 1;
    }
    let extra = b"-_./=:,@%+*?[]{}~^";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_plain_byte(b: u8) -> bool {
    PLAIN_BYTES[usize::from(b)]
}

pub(crate) fn quote(s: &str) -> String {
    let mut out = String::new();
    push_quoted(&mut out, s);
    out
}

/// Append `s` to `out`, quoted for a shell when it is not a plain word.
///
/// The result is exactly `shlex::try_quote` for non-plain words: a non-empty text without
/// `'`, `\\`, `^` or NUL is one single-quoted chunk for shlex too (no byte rules single
/// quotes out, and a non-plain word has a byte shlex will not leave unquoted), so it is
/// written directly; anything else goes through shlex.
fn push_quoted(out: &mut String, s: &str) {
    if !s.is_empty() && s.bytes().all(is_plain_byte) {
        out.push_str(s);
    } else if !s.is_empty() && !s.bytes().any(|b| matches!(b, b'\'' | b'\\' | b'^' | 0)) {
        out.reserve(s.len() + 2);
        out.push('\'');
        out.push_str(s);
        out.push('\'');
    } else {
        match shlex::try_quote(s) {
            Ok(c) => out.push_str(&c),
            Err(_) => out.push_str(&format!("{s:?}")),
        }
    }
}

/// Evaluation state shared by everything judged for one action.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub cwd: Option<PathBuf>,
    pub units: Vec<Unit>,
    pub functions: HashSet<String>,
    /// Variables the script itself sets (literal assignments, `read`, `for` loops): their
    /// values come from the script, not from the environment's secrets.
    pub known_vars: HashSet<String>,
}

impl Ctx {
    pub fn new(cwd: Option<PathBuf>) -> Ctx {
        Ctx {
            cwd,
            units: Vec::new(),
            functions: HashSet::new(),
            known_vars: HashSet::new(),
        }
    }

    pub fn push(&mut self, target: Target, a: Assessment) {
        self.units.push(Unit {
            target,
            finding: a.finish(),
        });
    }

    pub fn push_other(&mut self, a: Assessment) {
        self.push(Target::Other, a);
    }

    fn too_deep(&mut self, depth: usize, subject: &str) -> bool {
        if depth > MAX_DEPTH {
            let mut a = Assessment::new(subject);
            a.deny(Risk::High, "shell.depth", "nested too deeply to judge");
            self.push_other(a);
            return true;
        }
        false
    }
}

/// Parse `script` and judge everything in it.
pub(crate) fn eval_script(ctx: &mut Ctx, script: &str, depth: usize) {
    if ctx.too_deep(depth, script) {
        return;
    }
    if has_stray_control(script) {
        // brush-parser 0.4 can exhaust memory on some scripts with a bare `\r` or `\f`
        // (found by fuzzing: `<<\f<x&#`); agents do not send such bytes.
        let mut a = Assessment::new(script.escape_debug().to_string());
        a.ask("shell.unparsable", "control characters in the script");
        ctx.push_other(a);
        return;
    }
    if has_empty_heredoc_delimiter(script) {
        // brush-parser 0.4 allocates without bound on `<<""` (found by fuzzing).
        let mut a = Assessment::new(script);
        a.ask("shell.unparsable", "here-document with an empty delimiter");
        ctx.push_other(a);
        return;
    }
    if paren_depth(script) > MAX_PAREN_DEPTH {
        // brush-parser backtracks exponentially on deeply nested `(` (found by fuzzing:
        // 29 unclosed parentheses took two minutes). Nothing real nests this deep.
        let mut a = Assessment::new(script);
        a.ask("shell.unparsable", "parentheses nested too deeply to parse");
        ctx.push_other(a);
        return;
    }
    if has_oversized_fd(script) {
        // brush-parser 0.4 panics on a redirect fd that does not fit an i32 (found by
        // fuzzing); bash rejects it too.
        let mut a = Assessment::new(script);
        a.ask("shell.unparsable", "redirect file descriptor out of range");
        ctx.push_other(a);
        return;
    }
    if let Some(argv) = plain_words(script) {
        programs::judge(ctx, Cmd::from_argv(&argv), depth);
        return;
    }
    if let Some(pipelines) = simple_pipelines(script) {
        for pipeline in pipelines {
            walk_simple_pipeline(ctx, pipeline, depth);
        }
        return;
    }
    if let Some((words, body)) = simple_heredoc(script) {
        let cmd = Cmd {
            argv: words.into_iter().map(Arg::lit).collect(),
            env: Vec::new(),
            stdin: Stdin::Text {
                text: body.to_string(),
                dynamic: false,
                piped: false,
            },
        };
        programs::judge(ctx, cmd, depth);
        return;
    }
    parse_and_walk(ctx, script, depth);
}

/// Parse `script` with brush-parser and judge every node (no fast path).
fn parse_and_walk(ctx: &mut Ctx, script: &str, depth: usize) {
    let options = brush_parser::ParserOptions::default();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(script.as_bytes()), &options);
    match parser.parse_program() {
        Ok(program) => {
            if program.complete_commands.is_empty() {
                let mut a = Assessment::new(script);
                a.read_only("shell.empty", "empty script");
                ctx.push_other(a);
            }
            for list in &program.complete_commands {
                walk_list(ctx, list, depth);
            }
        }
        Err(e) => {
            let mut a = Assessment::new(script);
            a.ask(
                "shell.unparsable",
                format!("shell syntax not understood: {e}"),
            );
            ctx.push_other(a);
        }
    }
}

/// A control character other than tab, newline, or a carriage return that ends a line.
fn has_stray_control(script: &str) -> bool {
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() != Some(&'\n') {
                return true;
            }
        } else if c.is_control() && c != '\n' && c != '\t' {
            return true;
        }
    }
    false
}

/// `<<""`, `<<''`, `<<-""`, `<< ''`: a here-document whose delimiter is empty.
fn has_empty_heredoc_delimiter(script: &str) -> bool {
    let mut rest = script;
    while let Some(pos) = rest.find("<<") {
        let after = rest[pos + 2..]
            .trim_start_matches('-')
            .trim_start_matches([' ', '\t']);
        if after.starts_with("\"\"") || after.starts_with("''") {
            return true;
        }
        rest = &rest[pos + 2..];
    }
    false
}

/// Deepest `(` nesting outside quotes that the parser is given.
const MAX_PAREN_DEPTH: usize = 10;

/// The deepest nesting of `(` outside single and double quotes.
fn paren_depth(script: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in script.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (_, '(') => {
                depth += 1;
                max = max.max(depth);
            }
            (_, ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A run of ten or more digits right before `<` or `>` (an fd number beyond `i32`) or right
/// after `~`, `~+`, `~-` (a directory-stack index beyond `usize`): brush-parser 0.4 unwraps
/// their conversion and panics (both found by fuzzing).
fn has_oversized_fd(script: &str) -> bool {
    let bytes = script.as_bytes();
    let mut run = 0;
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() {
            if run == 0 {
                run_start = i;
            }
            run += 1;
            continue;
        }
        if run >= 10 {
            let before = &bytes[..run_start];
            let after_tilde =
                before.ends_with(b"~") || before.ends_with(b"~+") || before.ends_with(b"~-");
            if b == b'<' || b == b'>' || after_tilde {
                return true;
            }
        }
        run = 0;
    }
    if run >= 10 {
        let before = &bytes[..run_start];
        return before.ends_with(b"~") || before.ends_with(b"~+") || before.ends_with(b"~-");
    }
    false
}

/// Words that need no shell grammar, or `None`.
///
/// A script made only of letters, digits, blanks and `-_./,:=+@%` (no quote, expansion,
/// operator, glob, tilde, comment or newline) is a single simple command whose words are its
/// blank-separated parts, unless its first word is a reserved word or an assignment. Such
/// scripts skip the full parser; everything else goes through it.
fn plain_words(script: &str) -> Option<Vec<String>> {
    const RESERVED: [&str; 18] = [
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
        "in", "function", "select", "time", "coproc", "!",
    ];
    if !script
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " \t-_./,:=+@%".contains(c))
    {
        return None;
    }
    let words: Vec<String> = script.split_whitespace().map(str::to_string).collect();
    let first = words.first()?;
    if first.contains('=') || RESERVED.contains(&first.as_str()) {
        return None;
    }
    Some(words)
}

/// Shell reserved words and keywords that start compound commands or change parsing; a
/// command starting with one of these is left to the full parser.
const RESERVED: [&str; 22] = [
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "select", "time", "coproc", "!", "[[", "]]", "{", "}",
];

/// The pipelines of a script made only of simple commands, or `None`.
///
/// Accepted: words of letters, digits and `-_./,:=+@%*?`, single-quoted text, and
/// double-quoted text without `$`, `` ` ``, `\` or `!` (all ASCII, no newline), separated by
/// blanks and the operators `&&`, `||`, `;` and `|`, with an optional final `;`. Rejected
/// (so the script goes through brush-parser): anything else (expansions, redirects, `&`,
/// comments, braces, globs with `[`, newlines, non-ASCII), an empty command, a command whose
/// first word is a reserved word, and any word that could be an assignment (`NAME=`,
/// `NAME+=`, `NAME[`). Each accepted script is exactly what the parser-based walk would see
/// as a list of pipelines of simple commands whose words are these quote-removed texts
/// (checked against brush-parser by a property test).
fn simple_pipelines(script: &str) -> Option<Vec<Vec<Vec<String>>>> {
    let b = script.as_bytes();
    let mut pipelines: Vec<Vec<Vec<String>>> = Vec::new();
    let mut pipeline: Vec<Vec<String>> = Vec::new();
    let mut cmd: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut word_start = 0;
    // After the last operator: did it end a pipeline with `;` (a final `;` is allowed)?
    let mut after_semicolon = false;
    let mut i = 0;
    // Finish the current word: reject assignment-like words.
    fn end_word(word: &mut Option<String>, raw: &[u8], cmd: &mut Vec<String>) -> Option<()> {
        if let Some(w) = word.take() {
            let name_len = raw
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let starts_like_name = raw
                .first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
            if starts_like_name && matches!(raw.get(name_len), Some(b'=' | b'+' | b'[')) {
                return None;
            }
            if cmd.is_empty() && RESERVED.contains(&w.as_str()) {
                return None;
            }
            cmd.push(w);
        }
        Some(())
    }
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => {
                end_word(&mut word, &b[word_start..i], &mut cmd)?;
                i += 1;
            }
            b'\'' | b'"' => {
                let end = b[i + 1..].iter().position(|&x| x == c)? + i + 1;
                let inner = &b[i + 1..end];
                let ok = inner.iter().all(|&x| {
                    (x == b' ' || x == b'\t' || x.is_ascii_graphic())
                        && (c == b'\'' || !matches!(x, b'$' | b'`' | b'\\' | b'!'))
                });
                if !ok {
                    return None;
                }
                if word.is_none() {
                    word_start = i;
                }
                word.get_or_insert_with(String::new)
                    .push_str(script.get(i + 1..end)?);
                i = end + 1;
            }
            b'|' | b'&' | b';' => {
                end_word(&mut word, &b[word_start..i], &mut cmd)?;
                if cmd.is_empty() {
                    return None;
                }
                pipeline.push(std::mem::take(&mut cmd));
                let next = b.get(i + 1).copied();
                match (c, next) {
                    (b'|', Some(b'|')) | (b'&', Some(b'&')) => {
                        pipelines.push(std::mem::take(&mut pipeline));
                        after_semicolon = false;
                        i += 2;
                    }
                    (b'|', Some(b'&')) | (b'&', _) | (b';', Some(b';' | b'&' | b'|')) => {
                        return None
                    }
                    (b'|', _) => {
                        after_semicolon = false;
                        i += 1;
                    }
                    _ => {
                        pipelines.push(std::mem::take(&mut pipeline));
                        after_semicolon = true;
                        i += 1;
                    }
                }
            }
            _ if c.is_ascii_alphanumeric() || b"-_./,:=+@%*?".contains(&c) => {
                if word.is_none() {
                    word_start = i;
                    word = Some(String::new());
                }
                if let Some(w) = word.as_mut() {
                    w.push(char::from(c));
                }
                i += 1;
            }
            _ => return None,
        }
    }
    end_word(&mut word, &b[word_start..], &mut cmd)?;
    if cmd.is_empty() {
        if !(pipeline.is_empty() && after_semicolon) {
            return None;
        }
    } else {
        pipeline.push(cmd);
        pipelines.push(pipeline);
    }
    if pipelines.is_empty() {
        return None;
    }
    Some(pipelines)
}

/// One simple command fed a here-document with a quoted delimiter, or `None`.
///
/// Accepted: a first line that [`simple_pipelines`] reads as a single command, then a blank,
/// `<<` and a delimiter of letters, digits and `_` in single or double quotes (so the body
/// is literal: no expansion), then ASCII body lines (no carriage return), a line that is
/// exactly the delimiter, and at most a final newline. Returns the words and the body (each
/// line with its newline), which is the here-document text the parser-based walk gives the
/// command as standard input (checked against brush-parser by a property test).
fn simple_heredoc(script: &str) -> Option<(Vec<String>, &str)> {
    let (first, rest) = script.split_once('\n')?;
    let at = first.find("<<")?;
    let (words, redirect) = (&first[..at], &first[at + 2..]);
    if !words.ends_with([' ', '\t']) {
        return None;
    }
    let quoted = redirect
        .trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t']);
    let quote = quoted.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let tag = quoted.strip_prefix(quote)?.strip_suffix(quote)?;
    if tag.is_empty()
        || tag.starts_with(|c: char| c.is_ascii_digit())
        || !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let mut pipelines = simple_pipelines(words)?;
    let mut commands = pipelines.pop()?;
    let command = commands.pop()?;
    if !pipelines.is_empty() || !commands.is_empty() || words.trim_end().ends_with(';') {
        return None;
    }
    if !rest.is_ascii() || rest.contains('\r') {
        return None;
    }
    // The body ends before the first line that is exactly the delimiter.
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.strip_suffix('\n').unwrap_or(line);
        if bare == tag {
            let after = &rest[offset + line.len()..];
            return after.is_empty().then_some((command, &rest[..offset]));
        }
        offset += line.len();
    }
    None
}

/// Judge one pipeline of literal simple commands the way [`walk_pipeline`] judges the same
/// pipeline parsed by brush-parser.
fn walk_simple_pipeline(ctx: &mut Ctx, pipeline: Vec<Vec<String>>, depth: usize) {
    let mut known: Option<String> = None;
    for (i, words) in pipeline.into_iter().enumerate() {
        let stdin = stage_stdin(i, known.take());
        let cmd = Cmd {
            argv: words.into_iter().map(Arg::lit).collect(),
            env: Vec::new(),
            stdin,
        };
        known = literal_output(&cmd);
        programs::judge(ctx, cmd, depth);
    }
}

/// The stdin of pipeline stage `i`: the script's own for the first, the previous stage's
/// output when it is known text, else an unknown pipe.
fn stage_stdin(i: usize, previous_output: Option<String>) -> Stdin {
    match (i, previous_output) {
        (0, _) => Stdin::Inherit,
        (_, Some(text)) => Stdin::Text {
            text,
            dynamic: false,
            piped: true,
        },
        (_, None) => Stdin::Pipe,
    }
}

fn walk_list(ctx: &mut Ctx, list: &ast::CompoundList, depth: usize) {
    for ast::CompoundListItem(and_or, _sep) in &list.0 {
        walk_pipeline(ctx, &and_or.first, depth);
        for next in &and_or.additional {
            match next {
                ast::AndOr::And(p) | ast::AndOr::Or(p) => walk_pipeline(ctx, p, depth),
            }
        }
    }
}

fn walk_pipeline(ctx: &mut Ctx, p: &ast::Pipeline, depth: usize) {
    // A stage whose output is known text (`echo 'SELECT 1' | psql`) feeds that text to the
    // next stage; any other stage feeds an unknown pipe.
    let mut known: Option<String> = None;
    for (i, cmd) in p.seq.iter().enumerate() {
        known = walk_command(ctx, cmd, stage_stdin(i, known.take()), depth);
    }
}

/// Judge a command; returns its standard output when that is literal text.
fn walk_command(ctx: &mut Ctx, cmd: &ast::Command, stdin: Stdin, depth: usize) -> Option<String> {
    match cmd {
        ast::Command::Simple(s) => return walk_simple(ctx, s, stdin, depth),
        ast::Command::Compound(c, redirects) => {
            if let Some(r) = redirects {
                let mut ignored = stdin.clone();
                for io in &r.0 {
                    redirect(ctx, io, &mut ignored, depth);
                }
            }
            walk_compound(ctx, c, depth);
        }
        ast::Command::Function(f) => {
            ctx.functions.insert(f.fname.value.clone());
            let mut a = Assessment::new(format!("{}()", f.fname.value));
            a.ask(
                "shell.function",
                "defines a function, which can hide a command (its body is judged too)",
            );
            ctx.push_other(a);
            if let Some(r) = &f.body.1 {
                let mut ignored = Stdin::Inherit;
                for io in &r.0 {
                    redirect(ctx, io, &mut ignored, depth);
                }
            }
            walk_compound(ctx, &f.body.0, depth);
        }
        ast::Command::ExtendedTest(t, redirects) => {
            if let Some(r) = redirects {
                let mut ignored = stdin.clone();
                for io in &r.0 {
                    redirect(ctx, io, &mut ignored, depth);
                }
            }
            walk_test(ctx, &t.expr, depth);
            let mut a = Assessment::new("[[ … ]]");
            a.read_only("shell.test", "conditional expression");
            ctx.push_other(a);
        }
    }
    None
}

fn walk_test(ctx: &mut Ctx, e: &ast::ExtendedTestExpr, depth: usize) {
    match e {
        ast::ExtendedTestExpr::And(l, r) | ast::ExtendedTestExpr::Or(l, r) => {
            walk_test(ctx, l, depth);
            walk_test(ctx, r, depth);
        }
        ast::ExtendedTestExpr::Not(x) | ast::ExtendedTestExpr::Parenthesized(x) => {
            walk_test(ctx, x, depth)
        }
        ast::ExtendedTestExpr::UnaryTest(_, w) => {
            word(ctx, w, depth);
        }
        ast::ExtendedTestExpr::BinaryTest(op, l, r) => {
            let l = word(ctx, l, depth);
            let r = word(ctx, r, depth);
            let arithmetic_op = matches!(
                op,
                ast::BinaryPredicate::ArithmeticEqualTo
                    | ast::BinaryPredicate::ArithmeticNotEqualTo
                    | ast::BinaryPredicate::ArithmeticLessThan
                    | ast::BinaryPredicate::ArithmeticLessThanOrEqualTo
                    | ast::BinaryPredicate::ArithmeticGreaterThan
                    | ast::BinaryPredicate::ArithmeticGreaterThanOrEqualTo
            );
            if arithmetic_op && (l.dynamic || r.dynamic) {
                let mut a = Assessment::new(format!("[[ {} … {} ]]", l.text, r.text));
                a.ask(
                    "shell.arithmetic",
                    "`[[ … -eq … ]]` evaluates its operands as arithmetic",
                );
                ctx.push_other(a);
            }
        }
    }
}

/// Arithmetic evaluates the values of the variables it names as arithmetic again, array
/// subscripts included (`x='a[$(cmd)]'; echo $((x))` runs `cmd`): only arithmetic on
/// literal numbers is inside the subset.
fn arithmetic(ctx: &mut Ctx, text: &str) {
    if text.contains("$(") || text.contains('`') {
        let mut a = Assessment::new(text);
        a.ask(
            "shell.arithmetic-substitution",
            "command substitution inside arithmetic",
        );
        ctx.push_other(a);
    } else if text
        .chars()
        .any(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
    {
        let mut a = Assessment::new(text);
        a.ask(
            "shell.arithmetic",
            "arithmetic on variables evaluates their values (array subscripts run commands)",
        );
        ctx.push_other(a);
    }
}

/// How many words brace expansion makes of `raw` (an upper bound, saturating).
fn brace_words(raw: &str) -> u64 {
    let bytes = raw.as_bytes();
    let mut total: u64 = 1;
    let mut stack: Vec<(usize, u64)> = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(b),
                b'{' => stack.push((i, 1)),
                b',' => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                }
                b'}' => {
                    if let Some((start, mut n)) = stack.pop() {
                        let body = &raw[start + 1..i];
                        if let Some((a, b)) = body.split_once("..") {
                            let b = b.split("..").next().unwrap_or(b);
                            n = match (a.parse::<i64>(), b.parse::<i64>()) {
                                (Ok(x), Ok(y)) => x.abs_diff(y).saturating_add(1),
                                _ if a.len() == 1 && b.len() == 1 => {
                                    u64::from(a.as_bytes()[0].abs_diff(b.as_bytes()[0])) + 1
                                }
                                _ => 1,
                            };
                        }
                        total = total.saturating_mul(n);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    total
}

/// More words than this from one brace expansion asks: `{a,b}` forty times is 2^40 words.
const MAX_BRACE_WORDS: u64 = 64;

fn walk_compound(ctx: &mut Ctx, c: &ast::CompoundCommand, depth: usize) {
    match c {
        ast::CompoundCommand::Arithmetic(a) => arithmetic(ctx, &a.expr.value),
        ast::CompoundCommand::ArithmeticForClause(f) => {
            for e in [&f.initializer, &f.condition, &f.updater]
                .into_iter()
                .flatten()
            {
                arithmetic(ctx, &e.value);
            }
            walk_list(ctx, &f.body.list, depth);
        }
        ast::CompoundCommand::BraceGroup(b) => walk_list(ctx, &b.list, depth),
        ast::CompoundCommand::Subshell(s) => walk_list(ctx, &s.list, depth),
        ast::CompoundCommand::ForClause(f) => {
            let mut literal = true;
            for w in f.values.iter().flatten() {
                literal &= !word(ctx, w, depth).dynamic;
            }
            if literal && f.values.is_some() {
                ctx.known_vars.insert(f.variable_name.clone());
            }
            walk_list(ctx, &f.body.list, depth);
        }
        ast::CompoundCommand::CaseClause(c) => {
            word(ctx, &c.value, depth);
            for item in &c.cases {
                for p in &item.patterns {
                    word(ctx, p, depth);
                }
                if let Some(cmd) = &item.cmd {
                    walk_list(ctx, cmd, depth);
                }
            }
        }
        ast::CompoundCommand::IfClause(i) => {
            walk_list(ctx, &i.condition, depth);
            walk_list(ctx, &i.then, depth);
            for e in i.elses.iter().flatten() {
                if let Some(c) = &e.condition {
                    walk_list(ctx, c, depth);
                }
                walk_list(ctx, &e.body, depth);
            }
        }
        ast::CompoundCommand::WhileClause(w) | ast::CompoundCommand::UntilClause(w) => {
            walk_list(ctx, &w.0, depth);
            walk_list(ctx, &w.1.list, depth);
        }
        ast::CompoundCommand::Coprocess(c) => {
            walk_command(ctx, &c.body, Stdin::Inherit, depth);
        }
    }
}

/// Resolve a word to its text after quote removal; judge any substitution inside it.
pub(crate) fn word(ctx: &mut Ctx, w: &ast::Word, depth: usize) -> Arg {
    word_text(ctx, &w.value, depth, false)
}

fn word_text(ctx: &mut Ctx, raw: &str, depth: usize, heredoc: bool) -> Arg {
    if !heredoc && raw.contains('{') {
        let n = brace_words(raw);
        if n > MAX_BRACE_WORDS {
            let mut a = Assessment::new(raw);
            a.ask(
                "shell.brace-expansion",
                format!("brace expansion makes {n} words (more than {MAX_BRACE_WORDS})"),
            );
            ctx.push_other(a);
        }
    }
    // A word without quoting or expansion characters is its own text.
    let special = |c: char| matches!(c, '$' | '`' | '\'' | '"' | '\\' | '~' | '{' | '!');
    if !raw.chars().any(special) {
        return Arg::lit(raw);
    }
    let options = brush_parser::ParserOptions::default();
    let parsed = if heredoc {
        brush_parser::word::parse_heredoc(raw, &options)
    } else {
        brush_parser::word::parse(raw, &options)
    };
    match parsed {
        Ok(pieces) => {
            let mut out = Arg::lit("");
            for p in &pieces {
                piece(ctx, p, raw, depth, &mut out);
            }
            out
        }
        Err(_) => {
            let mut a = Assessment::new(raw);
            a.ask("shell.word", "word not understood");
            ctx.push_other(a);
            Arg {
                text: raw.to_string(),
                dynamic: true,
            }
        }
    }
}

fn piece(ctx: &mut Ctx, p: &WordPieceWithSource, raw: &str, depth: usize, out: &mut Arg) {
    let source = raw.get(p.start_index..p.end_index).unwrap_or(raw);
    match &p.piece {
        WordPiece::Text(s) | WordPiece::SingleQuotedText(s) => out.text.push_str(s),
        WordPiece::AnsiCQuotedText(s) => out.text.push_str(&ansi_c_unescape(s)),
        WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
            for q in inner {
                piece(ctx, q, raw, depth, out);
            }
        }
        WordPiece::TildeExpansion(brush_parser::word::TildeExpr::Home) => {
            // `~` is the home directory, a known path (secrets under it are recognised).
            out.text.push('~');
        }
        WordPiece::TildeExpansion(_) => {
            // `~user`, `~+`, `~-`, `~N`: someone else's home or the directory stack.
            out.text.push_str(source);
            out.dynamic = true;
        }
        WordPiece::ParameterExpansion(_) if matches!(source, "$HOME" | "${HOME}") => {
            // The home directory, as `~` (secret paths under it are still recognised).
            out.text.push('~');
        }
        WordPiece::ParameterExpansion(_) => {
            out.text.push_str(source);
            out.dynamic = true;
            if source.contains("$(") || source.contains('`') || source.contains("<(") {
                let mut a = Assessment::new(source);
                a.ask(
                    "shell.parameter-substitution",
                    "command substitution inside a parameter expansion",
                );
                ctx.push_other(a);
            }
        }
        WordPiece::CommandSubstitution(s) | WordPiece::BackquotedCommandSubstitution(s) => {
            out.text.push_str("$(…)");
            out.dynamic = true;
            eval_script(ctx, s, depth + 1);
        }
        WordPiece::EscapeSequence(s) => {
            let unescaped = s.strip_prefix('\\').unwrap_or(s);
            if unescaped != "\n" {
                out.text.push_str(unescaped);
            }
        }
        WordPiece::ArithmeticExpression(e) => {
            out.text.push_str("$((…))");
            out.dynamic = true;
            arithmetic(ctx, &e.value);
        }
    }
}

fn ansi_c_unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('x') => {
                let mut hex = String::new();
                while hex.len() < 2 && chars.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                    hex.extend(chars.next());
                }
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(d) if d.is_digit(8) => {
                let mut oct = String::from(d);
                while oct.len() < 3 && chars.peek().is_some_and(|c| c.is_digit(8)) {
                    oct.extend(chars.next());
                }
                if let Some(ch) = u32::from_str_radix(&oct, 8).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn walk_simple(
    ctx: &mut Ctx,
    s: &ast::SimpleCommand,
    stdin: Stdin,
    depth: usize,
) -> Option<String> {
    let mut cmd = Cmd {
        argv: Vec::new(),
        env: Vec::new(),
        stdin,
    };
    let mut items: Vec<&ast::CommandPrefixOrSuffixItem> = Vec::new();
    if let Some(p) = &s.prefix {
        items.extend(p.0.iter());
    }
    let name_index = items.len();
    if let Some(p) = &s.suffix {
        items.extend(p.0.iter());
    }
    let mut prefix_done = false;
    for (i, item) in items.iter().enumerate() {
        if i == name_index && !prefix_done {
            if let Some(w) = &s.word_or_name {
                let a = word(ctx, w, depth);
                cmd.argv.push(a);
            }
            prefix_done = true;
        }
        match item {
            ast::CommandPrefixOrSuffixItem::IoRedirect(io) => {
                redirect(ctx, io, &mut cmd.stdin, depth);
            }
            ast::CommandPrefixOrSuffixItem::Word(w) => {
                let a = word(ctx, w, depth);
                cmd.argv.push(a);
            }
            ast::CommandPrefixOrSuffixItem::AssignmentWord(asg, w) => {
                let value = match &asg.value {
                    ast::AssignmentValue::Scalar(v) => word(ctx, v, depth),
                    ast::AssignmentValue::Array(vs) => {
                        let mut acc = Arg::lit("");
                        for (k, v) in vs {
                            if let Some(k) = k {
                                word(ctx, k, depth);
                            }
                            let a = word(ctx, v, depth);
                            acc.text.push_str(&a.text);
                            acc.text.push(' ');
                            acc.dynamic |= a.dynamic;
                        }
                        acc
                    }
                };
                let name = match &asg.name {
                    ast::AssignmentName::VariableName(n) => n.clone(),
                    ast::AssignmentName::ArrayElementName(n, _) => n.clone(),
                };
                if i < name_index {
                    cmd.env.push((name, value));
                } else {
                    // `export A=b`, `env A=b cmd`: an argument that also assigns; the
                    // program decides what it means.
                    let _ = name;
                    cmd.argv.push(Arg {
                        text: format!("{}={}", w.value.split('=').next().unwrap_or(""), value.text),
                        dynamic: value.dynamic,
                    });
                }
            }
            ast::CommandPrefixOrSuffixItem::ProcessSubstitution(_, sub) => {
                walk_list(ctx, &sub.list, depth + 1);
                cmd.argv.push(Arg::lit("/dev/fd/63"));
            }
        }
    }
    if !prefix_done {
        if let Some(w) = &s.word_or_name {
            let a = word(ctx, w, depth);
            cmd.argv.push(a);
        }
    }
    let output = literal_output(&cmd);
    programs::judge(ctx, cmd, depth);
    output
}

/// The standard output of `echo`/`printf`/`cat` when it is fully known from the command.
fn literal_output(cmd: &Cmd) -> Option<String> {
    if cmd.argv.iter().any(|a| a.dynamic) || !cmd.env.is_empty() {
        return None;
    }
    if !matches!(
        cmd.argv.first().map(|a| a.text.as_str()),
        Some("echo" | "printf" | "cat")
    ) {
        return None;
    }
    let texts: Vec<&str> = cmd.argv.iter().map(|a| a.text.as_str()).collect();
    let (program, args) = texts.split_first()?;
    match *program {
        "echo" => {
            let mut args = args;
            let mut newline = true;
            while let Some(flag) = args.first() {
                match *flag {
                    "-n" => newline = false,
                    "-E" => {}
                    "-e" if !args[1..].iter().any(|a| a.contains('\\')) => {}
                    _ => break,
                }
                args = &args[1..];
            }
            if args.first().is_some_and(|a| a.starts_with('-')) {
                return None;
            }
            let mut out = args.join(" ");
            if newline {
                out.push('\n');
            }
            Some(out)
        }
        "printf" => match args {
            [format]
                if !format.contains('%') && !format.contains('\\') && !format.starts_with('-') =>
            {
                Some(format.to_string())
            }
            _ => None,
        },
        "cat" if args.is_empty() => match &cmd.stdin {
            Stdin::Text {
                text,
                dynamic: false,
                ..
            } => Some(text.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Is `path` a harmless sink or source (`/dev/null`, the terminal, standard streams)?
pub(crate) fn is_null_device(path: &str) -> bool {
    matches!(
        path,
        "/dev/null"
            | "/dev/stdout"
            | "/dev/stderr"
            | "/dev/stdin"
            | "/dev/tty"
            | "/dev/fd/1"
            | "/dev/fd/2"
            | "-"
    )
}

fn redirect(ctx: &mut Ctx, io: &ast::IoRedirect, stdin: &mut Stdin, depth: usize) {
    match io {
        ast::IoRedirect::File(fd, kind, target) => {
            let writes = matches!(
                kind,
                ast::IoFileRedirectKind::Write
                    | ast::IoFileRedirectKind::Append
                    | ast::IoFileRedirectKind::Clobber
                    | ast::IoFileRedirectKind::ReadAndWrite
            );
            match target {
                ast::IoFileRedirectTarget::Filename(w) => {
                    let t = word(ctx, w, depth);
                    if !writes && (programs::names_secret(&t.text) || t.dynamic) {
                        // Whatever reads it (a loop's `read`, `$(< file)`), its content can
                        // reach the model.
                        let mut a = Assessment::new(format!("{kind}{}", t.text));
                        if t.dynamic {
                            a.ask(
                                "shell.unknown-value",
                                format!("`{}` has no known value", t.text),
                            );
                        } else {
                            a.concern(
                                crate::decision::Decision::Ask,
                                Risk::High,
                                "path.secret",
                                format!("reads a secret or credentials file (`{}`)", t.text),
                            );
                        }
                        ctx.push_other(a);
                    }
                    if writes {
                        write_target(ctx, &t, &format!("{kind}{}", t.text));
                    } else if matches!(kind, ast::IoFileRedirectKind::Read) && fd.unwrap_or(0) == 0
                    {
                        *stdin = Stdin::File(t.text);
                    }
                }
                ast::IoFileRedirectTarget::Fd(_) => {}
                ast::IoFileRedirectTarget::ProcessSubstitution(_, sub) => {
                    walk_list(ctx, &sub.list, depth + 1);
                    if matches!(kind, ast::IoFileRedirectKind::Read) && fd.unwrap_or(0) == 0 {
                        *stdin = Stdin::Pipe;
                    }
                }
                ast::IoFileRedirectTarget::Duplicate(w) => {
                    let t = word(ctx, w, depth);
                    let is_fd = t.text == "-"
                        || t.text
                            .trim_end_matches('-')
                            .chars()
                            .all(|c| c.is_ascii_digit());
                    if !is_fd || t.dynamic {
                        write_target(ctx, &t, &format!("{kind}{}", t.text));
                    }
                }
            }
        }
        ast::IoRedirect::HereDocument(fd, doc) => {
            let body = if doc.requires_expansion {
                word_text(ctx, &doc.doc.value, depth, true)
            } else {
                Arg::lit(doc.doc.value.clone())
            };
            if fd.unwrap_or(0) == 0 {
                *stdin = Stdin::Text {
                    text: body.text,
                    dynamic: body.dynamic,
                    piped: false,
                };
            }
        }
        ast::IoRedirect::HereString(fd, w) => {
            let body = word(ctx, w, depth);
            if fd.unwrap_or(0) == 0 {
                *stdin = Stdin::Text {
                    text: format!("{}\n", body.text),
                    dynamic: body.dynamic,
                    piped: false,
                };
            }
        }
        ast::IoRedirect::OutputAndError(w, _append) => {
            let t = word(ctx, w, depth);
            write_target(ctx, &t, &format!("&>{}", t.text));
        }
    }
}

/// Judge a file a command writes (a redirect target, `tee` argument, `-o` value, …).
pub(crate) fn write_target(ctx: &mut Ctx, target: &Arg, subject: &str) {
    if !target.dynamic && is_null_device(&target.text) {
        return;
    }
    let mut a = Assessment::new(subject);
    if target.dynamic {
        a.ask(
            "shell.write-dynamic",
            "writes to a file whose name is computed at run time",
        );
    } else {
        let class = classify_path(ctx.cwd.as_deref(), &target.text);
        match class {
            PathClass::Outside => {
                a.deny(
                    Risk::High,
                    "shell.write-outside",
                    format!("writes `{}` outside the workspace", target.text),
                );
            }
            PathClass::Protected(why) => {
                a.deny(
                    Risk::High,
                    "shell.write-protected",
                    format!("writes `{}` ({why})", target.text),
                );
            }
            PathClass::Workspace => {
                a.ask("shell.write", format!("writes the file `{}`", target.text));
            }
        }
    }
    let path = target.text.clone();
    ctx.push(Target::Path { path }, a);
}

/// Where a path points, lexically (no symlinks are resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathClass {
    Workspace,
    Outside,
    Protected(&'static str),
}

/// Normalize `path` against `cwd` lexically; `None` when `..` climbs above the root.
pub(crate) fn normalize(cwd: Option<&Path>, path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.map(|c| c.join(p)).unwrap_or_else(|| p.to_path_buf())
    };
    let mut out = PathBuf::new();
    for comp in joined.components() {
        match comp {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

pub(crate) fn classify_path(cwd: Option<&Path>, path: &str) -> PathClass {
    if path.starts_with('~') {
        return PathClass::Outside;
    }
    let Some(norm) = normalize(cwd, path) else {
        return PathClass::Outside;
    };
    let inside = match cwd {
        Some(c) => norm.starts_with(c),
        None => !Path::new(path).is_absolute(),
    };
    if !inside {
        return PathClass::Outside;
    }
    let rel = match cwd {
        Some(c) => norm
            .strip_prefix(c)
            .map(Path::to_path_buf)
            .unwrap_or(norm.clone()),
        None => norm.clone(),
    };
    if let Some(why) = crate::patch::protected_reason(&rel.to_string_lossy()) {
        return PathClass::Protected(why);
    }
    PathClass::Workspace
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_c_strings_are_unescaped() {
        assert_eq!(ansi_c_unescape(r"\x72m"), "rm");
        assert_eq!(ansi_c_unescape(r"\162m"), "rm");
        assert_eq!(ansi_c_unescape(r"a\nb"), "a\nb");
    }

    /// Regression (fuzzing): `<<\f<x&#` made brush-parser allocate until out of memory.
    #[test]
    fn stray_control_characters_are_refused_before_parsing() {
        for script in ["<<\x0c<x&#", "<<\r<x&#/", "ls\0rm"] {
            let v = crate::Policy::builtin().evaluate(&crate::Action::exec(
                vec!["bash".into(), "-lc".into(), script.into()],
                None,
            ));
            assert_eq!(v.decision, crate::Decision::Ask, "{v}");
        }
        assert!(!has_stray_control("cat <<EOF\r\nhi\r\nEOF\r\n\tls"));
    }

    /// Regression (fuzzing): `<<"" ` made brush-parser allocate until out of memory.
    #[test]
    fn empty_heredoc_delimiters_are_refused_before_parsing() {
        for script in [";<<<\"\" <p_;<<\"\" ", "cat <<'' ", "cat <<-\"\" "] {
            assert!(has_empty_heredoc_delimiter(script), "{script}");
            let v = crate::Policy::builtin().evaluate(&crate::Action::exec(
                vec!["bash".into(), "-lc".into(), script.into()],
                None,
            ));
            assert_eq!(v.decision, crate::Decision::Ask, "{v}");
        }
        assert!(!has_empty_heredoc_delimiter("cat <<'EOF'\nx\nEOF"));
    }

    /// Regression (fuzzing): 29 unclosed `(` took brush-parser two minutes.
    #[test]
    fn deep_parentheses_are_refused_before_parsing() {
        let script = format!("{}`.x`:", "(".repeat(29));
        let v = crate::Policy::builtin().evaluate(&crate::Action::exec(
            vec!["bash".into(), "-lc".into(), script],
            None,
        ));
        assert_eq!(v.decision, crate::Decision::Ask, "{v}");
        assert_eq!(paren_depth("(a) (b) '((((((' \"(x)\" $(( (1+2)*3 ))"), 3);
    }

    /// Regression (fuzzing): an fd number beyond i32 made brush-parser panic; the policy
    /// turned that into an internal-error deny. It is now an ordinary unparsable `ask`.
    #[test]
    fn oversized_redirect_fd_is_unparsable_not_an_internal_error() {
        let v = crate::Policy::builtin().evaluate(&crate::Action::exec(
            vec![
                "bash".into(),
                "-lc".into(),
                "044444444444444444440<$0".into(),
            ],
            None,
        ));
        assert_eq!(v.decision, crate::Decision::Ask, "{v}");
        assert!(v.explanation.iter().all(|f| f.id != "error"), "{v}");
        for script in [
            format!("~{}", "3".repeat(70)),
            format!("ls ~+{}/x", "9".repeat(30)),
        ] {
            let v = crate::Policy::builtin().evaluate(&crate::Action::exec(
                vec!["bash".into(), "-lc".into(), script],
                None,
            ));
            assert!(v.explanation.iter().all(|f| f.id != "error"), "{v}");
        }
    }

    #[test]
    fn only_grammar_free_scripts_skip_the_parser() {
        assert_eq!(
            plain_words("git log -n 5"),
            Some(vec!["git".into(), "log".into(), "-n".into(), "5".into()])
        );
        for s in [
            "ls; rm x",
            "ls | wc",
            "X=1 ls",
            "if true",
            "echo $HOME",
            "ls *",
            "a\nb",
            "r''m",
            "ls ~",
            "echo `id`",
        ] {
            assert_eq!(plain_words(s), None, "{s}");
        }
    }

    fn judged(script: &str, fast: bool) -> Vec<(Target, crate::Judgement)> {
        let mut ctx = Ctx::new(Some(PathBuf::from("/w")));
        if fast {
            eval_script(&mut ctx, script, 1);
        } else {
            parse_and_walk(&mut ctx, script, 1);
        }
        ctx.units
            .into_iter()
            .map(|u| (u.target, u.finding))
            .collect()
    }

    #[test]
    fn simple_scripts_skip_the_parser_and_others_do_not() {
        for s in [
            "ls | wc -l && git status",
            "psql -d shop -c 'SELECT 1' ; ls",
            "r''m -rf x",
            "echo \"a b\" | cat;",
            "git log --format=%H -n 5 || true",
        ] {
            assert!(simple_pipelines(s).is_some(), "{s}");
        }
        for s in [
            "ls &",
            "ls && ",
            "; ls",
            "ls ;;",
            "ls |& cat",
            "X=1 ls",
            "ls X=1",
            "if true",
            "echo $HOME",
            "echo \"$HOME\"",
            "ls # c",
            "ls > x",
            "ls\nrm x",
            "{ ls; }",
            "ls [ab]",
            "echo 'é'",
            "echo 'unclosed",
            "",
            "  ",
            ";",
        ] {
            assert_eq!(simple_pipelines(s), None, "{s}");
        }
        assert_eq!(
            simple_pipelines("a 'b c'\"d\" | e; f"),
            Some(vec![
                vec![
                    vec!["a".to_string(), "b cd".to_string()],
                    vec!["e".to_string()]
                ],
                vec![vec!["f".to_string()]],
            ])
        );
    }

    #[test]
    fn fast_path_matches_the_parser_on_the_corpora() {
        let mut checked = 0;
        for file in ["public.jsonl", "own.jsonl", "handwritten.jsonl"] {
            let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let Some(argv) = v.get("argv").and_then(|a| a.as_array()) else {
                    continue;
                };
                for script in argv.iter().filter_map(|a| a.as_str()) {
                    if let Some((_, body)) = simple_heredoc(script) {
                        let parsed = brush_heredoc(script).map(|(_, b)| b);
                        assert_eq!(parsed.as_deref(), Some(body), "{script}");
                    }
                    if simple_pipelines(script).is_some() || simple_heredoc(script).is_some() {
                        checked += 1;
                        assert_eq!(judged(script, true), judged(script, false), "{script}");
                    }
                }
            }
        }
        assert!(
            checked > 300,
            "only {checked} corpus scripts take the fast path"
        );
    }

    #[test]
    fn simple_heredocs_skip_the_parser() {
        assert_eq!(
            simple_heredoc("psql -d shop <<'SQL'\nSELECT 1;\nSQL"),
            Some((
                vec!["psql".to_string(), "-d".to_string(), "shop".to_string()],
                "SELECT 1;\n"
            ))
        );
        for s in [
            "psql <<SQL\nSELECT 1;\nSQL",
            "psql <<-'SQL'\nSELECT 1;\nSQL",
            "psql <<'SQL' -d x\nSELECT 1;\nSQL",
            "psql <<'SQL'\nSELECT 1;\n",
            "psql <<'SQL'\nSELECT 1;\nSQL\nrm x",
            "ls | psql <<'SQL'\nSELECT 1;\nSQL",
            "X=1 psql <<'SQL'\nSELECT 1;\nSQL",
        ] {
            assert_eq!(simple_heredoc(s), None, "{s:?}");
        }
    }

    fn heredoc_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let head = prop::sample::select(vec![
            "psql -d shop ",
            "psql ",
            "cat ",
            "sqlite3 shop.db ",
            "mysql -e x ",
            "ls | psql ",
            "psql; ",
            "X=1 psql ",
            "psql -f x ",
            "bash ",
            "sh -s ",
            "apply_patch ",
            "cat  ",
            "psql\t",
            "psql",
            "duckdb ",
            "python3 - ",
        ]);
        let delim = prop::sample::select(vec![
            "'SQL'",
            "\"SQL\"",
            "SQL",
            "-'SQL'",
            " 'SQL'",
            "'SQL' ",
            "'S Q'",
            "'1A'",
            "''",
            "'SQL' -d x",
            "'SQL'x",
        ]);
        let line = prop::sample::select(vec![
            "SELECT 1;",
            "DROP TABLE t;",
            "$(rm -rf x)",
            "`id`",
            "$HOME",
            "SQL",
            " SQL",
            "SQL ",
            "\tSQL",
            "",
            "\\! rm x",
            "'quoted'",
            "\"dq\"",
            "EOF",
            "é",
            "a\rb",
            "*** Begin Patch",
            "+x",
            "DELETE FROM t WHERE a = 'x';",
            "\\q",
            ".shell rm x",
        ]);
        let tail = prop::sample::select(vec!["SQL", "SQL\n", "", "SQL\nls", "SQL\n\n", "SQL "]);
        (head, delim, prop::collection::vec(line, 0..5), tail).prop_map(|(h, d, lines, t)| {
            let mut s = format!("{h}<<{d}\n");
            for l in lines {
                s.push_str(l);
                s.push('\n');
            }
            s.push_str(t);
            s
        })
    }

    /// What brush-parser makes of a one-command here-document script: the command's words
    /// and the here-document text (`None` when it is not that shape).
    fn brush_heredoc(script: &str) -> Option<(Vec<String>, String)> {
        let options = brush_parser::ParserOptions::default();
        let mut parser =
            brush_parser::Parser::new(std::io::Cursor::new(script.as_bytes()), &options);
        let program = parser.parse_program().ok()?;
        let [list] = program.complete_commands.as_slice() else {
            return None;
        };
        let [ast::CompoundListItem(and_or, _)] = list.0.as_slice() else {
            return None;
        };
        let [ast::Command::Simple(simple)] = and_or.first.seq.as_slice() else {
            return None;
        };
        let mut words = vec![simple.word_or_name.as_ref()?.value.clone()];
        let mut body = None;
        for item in &simple.suffix.as_ref()?.0 {
            match item {
                ast::CommandPrefixOrSuffixItem::Word(w) => words.push(w.value.clone()),
                ast::CommandPrefixOrSuffixItem::IoRedirect(ast::IoRedirect::HereDocument(
                    None,
                    doc,
                )) if !doc.requires_expansion => body = Some(doc.doc.value.clone()),
                _ => return None,
            }
        }
        Some((words, body?))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Wherever the here-document fast path accepts a script, it judges it exactly as
        /// the parser-based walk does, and its body is the parser's here-document text.
        #[test]
        fn heredoc_fast_path_matches_the_parser(script in heredoc_strategy()) {
            if let Some((_, body)) = simple_heredoc(&script) {
                let parsed = brush_heredoc(&script);
                proptest::prop_assert_eq!(parsed.map(|(_, b)| b), Some(body.to_string()), "{:?}", script);
                proptest::prop_assert_eq!(judged(&script, true), judged(&script, false), "{:?}", script);
            }
        }
    }

    fn script_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let word = prop::sample::select(vec![
            "ls",
            "-la",
            "git",
            "status",
            "log",
            "push",
            "--force",
            "rm",
            "-rf",
            "x",
            "psql",
            "-c",
            "'SELECT 1'",
            "'DROP TABLE t'",
            "\"a b\"",
            "''",
            "\"\"",
            "r''m",
            "r\"m\"",
            "echo",
            "cat",
            "wc",
            "-l",
            "if",
            "then",
            "done",
            "in",
            "time",
            "A=1",
            "a+=b",
            "\"A\"=1",
            "'A'=1",
            "A'=1'",
            "--x=y",
            "*.sql",
            "?",
            "%1",
            "@x",
            "'$HOME'",
            "\"SELECT * FROM t WHERE a = 'x'\"",
            "'a\"b'",
            "\"a'b\"",
            "sqlite3",
            "db",
            "bash",
            "-lc",
            "'ls && rm x'",
            "\"ls; id\"",
            "sed",
            "-i",
            "s/a/b/",
            "tee",
            "out.txt",
            "/bin/rm",
            "./x",
            "~",
            "!",
            "{",
            "}",
            "[[",
            "$x",
            "`id`",
            "\\rm",
            "'#'",
            "#",
            "a#b",
            "mysql",
            "-e",
            "'DELETE FROM t'",
            "printf",
            "'%s'",
            "xargs",
            "env",
            "sudo",
            "find",
            "-delete",
            "-exec",
            "\\;",
            ":",
            "true",
            "=",
            "==x",
            "_x=1",
            "x[1]=2",
            "\"$HOME\"",
            "\"a!b\"",
            "\"`id`\"",
            "'\t'",
            "\"\t\"",
            "'a\\b'",
            "-",
            "--",
        ]);
        let sep = prop::sample::select(vec![
            " ", " ", " ", "", "&&", " && ", "||", " || ", ";", " ; ", "|", " | ", "\t", "&", "|&",
            ";;", " ;", "; ", "\n",
        ]);
        (
            word.clone(),
            prop::collection::vec((sep, word), 0..8),
            prop::option::of(Just(";")),
        )
            .prop_map(|(first, rest, end)| {
                let mut s = first.to_string();
                for (sep, w) in rest {
                    s.push_str(sep);
                    s.push_str(w);
                }
                s.push_str(end.unwrap_or(""));
                s
            })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// Wherever the fast path accepts a script, it judges it exactly as the parser-based
        /// walk does: same units, same findings, same order.
        #[test]
        fn fast_path_matches_the_parser(script in script_strategy()) {
            if simple_pipelines(&script).is_some() {
                proptest::prop_assert_eq!(judged(&script, true), judged(&script, false), "{:?}", script);
            }
        }
    }

    /// The quoting used before the shortcuts (shown subjects must not change).
    fn quote_reference(s: &str) -> String {
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+*?[]{}~^".contains(c))
        {
            s.to_string()
        } else {
            shlex::try_quote(s)
                .map(|c| c.into_owned())
                .unwrap_or_else(|_| format!("{s:?}"))
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn quoting_shortcuts_match_shlex(s in "([a-z0-9 \t\n'\"\\\\^$`!#&|;<>()*?=%,{}~\\[\\]@:+./_-]|é|\u{0}|\u{a0}){0,10}") {
            proptest::prop_assert_eq!(quote(&s), quote_reference(&s), "{:?}", s);
        }
    }

    #[test]
    fn quoting_matches_shlex_on_fixed_cases() {
        for s in [
            "",
            "ls",
            "a b",
            "it's",
            "^x",
            "a^b",
            "x\\y",
            "SELECT * FROM t",
            "é",
            "\0",
            "a\nb",
        ] {
            assert_eq!(quote(s), quote_reference(s), "{s:?}");
        }
    }

    #[test]
    fn paths_are_classified_lexically() {
        let cwd = Path::new("/w");
        assert_eq!(classify_path(Some(cwd), "src/a.rs"), PathClass::Workspace);
        assert_eq!(classify_path(Some(cwd), "../x"), PathClass::Outside);
        assert_eq!(classify_path(Some(cwd), "/etc/passwd"), PathClass::Outside);
        assert!(matches!(
            classify_path(Some(cwd), ".git/hooks/pre-commit"),
            PathClass::Protected(_)
        ));
    }
}
