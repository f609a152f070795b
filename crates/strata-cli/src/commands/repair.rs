//! `strata repair [V]`.

use super::{connect, load, options};
use crate::config::Config;
use anyhow::Result;
use strata::{Executor, RepairAction, Version};

pub async fn run(
    config: &Config,
    version: Option<&Version>,
    accept_checksum: bool,
    forget: bool,
    reason: Option<&str>,
) -> Result<i32> {
    let migrations = load(config)?;
    let mut driver = connect(config).await?;
    let repairs = Executor::new(driver.as_mut(), options(config))
        .repair(&migrations, version, accept_checksum, forget, reason)
        .await?;
    let lines: Vec<String> = repairs
        .iter()
        .map(|r| {
            let what = match r.action {
                RepairAction::Resolved => "dirty migration marked applied",
                RepairAction::Forgotten => "removed from the history (nothing was run)",
                _ => "new checksum accepted",
            };
            format!("{} ({}): {what}", r.version, r.name)
        })
        .collect();
    crate::report::done(
        config,
        &lines.join("\n"),
        serde_json::json!({ "repaired": repairs }),
    )
}
