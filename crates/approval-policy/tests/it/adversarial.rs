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

#[test]
fn git_reads_its_options_as_git_does() {
    never_allowed(
        "git",
        &[
            "git clean -fdx -enode_modules",
            "git clean -fdxenode_modules",
            "git log --outp=/tmp/log.txt -n 1",
            "git diff --out=notes.txt HEAD",
            "git grep --open-f='id;' -e alpha",
            "git grep -Oid -e alpha",
            "git diff --ext-di",
            "git -c core.pager=id log",
            "git --git-dir=./evil/.git status",
            "git -p log -1",
            "git log --frobnicate",
        ],
    );
    // As git 2.47 says too: `--out` could be `--output` or `--output-indicator-new`.
    explains(
        "git diff --out=notes.txt HEAD",
        "option `--out` of `git diff` is ambiguous",
    );
    explains(
        "git grep --open-f='id;' -e alpha",
        "option `--open-f` of `git grep` abbreviates `--open-files-in-pager`",
    );
    allowed(
        "git",
        &[
            "git clean -ndx",
            "git diff --no-ext-diff --stat",
            "git log --oneline -5",
            "git -C sub status --short",
            "git --no-pager log -1",
            "git grep --line-n TODO",
            "git branch -vv",
        ],
    );
}

#[test]
fn git_history_and_configuration_secrets_ask() {
    never_allowed(
        "git secrets",
        &[
            "git show HEAD~1:.env",
            "git show HEAD^:.env",
            "git cat-file -p HEAD~1:.env",
            "git log -p -1 HEAD~1",
            "git log --all -p -S CANARY",
            "git show --stat -p HEAD~1",
            "git diff HEAD~1 --stat -p",
            "git format-patch -1 HEAD~1 --stdout",
            "git log -p -- .env",
            "git config --list",
            "git config --get-regexp '^url'",
            "git config --get credential.helper",
        ],
    );
    allowed(
        "git secrets",
        &[
            "git log -p -- src/",
            "git log -p -1 -- README.md",
            "git show HEAD",
            "git show HEAD~1 --name-only",
            "git show HEAD:README.md",
            "git diff --stat HEAD~1 HEAD",
            "git config --get user.email",
            "git format-patch -1 --stdout",
        ],
    );
}

#[test]
fn programs_that_run_programs_are_read_as_their_parsers_do() {
    never_allowed(
        "runs programs",
        &[
            "tar -tf backup.tar --use-co='touch x #'",
            "tar -tf b.tar --to-command=id",
            "tar tf b.tar --checkpoint-action=exec=id",
            "tar -xf b.tar",
            "python3 -c 'import os; os.system(\"id\")' -m json.tool data.json",
            "python3 -Bc 'print(1)'",
            "go list -toolexec=./evil.sh ./...",
            "cargo metadata --config 'build.rustc=\"./x\"'",
            "kubectl --kubeconf=k.yaml version",
            "kubectl config view --raw",
            "npm config get //registry.npmjs.org/:_authToken",
            "sed ':a;1e id' notes.txt",
            "sed -ne 'w /tmp/x' f",
            "sed -n -e p --expression='1w notes.txt' f",
            "awk -e '{print $1}' -e 'BEGIN{system(\"id\")}' f",
            "gawk 'BEGIN{f=\"sys\" \"tem\"; @f(\"id\")}'",
            "awk 'BEGIN{while((getline l < \"/home/dev/.pgpass\")>0) print l}'",
        ],
    );
    allowed(
        "runs programs",
        &[
            "tar -tvf backup.tar",
            "tar tzf b.tgz",
            "python3 -m json.tool data.json",
            "go list -json ./...",
            "kubectl get pods -n app -o wide",
            "sed -n '1,20p' schema.sql",
            "awk -F, '{s+=$3} END {print s}' orders.csv",
            "awk --version",
        ],
    );
}

#[test]
fn wrappers_find_the_command_where_the_wrapper_does() {
    never_allowed(
        "wrappers",
        &[
            "flock --comm='rm -rf x' /tmp/lock",
            "flock -c 'rm -rf x' /tmp/lock",
            "timeout --sig KILL 5 rm -rf x",
            "timeout -s9 5 rm -rf x",
            "nice -n 5 rm -rf x",
            "stdbuf --out=L rm -rf x",
            "timeout --frob 5 ls",
        ],
    );
    allowed(
        "wrappers",
        &[
            "timeout 5 ls",
            "timeout -s KILL 5 ls",
            "nice -n 10 grep -r foo .",
            "nice -10 ls",
            "stdbuf -oL tail -n 5 app.log",
            "flock /tmp/lock ls",
        ],
    );
}

/// Standard input beside SQL arguments: the client is documented to ignore it, but that is
/// not presumed (a version, an option or a wrapper can make it read both).
#[test]
fn stdin_beside_sql_arguments_is_judged_too() {
    never_allowed(
        "stdin beside -c/-e/-q",
        &[
            "echo 'DROP TABLE orders;' | psql -d shop -c 'SELECT 1'",
            "psql -d shop -c 'SELECT 1' <<'EOF'\nDELETE FROM users;\nEOF",
            "mysql shop -e 'SELECT 1' < drop.sql",
            "clickhouse-client -q 'SELECT 1' < drop.sql",
        ],
    );
    allowed(
        "a read on both",
        &["psql -d shop -c 'SELECT 1' <<'EOF'\nSELECT 2;\nEOF"],
    );
}

/// A generator asked for billions of rows or bytes exhausts the server or its reader.
#[test]
fn generators_past_ten_million_ask() {
    never_allowed(
        "exhaustion",
        &[
            "psql -d shop -c \"SELECT repeat('x', 1000000000)\"",
            "psql -d shop -c 'SELECT * FROM generate_series(1, 1e12)'",
            "psql -d shop -c 'SELECT count(*) FROM generate_series(1, 100000000) g'",
            "sqlite3 shop.db 'SELECT zeroblob(1000000000)'",
            "clickhouse-client -q 'SELECT count() FROM numbers(100000000000)'",
        ],
    );
    allowed(
        "small generators",
        &[
            "psql -d shop -c 'SELECT * FROM generate_series(1, 100)'",
            "psql -d shop -c \"SELECT repeat('-', 40)\"",
        ],
    );
    explains(
        "psql -d shop -c \"SELECT repeat('x', 1000000000)\"",
        "would generate more than",
    );
}

/// XML parsers can be handed a DOCTYPE naming external entities (files).
#[test]
fn xml_parsers_are_not_presumed_safe() {
    never_allowed(
        "xml",
        &["psql -d shop -c \"SELECT xmlparse(document '<!DOCTYPE x [<!ENTITY e SYSTEM \\\"/home/dev/.pgpass\\\">]><x>&e;</x>')\""],
    );
}

/// Searchers, pagers and process viewers were allowed with any option; now every option is
/// known (regression from the lead's probe: `ps e`, `less -O`, `rg --pr=`, `find -delet`).
#[test]
fn viewers_know_every_option() {
    never_allowed(
        "viewer options",
        &[
            "ps e",
            "ps eww",
            "ps auxe",
            "less -Ofile.log notes.txt",
            "less -o /tmp/copy notes.txt",
            "less '+!id' notes.txt",
            "more -k keys notes.txt",
            "rg --pr=./x.sh foo",
            "rg --pre ./x.sh foo",
            "rg -z foo",
            "find . -fpr /tmp/x",
            "find . -newer x -delet",
            "find . -name '*.rs' -fls /tmp/x",
            "jq -n --rawfile k /home/dev/.ssh/id_rsa '$k'",
            "jq --slurpfile k .env -n '$k'",
            "bat --pager='sh -c id' x",
            "yq -i '.a=1' f.yaml",
            "locate --database=/home/dev/.pgpass x",
            "top -bn1 --secret-option",
        ],
    );
    allowed(
        "everyday viewer use",
        &[
            "ps aux",
            "ps -ef",
            "ps -o pid,cmd -p 1",
            "less -N notes.txt",
            "rg -n --hidden -g '*.sql' 'CREATE TABLE' src",
            "find . -name '*.rs' -type f -newer Cargo.toml -print",
            "jq --arg x 1 '.a' data.json",
            "jq -r '.items[].name' data.json",
            "top -b -n1",
            "bat -p src/main.rs",
        ],
    );
}

/// xargs adds arguments read at run time: from a file or the terminal nothing says what they
/// are; from a pipeline the producer is judged too.
#[test]
fn xargs_arguments_from_unknown_sources_ask() {
    never_allowed(
        "xargs",
        &[
            "xargs cat < files.txt",
            "xargs -a list.txt cat",
            "xargs --arg-file=list.txt head",
            "find . -name '*.sql' | xargs --frobnicate grep x",
        ],
    );
    allowed(
        "xargs in a pipeline",
        &[
            "git ls-files | xargs wc -l",
            "find . -name '*.sql' | xargs grep -n orders",
        ],
    );
}
