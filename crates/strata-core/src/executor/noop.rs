//! A run with nothing to do, settled without the lock.
//!
//! Most runs of `strata up` (every deploy, every CI job) find everything applied. Taking the
//! lock for them costs a second connection on PostgreSQL (and a lease row write in lease mode),
//! more than everything else such a run does. So [`Executor::run`](super::Executor::run) first
//! plans on the history as it is committed now, without the lock; when that plan is empty, the
//! run is over.
//!
//! Why that is safe: the read sees some committed state of the history. Had this run taken the
//! lock at that moment, it would have read the same rows — unless another runner held the lock
//! then, in which case this run would have waited, then read a later history. What the other
//! runner commits meanwhile is its own migrations applied (or reverted) one by one. If this
//! run's migrations are all applied in the state read, they stay applied: another runner cannot
//! revert them without `down`, and a run that finished the moment before would just as well
//! have left this one nothing to do. Anything else — a step to take, a dirty row (a
//! non-transactional migration in progress or failed), a refused plan (a modified migration, an
//! unknown applied one), an error reading the history — is not decided here: the run takes the
//! lock and plans again on the history read under it, exactly as before. The same holds in
//! lease mode (`lock = "table"`): a lease left by a killed runner never matters to a run that
//! writes nothing.

use super::{direction_of, Executor};
use crate::{plan, Migration, Plan, Policy, Report, Target};

impl Executor<'_> {
    /// [`run`](Executor::run) right after a [`dry_run`](Executor::dry_run) with the same
    /// target and policy on the same database (`strata up` makes one for its lint pre-flight):
    /// when that dry run, made on the history as committed, found nothing to do, the run has
    /// nothing to do either, for the reason given above, and ends without reading the history
    /// again. When it found steps to take, the run takes the lock at once (reading the history
    /// unlocked a second time would only find them again). Otherwise it is
    /// [`run`](Executor::run).
    pub async fn run_after(
        &mut self,
        dry: &Report,
        local: &[Migration],
        target: &Target,
        policy: &Policy,
    ) -> Report {
        let empty = dry.plan.as_ref().filter(|p| p.steps.is_empty());
        if let (true, None, Some(plan)) = (dry.dry_run, &dry.error, empty) {
            let mut report = Report::new(direction_of(target));
            report.verify = self.options.verify;
            report.plan = Some(plan.clone());
            // A driver that took the lock on its own gives it back (as in `nothing_to_do`).
            if let Err(e) = self.driver.unlock().await {
                report.error = Some(e.into());
            }
            return report;
        }
        if dry.dry_run && dry.error.is_none() && dry.plan.is_some() {
            let mut report = Report::new(direction_of(target));
            report.verify = self.options.verify;
            return self.run_under_lock(report, local, target, policy).await;
        }
        self.run(local, target, policy).await
    }

    /// The empty plan, when the history as committed now leaves nothing to do; `None` when the
    /// run must take the lock and decide there.
    pub(super) async fn nothing_to_do(
        &mut self,
        local: &[Migration],
        target: &Target,
        policy: &Policy,
    ) -> Option<Plan> {
        let applied = self.driver.read_history().await.ok()?;
        let plan = plan(local, &applied, target, policy).ok()?;
        if !plan.steps.is_empty() {
            return None;
        }
        // A driver that took the lock on its own (PostgreSQL's `lock_early`) gives it back.
        self.driver.unlock().await.ok()?;
        Some(plan)
    }
}
