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
            let dialect = super::dialect_of(config.database_url.as_deref());
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
