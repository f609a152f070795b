//! Rendering results: text for people (`text.rs`), JSON for machines (`json.rs`).

mod json;
pub mod lint;
pub mod schema;
mod text;

use crate::args::Format;
use crate::config::Config;
use crate::{EXIT_ERROR, EXIT_OK};
use anyhow::Result;
use std::io::Write;
use strata::{Report, StatusEntry};

/// Renders a run (`up`, `down`, `redo`, with or without `--dry-run`) and picks the exit code.
pub fn run_report(config: &Config, report: &Report) -> Result<i32> {
    match config.format {
        Format::Json => crate::commands::print_json(&json::run_report(report))?,
        Format::Text | Format::Github => {
            let mut out = std::io::stdout().lock();
            text::run_report(report, &mut out)?;
            out.flush()?;
            if let Some(e) = &report.error {
                let mut err = std::io::stderr().lock();
                text::execute_error(e, &mut err)?;
            }
        }
    }
    Ok(if report.error.is_some() {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

/// Renders `status`.
/// `problems`: files left out because of a problem (each shown after the table, and as
/// `problems` in JSON, only when there are any).
pub fn status(
    config: &Config,
    entries: &[StatusEntry],
    problems: &[strata::SourceError],
) -> Result<()> {
    match config.format {
        Format::Json => {
            let mut doc = json::status(entries);
            if !problems.is_empty() {
                doc["problems"] = problems.iter().map(file_problem).collect();
            }
            crate::commands::print_json(&doc)
        }
        Format::Text | Format::Github => {
            // One line per migration: buffered, or stdout's line buffering makes a `write` per
            // line (10,000 of them with 10,000 migrations).
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            text::status(entries, &mut out)?;
            for p in problems {
                writeln!(out, "problem: {p} (left out of the list above)")?;
                if let Some(h) = &p.help {
                    writeln!(out, "  help: {h}")?;
                }
            }
            Ok(out.flush()?)
        }
    }
}

/// A problem with a migration file, as `validate --format json` shows it.
pub fn file_problem(e: &strata::SourceError) -> serde_json::Value {
    serde_json::json!({
        "kind": "file",
        "file": e.paths.first(),
        // Every file involved (both files of a duplicate version).
        "files": e.paths,
        "line": e.position.map(|p| p.0),
        "column": e.position.map(|p| p.1),
        "message": e.to_string(),
        "help": e.help,
    })
}

/// Renders a one-line confirmation.
pub fn done(config: &Config, text: &str, json: serde_json::Value) -> Result<i32> {
    match config.format {
        Format::Json => crate::commands::print_json(&json)?,
        Format::Text | Format::Github => writeln!(std::io::stdout().lock(), "{text}")?,
    }
    Ok(EXIT_OK)
}

/// Renders an error that ended the command: JSON on stdout (one document), text on stderr.
pub fn error(e: &anyhow::Error, format: Format, out: &mut dyn Write, err: &mut dyn Write) {
    let _ = match format {
        Format::Json => {
            let doc = serde_json::json!({ "error": json::error(e) });
            serde_json::to_writer_pretty(&mut *out, &doc)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        }
        Format::Text | Format::Github => text::error(e, err),
    };
}
