//! `strata check drift` and `strata check roundtrip`.

use super::schema::{filter, scratch_server};
use super::{connect_options, load, parse_version};
use crate::args::CheckCommand;
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::{Context, Result};

pub async fn run(config: &Config, command: CheckCommand) -> Result<i32> {
    match command {
        CheckCommand::Drift { schemas } => {
            let migrations = load(config)?;
            let url = config.url()?;
            let server = scratch_server(config, &schemas)?;
            let report = strata::schema::drift(
                &url,
                &server,
                &migrations,
                &connect_options(config),
                &filter(config, &schemas),
            )
            .await
            .with_context(|| {
                format!(
                    "cannot check {} for drift (scratch database on {})",
                    strata::redact_url(&url),
                    strata::redact_url(&server)
                )
            })?;
            crate::report::schema::drift(config, &report)?;
            Ok(if report.drifted() {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            })
        }
        CheckCommand::Roundtrip { from, schemas } => {
            let migrations = load(config)?;
            let from = from.as_deref().map(parse_version).transpose()?;
            let server = scratch_server(config, &schemas)?;
            let report = strata::schema::roundtrip(
                &server,
                &migrations,
                &connect_options(config),
                &filter(config, &schemas),
                from.as_ref(),
            )
            .await
            .with_context(|| {
                format!(
                    "the round trip could not run (scratch databases on {})",
                    strata::redact_url(&server)
                )
            })?;
            crate::report::schema::roundtrip(config, &report)?;
            Ok(if report.failure.is_some() {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            })
        }
    }
}
