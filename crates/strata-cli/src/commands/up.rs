//! `strata up`.

use super::{load_and_connect, load_blocking, load_with_and_connect, options, progress};
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
    if !dry_run {
        return apply(config, target, policy, allow_unsafe, verify).await;
    }
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

/// `up` itself. Most runs find nothing to do: the first dry run (on the history as committed,
/// without the lock, nor its connection on PostgreSQL) shows it, and is then the whole run
/// (`run_after`). That dry run needs only the up scripts, so only those are read at first
/// (`load_ups`); when there is something to do, the whole directory is read, the pending
/// migrations are linted, and the run goes on as usual (it plans again under the lock).
async fn apply(
    config: &Config,
    target: Target,
    policy: Policy,
    allow_unsafe: bool,
    verify: bool,
) -> Result<i32> {
    let (ups, mut driver) = load_with_and_connect(config, false, strata::source::load_ups).await?;
    let dry = Executor::new(driver.as_mut(), options(config))
        .dry_run(&ups, &target, &policy)
        .await;
    let nothing = dry.error.is_none() && dry.plan.as_ref().is_some_and(|p| p.steps.is_empty());
    let migrations = if nothing {
        ups
    } else {
        load_blocking(config).await?
    };
    if !nothing && !allow_unsafe {
        super::lint::preflight(config, &migrations, driver.as_mut(), &target, &policy).await?;
    }
    let report = Executor::new(driver.as_mut(), options(config).verify(verify))
        .with_events(progress(config))
        .run_after(&dry, &migrations, &target, &policy)
        .await;
    crate::report::run_report(config, &report)
}
