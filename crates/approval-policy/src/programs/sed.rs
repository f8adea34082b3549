//! GNU sed: its options (checked against `sed --help` of sed 4.9, `getopt_long` with
//! permutation) and its program text. A sed script is allowed only when it is parsed and
//! every command in it is known to only print: `e`, `s///e` run commands, `w`, `W`, `s///w`
//! write files, `r`/`R` read the file they name (a secret asks), and a command not on the
//! list is unknown. Every `-e`/`--expression` is judged, joined as sed joins them.

use super::getopt::{self, flag, optional, value, Effect, Opt, Spec, GNU};
use super::table;
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{Arg, Cmd, Ctx};

const OPTS: [Opt; 15] = [
    flag("n|quiet|silent"),
    flag("debug"),
    value("e|expression"),
    value("f|file"),
    flag("follow-symlinks"),
    optional("i|in-place").does(Effect::Changes),
    value("l|line-length"),
    flag("posix"),
    flag("E|r|regexp-extended"),
    flag("s|separate"),
    flag("sandbox"),
    flag("u|unbuffered"),
    flag("z|null-data"),
    flag("help"),
    flag("version"),
];

/// Judge a `sed` command: options, then the script.
pub(super) fn sed(ctx: &mut Ctx, cmd: &Cmd, name: &str, a: &mut Assessment) {
    let spec = Spec {
        program: name,
        syntax: GNU,
        opts: &OPTS,
    };
    let parsed = getopt::parse(&spec, cmd.argv.get(1..).unwrap_or_default());
    table::judge_options(ctx, a, "program.sed", name, &parsed);
    if parsed.has("file") {
        a.concern(
            Decision::Ask,
            Risk::High,
            "program.sed",
            format!("option `-f` of `{name}` runs a script from a file, which is not judged"),
        );
    }
    let mut scripts: Vec<&Arg> = parsed.values("expression").collect();
    if scripts.is_empty() && !parsed.has("file") {
        match parsed.operands().next() {
            Some(s) => scripts.push(s),
            None if parsed.has("help") || parsed.has("version") => {}
            None => {
                a.ask("program.sed", "no sed script");
            }
        }
    }
    // sed joins its `-e` scripts with newlines and parses the whole.
    let script: Vec<&str> = scripts.iter().map(|s| s.text.as_str()).collect();
    if let Err(why) = check_script(&script.join("\n")) {
        a.concern(Decision::Ask, Risk::High, "program.sed-script", why);
    }
    a.read_only("program.sed", "prints edited text");
}

/// Is every command of a sed script known to only print? `Err` says what is not.
pub(super) fn check_script(script: &str) -> Result<(), String> {
    let c: Vec<char> = script.chars().collect();
    let n = c.len();
    let mut i = 0;
    let skip_blanks = |i: &mut usize| {
        while *i < n && matches!(c[*i], ' ' | '\t') {
            *i += 1;
        }
    };
    let to_line_end = |i: &mut usize| -> String {
        let start = *i;
        while *i < n && c[*i] != '\n' {
            *i += 1;
        }
        c[start..*i].iter().collect()
    };
    while i < n {
        while i < n && matches!(c[i], ' ' | '\t' | '\n' | ';') {
            i += 1;
        }
        if i >= n {
            break;
        }
        if c[i] == '#' {
            to_line_end(&mut i);
            continue;
        }
        address(&c, &mut i)?;
        skip_blanks(&mut i);
        if i < n && c[i] == ',' {
            i += 1;
            skip_blanks(&mut i);
            if i < n && matches!(c[i], '+' | '~') {
                i += 1;
            }
            address(&c, &mut i)?;
        }
        skip_blanks(&mut i);
        while i < n && matches!(c[i], '!' | ' ' | '\t') {
            i += 1;
        }
        let Some(&command) = c.get(i) else {
            return Err("sed address without a command".into());
        };
        i += 1;
        match command {
            '{' | '}' | '=' | 'd' | 'D' | 'g' | 'G' | 'h' | 'H' | 'n' | 'N' | 'p' | 'P' | 'x'
            | 'z' | 'F' => {}
            'l' | 'L' | 'q' | 'Q' => {
                skip_blanks(&mut i);
                while i < n && c[i].is_ascii_digit() {
                    i += 1;
                }
            }
            ':' => {
                // GNU sed ends a label at a newline or `;`.
                skip_blanks(&mut i);
                let start = i;
                while i < n && !matches!(c[i], '\n' | ';') {
                    i += 1;
                }
                if start == i {
                    return Err("sed label without a name".into());
                }
            }
            'b' | 't' | 'T' | 'v' => {
                while i < n && !matches!(c[i], '\n' | ';' | '}') {
                    i += 1;
                }
            }
            'a' | 'i' | 'c' => {
                // Text to the end of the line; a trailing `\` continues it.
                loop {
                    let line = to_line_end(&mut i);
                    if line.ends_with('\\') && i < n {
                        i += 1;
                        continue;
                    }
                    break;
                }
            }
            'r' | 'R' => {
                let file = to_line_end(&mut i);
                let file = file.trim();
                if super::names_secret(file) {
                    return Err(format!("sed `{command}` reads the secret file `{file}`"));
                }
            }
            's' => {
                let delim = delimiter(&c, &mut i)?;
                part(&c, &mut i, delim)?;
                part(&c, &mut i, delim)?;
                while i < n
                    && (matches!(c[i], 'g' | 'p' | 'i' | 'I' | 'm' | 'M') || c[i].is_ascii_digit())
                {
                    i += 1;
                }
                match c.get(i) {
                    Some('e') => return Err("`s///e` runs the pattern space as a command".into()),
                    Some('w' | 'W') => return Err("`s///w` writes a file".into()),
                    None | Some(' ' | '\t' | '\n' | ';' | '}' | '#') => {}
                    Some(other) => return Err(format!("`s` flag `{other}` is not known")),
                }
            }
            'y' => {
                let delim = delimiter(&c, &mut i)?;
                part(&c, &mut i, delim)?;
                part(&c, &mut i, delim)?;
            }
            'e' => return Err("sed `e` runs a command".into()),
            'w' | 'W' => return Err(format!("sed `{command}` writes a file")),
            other => return Err(format!("sed command `{other}` is not known to be harmless")),
        }
    }
    Ok(())
}

/// One address: a line number (`3`, `1~2`), `$`, or a regex (`/re/`, `\%re%`, with `I`/`M`).
fn address(c: &[char], i: &mut usize) -> Result<(), String> {
    let n = c.len();
    if *i < n && c[*i].is_ascii_digit() {
        while *i < n && (c[*i].is_ascii_digit() || c[*i] == '~') {
            *i += 1;
        }
    } else if *i < n && c[*i] == '$' {
        *i += 1;
    } else if *i < n && (c[*i] == '/' || c[*i] == '\\') {
        let delim = if c[*i] == '\\' {
            *i += 1;
            *c.get(*i).ok_or("sed address ends after `\\`")?
        } else {
            '/'
        };
        *i += 1;
        part(c, i, delim)?;
        while *i < n && matches!(c[*i], 'I' | 'M') {
            *i += 1;
        }
    }
    Ok(())
}

fn delimiter(c: &[char], i: &mut usize) -> Result<char, String> {
    match c.get(*i) {
        Some(&d) if d != '\n' && d != '\\' => {
            *i += 1;
            Ok(d)
        }
        _ => Err("sed `s` or `y` without a delimiter".into()),
    }
}

/// Skip to after the next unescaped `delim`.
fn part(c: &[char], i: &mut usize, delim: char) -> Result<(), String> {
    while *i < c.len() {
        if c[*i] == '\\' {
            *i += 2;
            continue;
        }
        if c[*i] == delim {
            *i += 1;
            return Ok(());
        }
        *i += 1;
    }
    Err("unterminated sed expression".into())
}

#[cfg(test)]
mod tests {
    use super::check_script;

    #[test]
    fn printing_scripts_are_known() {
        for s in [
            "p",
            "1,20p",
            "s/foo/bar/g",
            "/^#/d; s|a|b|2",
            "$!N; P; D",
            ":a;N;$!ba;s/\\n/ /g",
            "1~2{p;q}",
            "/x/I,+3 !d",
            "y/abc/xyz/",
            "a\\\nhello",
            "r notes.txt",
            "# comment\np",
        ] {
            assert!(check_script(s).is_ok(), "{s}: {:?}", check_script(s));
        }
    }

    #[test]
    fn commands_that_run_write_or_read_secrets_are_not() {
        for s in [
            "e touch x",
            ":a;1e touch x",
            "b x;:x;1e id",
            "1e id",
            "s/.*/id/e",
            "s/x/y/w /tmp/out",
            "w /tmp/x",
            "1w notes.txt",
            "$W out",
            "r ~/.pgpass",
            "R .env",
            "k",
            "s/a/b",
        ] {
            assert!(check_script(s).is_err(), "{s}");
        }
    }
}
