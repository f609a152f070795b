//! `strata version`: the highest applied version.

use super::{connect, options, print_json};
use crate::args::Format;
use crate::config::Config;
use crate::EXIT_OK;
use anyhow::Result;
use strata::{AppliedKind, Executor};

pub async fn run(config: &Config) -> Result<i32> {
    let mut driver = connect(config).await?;
    let history = Executor::new(driver.as_mut(), options(config))
        .history()
        .await?;
    let current = history
        .iter()
        .filter(|a| a.kind != AppliedKind::Repeatable)
        .max_by(|a, b| a.version.cmp(&b.version));
    let dirty = history.iter().find(|a| a.is_dirty());
    match config.format {
        Format::Json => print_json(&serde_json::json!({
            "version": current.map(|a| a.version_str()),
            "name": current.map(|a| a.name.as_str()),
            "dirty": dirty.is_some(),
            "dirty_version": dirty.map(|a| a.version_str()),
        }))?,
        Format::Text | Format::Github => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match current {
                Some(a) => write!(out, "{}", a.version_str())?,
                None => write!(out, "none")?,
            }
            if let Some(d) = dirty {
                write!(out, " (dirty: {} {})", d.version_str(), d.name)?;
            }
            writeln!(out)?;
        }
    }
    Ok(EXIT_OK)
}
