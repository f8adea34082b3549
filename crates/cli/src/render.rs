//! Printing findings and small tables in the three output formats.
//!
//! Tables fit the terminal: `COLUMNS` when it is set, else the terminal's width when stdout
//! is one, else 120 columns. SQL is never wrapped: a fix that is (or quotes) a statement goes
//! under the table, one line each, where it can be copied, and the table points to it
//! (`see [1]`). Markdown and JSON are never wrapped. Severities and decisions are coloured
//! when [`use_colour`] says so (`--color`, `NO_COLOR`, a terminal).

use crate::settings::Format;
use comfy_table::{
    presets::UTF8_FULL_CONDENSED, Cell, Color, ColumnConstraint, ContentArrangement, Table,
};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use xldb_workflows::Finding;

/// When to colour output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColourChoice {
    /// On a terminal, unless `NO_COLOR` is set (default).
    #[default]
    Auto,
    /// Always, even into a pipe or with `NO_COLOR`.
    Always,
    /// Never.
    Never,
}

static COLOUR: AtomicBool = AtomicBool::new(false);

/// Decide once, for this run, whether tables are coloured.
pub fn use_colour(choice: ColourChoice) {
    let on = match choice {
        ColourChoice::Always => true,
        ColourChoice::Never => false,
        ColourChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    COLOUR.store(on, Ordering::Relaxed);
}

/// The colour of a severity or decision cell, if it is one.
fn colour_of(text: &str) -> Option<Color> {
    match text {
        "error" | "deny" => Some(Color::Red),
        "warning" | "ask" => Some(Color::Yellow),
        "info" => Some(Color::Cyan),
        "allow" => Some(Color::Green),
        _ => None,
    }
}

/// The width tables are fitted to: `COLUMNS`, the terminal, or 120.
fn width() -> Option<u16> {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
    {
        return Some(cols.max(40));
    }
    if std::io::stdout().is_terminal() {
        return None; // comfy-table asks the terminal
    }
    Some(120)
}

/// A table with a header, fitted to the terminal.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let colour = COLOUR.load(Ordering::Relaxed);
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if colour {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if let Some(w) = width() {
        t.set_width(w);
    }
    // Short columns (severity, rule ids, decisions) keep their width; long text wraps.
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
                .max(header[i].len())
        })
        .collect();
    for r in rows {
        t.add_row(r.into_iter().map(|c| match colour_of(&c) {
            Some(fg) if colour => Cell::new(c).fg(fg),
            _ => Cell::new(c),
        }));
    }
    for (i, w) in widths.iter().enumerate() {
        if *w <= 28 {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(ColumnConstraint::ContentWidth);
            }
        }
    }
    t.to_string()
}

/// A Markdown table.
pub fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "| {} |\n|{}|\n",
        header.join(" | "),
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

/// Statement keywords a SQL fix starts with.
const SQL_STARTS: &[&str] = &[
    "ALTER", "ANALYZE", "CREATE", "DELETE", "DROP", "EXPLAIN", "INSERT", "REINDEX", "SELECT",
    "SET", "UPDATE", "VACUUM", "WITH",
];

/// Whether `text` is, or quotes in backticks, a SQL statement (it must not be wrapped).
fn holds_sql(text: &str) -> bool {
    let starts_sql = |t: &str| {
        let first = t.split_whitespace().next().unwrap_or("");
        SQL_STARTS.contains(&first) && t.trim().contains(' ')
    };
    starts_sql(text) || text.split('`').skip(1).step_by(2).any(starts_sql)
}

/// The rows of the findings table, and the fixes that hold SQL, numbered, for under it.
fn finding_rows(findings: &[Finding]) -> (Vec<Vec<String>>, Vec<String>) {
    let mut notes = Vec::new();
    let rows = findings
        .iter()
        .map(|f| {
            let fix = if holds_sql(&f.suggestion) {
                notes.push(f.suggestion.clone());
                format!("see [{}] below", notes.len())
            } else {
                f.suggestion.clone()
            };
            vec![
                f.severity.to_string(),
                f.rule.to_string(),
                f.location.to_string(),
                f.message.clone(),
                fix,
            ]
        })
        .collect();
    (rows, notes)
}

const FINDING_HEADER: &[&str] = &["severity", "rule", "where", "problem", "fix"];

/// Findings as text in `format` (JSON is an array).
pub fn findings(findings: &[Finding], format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(findings).unwrap_or_default(),
        Format::Markdown if findings.is_empty() => "No findings.\n".into(),
        Format::Markdown => {
            let rows: Vec<Vec<String>> = findings
                .iter()
                .map(|f| {
                    vec![
                        f.severity.to_string(),
                        f.rule.to_string(),
                        f.location.to_string(),
                        f.message.clone(),
                        f.suggestion.clone(),
                    ]
                })
                .collect();
            markdown_table(FINDING_HEADER, &rows)
        }
        Format::Table if findings.is_empty() => "No findings.\n".into(),
        Format::Table if width().is_some_and(|w| w < NARROW) => findings
            .iter()
            .map(|f| finding_block(f, width().unwrap_or(NARROW).into()))
            .collect(),
        Format::Table => {
            let (rows, notes) = finding_rows(findings);
            let mut out = table(FINDING_HEADER, rows) + "\n";
            for (i, note) in notes.iter().enumerate() {
                out.push_str(&format!("[{}] {note}\n", i + 1));
            }
            out
        }
    }
}

/// Below this width the findings table leaves too little room for its text: each finding is
/// a block of lines instead.
const NARROW: u16 = 110;

/// One finding as a block: a header line (severity, rule, where), then the problem and the
/// fix wrapped between words only, so an identifier or a statement is never cut.
fn finding_block(f: &Finding, width: usize) -> String {
    let severity = f.severity.to_string();
    let severity = match colour_of(&severity) {
        Some(c) if COLOUR.load(Ordering::Relaxed) => ansi(c, &severity),
        _ => severity,
    };
    let mut out = wrap(
        &format!("{severity} {} · {}", f.rule, f.location),
        width,
        "",
    );
    out.push_str(&wrap(&f.message, width, "  "));
    if holds_sql(&f.suggestion) {
        out.push_str("  fix:\n");
        out.push_str(&format!("    {}\n", f.suggestion));
    } else {
        out.push_str(&wrap(&format!("fix: {}", f.suggestion), width, "  "));
    }
    out.push('\n');
    out
}

/// `text` in the ANSI colour `c`.
fn ansi(c: Color, text: &str) -> String {
    let code = match c {
        Color::Red => 31,
        Color::Yellow => 33,
        Color::Green => 32,
        _ => 36,
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// `text` broken between words into lines of at most `width` columns (a longer word gets a
/// line of its own, whole), each line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let room = width.saturating_sub(indent.chars().count()).max(20);
    // Colour codes take no room on the screen.
    let visible = |s: &str| s.chars().count() - s.matches("\x1b[").count() * 4;
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && visible(&line) + 1 + visible(word) > room {
            out.push_str(&format!("{indent}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out
}

/// A section title.
pub fn heading(title: &str, format: Format) -> String {
    match format {
        Format::Markdown => format!("\n## {title}\n\n"),
        _ => format!("\n== {title} ==\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_fixes_are_told_from_prose() {
        assert!(holds_sql("CREATE INDEX a_idx ON a (b);"));
        assert!(holds_sql("DROP INDEX x; (check first)"));
        assert!(holds_sql(
            "add one, e.g. `ALTER TABLE t ADD PRIMARY KEY (…)` on a unique column"
        ));
        assert!(!holds_sql("change `order_items.order_id` to `INTEGER`"));
        assert!(!holds_sql("list the columns you need"));
        assert!(!holds_sql("SET"));
    }

    #[test]
    fn wrapping_never_cuts_a_word() {
        let text = "foreign key `order_items(order_id)` → `orders` has no supporting index";
        let wrapped = wrap(text, 30, "  ");
        for line in wrapped.lines() {
            assert!(line.starts_with("  "), "{wrapped}");
        }
        assert!(wrapped.contains("`order_items(order_id)`"), "{wrapped}");
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }
}
