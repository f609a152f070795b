//! `strata baseline V`.

use super::{connect, options};
use crate::config::Config;
use anyhow::Result;
use strata::{Executor, Version};

pub async fn run(config: &Config, version: &Version, reason: Option<&str>) -> Result<i32> {
    let mut driver = connect(config).await?;
    Executor::new(driver.as_mut(), options(config))
        .baseline(version, reason)
        .await?;
    crate::report::done(
        config,
        &format!("baseline {version} recorded: versions up to {version} count as applied"),
        serde_json::json!({ "baseline": version.as_str() }),
    )
}
