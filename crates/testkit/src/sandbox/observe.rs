//! What the sandbox looks at after a run: file trees before and after, the strace log, and the
//! output searched for canary tokens in the spellings a command can print them in.

use super::fixture::Canary;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// One entry of a tree snapshot: what a path is and a digest of its content and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry(u64);

/// A snapshot of a directory tree: sandbox path → digest.
#[derive(Debug, Default)]
pub(super) struct Tree(BTreeMap<String, Entry>);

impl Tree {
    /// Walk `host` (mounted at `sandbox` inside) without following symbolic links.
    pub(super) fn take(host: &Path, sandbox: &str) -> Tree {
        let mut tree = Tree::default();
        walk(host, sandbox, &mut tree.0);
        tree
    }

    /// Merge another snapshot in (the sandbox paths do not overlap).
    pub(super) fn extend(&mut self, other: Tree) {
        self.0.extend(other.0);
    }

    /// Paths created, changed or deleted between `self` (before) and `after`.
    pub(super) fn diff(&self, after: &Tree) -> Vec<super::ObservedChange> {
        use super::{ChangeKind, ObservedChange};
        let mut changes = Vec::new();
        for (path, entry) in &after.0 {
            match self.0.get(path) {
                None => changes.push(ObservedChange {
                    path: path.clone(),
                    kind: ChangeKind::Created,
                }),
                Some(old) if old != entry => changes.push(ObservedChange {
                    path: path.clone(),
                    kind: ChangeKind::Modified,
                }),
                Some(_) => {}
            }
        }
        for path in self.0.keys() {
            if !after.0.contains_key(path) {
                changes.push(ObservedChange {
                    path: path.clone(),
                    kind: ChangeKind::Deleted,
                });
            }
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }
}

fn walk(host: &Path, sandbox: &str, out: &mut BTreeMap<String, Entry>) {
    let Ok(entries) = std::fs::read_dir(host) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let inside = format!("{sandbox}/{name}");
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let mut h = DefaultHasher::new();
        meta.mode().hash(&mut h);
        meta.uid().hash(&mut h);
        if meta.file_type().is_symlink() {
            std::fs::read_link(&path).ok().hash(&mut h);
        } else if meta.is_file() && name == "index" && sandbox.ends_with("/.git") {
            // Git's index caches file stat data, which a reader (`git status`) may refresh;
            // what it stages is its effect.
            staged(host).hash(&mut h);
        } else if meta.is_file() {
            // A directory's own modification time is left out: what changed in it shows as
            // its entries, and a temporary file made and removed leaves nothing.
            meta.mtime().hash(&mut h);
            meta.len().hash(&mut h);
            std::fs::read(&path).ok().hash(&mut h);
        }
        let is_dir = meta.is_dir();
        out.insert(inside.clone(), Entry(h.finish()));
        if is_dir {
            walk(&path, &inside, out);
        }
    }
}

/// What the index of the repository whose git directory is `git_dir` stages.
fn staged(git_dir: &Path) -> Option<Vec<u8>> {
    std::process::Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["ls-files", "--stage", "-z"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .ok()
        .map(|o| o.stdout)
}

/// What an strace log (`-f -e trace=…`) says the command did.
#[derive(Debug, Default)]
pub(super) struct Trace {
    pub programs: Vec<String>,
    pub connections: Vec<String>,
    pub privileged: Vec<String>,
}

/// System calls that change the machine beyond files (the sandbox drops the capabilities they
/// need, so only the attempt is seen).
pub(super) const PRIVILEGED_CALLS: &[&str] = &[
    "sethostname",
    "setdomainname",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "mount",
    "umount2",
    "reboot",
    "swapon",
    "swapoff",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "chroot",
    "pivot_root",
    "acct",
];

impl Trace {
    /// Read the log. Calls made before the first successful `execve` of a program not in
    /// `skip` (the sandbox's own setup: `prlimit`, `bwrap` mounting its world) are not the
    /// command's and are left out.
    pub(super) fn parse(log: &str, skip: &[&str]) -> Trace {
        let mut t = Trace::default();
        let mut started = false;
        // strace -f splits a call interrupted by another process's into `<unfinished ...>`
        // and `<... NAME resumed>`: remember the path of a pending execve per process.
        let mut pending: std::collections::HashMap<&str, String> = Default::default();
        for line in log.lines() {
            let (pid, rest) = line.split_once(' ').unwrap_or(("", line));
            let rest = rest.trim_start();
            if let Some(resumed) = rest.strip_prefix("<... execve resumed>") {
                if let Some(path) = pending.remove(pid) {
                    if resumed.contains("= 0") {
                        started |= !skip.contains(&path.as_str());
                        if started && !skip.contains(&path.as_str()) {
                            t.programs.push(path);
                        }
                    }
                }
                continue;
            }
            let Some((call, args)) = rest.split_once('(') else {
                continue;
            };
            match call {
                "execve" => {
                    let Some(path) = args.strip_prefix('"').and_then(|a| a.split('"').next())
                    else {
                        continue;
                    };
                    if line.ends_with("<unfinished ...>") {
                        pending.insert(pid, path.to_string());
                        continue;
                    }
                    if !line.contains("= 0") || skip.contains(&path) {
                        continue;
                    }
                    started = true;
                    t.programs.push(path.to_string());
                }
                _ if !started => {}
                "connect" if args.contains("AF_INET") => {
                    let addr = args
                        .split("inet_addr(\"")
                        .nth(1)
                        .or_else(|| args.split("inet_pton(AF_INET6, \"").nth(1))
                        .and_then(|a| a.split('"').next())
                        .unwrap_or("?");
                    let port = args
                        .split("htons(")
                        .nth(1)
                        .and_then(|a| a.split(')').next())
                        .unwrap_or("?");
                    t.connections.push(format!("{addr}:{port}"));
                }
                c if PRIVILEGED_CALLS.contains(&c) => t.privileged.push(c.to_string()),
                _ => {}
            }
        }
        t
    }
}

/// The canaries whose token appears in `output`: as is, with whitespace removed (`od -c`),
/// reversed (`rev`), or inside a base64 or hex run (`base64`, `xxd -p`).
pub(super) fn secrets_in(output: &[u8], canaries: &[Canary]) -> Vec<String> {
    let text = String::from_utf8_lossy(output);
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut decoded = Vec::new();
    for run in runs(&squeezed, |c| {
        c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='
    }) {
        for skip in 0..4 {
            if let Some(bytes) = run.get(skip..).and_then(base64_decode) {
                decoded.extend(bytes);
                decoded.push(b'\n');
            }
        }
    }
    for run in runs(&squeezed, |c| c.is_ascii_hexdigit()) {
        for skip in 0..2 {
            if let Some(bytes) = run.get(skip..).and_then(hex_decode) {
                decoded.extend(bytes);
                decoded.push(b'\n');
            }
        }
    }
    let decoded = String::from_utf8_lossy(&decoded);
    canaries
        .iter()
        .filter(|c| {
            let reversed: String = c.token.chars().rev().collect();
            text.contains(&c.token)
                || squeezed.contains(&c.token)
                || squeezed.contains(&reversed)
                || decoded.contains(&c.token)
        })
        .map(|c| c.place.clone())
        .collect()
}

/// Maximal runs of at least 16 characters satisfying `keep`.
fn runs(text: &str, keep: impl Fn(char) -> bool) -> Vec<&str> {
    text.split(|c| !keep(c)).filter(|r| r.len() >= 16).collect()
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    b.chunks(2)
        .filter(|p| p.len() == 2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canary() -> Vec<Canary> {
        vec![Canary {
            place: "~/.pgpass".into(),
            token: "XLDBCANARYabcX01".into(),
        }]
    }

    #[test]
    fn finds_a_token_in_every_spelling() {
        let c = canary();
        assert_eq!(secrets_in(b"host:XLDBCANARYabcX01\n", &c), ["~/.pgpass"]);
        assert_eq!(secrets_in(b"10XcbaYRANACBDLX:tsoh\n", &c), ["~/.pgpass"]);
        // base64 of "host:XLDBCANARYabcX01\n"
        assert_eq!(
            secrets_in(b"aG9zdDpYTERCQ0FOQVJZYWJjWDAxCg==\n", &c),
            ["~/.pgpass"]
        );
        // xxd -p of "XLDBCANARYabcX01"
        assert_eq!(
            secrets_in(b"584c444243414e41525961626358\n3031\n", &c),
            ["~/.pgpass"]
        );
        assert_eq!(
            secrets_in(
                b"   X   L   D   B   C   A   N   A   R   Y   a   b   c   X   0   1\n",
                &c
            ),
            ["~/.pgpass"]
        );
        assert!(secrets_in(b"host:XLDBCANARY\nnothing here\n", &c).is_empty());
    }

    #[test]
    fn reads_execs_connections_and_privileged_calls() {
        let log = "12 execve(\"/usr/bin/bwrap\", [\"bwrap\"], 0x0 /* 3 vars */) = 0\n\
                   12 mount(\"/usr\", \"/newroot/usr\", NULL, MS_BIND, NULL) = 0\n\
                   13 execve(\"/usr/bin/touch\", [\"touch\", \"x\"], 0x0 /* 3 vars */) = 0\n\
                   13 execve(\"/usr/local/bin/touch\", [\"touch\"], 0x0) = -1 ENOENT (No such file)\n\
                   14 connect(3, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = -1 ENETUNREACH\n\
                   14 connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 110) = 0\n\
                   15 clock_settime(CLOCK_REALTIME, {tv_sec=0, tv_nsec=0}) = -1 EPERM\n";
        let t = Trace::parse(log, &["/usr/bin/bwrap"]);
        assert_eq!(t.programs, ["/usr/bin/touch"]);
        assert_eq!(t.connections, ["127.0.0.1:5432"]);
        assert_eq!(t.privileged, ["clock_settime"]);
    }
}
