//! The executor: carries a [`Plan`] out through a [`Driver`], owning the lock.

mod admin;
mod noop;
mod preflight;
mod verify;

pub use preflight::{check_scripts, effective_transaction, script_notes};

pub use admin::{Repair, RepairAction};

use crate::{
    plan, status, Action, AppliedKind, AppliedMigration, AppliedStatus, ApplyFailure, Direction,
    Driver, DriverError, DriverErrorKind, Event, EventSink, ExecuteError, HistoryChange,
    HistoryRow, LockOptions, Migration, MigrationKind, NoEvents, Plan, Policy, Report, StatusEntry,
    Step, StepOutcome, StepResult, Target, Timeouts, TransactionMode, VerifyOutcome, TOOL_VERSION,
};
use preflight::Prepared;
use std::time::{Duration, Instant};

/// How the executor runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ExecutorOptions {
    /// How long to wait for the migration lock.
    pub lock: LockOptions,
    /// Recorded as `applied_by` in history rows.
    pub applied_by: String,
    /// Attempts for a transactional migration that fails on a lock timeout inside the database
    /// (1 = no retry).
    pub lock_timeout_attempts: u32,
    /// Pause before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
    /// Run each applied step's verify script right after it (`up --verify`); for a
    /// transactional step inside its transaction, before the commit. A failing check stops the
    /// run.
    pub verify: bool,
}

impl Default for ExecutorOptions {
    fn default() -> Self {
        ExecutorOptions {
            lock: LockOptions::default(),
            applied_by: default_user(),
            lock_timeout_attempts: 3,
            retry_backoff: Duration::from_millis(500),
            verify: false,
        }
    }
}

impl ExecutorOptions {
    /// Sets the lock wait.
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock.wait = wait;
        self
    }

    /// Sets who is recorded as applying migrations.
    pub fn applied_by(mut self, who: impl Into<String>) -> Self {
        self.applied_by = who.into();
        self
    }

    /// Verifies each step right after it runs (see [`ExecutorOptions::verify`]).
    pub fn verify(mut self, yes: bool) -> Self {
        self.verify = yes;
        self
    }

    /// Sets the retry policy for lock timeouts.
    pub fn retries(mut self, attempts: u32, backoff: Duration) -> Self {
        self.lock_timeout_attempts = attempts.max(1);
        self.retry_backoff = backoff;
        self
    }
}

fn default_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

/// Runs plans against one database. Every operation that writes takes the lock first, re-reads
/// the history after taking it, and releases it on every exit path.
pub struct Executor<'a> {
    driver: &'a mut dyn Driver,
    options: ExecutorOptions,
    sink: Box<dyn EventSink + 'a>,
}

impl<'a> Executor<'a> {
    /// An executor over a driver.
    pub fn new(driver: &'a mut dyn Driver, options: ExecutorOptions) -> Self {
        Executor {
            driver,
            options,
            sink: Box::new(NoEvents),
        }
    }

    /// Sends progress events to `sink`.
    pub fn with_events(mut self, sink: impl EventSink + 'a) -> Self {
        self.sink = Box::new(sink);
        self
    }

    /// The history table's rows (an absent table reads as empty; nothing is created).
    pub async fn history(&mut self) -> Result<Vec<AppliedMigration>, ExecuteError> {
        Ok(self.driver.read_history().await?)
    }

    /// The state of every migration. Takes no lock and writes nothing.
    pub async fn status(&mut self, local: &[Migration]) -> Result<Vec<StatusEntry>, ExecuteError> {
        let applied = self.history().await?;
        Ok(status(local, &applied))
    }

    /// Plans without running anything (`--dry-run`): reads the history without the lock,
    /// plans, and checks every statement as a real run would.
    pub async fn dry_run(
        &mut self,
        local: &[Migration],
        target: &Target,
        policy: &Policy,
    ) -> Report {
        let mut report = Report::new(direction_of(target));
        report.dry_run = true;
        report.verify = self.options.verify;
        let applied = match self.history().await {
            Ok(a) => a,
            Err(e) => {
                report.error = Some(e);
                return report;
            }
        };
        match plan(local, &applied, target, policy) {
            Ok(mut p) => {
                report.steps = p
                    .steps
                    .iter()
                    .map(|s| result_of(s, StepOutcome::NotRun))
                    .collect();
                let dialect = self.driver.capabilities().dialect;
                let checked = preflight::prepare(&mut p, dialect, policy.single_transaction)
                    .and_then(|_| self.checks(&p.steps, dialect));
                match checked {
                    Ok(checks) => {
                        let steps = report.steps.iter_mut().zip(&p.steps).zip(&checks);
                        for ((r, step), c) in steps {
                            if self.options.verify && verify::verifies(step) && c.is_none() {
                                r.verify = Some(VerifyOutcome::NoScript);
                            }
                        }
                    }
                    Err(e) => report.error = Some(e),
                }
                report.plan = Some(p);
            }
            Err(e) => report.error = Some(e.into()),
        }
        report
    }

    /// Plans and runs: `up`, `down` and `redo`. Always returns a report; its `error` says what
    /// stopped the run, and its steps say what was done before.
    ///
    /// A run that finds nothing to do in the history as committed, read before taking the
    /// lock, ends there without the lock (see `executor/noop.rs` for why that is safe);
    /// anything else is planned again under the lock.
    pub async fn run(&mut self, local: &[Migration], target: &Target, policy: &Policy) -> Report {
        let mut report = Report::new(direction_of(target));
        report.verify = self.options.verify;
        if let Some(plan) = self.nothing_to_do(local, target, policy).await {
            report.plan = Some(plan);
            return report;
        }
        self.run_under_lock(report, local, target, policy).await
    }

    /// [`run`](Executor::run) past its check for nothing to do: takes the lock and plans there.
    async fn run_under_lock(
        &mut self,
        mut report: Report,
        local: &[Migration],
        target: &Target,
        policy: &Policy,
    ) -> Report {
        if let Err(e) = self.lock().await {
            report.error = Some(e);
            return report;
        }
        let result = self.run_locked(local, target, policy, &mut report).await;
        let unlocked = self.driver.unlock().await;
        report.error = match (result, unlocked) {
            (Err(e), _) => Some(e),
            (Ok(()), Err(e)) => Some(e.into()),
            (Ok(()), Ok(())) => None,
        };
        report
    }

    async fn lock(&mut self) -> Result<(), ExecuteError> {
        let sink = &mut self.sink;
        let mut waiting = |holder: String| sink.emit(Event::LockWaiting { holder });
        self.driver
            .lock_reporting(&self.options.lock, &mut waiting)
            .await?;
        self.sink.emit(Event::LockAcquired);
        Ok(())
    }

    /// Runs `f` with the lock held and the history table in place, releasing the lock after.
    pub(crate) async fn locked_history(&mut self) -> Result<Vec<AppliedMigration>, ExecuteError> {
        self.lock().await?;
        let r = async {
            self.driver.ensure_history().await?;
            Ok::<_, ExecuteError>(self.driver.read_history().await?)
        }
        .await;
        if r.is_err() {
            let _ = self.driver.unlock().await;
        }
        r
    }

    async fn run_locked(
        &mut self,
        local: &[Migration],
        target: &Target,
        policy: &Policy,
        report: &mut Report,
    ) -> Result<(), ExecuteError> {
        // Plan and check every statement before creating anything, so a refused run (or one
        // with nothing to do) leaves even a fresh database exactly as it was. An absent
        // history table reads as empty; it is created only when there is a step to record.
        let applied = self.driver.read_history().await?;
        let mut plan = plan(local, &applied, target, policy)?;
        let dialect = self.driver.capabilities().dialect;
        let prepared = preflight::prepare(&mut plan, dialect, policy.single_transaction)?;
        let checks = self.checks(&plan.steps, dialect)?;
        if !plan.steps.is_empty() {
            self.driver.ensure_history().await?;
        }
        report.steps = plan
            .steps
            .iter()
            .map(|s| result_of(s, StepOutcome::NotRun))
            .collect();
        let single = policy.single_transaction && !plan.steps.is_empty();
        if single {
            self.driver.begin_all().await?;
        }
        let mut failure = None;
        for (i, ((step, prep), checks)) in plan.steps.iter().zip(&prepared).zip(&checks).enumerate()
        {
            let started = Instant::now();
            let direction = step_direction(step);
            self.sink.emit(Event::StepStarted {
                label: step.label(),
                direction,
            });
            let run = Run {
                plan: &plan,
                step,
                prep,
                checks: checks.as_ref(),
                single,
                started,
            };
            let outcome = match self.driver.set_timeouts(&step.script.timeouts).await {
                Ok(()) => self.run_step(&run, &mut report.steps[i]).await,
                Err(e) => Err(e.into()),
            };
            report.steps[i].millis = started.elapsed().as_millis() as u64;
            match outcome {
                Ok(()) => {
                    report.steps[i].outcome = StepOutcome::Done;
                    self.sink.emit(Event::StepFinished {
                        label: step.label(),
                        direction,
                        millis: report.steps[i].millis,
                    });
                }
                Err(e) => {
                    // A non-transactional step whose verify failed stays applied (`Done`).
                    if report.steps[i].outcome != StepOutcome::Done {
                        report.steps[i].outcome = StepOutcome::Failed;
                    }
                    failure = Some(e);
                    break;
                }
            }
        }
        // No step's own timeouts outlive it.
        let reset = self.driver.set_timeouts(&Timeouts::default()).await;
        if let (None, Err(e)) = (&failure, reset) {
            failure = Some(e.into());
        }
        report.plan = Some(plan);
        if single {
            if failure.is_some() {
                let _ = self.driver.rollback_all().await;
                for s in &mut report.steps {
                    if s.outcome == StepOutcome::Done {
                        s.outcome = StepOutcome::RolledBack;
                    }
                }
            } else if let Err(e) = self.driver.commit_all().await {
                for s in &mut report.steps {
                    s.outcome = StepOutcome::RolledBack;
                }
                return Err(e.into());
            }
        }
        // Make what succeeded durable even when a later step failed.
        let flushed = self.driver.flush().await;
        match (failure, flushed) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(e.into()),
            (None, Ok(())) => Ok(()),
        }
    }

    /// The verify scripts of the steps when this run verifies (one entry per step either way).
    fn checks(
        &self,
        steps: &[Step],
        dialect: crate::Dialect,
    ) -> Result<Vec<Option<verify::Checks>>, ExecuteError> {
        if self.options.verify {
            verify::prepare(steps, dialect)
        } else {
            Ok(steps.iter().map(|_| None).collect())
        }
    }

    async fn run_step(
        &mut self,
        run: &Run<'_>,
        result: &mut StepResult,
    ) -> Result<(), ExecuteError> {
        let Run {
            plan,
            step,
            prep,
            checks,
            single,
            started,
        } = *run;
        let texts = prep.texts(&step.script.sql);
        if self.options.verify && verify::verifies(step) && checks.is_none() {
            self.verified(step, result, VerifyOutcome::NoScript);
        }
        if step.transaction() == TransactionMode::None && !single {
            self.run_statements(plan, step, prep, &texts, started)
                .await?;
            let Some(checks) = checks else {
                return Ok(());
            };
            // Applied and recorded: a failing check can no longer undo it.
            result.outcome = StepOutcome::Done;
            return match self.driver.verify(&checks.texts()).await {
                Ok(()) => {
                    self.verified(step, result, checks.passed());
                    Ok(())
                }
                Err((idx, e)) => {
                    self.verified(step, result, checks.failed(idx, &e));
                    let help = format!(
                        "{label} is applied and recorded: it does not run in a transaction, so it could not be rolled back. Fix what the check found (by hand or with a new migration) and check again with `strata verify {v}`, or revert it with `strata down`",
                        label = step.label(),
                        v = verify::version_of(step),
                    );
                    Err(verify::error(step, checks, idx, e, help))
                }
            };
        }
        // A dirty migration whose file no longer says `no-transaction` resumes atomically with
        // the statements it had not reached.
        let skip = (step.action.statements_done() as usize).min(texts.len());
        let texts = &texts[skip..];
        let change = self.change_for(plan, step, AppliedStatus::Applied, 0);
        let attempts = if single {
            1
        } else {
            self.options.lock_timeout_attempts.max(1)
        };
        let check_texts = checks.map(verify::Checks::texts);
        let mut backoff = self.options.retry_backoff;
        let mut attempt = 1;
        loop {
            let applied = match &check_texts {
                Some(v) => self.driver.apply_verified(texts, v, &change).await,
                None => self
                    .driver
                    .apply_atomic(texts, &change)
                    .await
                    .map_err(|(i, e)| ApplyFailure::Statement(i, e)),
            };
            let e = match applied {
                Ok(()) => {
                    if let Some(checks) = checks {
                        self.verified(step, result, checks.passed());
                    }
                    return Ok(());
                }
                Err(ApplyFailure::Statement(_, e) | ApplyFailure::Verify(_, e))
                    if e.kind == DriverErrorKind::LockNotAvailable && attempt < attempts =>
                {
                    e
                }
                Err(ApplyFailure::Statement(idx, e)) => {
                    let help = if single {
                        "the whole run was one transaction and was rolled back: nothing was applied. Fix the statement and run again".to_string()
                    } else if let Action::ResumeRevert { statements_done } = step.action {
                        format!(
                            "{} is still dirty (reverting, {statements_done} down statement(s) done): the rest of its down script ran in a transaction that was rolled back, so none of it took effect. Fix the statement and run `strata down` again",
                            step.label()
                        )
                    } else if step.action == Action::Revert {
                        format!(
                            "{} is still applied: its down script ran in a transaction that was rolled back, so none of it took effect. Fix the statement and run `strata down` again",
                            step.label()
                        )
                    } else {
                        format!(
                            "nothing of {} was applied (its transaction was rolled back). Fix the statement and run `strata up` again",
                            step.label()
                        )
                    };
                    return Err(migration_error(step, prep, idx + skip, e, help));
                }
                Err(ApplyFailure::Verify(idx, e)) => {
                    let Some(checks) = checks else {
                        return Err(e.into());
                    };
                    self.verified(step, result, checks.failed(idx, &e));
                    let help = if single {
                        "the whole run was one transaction and was rolled back: nothing was applied. Fix the migration (or its verify script) and run again".to_string()
                    } else {
                        format!(
                            "nothing of {} was applied: its verify script ran inside its transaction, before the commit, and the transaction was rolled back. Fix the migration (or its verify script) and run `strata up --verify` again",
                            step.label()
                        )
                    };
                    return Err(verify::error(step, checks, idx, e, help));
                }
            };
            attempt += 1;
            self.sink.emit(Event::Retrying {
                label: step.label(),
                attempt,
                reason: e.message.clone(),
            });
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }

    /// Records a step's verify outcome and tells the sink.
    fn verified(&mut self, step: &Step, result: &mut StepResult, outcome: VerifyOutcome) {
        result.verify = Some(outcome.clone());
        self.sink.emit(Event::Verified {
            label: step.label(),
            outcome,
        });
    }

    /// A non-transactional script: statement by statement, recording progress after each so a
    /// failure leaves the row dirty at the right statement and `up` can resume there.
    async fn run_statements(
        &mut self,
        plan: &Plan,
        step: &Step,
        prep: &Prepared,
        texts: &[&str],
        started: Instant,
    ) -> Result<(), ExecuteError> {
        let total = texts.len() as u32;
        // Applies, resumes and reverts are tracked in their history row (a revert's as
        // `reverting` once a statement is done); repeatable re-runs of non-transactional
        // scripts are recorded once they finish.
        let reverting = step.action.is_revert();
        let (first, key, batch) = match (step.action, &step.applied) {
            (
                Action::Resume { statements_done } | Action::ResumeRevert { statements_done },
                Some(a),
            ) => {
                self.sink.emit(Event::Resuming {
                    label: step.label(),
                    statements_done,
                });
                let key = crate::RowKey {
                    version: a.version_str().to_string(),
                    name: a.name.clone(),
                };
                (statements_done.min(total), Some(key), a.batch)
            }
            (Action::Apply, _) => {
                let row = self.row_for(plan, step, AppliedStatus::Dirty { statements_done: 0 }, 0);
                let key = row.key();
                self.driver.record(&HistoryChange::Insert(row)).await?;
                (0, Some(key), plan.batch)
            }
            (Action::Revert, Some(a)) => (0, Some(admin::key_of(a)), a.batch),
            _ => (0, None, plan.batch),
        };
        let progress = |this: &Self, status, millis| match (&step.applied, reverting) {
            (Some(a), true) => admin::kept_row(a, status),
            _ => {
                let mut row = this.row_for(plan, step, status, millis);
                row.batch = batch;
                row
            }
        };
        for i in first..total {
            if let Err(e) = self.driver.execute(texts[i as usize]).await {
                // A failure inside a transaction the script opened itself undoes it back to
                // its BEGIN (the history row's progress too: it was recorded inside it).
                let dialect = self.driver.capabilities().dialect;
                let ran = &texts[first as usize..];
                let (done, undone) =
                    match preflight::open_transaction(ran, (i - first) as usize, dialect) {
                        Some(begin) => (
                            first + begin as u32,
                            format!(
                                " (statements {} to {} ran in the script's own transaction, which was rolled back)",
                                first as usize + begin + 1,
                                i + 1
                            ),
                        ),
                        None => (i, String::new()),
                    };
                let v = step
                    .version
                    .as_ref()
                    .map(|v| v.as_str())
                    .unwrap_or(&step.name);
                let help = if step.action == Action::Revert && done == 0 {
                    format!(
                        "{} is still applied: none of its down script took effect{undone} (it does not run in a transaction). Fix the statement and run `strata down` again",
                        step.label()
                    )
                } else if reverting {
                    format!(
                        "{} is dirty (reverting): {done} of {total} down statements completed and stay in effect{undone} (it does not run in a transaction); this is recorded in the history. Fix the failing statement and run `strata down` to resume at down statement {}, or finish the revert by hand and run `strata repair {v} --forget` (or redo the completed statements by hand and run `strata repair {v}`)",
                        step.label(),
                        done + 1,
                    )
                } else if key.is_some() {
                    format!(
                        "{} is dirty: {done} of {total} statements completed{undone}. Fix the failing statement and run `strata up` to resume at statement {}, or finish it by hand and run `strata repair {v}`",
                        step.label(),
                        done + 1,
                    )
                } else {
                    format!(
                        "{done} of {total} statements of {} completed and stay in effect{undone} (it does not run in a transaction); finish or undo them by hand",
                        step.label()
                    )
                };
                return Err(migration_error(step, prep, i as usize, e, help));
            }
            if let (Some(key), true) = (&key, i + 1 < total) {
                let status = match reverting {
                    true => AppliedStatus::Reverting {
                        statements_done: i + 1,
                    },
                    false => AppliedStatus::Dirty {
                        statements_done: i + 1,
                    },
                };
                let row = progress(self, status, started.elapsed().as_millis() as i64);
                self.driver
                    .record(&HistoryChange::Replace {
                        key: key.clone(),
                        row,
                    })
                    .await?;
            }
        }
        let millis = started.elapsed().as_millis() as i64;
        let change = match key {
            Some(key) if reverting => HistoryChange::Delete(key),
            Some(key) => HistoryChange::Replace {
                key,
                row: progress(self, AppliedStatus::Applied, millis),
            },
            None => self.change_for(plan, step, AppliedStatus::Applied, millis),
        };
        self.driver.record(&change).await?;
        Ok(())
    }

    fn row_for(&self, plan: &Plan, step: &Step, status: AppliedStatus, millis: i64) -> HistoryRow {
        let m = step.migration.as_ref();
        HistoryRow {
            version: step.version_text(),
            name: step.name.clone(),
            kind: match step.kind {
                MigrationKind::Repeatable => AppliedKind::Repeatable,
                _ => AppliedKind::Versioned,
            },
            checksum: m.map(|m| m.checksum.as_str().to_string()),
            batch: plan.batch,
            status,
            applied_by: self.options.applied_by.clone(),
            applied_at: None,
            execution_ms: millis,
            down_script: m.and_then(|m| m.down.as_ref()).map(stored_down),
            note: None,
            tool_version: TOOL_VERSION.to_string(),
        }
    }

    fn change_for(
        &self,
        plan: &Plan,
        step: &Step,
        status: AppliedStatus,
        millis: i64,
    ) -> HistoryChange {
        let key = step.applied.as_ref().map(|a| crate::RowKey {
            version: a.version_str().to_string(),
            name: a.name.clone(),
        });
        match (step.action, key) {
            (Action::Revert | Action::ResumeRevert { .. }, Some(key)) => HistoryChange::Delete(key),
            (Action::Apply, _) | (_, None) => {
                HistoryChange::Insert(self.row_for(plan, step, status, millis))
            }
            (_, Some(key)) => {
                let mut row = self.row_for(plan, step, status, millis);
                if let (Action::Resume { .. }, Some(a)) = (step.action, &step.applied) {
                    row.batch = a.batch;
                }
                HistoryChange::Replace { key, row }
            }
        }
    }
}

/// One step of a run, with what it needs.
struct Run<'r> {
    plan: &'r Plan,
    step: &'r Step,
    prep: &'r Prepared,
    checks: Option<&'r verify::Checks>,
    single: bool,
    started: Instant,
}

/// The down script as stored in the history. A down that runs outside a transaction (or with
/// its own timeouts) because of a directive elsewhere (dbmate's `transaction:false` on the up
/// marker, diesel's metadata) gets the directive written into its text, so a revert from the
/// history runs it the same way.
pub(crate) fn stored_down(down: &crate::Script) -> String {
    down.stored_text()
}

fn direction_of(target: &Target) -> Direction {
    match target {
        Target::Up { .. } => Direction::Up,
        _ => Direction::Down,
    }
}

fn step_direction(step: &Step) -> &'static str {
    if step.action.is_revert() {
        "down"
    } else {
        "up"
    }
}

fn result_of(step: &Step, outcome: StepOutcome) -> StepResult {
    StepResult {
        version: step.version_text(),
        name: step.name.clone(),
        action: step.action.as_str(),
        outcome,
        millis: 0,
        verify: None,
    }
}

/// Maps a database error inside statement `idx` of a step to `file:line:col` with a frame.
fn migration_error(
    step: &Step,
    prep: &Prepared,
    idx: usize,
    e: DriverError,
    help: String,
) -> ExecuteError {
    let script = &step.script;
    let span = prep.statements.get(idx).cloned().unwrap_or(0..0);
    let offset = span.start + e.position.unwrap_or(0).min(span.len());
    ExecuteError::Migration(Box::new(crate::MigrationFailure {
        label: step.label(),
        direction: step_direction(step),
        location: script.locate(offset),
        statement: idx + 1,
        sql: script.sql[span].to_string(),
        frame: Some((script.sql.clone(), offset, script.line_offset)),
        source: e,
        help,
    }))
}
