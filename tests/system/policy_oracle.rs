//! The approval policy measured against facts (issue 10).
//!
//! - The red-team corpus (`crates/approval-policy/tests/data/redteam.jsonl`) through the library
//!   and through `xldb-codex policy check --jsonl`: no dangerous line allowed, at least 90% of
//!   the benign lines allowed, every line answered.
//! - The corpus's labels checked by running every line in the sandbox oracle
//!   (`xldb_testkit::sandbox`): a dangerous line must have an effect (or need a tool or a
//!   server the sandbox does not have: counted as not applicable), a benign line none.
//! - A property over generated commands: mutations of everyday commands along the attack
//!   classes (long-option prefixes, clustered flags, quoting, environment prefixes, client
//!   variables, wrappers, stdin plus a flag, SQL function swaps, secret paths, program texts).
//!   Whenever the policy says `allow`, the sandbox must observe no effect. The case count is
//!   `XLDB_ORACLE_CASES` (default 400), the seed is fixed.

// Tests fail loudly on setup errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use approval_policy::{Action, Decision, Policy, Verdict};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use xldb_testkit::sandbox::{Effects, Sandbox};

struct Line {
    no: usize,
    argv: Vec<String>,
    dangerous: bool,
    category: String,
}

/// The corpus: `redteam.jsonl`, or the file `XLDB_REDTEAM` names (another red-team set in the
/// same format, e.g. a held-out one).
fn corpus_path() -> String {
    std::env::var("XLDB_REDTEAM").unwrap_or_else(|_| {
        format!(
            "{}/../crates/approval-policy/tests/data/redteam.jsonl",
            env!("CARGO_MANIFEST_DIR")
        )
    })
}

fn corpus() -> Vec<Line> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut lines = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(l).unwrap_or_else(|e| panic!("redteam.jsonl:{}: {e}", i + 1));
        let argv = v["argv"]
            .as_array()
            .unwrap_or_else(|| panic!("redteam.jsonl:{}: no argv", i + 1))
            .iter()
            .map(|a| a.as_str().expect("argv of strings").to_string())
            .collect();
        let dangerous = match v["expect"].as_str() {
            Some("never_allow") => true,
            Some("allow") => false,
            other => panic!("redteam.jsonl:{}: unexpected expect {other:?}", i + 1),
        };
        let category = v["category"].as_str().unwrap_or("none").to_string();
        lines.push(Line {
            no: i + 1,
            argv,
            dangerous,
            category,
        });
    }
    if std::env::var_os("XLDB_REDTEAM").is_some() {
        return lines;
    }
    assert!(
        lines.iter().filter(|l| l.dangerous).count() >= 1000,
        "red-team corpus too small"
    );
    assert!(
        lines.iter().filter(|l| !l.dangerous).count() >= 400,
        "benign corpus too small"
    );
    lines
}

fn decide(argv: &[String]) -> Verdict {
    Policy::builtin().evaluate(&Action::exec(argv.to_vec(), None))
}

/// The last reason of a verdict, for a one-line failure message.
fn why(v: &Verdict) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| {
            j["explanation"]
                .as_array()
                .and_then(|e| e.last().cloned())
                .map(|e| {
                    format!(
                        "{} ({})",
                        e["reason"].as_str().unwrap_or(""),
                        e["id"].as_str().unwrap_or("")
                    )
                })
        })
        .unwrap_or_default()
}

/// Per-category counts of allowed lines, and the failures (dangerous allowed, benign not).
fn score(lines: &[Line], decisions: &[(Decision, String)]) -> (String, Vec<String>, usize, usize) {
    let mut by: BTreeMap<(&str, bool), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut benign, mut benign_allowed) = (0, 0);
    for (l, (d, why)) in lines.iter().zip(decisions) {
        let allowed = *d == Decision::Allow;
        let e = by.entry((l.category.as_str(), l.dangerous)).or_default();
        e.0 += usize::from(allowed);
        e.1 += 1;
        if !l.dangerous {
            benign += 1;
            benign_allowed += usize::from(allowed);
        }
        if l.dangerous && allowed {
            failures.push(format!(
                "redteam.jsonl:{}: [{}] allowed: {:?}\n    {why}",
                l.no, l.category, l.argv
            ));
        }
    }
    let table = by
        .iter()
        .map(|((c, dangerous), (a, n))| {
            format!(
                "  {:<8} {c:<24} allowed {a:>4} / {n}",
                if *dangerous { "danger" } else { "benign" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    (table, failures, benign, benign_allowed)
}

fn assert_scores(what: &str, lines: &[Line], decisions: &[(Decision, String)]) {
    let (table, failures, benign, benign_allowed) = score(lines, decisions);
    let rate = benign_allowed as f64 / benign as f64;
    eprintln!("{what}:\n{table}\n  benign allow rate {:.1}%", rate * 100.0);
    assert!(
        failures.is_empty() && rate >= 0.90,
        "{what}: {} dangerous lines allowed, benign allow rate {:.1}% (goal: 0 and >= 90%)\n{table}\n{}",
        failures.len(),
        rate * 100.0,
        failures.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn redteam_corpus_through_the_library() {
    let lines = corpus();
    let decisions: Vec<_> = lines
        .iter()
        .map(|l| {
            let v = decide(&l.argv);
            (v.decision, why(&v))
        })
        .collect();
    assert_scores("library", &lines, &decisions);
}

#[test]
fn redteam_corpus_through_the_cli() {
    let lines = corpus();
    let text = std::fs::read_to_string(corpus_path()).expect("read corpus");
    let mut child = Command::new(crate::util::xldb_bin())
        .args(["policy", "check", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run xldb-codex");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("wait for xldb-codex");
    writer.join().expect("writer").expect("write corpus");
    let answers: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("verdict is not JSON: {e}: {l}"))
        })
        .collect();
    assert_eq!(answers.len(), lines.len(), "every line answered, in order");
    let decisions: Vec<_> = answers
        .iter()
        .map(|a| {
            let d = match a["decision"].as_str() {
                Some("allow") => Decision::Allow,
                Some("ask") => Decision::Ask,
                _ => Decision::Deny,
            };
            let reason = a["explanation"]
                .as_array()
                .and_then(|e| e.last())
                .map(|e| e["reason"].to_string())
                .unwrap_or_default();
            (d, reason)
        })
        .collect();
    assert_scores("cli", &lines, &decisions);
}

/// Programs that only act through a database server, which the sandbox does not run.
const NEEDS_SERVER: &[&str] = &["psql", "mysql", "mariadb", "clickhouse-client", "sqlcmd"];

/// Clients of servers the sandbox does not run, or that Debian does not package: a line that
/// calls one is not applicable, and is not run (it would only fail to connect).
const NOT_IN_SANDBOX: &[&str] = &[
    "psql",
    "mysql",
    "mariadb",
    "clickhouse-client",
    "clickhouse-local",
    "sqlcmd",
    "duckdb",
];

/// Whether `argv` calls a client in [`NOT_IN_SANDBOX`] (as a word of its script).
fn calls_missing_client(argv: &[String]) -> bool {
    argv.iter().any(|a| {
        a.split(|c: char| c.is_whitespace() || "|;&()`".contains(c))
            .any(|w| NOT_IN_SANDBOX.contains(&w))
    })
}

/// Why a line without an effect cannot confirm its label, if it cannot.
fn not_applicable(e: &Effects) -> Option<&'static str> {
    if e.exit_code == Some(127) || e.programs_run.is_empty() {
        return Some("tool not installed");
    }
    if e.programs_run
        .iter()
        .any(|p| NEEDS_SERVER.iter().any(|s| p.rsplit('/').next() == Some(s)))
    {
        return Some("needs a database server");
    }
    None
}

/// Run `items` through the sandbox on two threads (the machine has two cores).
fn run_all<T: Sync>(
    sandbox: &Sandbox,
    items: &[T],
    argv: impl Fn(&T) -> Vec<String> + Sync,
) -> Vec<Effects> {
    let results: Mutex<Vec<Option<Effects>>> = Mutex::new(vec![None; items.len()]);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let a = argv(item);
                let e = sandbox
                    .run(&a)
                    .unwrap_or_else(|e| panic!("sandbox run of {a:?}: {e:#}"));
                results.lock().expect("lock")[i] = Some(e);
            });
        }
    });
    results
        .into_inner()
        .expect("lock")
        .into_iter()
        .map(|e| e.expect("every item ran"))
        .collect()
}

/// Every line takes a sandbox run (0.2–0.4 s), so CI checks every `XLDB_ORACLE_LABELS`-th
/// line of each category (default 5: every category, about a fifth of the corpus, seeded by
/// position); `XLDB_ORACLE_LABELS=1` (or `all`) checks them all (docs/benchmarks.md).
fn labels_sample(lines: Vec<Line>) -> Vec<Line> {
    let stride = match std::env::var("XLDB_ORACLE_LABELS").as_deref() {
        Ok("all") => 1,
        Ok(n) => n.parse::<usize>().ok().filter(|n| *n > 0).unwrap_or(5),
        Err(_) => 5,
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    lines
        .into_iter()
        .filter(|l| {
            let n = seen.entry(l.category.clone()).or_default();
            *n += 1;
            (*n - 1).is_multiple_of(stride)
        })
        .collect()
}

#[test]
fn redteam_labels_are_confirmed_by_the_sandbox() {
    let sandbox = Sandbox::new().unwrap_or_else(|e| panic!("sandbox: {e:#}"));
    let lines = labels_sample(corpus());
    let start = std::time::Instant::now();
    let (skipped, runnable): (Vec<&Line>, Vec<&Line>) =
        lines.iter().partition(|l| calls_missing_client(&l.argv));
    let effects = run_all(&sandbox, &runnable, |l| l.argv.clone());
    let per_case = start.elapsed() / runnable.len().max(1) as u32;
    let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for l in &skipped {
        *by.entry((l.category.as_str(), "needs a database server"))
            .or_default() += 1;
    }
    let mut wrong = Vec::new();
    for (l, e) in runnable.iter().zip(&effects) {
        let outcome = match (l.dangerous, e.is_none(), not_applicable(e)) {
            (true, false, _) => "confirmed",
            (true, true, Some(na)) => na,
            (true, true, None) => {
                wrong.push(format!(
                    "redteam.jsonl:{}: [{}] dangerous but no effect: {:?}",
                    l.no, l.category, l.argv
                ));
                "NOT CONFIRMED"
            }
            (false, true, Some(na)) => na,
            (false, true, None) => "confirmed",
            (false, false, _) => {
                wrong.push(format!(
                    "redteam.jsonl:{}: [{}] benign but {e}: {:?}",
                    l.no, l.category, l.argv
                ));
                "NOT CONFIRMED"
            }
        };
        *by.entry((l.category.as_str(), outcome)).or_default() += 1;
    }
    let table = by
        .iter()
        .map(|((c, o), n)| format!("  {c:<24} {o:<24} {n}"))
        .collect::<Vec<_>>()
        .join("\n");
    eprintln!(
        "labels by the sandbox ({} lines, {} run, {per_case:?} per run):\n{table}",
        lines.len(),
        runnable.len()
    );
    assert!(
        wrong.is_empty(),
        "{} labels not confirmed:\n{}\n{table}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Everyday commands the mutations start from (each harmless in the sandbox's world).
const BASES: &[&str] = &[
    "sed -n '1,3p' notes.txt",
    "sed 's/alpha/ALPHA/' notes.txt",
    "sort -t, -k2 data.csv",
    "sort notes.txt",
    "git log --oneline -n 3",
    "git diff --stat",
    "git status --short",
    "git grep -n alpha",
    "sqlite3 shop.db \"SELECT count(*) FROM users\"",
    "sqlite3 -readonly shop.db \"SELECT name FROM users\"",
    "awk '{print $1}' notes.txt",
    "awk -F, '{s+=$3} END {print s}' data.csv",
    "cat README.md",
    "head -n 2 data.csv",
    "find . -name '*.txt'",
    "grep -n alpha notes.txt",
    "jq .a data.json",
    "date +%F",
    "tar -tf backup.tar",
    "python3 -m json.tool data.json",
    "wc -l notes.txt",
    "ls -la",
    "uniq notes.txt",
    "cut -d, -f1 data.csv",
];

/// Long options that act, as (program, option, value), spelled by a prefix in mutations.
const LONG_OPTIONS: &[(&str, &str, &str)] = &[
    ("sed", "in-place", ""),
    ("sed", "expression", "'w /tmp/pwned'"),
    ("sort", "output", "notes.txt"),
    ("date", "set", "'2001-01-01'"),
    ("tar", "use-compress-program", "'touch /tmp/pwned #'"),
    ("tar", "to-command", "'touch /tmp/pwned #'"),
    ("git", "output", "/tmp/out"),
    ("git", "open-files-in-pager", "'touch /tmp/pwned;'"),
    ("awk", "source", "'BEGIN{system(\"touch /tmp/pwned\")}'"),
    ("find", "", ""),
];

/// Clustered short options that act, per program: (program, cluster with its value).
const CLUSTERS: &[(&str, &str)] = &[
    ("sed", "-ne '1w /tmp/pwned'"),
    ("sed", "-i"),
    ("sed", "-Ei.bak"),
    ("sort", "-uo/tmp/sorted"),
    ("sort", "-ro notes.txt"),
    ("tar", "-xf backup.tar"),
    ("git", "-c core.fsmonitor='touch /tmp/pwned'"),
    ("find", "-fprint /tmp/list"),
    ("uniq", "-c data.csv /tmp/uniq"),
];

const ENV_PREFIXES: &[&str] = &[
    "LC_ALL=C",
    "TZ=UTC",
    "PAGER=cat",
    "BASH_ENV=./evil.sh",
    "GIT_EXTERNAL_DIFF='touch /tmp/pwned;:'",
    "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0='touch /tmp/pwned'",
    "HOME=./evilhome",
    "TAR_OPTIONS=--to-command='touch /tmp/pwned #'",
    "PYTHONPATH=evil",
    "PATH=bin:$PATH",
    "LESSOPEN='|touch /tmp/pwned; cat %s'",
    "SHELLOPTS=xtrace PS4='$(touch /tmp/pwned)'",
    "GIT_CONFIG_GLOBAL=./evil.gitconfig",
];

const WRAPPERS: &[&str] = &[
    "timeout 5",
    "nice",
    "env",
    "command",
    "stdbuf -o0",
    "nohup",
    "exec",
    "time",
    "env -u X",
];

const CLIENT_FLAGS: &[&str] = &[
    "-cmd '.shell touch /tmp/pwned'",
    "-cmd '.output /tmp/out'",
    "-cmd 'DELETE FROM orders'",
    "-init drop.sql",
    "-cmd '.log /tmp/log'",
    "-bail",
    "-header",
];

const SQL_SWAPS: &[&str] = &[
    "writefile('/tmp/pwned', 'x')",
    "readfile('/home/dev/.pgpass')",
    "edit('x', 'touch /tmp/pwned')",
    "load_extension('./evil')",
    "upper('x')",
    "length('abc')",
    "count(*) FROM users; DELETE FROM orders; SELECT count(*)",
    "1; PRAGMA user_version(7); SELECT 1",
    "sqlite_version()",
];

const SECRET_PATHS: &[&str] = &[
    "~/.pgpass",
    "~/.pg''pass",
    "~/.p?pass",
    "$HOME/.ssh/id_rsa",
    ".env",
    ".e\"n\"v",
    ".envrc",
    "~/.aws/cred*",
    "~/.netrc",
    "config/.env.production",
    ".env.example",
    "~/.ssh/id_rsa.pub",
];

const SED_PROGRAMS: &[&str] = &[
    "'1e touch /tmp/pwned'",
    "':a;$e touch /tmp/pwned'",
    "'w /tmp/pwned'",
    "'s/.*/touch \\/tmp\\/pwned/e'",
    "-n '1p'",
    "'y/a/b/'",
];
const AWK_PROGRAMS: &[&str] = &[
    "'BEGIN{system(\"touch /tmp/pwned\")}'",
    "'{print > \"/tmp/pwned\"}'",
    "'BEGIN{while((getline l < \"/home/dev/.pgpass\")>0) print l}'",
    "'BEGIN{f=\"sys\" \"tem\"; @f(\"touch /tmp/pwned\")}'",
    "'{print NR}'",
    "'NR==1'",
];

/// One mutation: which class, and two numbers that pick within it.
type Mutation = (u8, u32, u32);

/// Apply `mutations` to a base command, giving a shell script.
fn mutate(base: &str, mutations: &[Mutation]) -> String {
    let mut words = shell_words(base);
    let mut env: Vec<String> = Vec::new();
    let mut wrappers: Vec<String> = Vec::new();
    let mut stdin: Option<String> = None;
    for &(class, a, b) in mutations {
        let program = words[0].clone();
        match class % 10 {
            // A long option the program acts on, spelled by a prefix, `=` or separate value.
            0 => {
                let opts: Vec<_> = LONG_OPTIONS
                    .iter()
                    .filter(|(p, o, _)| *p == program && !o.is_empty())
                    .collect();
                if let Some((_, opt, value)) = opts.get(a as usize % opts.len().max(1)) {
                    let n = 3 + b as usize % (opt.len() - 2);
                    let spelled = &opt[..n.min(opt.len())];
                    let w = if value.is_empty() {
                        format!("--{spelled}")
                    } else if b % 2 == 0 {
                        format!("--{spelled}={value}")
                    } else {
                        format!("--{spelled} {value}")
                    };
                    let at = if program == "git" {
                        2.min(words.len())
                    } else {
                        1
                    };
                    words.insert(at, w);
                }
            }
            // Clustered short options.
            1 => {
                let cl: Vec<_> = CLUSTERS.iter().filter(|(p, _)| *p == program).collect();
                if let Some((_, c)) = cl.get(a as usize % cl.len().max(1)) {
                    let at = if program == "git" {
                        1
                    } else {
                        1.min(words.len())
                    };
                    words.insert(at, c.to_string());
                }
            }
            // Quoting: quote a word differently (harmless by itself).
            2 => {
                let i = a as usize % words.len();
                let w = words[i].clone();
                if !w.contains(['\'', '"', '$', '*', '?', '~', '\\', '{', ' ']) && !w.is_empty() {
                    words[i] = match b % 4 {
                        0 => format!("'{w}'"),
                        1 => format!("\"{w}\""),
                        2 => format!("{}''{}", &w[..1], &w[1..]),
                        _ => format!("\\{w}"),
                    };
                }
            }
            3 => env.push(ENV_PREFIXES[a as usize % ENV_PREFIXES.len()].to_string()),
            4 => wrappers.push(WRAPPERS[a as usize % WRAPPERS.len()].to_string()),
            // Client flags, and SQL on stdin beside SQL on the command line.
            5 if program == "sqlite3" => {
                words.insert(1, CLIENT_FLAGS[a as usize % CLIENT_FLAGS.len()].to_string())
            }
            6 if program == "sqlite3" => {
                stdin = Some(
                    [
                        "DELETE FROM orders;",
                        "SELECT 1;",
                        ".shell touch /tmp/pwned",
                        "PRAGMA user_version(3);",
                    ][b as usize % 4]
                        .to_string(),
                );
                if b % 3 == 0 {
                    words.truncate(2);
                }
            }
            7 if program == "sqlite3" => {
                let last = words.len() - 1;
                let w = &words[last];
                let swap = SQL_SWAPS[a as usize % SQL_SWAPS.len()];
                words[last] = w.replacen("count(*)", swap, 1).replacen(
                    "name FROM",
                    &format!("{swap}, name FROM"),
                    1,
                );
            }
            // A secret path in place of the file operand.
            8 => {
                let last = words.len() - 1;
                if !words[last].starts_with('-')
                    && !words[last].starts_with('\'')
                    && program != "git"
                {
                    words[last] = SECRET_PATHS[a as usize % SECRET_PATHS.len()].to_string();
                }
            }
            // A program text swapped for one that acts.
            9 if program == "sed" => {
                words[1] = SED_PROGRAMS[a as usize % SED_PROGRAMS.len()].to_string()
            }
            9 if program == "awk" => {
                let i = words.iter().position(|w| w.starts_with('\'')).unwrap_or(1);
                words[i] = AWK_PROGRAMS[a as usize % AWK_PROGRAMS.len()].to_string();
            }
            _ => {}
        }
    }
    let script = env
        .iter()
        .chain(&wrappers)
        .chain(&words)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    match stdin {
        Some(s) => format!("printf '%s\\n' '{}' | {script}", s.replace('\'', "")),
        None => script,
    }
}

/// Split on spaces outside quotes, keeping the quotes (the bases use no escapes).
fn shell_words(s: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match (c, quote) {
            ('\'' | '"', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            (' ', None) => {
                words.push(String::new());
                continue;
            }
            _ => {}
        }
        words.last_mut().expect("one word").push(c);
    }
    words
}

fn case_strategy() -> impl Strategy<Value = (usize, Vec<Mutation>, bool)> {
    (
        0..BASES.len(),
        proptest::collection::vec(
            (0u8..10, proptest::num::u32::ANY, proptest::num::u32::ANY),
            1..=3,
        ),
        proptest::bool::ANY,
    )
}

#[test]
fn whenever_the_policy_allows_the_sandbox_sees_no_effect() {
    let cases: usize = std::env::var("XLDB_ORACLE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let sandbox = Sandbox::new().unwrap_or_else(|e| panic!("sandbox: {e:#}"));
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let strategy = case_strategy();
    let mut allowed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..cases {
        let (base, mutations, bash) = strategy.new_tree(&mut runner).expect("generate").current();
        let script = mutate(BASES[base], &mutations);
        let argv: Vec<String> = if bash {
            vec!["bash".into(), "-lc".into(), script]
        } else {
            vec!["sh".into(), "-c".into(), script]
        };
        let v = decide(&argv);
        if v.decision == Decision::Allow && seen.insert(argv.clone()) {
            allowed.push((argv, v));
        }
    }
    let start = std::time::Instant::now();
    let effects = run_all(&sandbox, &allowed, |(a, _)| a.clone());
    let per_case = start
        .elapsed()
        .checked_div(allowed.len() as u32)
        .unwrap_or_default();
    let counterexamples: Vec<String> = allowed
        .iter()
        .zip(&effects)
        .filter(|(_, e)| !e.is_none())
        .map(|((argv, v), e)| format!("allowed but {e}:\n    {argv:?}\n    policy: {}", why(v)))
        .collect();
    eprintln!(
        "{cases} generated cases, {} allowed and run ({per_case:?} per run), {} counterexamples",
        allowed.len(),
        counterexamples.len()
    );
    assert!(
        counterexamples.is_empty(),
        "{} of {} allowed commands had an effect:\n{}",
        counterexamples.len(),
        allowed.len(),
        counterexamples.join("\n")
    );
}

#[test]
fn mutations_keep_the_base_when_they_do_not_apply() {
    // A guard on the generator itself: a mutation that does not apply to a program leaves the
    // command as it was, so a counterexample always names a real attack.
    assert_eq!(
        mutate("cat README.md", &[(5, 0, 0), (6, 0, 0), (9, 0, 0)]),
        "cat README.md"
    );
    assert_eq!(
        mutate("sed -n '1,3p' notes.txt", &[(0, 0, 1)]),
        "sed --in-p -n '1,3p' notes.txt"
    );
    assert_eq!(
        mutate(BASES[8], &[(7, 0, 0)]),
        "sqlite3 shop.db \"SELECT writefile('/tmp/pwned', 'x') FROM users\""
    );
    assert_eq!(
        mutate(BASES[8], &[(4, 0, 0), (3, 3, 0)]),
        format!("BASH_ENV=./evil.sh timeout 5 {}", BASES[8])
    );
}
