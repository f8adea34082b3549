//! Reading a file argument, where `-` is the standard input (as `policy sql -` and most Unix
//! tools read it).

use crate::exit::UsageError;
use std::io::Read as _;
use std::path::Path;

/// The text of `path`, or of the standard input when `path` is `-`. A failure is a usage
/// error naming the file.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| UsageError(format!("cannot read the standard input: {e}")))?;
        return Ok(text);
    }
    std::fs::read_to_string(path)
        .map_err(|e| UsageError(format!("cannot read `{}`: {e}", path.display())).into())
}

/// How a file argument is named in messages: `standard input` for `-`.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".into()
    } else {
        path.display().to_string()
    }
}
