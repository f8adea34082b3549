//! Issue 10's classes of bypass, one table per class: each line must not be allowed (and
//! the explanation must name the unknown thing where the issue asks for it), next to close
//! benign spellings that must stay allowed. Built for the class, not the example.

use approval_policy::{Action, Decision, Policy};

fn verdict(script: &str) -> approval_policy::Verdict {
    Policy::builtin().evaluate(&Action::exec(
        vec!["bash".into(), "-lc".into(), script.into()],
        None,
    ))
}

fn never_allowed(class: &str, scripts: &[&str]) {
    for s in scripts {
        let v = verdict(s);
        assert_ne!(
            v.decision,
            Decision::Allow,
            "{class}: `{s}` was allowed\n{v}"
        );
    }
}

fn allowed(class: &str, scripts: &[&str]) {
    for s in scripts {
        let v = verdict(s);
        assert_eq!(
            v.decision,
            Decision::Allow,
            "{class}: `{s}` was not allowed\n{v}"
        );
    }
}

fn explains(script: &str, needle: &str) {
    let v = verdict(script);
    let text = v.to_string();
    assert!(
        text.contains(needle),
        "`{script}`: no `{needle}` in\n{text}"
    );
}

#[test]
fn long_option_prefixes_are_read_as_the_option_they_abbreviate() {
    never_allowed(
        "prefix",
        &[
            "sort --outp=/tmp/x data.txt",
            "sort --output=/tmp/x data.txt",
            "sort --compress-prog=sh data.txt",
            "date --se='2020-01-01'",
            "hostname --fil=/tmp/h",
            "sort --files0=.env",
        ],
    );
    explains(
        "sort --outp=/etc/x data.txt",
        "option `--outp` of `sort` abbreviates `--output`",
    );
    // An ambiguous prefix is unknown.
    never_allowed("ambiguous", &["ls --co", "grep --c x f"]);
    allowed(
        "prefix",
        &[
            "sort --rev data.txt",
            "ls --col=never",
            "grep --ignore-c x f",
        ],
    );
}

#[test]
fn clustered_short_options_and_glued_values_are_split() {
    never_allowed(
        "cluster",
        &[
            "sort -ro/tmp/x data.txt",
            "sort -rno /tmp/x a",
            "uniq -c in.txt /tmp/out",
        ],
    );
    allowed(
        "cluster",
        &["sort -rn data.txt", "ls -la1", "head -n5 f", "tail -20 f"],
    );
}

#[test]
fn unknown_options_ask_and_name_themselves() {
    explains(
        "ls --frobnicate",
        "option `--frobnicate` of `ls` is not known",
    );
    explains("cat -z f", "option `-z` of `cat` is not known");
}

#[test]
fn shell_semantics_outside_the_subset_ask() {
    never_allowed(
        "shell",
        &[
            "x='a[$(id)]'; echo $((x))",
            "x='a[$(id)]'; (( x )); echo ok",
            "declare -i n; n='a[$(id)]'; echo $n",
            "x='a[$(id)]'; test $x -eq 0",
            "x='a[$(id)]'; [[ $x -eq 0 ]]",
            "PS4='$(id)'; set -x; ls",
            "set -o xtrace; ls",
            "trap 'id' EXIT",
            "hash -p /bin/rm ls; ls",
            "printf -v 'a[$(id)]' x",
            "read -r 'a[$(id)]' <<< x",
            "eval ls",
            "f() { ls; }; f",
            "alias ls=id",
            "shopt -s dotglob; cat *",
            "echo {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}",
            "echo {0..9}{0..9}{0..9}",
        ],
    );
    allowed(
        "shell",
        &["echo {a,b}", "echo $((1 + 2))", "ls && pwd; cat a | wc -l"],
    );
}

#[test]
fn unknown_expansions_are_never_printed_or_used_as_paths() {
    never_allowed(
        "expansion",
        &[
            "echo \"$PGPASSWORD\"",
            "echo ${GITHUB_TOKEN:-none}",
            "printf %s \"$X\"",
            "echo ${!P*}",
            "cat ~/.pg${UNSET}pass",
            "cat \"$F\"",
            "cat <<EOF\n$AWS_SECRET_ACCESS_KEY\nEOF",
            "sh -c 'echo $TOKEN'",
        ],
    );
    explains(
        "echo \"$DATABASE_URL\"",
        "`$DATABASE_URL` has no known value",
    );
    allowed(
        "expansion",
        &[
            "echo \"$HOME\"",
            "ls ~",
            "cat <<'EOF'\n$NOT_EXPANDED\nEOF",
            "while read l; do echo \"$l\"; done < list.txt",
            "for f in a b; do echo \"$f\"; done",
        ],
    );
}

#[test]
fn only_harmless_environment_may_be_set() {
    never_allowed(
        "environment",
        &[
            "RUSTC=./x cargo tree",
            "HOME=/tmp/h git diff",
            "KUBECONFIG=./k.yaml kubectl get pods",
            "BUNDLE_GEMFILE=./g bundle list",
            "GOFLAGS=-toolexec=./x go list",
            "env HOME=/tmp/h git status",
            "LD_PRELOAD=./x.so ls",
            "export GIT_SSH_COMMAND=id; git fetch",
            "HOME=/tmp/h; git diff",
        ],
    );
    allowed(
        "environment",
        &[
            "LC_ALL=C sort a",
            "TZ=UTC date",
            "env LANG=C ls",
            "PAGER=cat git log -1",
            "n=1; echo $n",
        ],
    );
}

#[test]
fn secrets_are_never_read_without_asking() {
    never_allowed(
        "secrets",
        &[
            "cat .envrc",
            "cat ~/.cargo/credentials.toml",
            "cat ~/.docker/config.json",
            "cat ~/.config/gh/hosts.yml",
            "cat ~/.netrc",
            "cat ~/.ssh/id_ed25519",
            "head .env.local",
            "printenv",
            "printenv GITHUB_TOKEN",
            "env",
            "env | grep KEY",
            "export -p",
            "declare -p",
            "set",
            "cat /proc/self/environ",
            "tr '\\0' '\\n' < /proc/1/environ",
            "while read -r l; do echo \"$l\"; done < .env",
            "echo \"$(< .env)\"",
            "cat ~/.p?pass",
            "cat .[e]nv",
            "head .env*",
            "cat {.env,README.md}",
            "grep -r token ~",
            "grep -r PASSWORD ~/.config",
        ],
    );
    allowed(
        "secrets",
        &[
            "cat .env.example",
            "cat ~/.ssh/id_rsa.pub",
            "ls -d */",
            "printenv HOME",
            "cat *.md",
        ],
    );
}
