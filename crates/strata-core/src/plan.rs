//! The pure planner: local migrations + applied history + target + policy -> [`Plan`].
//!
//! No I/O happens here. `up`, `down`, `redo`, `--dry-run` and `status` all read the same result.

use crate::{
    AppliedMigration, Migration, MigrationKind, PlanError, Script, TransactionMode, Version,
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
    /// Revert the last applied versioned migration and apply it again.
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
}

impl Action {
    /// `apply`, `resume`, `reapply` or `revert`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Resume { .. } => "resume",
            Action::Reapply => "reapply",
            Action::Revert => "revert",
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
    /// Up or down. `redo` plans are [`Direction::Down`] steps followed by `Up` steps; see
    /// [`Plan::steps`].
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
pub fn plan(
    local: &[Migration],
    applied: &[AppliedMigration],
    target: &Target,
    policy: &Policy,
) -> Result<Plan, PlanError> {
    let _ = (local, applied, target, policy);
    todo!("planner")
}
