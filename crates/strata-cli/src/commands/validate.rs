//! `strata validate`: the files, and with a database their checksums and history.

use super::{connect, options};
use crate::args::Format;
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::Result;
use std::io::Write;
use strata::{Executor, MigrationState};

pub async fn run(config: &Config) -> Result<i32> {
    let mut problems: Vec<serde_json::Value> = Vec::new();
    // Warnings: valid files that run differently than one may expect (no statements, their
    // own transaction control). They do not change the exit code.
    let mut warnings: Vec<strata::Problem> = Vec::new();
    let mut count = 0;
    match strata::source::load_dir(&config.dir, config.layout) {
        Err(e) if e.kind == strata::SourceErrorKind::Io => return Err(e.into()),
        Err(e) => problems.push(crate::report::file_problem(&e)),
        Ok(migrations) => {
            count = migrations.len();
            let dialect = match config.database_url.as_deref() {
                Some(url) => super::dialect_of(Some(url)),
                None => guess_dialect(&migrations),
            };
            warnings = strata::script_notes(&migrations, dialect);
            for e in strata::check_scripts(&migrations, dialect) {
                let (location, help) = match &e {
                    strata::ExecuteError::Preflight { location, help, .. } => {
                        (Some(location.clone()), Some(help.clone()))
                    }
                    other => (None, other.help()),
                };
                problems.push(serde_json::json!({
                    "kind": "statement",
                    "location": location,
                    "message": e.to_string(),
                    "help": help,
                }));
            }
            if config.database_url.is_some() {
                let mut driver = connect(config).await?;
                let entries = Executor::new(driver.as_mut(), options(config))
                    .status(&migrations)
                    .await?;
                for e in entries {
                    let bad = matches!(
                        e.status,
                        MigrationState::Modified | MigrationState::Missing | MigrationState::Dirty
                    );
                    if bad {
                        problems.push(serde_json::json!({
                            "kind": e.status.as_str(),
                            "file": e.path,
                            "version": e.version,
                            "name": e.name,
                            "message": format!("{} ({}) is {}", e.version, e.name, e.status.as_str()),
                        }));
                    }
                }
            }
        }
    }
    match config.format {
        Format::Json => super::print_json(&serde_json::json!({
            "valid": problems.is_empty(),
            "migrations": count,
            "problems": problems,
            "warnings": warnings.iter().map(|w| serde_json::json!({
                "message": w.to_string(), "help": w.help(), "detail": w,
            })).collect::<Vec<_>>(),
        }))?,
        Format::Text | Format::Github => {
            let mut out = std::io::stdout().lock();
            for w in &warnings {
                writeln!(out, "warning: {w}")?;
            }
            if problems.is_empty() {
                writeln!(
                    out,
                    "{count} migration(s) in {} are valid",
                    config.dir.display()
                )?;
            }
            for p in &problems {
                writeln!(
                    out,
                    "problem: {}",
                    p["message"].as_str().unwrap_or_default()
                )?;
                if let Some(h) = p["help"].as_str() {
                    writeln!(out, "  help: {h}")?;
                }
            }
        }
    }
    Ok(if problems.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

/// The dialect to check files in when no database says which engine they are for: PostgreSQL
/// when a script holds a dollar quote (`$$` or `$tag$`, which only PostgreSQL has; read as
/// SQLite, the `END` closing a `DO $$ ... END $$` block would look like a `COMMIT`), else
/// SQLite, the embedded default.
fn guess_dialect(migrations: &[strata::Migration]) -> strata::Dialect {
    let scripts = migrations
        .iter()
        .flat_map(|m| std::iter::once(&m.up).chain(&m.down).chain(&m.verify));
    for script in scripts {
        if has_dollar_quote(&script.sql) {
            return strata::Dialect::Postgres;
        }
    }
    strata::Dialect::Sqlite
}

/// `$$` or `$tag$` (a tag is a letter or `_`, then letters, digits or `_`).
fn has_dollar_quote(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut i = 0;
    while let Some(n) = b[i..].iter().position(|&c| c == b'$') {
        let start = i + n + 1;
        let mut j = start;
        while j < b.len() && (b[j] == b'_' || b[j].is_ascii_alphanumeric()) {
            j += 1;
        }
        let tag_ok = j == start || !b[start].is_ascii_digit();
        if j < b.len() && b[j] == b'$' && tag_ok {
            return true;
        }
        i = start;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::has_dollar_quote;

    #[test]
    fn dollar_quotes_are_told_from_parameters_and_money() {
        assert!(has_dollar_quote("DO $$ BEGIN PERFORM 1; END $$;"));
        assert!(has_dollar_quote(
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1 $body$ LANGUAGE sql;"
        ));
        assert!(!has_dollar_quote("SELECT $1, $2 FROM t;"));
        assert!(!has_dollar_quote("INSERT INTO t VALUES ('costs $5');"));
        assert!(!has_dollar_quote("SELECT 1;"));
    }
}
