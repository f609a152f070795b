//! `strata up`.

use super::{load_and_connect, options, progress};
use crate::config::Config;
use anyhow::Result;
use strata::{Executor, Policy, Target};

pub async fn run(
    config: &Config,
    target: Target,
    policy: Policy,
    dry_run: bool,
    allow_unsafe: bool,
    verify: bool,
) -> Result<i32> {
    // Not locking early: most runs find nothing to do, and the executor settles those on the
    // history as committed, without the lock (and its connection, on PostgreSQL).
    let (migrations, mut driver) = load_and_connect(config, false).await?;
    if !allow_unsafe {
        super::lint::preflight(config, &migrations, driver.as_mut(), &target, &policy).await?;
    }
    let mut executor = Executor::new(driver.as_mut(), options(config).verify(verify))
        .with_events(progress(config));
    let report = if dry_run {
        executor.dry_run(&migrations, &target, &policy).await
    } else {
        executor.run(&migrations, &target, &policy).await
    };
    crate::report::run_report(config, &report)
}
