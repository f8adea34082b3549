//! Errors: loading a policy, and building an action from outside input.

/// A policy file could not be loaded. Each variant names the file or rule at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("cannot read policy file `{path}`: {message}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// The file is not valid TOML or has unknown or mistyped keys.
    #[error("invalid policy file `{path}` at line {line}: {message}")]
    Toml {
        /// The file.
        path: String,
        /// 1-based line of the error (0 when unknown).
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// A rule's `regex` does not compile.
    #[error("rule `{rule}`: invalid regex: {message}")]
    Regex {
        /// The rule id.
        rule: String,
        /// The regex engine's message.
        message: String,
    },
    /// A rule's `path_glob` does not compile.
    #[error("rule `{rule}`: invalid glob `{glob}`: {message}")]
    Glob {
        /// The rule id.
        rule: String,
        /// The glob.
        glob: String,
        /// Why.
        message: String,
    },
    /// A rule is malformed (duplicate id, unknown SQL class or dialect, incompatible keys, …).
    #[error("rule `{rule}`: {message}")]
    Rule {
        /// The rule id.
        rule: String,
        /// Why.
        message: String,
    },
    /// A rule failed one of its own examples.
    #[error("rule `{rule}`: example `{example}` should {expected} but does not")]
    Example {
        /// The rule id.
        rule: String,
        /// The example text.
        example: String,
        /// `"match"` or `"not match"`.
        expected: &'static str,
    },
}

/// An action could not be built from outside input (a JSON line, a patch text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// The patch text is not in `apply_patch` format.
    #[error("patch not understood at line {line}: {message}")]
    Patch {
        /// 1-based line in the patch.
        line: usize,
        /// Why.
        message: String,
    },
    /// The JSON does not describe an action.
    #[error("invalid action: {0}")]
    Invalid(String),
}
