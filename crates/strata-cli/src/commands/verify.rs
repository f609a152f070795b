//! `strata verify`.

use super::{connect, load};
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::{bail, Result};
use strata::Version;

pub async fn run(config: &Config, only: Option<&Version>) -> Result<i32> {
    let migrations = load(config)?;
    if let Some(v) = only {
        if !migrations.iter().any(|m| m.version.as_ref() == Some(v)) {
            bail!("there is no migration {v}");
        }
    }
    let mut driver = connect(config).await?;
    let report = strata::verify(driver.as_mut(), &migrations, only).await?;
    crate::report::schema::verify(config, &report)?;
    Ok(if report.failed() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
