//! The pure planner: local migrations + applied history + target + policy -> [`Plan`].
//!
//! No I/O happens here. `up`, `down`, `redo`, `--dry-run` and `status` all read the same result.

mod down;
mod up;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_down;

use crate::status::{analyze, Item, Order};
use crate::{
    AppliedMigration, Migration, MigrationKind, PlanError, Problem, Script, TransactionMode,
    Version,
};

/// Which way a plan goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Applying migrations.
    Up,
    /// Reverting migrations.
    Down,
}

impl Direction {
    /// `up` or `down`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// Apply pending migrations, up to and including `to` when given.
    Up {
        /// Last version to apply.
        to: Option<Version>,
    },
    /// Revert the `n` most recently applied versioned migrations (highest versions first).
    DownCount(usize),
    /// Revert every applied versioned migration above this version (`0`: all of them).
    DownTo(Version),
    /// Revert everything the last `up` applied (the highest batch).
    DownBatch,
    /// Revert the last applied versioned migration (the highest version above any baseline)
    /// and apply its local file again. The plan is [`Direction::Down`] and has exactly two
    /// steps: [`Action::Revert`] then [`Action::Apply`] of the same migration. The file must be
    /// present and unchanged since it was applied.
    Redo,
}

/// What the planner may allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Apply pending migrations whose version is below the highest applied one.
    pub allow_out_of_order: bool,
    /// Go on although applied migrations have no file.
    pub allow_missing: bool,
    /// The whole run is one transaction (refuses non-transactional steps).
    pub single_transaction: bool,
}

impl Policy {
    /// Sets `allow_out_of_order`.
    pub fn allow_out_of_order(mut self, yes: bool) -> Self {
        self.allow_out_of_order = yes;
        self
    }

    /// Sets `allow_missing`.
    pub fn allow_missing(mut self, yes: bool) -> Self {
        self.allow_missing = yes;
        self
    }

    /// Sets `single_transaction`.
    pub fn single_transaction(mut self, yes: bool) -> Self {
        self.single_transaction = yes;
        self
    }
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "action")]
#[non_exhaustive]
pub enum Action {
    /// Run the up script and insert a history row.
    Apply,
    /// Run the rest of a dirty non-transactional migration, skipping `statements_done`
    /// statements, and mark its row applied.
    Resume {
        /// Statements already done.
        statements_done: u32,
    },
    /// Run a changed repeatable migration again and update its row.
    Reapply,
    /// Run the down script and delete the history row.
    Revert,
    /// Run the rest of a down script that stopped part-way (its row is
    /// [`reverting`](crate::AppliedStatus::Reverting)), skipping `statements_done` statements,
    /// and delete the history row.
    ResumeRevert {
        /// Down statements already done.
        statements_done: u32,
    },
}

impl Action {
    /// `apply`, `resume`, `reapply`, `revert` or `resume-revert`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Resume { .. } => "resume",
            Action::Reapply => "reapply",
            Action::Revert => "revert",
            Action::ResumeRevert { .. } => "resume-revert",
        }
    }

    /// True when the step runs a down script ([`Action::Revert`] or [`Action::ResumeRevert`]).
    pub fn is_revert(self) -> bool {
        matches!(self, Action::Revert | Action::ResumeRevert { .. })
    }

    /// Statements of the script already done, which the step skips.
    pub fn statements_done(self) -> u32 {
        match self {
            Action::Resume { statements_done } | Action::ResumeRevert { statements_done } => {
                statements_done
            }
            _ => 0,
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// What to do.
    pub action: Action,
    /// Version (`None` for repeatables).
    pub version: Option<Version>,
    /// Name.
    pub name: String,
    /// Versioned or repeatable.
    pub kind: MigrationKind,
    /// The script to run: the up script, or for a revert the local down script, else the down
    /// script stored when the migration was applied.
    pub script: Script,
    /// The local migration, when there is one.
    pub migration: Option<Migration>,
    /// The history row this step changes (revert, resume, reapply).
    pub applied: Option<AppliedMigration>,
}

impl Step {
    /// The version as written (`0003`); empty for a repeatable migration.
    pub fn version_text(&self) -> String {
        self.version
            .as_ref()
            .map(|v| v.as_str().to_string())
            .unwrap_or_default()
    }

    /// `0003_add_users` or `R__views`.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{}_{}", v, self.name),
            None => format!("R__{}", self.name),
        }
    }

    /// Whether the script runs in a transaction.
    pub fn transaction(&self) -> TransactionMode {
        self.script.transaction
    }
}

/// What to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    /// Up or down. A `redo` plan is [`Direction::Down`]: a [`Action::Revert`] step followed by
    /// an [`Action::Apply`] step of the same migration; see [`Target::Redo`].
    pub direction: Direction,
    /// The steps, in the order to run them.
    pub steps: Vec<Step>,
    /// The batch number new history rows get (highest applied batch + 1).
    pub batch: i64,
    /// Problems that the policy allowed (e.g. missing files with `--allow-missing`), reported
    /// as warnings.
    pub warnings: Vec<crate::Problem>,
}

/// Computes what to do. Pure: the same inputs always give the same plan.
///
/// `local` may be in any order; `applied` is the whole history table.
///
/// Every problem found is reported at once, in version order (repeatables last, by name).
/// Problems the policy allows (`allow_missing`, `allow_out_of_order`) become
/// [`Plan::warnings`] instead.
///
/// Going up:
/// - a dirty migration whose file exists is resumed first (also when its file changed: that is
///   the fix of the failing statement), whatever `to` says; without its file it is a problem;
/// - pending versioned migrations up to `to` follow in version order, then (only without `to`)
///   new and changed repeatable migrations by name;
/// - applied migrations whose file changed are refused; applied ones whose file is gone and
///   pending ones below the highest applied version are refused unless the policy allows them.
///
/// Going down, only versioned migrations above the highest baseline are candidates, newest
/// version first; a dirty row refuses the plan. A row whose down script stopped part-way
/// ([`AppliedStatus::Reverting`](crate::AppliedStatus::Reverting)) is no refusal: its revert
/// resumes first ([`Action::ResumeRevert`]), whatever the target says, and counts as one of a
/// `down N`; `up` and `redo` refuse it ([`Problem::Reverting`]). Each revert runs the local down
/// script, else the down script stored when it was applied, else it is
/// [`Problem::Irreversible`].
pub fn plan(
    local: &[Migration],
    applied: &[AppliedMigration],
    target: &Target,
    policy: &Policy,
) -> Result<Plan, PlanError> {
    let analysis = analyze(local, applied);
    let batch = next_batch(applied);
    let mut problems = Problems::default();
    let (direction, steps, warnings) = match target {
        Target::Up { to } => {
            let (steps, warnings) = up::plan_up(&analysis, to.as_ref(), policy, &mut problems);
            (Direction::Up, steps, warnings)
        }
        Target::Redo => (
            Direction::Down,
            down::plan_redo(&analysis, &mut problems),
            Vec::new(),
        ),
        Target::DownCount(_) | Target::DownTo(_) | Target::DownBatch => {
            let select = match target {
                Target::DownCount(n) => down::Select::Count(*n),
                Target::DownTo(v) => down::Select::To(v),
                _ => down::Select::Batch,
            };
            (
                Direction::Down,
                down::plan_down(&analysis, select, &mut problems),
                Vec::new(),
            )
        }
    };
    if policy.single_transaction {
        for step in &steps {
            if step.transaction() == TransactionMode::None {
                problems.push(
                    step_order(step),
                    Problem::NoTransactionInSingleTransaction {
                        version: step_version_str(step).to_string(),
                        name: step.name.clone(),
                    },
                );
            }
        }
    }
    match problems.finish() {
        problems if problems.is_empty() => Ok(Plan {
            direction,
            steps,
            batch,
            warnings,
        }),
        problems => Err(PlanError::new(problems)),
    }
}

/// The batch new history rows get: one above the highest so far, and at least 1.
fn next_batch(applied: &[AppliedMigration]) -> i64 {
    applied
        .iter()
        .map(|r| r.batch)
        .max()
        .map_or(1, |b| b.saturating_add(1))
        .max(1)
}

/// Problems (or warnings) gathered in any order and handed out in version order.
#[derive(Debug, Default)]
struct Problems<'a> {
    found: Vec<(Order<'a>, Problem)>,
}

impl<'a> Problems<'a> {
    fn push(&mut self, order: Order<'a>, problem: Problem) {
        self.found.push((order, problem));
    }

    /// Sorted by version (stable, so one migration's problems keep the order they were found
    /// in), without repeats (a redo whose up and down both cannot run in a transaction).
    fn finish(mut self) -> Vec<Problem> {
        self.found.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<Problem> = self.found.into_iter().map(|(_, p)| p).collect();
        out.dedup();
        out
    }
}

fn step_order(step: &Step) -> Order<'_> {
    match step.kind {
        MigrationKind::Repeatable => Order::Repeatable(&step.name),
        _ => Order::Versioned(step.version.as_ref()),
    }
}

fn step_version_str(step: &Step) -> &str {
    step.version.as_ref().map(Version::as_str).unwrap_or("")
}

/// The problem of an applied migration whose file changed.
fn modified(item: &Item<'_>) -> Problem {
    let applied = item.row.and_then(|r| r.checksum.as_ref());
    Problem::Modified {
        version: item.version_str().to_string(),
        name: item.name().to_string(),
        path: item.local.and_then(Migration::path).map(Into::into),
        applied: applied.map(|c| c.as_str().to_string()).unwrap_or_default(),
        local: item
            .local
            .map(|m| m.checksum.as_str().to_string())
            .unwrap_or_default(),
    }
}

/// A step that runs a local migration's up script.
fn up_step(action: Action, m: &Migration, applied: Option<&AppliedMigration>) -> Step {
    Step {
        action,
        version: m.version.clone(),
        name: m.name.clone(),
        kind: m.kind,
        script: m.up.clone(),
        migration: Some(m.clone()),
        applied: applied.cloned(),
    }
}

/// A step that reverts a history row with the given down script.
fn revert_step(
    action: Action,
    row: &AppliedMigration,
    local: Option<&Migration>,
    script: Script,
) -> Step {
    Step {
        action,
        version: row.version.clone(),
        name: row.name.clone(),
        kind: MigrationKind::Versioned,
        script,
        migration: local.cloned(),
        applied: Some(row.clone()),
    }
}
