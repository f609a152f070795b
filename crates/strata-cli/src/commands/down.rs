//! `strata down` and `strata redo`.

use super::{load_and_connect, options, progress};
use crate::config::Config;
use anyhow::Result;
use strata::{Executor, Policy, Target};

pub async fn run(config: &Config, target: Target, dry_run: bool) -> Result<i32> {
    // Reverting works from stored down scripts too, so a missing file is no reason to refuse.
    let (migrations, mut driver) = load_and_connect(config, !dry_run).await?;
    let policy = Policy::default();
    let mut executor =
        Executor::new(driver.as_mut(), options(config)).with_events(progress(config));
    let report = if dry_run {
        executor.dry_run(&migrations, &target, &policy).await
    } else {
        executor.run(&migrations, &target, &policy).await
    };
    crate::report::run_report(config, &report)
}
