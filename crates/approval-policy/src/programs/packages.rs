//! Options known harmless on the read subcommands of package managers, build tools and
//! cluster clients. These tools use their own parsers (Go's `flag`, clap, pflag, yargs);
//! matching exact names is the conservative reading of all of them: an abbreviation, an
//! unknown option or one that names a program or a configuration (`go list -toolexec`,
//! `cargo --config build.rustc=…`, `kubectl --kubeconfig`, `--token`) is unknown and asks.

/// The options known harmless for `tool`'s read subcommands (exact names, `=value` allowed).
fn harmless_options(tool: &str) -> &'static [&'static str] {
    match tool {
        "cargo" => &[
            "--version",
            "-V",
            "--help",
            "-h",
            "--format-version",
            "--no-deps",
            "--offline",
            "--locked",
            "--frozen",
            "-q",
            "--quiet",
            "-v",
            "--verbose",
            "--color",
            "--features",
            "-F",
            "--all-features",
            "--no-default-features",
            "-p",
            "--package",
            "--workspace",
            "-e",
            "--edges",
            "-i",
            "--invert",
            "--depth",
            "--prefix",
            "--charset",
            "--target",
            "-d",
            "--duplicates",
            "--all-targets",
            "--filter-platform",
            "--limit",
            "--format",
            "--no-dedupe",
            "--message-format",
        ],
        "go" => &[
            "-json",
            "-m",
            "-f",
            "-e",
            "-deps",
            "-test",
            "-find",
            "-versions",
            "-retracted",
            "-mod",
            "-tags",
            "-reuse",
            "-short",
            "-all",
            "-src",
            "-u",
            "-c",
            "-cmd",
            "-h",
            "-help",
            "--help",
        ],
        "npm" | "pnpm" | "yarn" => &[
            "--depth",
            "--all",
            "-a",
            "--json",
            "--long",
            "-l",
            "--parseable",
            "-p",
            "-g",
            "--global",
            "--prod",
            "--production",
            "--dev",
            "--omit",
            "--include",
            "--workspaces",
            "--workspace",
            "-w",
            "--version",
            "-v",
            "--help",
            "-h",
            "--audit-level",
            "--no-audit",
        ],
        "pip" | "pip3" | "uv" | "poetry" | "pipx" => &[
            "--outdated",
            "-o",
            "--uptodate",
            "-u",
            "--format",
            "--not-required",
            "--local",
            "-l",
            "--user",
            "--path",
            "-v",
            "--verbose",
            "-f",
            "--files",
            "--version",
            "-V",
            "--help",
            "-h",
            "--exclude-editable",
            "--all",
            "--tree",
        ],
        "kubectl" | "oc" | "k3s" => &[
            "-n",
            "--namespace",
            "-o",
            "--output",
            "-l",
            "--selector",
            "-A",
            "--all-namespaces",
            "--context",
            "--show-labels",
            "--field-selector",
            "--sort-by",
            "--no-headers",
            "-c",
            "--container",
            "--tail",
            "--since",
            "--timestamps",
            "--previous",
            "-p",
            "--client",
            "--short",
            "--recursive",
            "-L",
            "--label-columns",
            "--show-kind",
            "--chunk-size",
            "--all-containers",
            "--prefix",
            "--limit-bytes",
            "--minify",
            "--help",
            "-h",
            "--namespaced",
            "--verbs",
            "--api-group",
        ],
        _ => &[],
    }
}

/// The first option of `args` not known harmless for `tool`, if any.
pub(super) fn unknown_option<'a>(tool: &str, args: &'a [crate::shell::Arg]) -> Option<&'a str> {
    let known = harmless_options(tool);
    args.iter()
        .map(|x| x.text.as_str())
        .take_while(|t| *t != "--")
        .filter(|t| t.starts_with('-') && *t != "-")
        .find(|t| {
            let name = t.split_once('=').map_or(*t, |(n, _)| n);
            // Go's flag package reads `--name` as `-name`.
            let go = tool == "go" && name.starts_with("--") && known.contains(&&name[1..]);
            !known.contains(&name) && !go
        })
}

/// npm configuration keys known to hold no credential (auth tokens live under `//host/:`).
pub(super) fn npm_config_key_is_harmless(key: &str) -> bool {
    matches!(
        key,
        "registry"
            | "prefix"
            | "cache"
            | "init-module"
            | "save-exact"
            | "fund"
            | "audit"
            | "loglevel"
            | "engine-strict"
            | "node-version"
            | "user-agent"
    )
}

#[cfg(test)]
mod tests {
    use super::unknown_option;
    use crate::shell::Arg;

    fn args(v: &[&str]) -> Vec<Arg> {
        v.iter().map(|s| Arg::lit(*s)).collect()
    }

    #[test]
    fn options_that_name_programs_or_configuration_are_unknown() {
        assert_eq!(
            unknown_option("go", &args(&["list", "-toolexec=./x"])),
            Some("-toolexec=./x")
        );
        assert_eq!(
            unknown_option("go", &args(&["list", "-json", "./..."])),
            None
        );
        assert!(
            unknown_option("cargo", &args(&["metadata", "--config", "build.rustc=x"])).is_some()
        );
        assert!(unknown_option("kubectl", &args(&["--kubeconf=k.yaml", "version"])).is_some());
        assert!(unknown_option("kubectl", &args(&["config", "view", "--raw"])).is_some());
        assert_eq!(
            unknown_option("kubectl", &args(&["get", "pods", "-n", "x"])),
            None
        );
    }
}
