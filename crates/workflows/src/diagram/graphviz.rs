//! SVG and PNG through Graphviz's `dot` program.
//!
//! Graphviz is a program, not a library we link: the DOT text goes to `dot -T<format>` on
//! standard input and the picture comes back on standard output. When `dot` is not on `PATH`
//! the error names the Debian package that provides it (`graphviz`), and `--format dot` still
//! works without it.

use crate::error::WorkflowError;
use std::io::Write;
use std::process::{Command, Stdio};

/// A picture format `dot` renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (text).
    Svg,
    /// A PNG bitmap.
    Png,
}

impl ImageFormat {
    /// The file extension and `dot -T` name.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
        }
    }
}

/// Whether Graphviz's `dot` can be run.
pub fn graphviz_available() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Render DOT text to `format` with `dot`.
pub fn render_dot(dot: &str, format: ImageFormat) -> Result<Vec<u8>, WorkflowError> {
    let mut child = Command::new("dot")
        .arg(format!("-T{}", format.extension()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => WorkflowError::GraphvizMissing,
            _ => WorkflowError::Graphviz {
                message: e.to_string(),
            },
        })?;
    // Feed stdin from another thread: a big picture fills the stdout pipe before dot has read
    // all of its input.
    let mut stdin = child.stdin.take().ok_or_else(|| WorkflowError::Graphviz {
        message: "no standard input".into(),
    })?;
    let text = dot.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| WorkflowError::Graphviz {
            message: e.to_string(),
        })?;
    let written = writer.join();
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(WorkflowError::Graphviz {
            message: stderr.lines().next().unwrap_or("failed").to_owned(),
        });
    }
    match written {
        Ok(Ok(())) => Ok(out.stdout),
        Ok(Err(e)) => Err(WorkflowError::Graphviz {
            message: e.to_string(),
        }),
        Err(_) => Err(WorkflowError::Graphviz {
            message: "writing the diagram failed".into(),
        }),
    }
}
