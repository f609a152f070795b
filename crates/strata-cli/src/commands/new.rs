//! `strata new NAME`.

use super::print_json;
use crate::args::Format;
use crate::config::Config;
use crate::EXIT_OK;
use anyhow::Result;
use std::io::Write;
use strata::source;

pub fn run(config: &Config, name: &str) -> Result<i32> {
    let entries = if config.dir.is_dir() {
        source::read_dir(&config.dir)?
    } else {
        Vec::new()
    };
    let shape = source::detect_shape(&entries, config.layout)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let created = source::create_migration(&config.dir, name, shape, now)?;
    match config.format {
        Format::Json => print_json(&serde_json::json!({ "created": created }))?,
        Format::Text | Format::Github => {
            let mut out = std::io::stdout().lock();
            for p in &created {
                writeln!(out, "created {}", p.display())?;
            }
        }
    }
    Ok(EXIT_OK)
}
