//! Printing findings and small tables in the three output formats.

use crate::settings::Format;
use comfy_table::{presets::UTF8_FULL_CONDENSED, ColumnConstraint, ContentArrangement, Table};
use xldb_workflows::Finding;

/// A table with a header, wrapped to the terminal.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    if std::env::var_os("COLUMNS").is_none() {
        t.set_width(120);
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
        t.add_row(r);
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

fn finding_rows(findings: &[Finding]) -> Vec<Vec<String>> {
    findings
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
        .collect()
}

const FINDING_HEADER: &[&str] = &["severity", "rule", "where", "problem", "fix"];

/// Findings as text in `format` (JSON is an array).
pub fn findings(findings: &[Finding], format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(findings).unwrap_or_default(),
        Format::Markdown if findings.is_empty() => "No findings.\n".into(),
        Format::Markdown => markdown_table(FINDING_HEADER, &finding_rows(findings)),
        Format::Table if findings.is_empty() => "No findings.\n".into(),
        Format::Table => table(FINDING_HEADER, finding_rows(findings)) + "\n",
    }
}

/// A section title.
pub fn heading(title: &str, format: Format) -> String {
    match format {
        Format::Markdown => format!("\n## {title}\n\n"),
        _ => format!("\n== {title} ==\n"),
    }
}
