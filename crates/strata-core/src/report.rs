//! What a run did, returned on success and on failure alike.

use crate::{Direction, ExecuteError, Plan};

/// What happened to one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StepOutcome {
    /// Applied (or reverted) and recorded.
    Done,
    /// Planned only (`--dry-run`), or not reached because an earlier step failed.
    NotRun,
    /// Failed; see the report's error.
    Failed,
    /// Undone because the whole run was one transaction and a later step failed.
    RolledBack,
}

/// One step of the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct StepResult {
    /// Version (`""` for repeatables).
    pub version: String,
    /// Name.
    pub name: String,
    /// `apply`, `resume`, `reapply` or `revert`.
    pub action: &'static str,
    /// What happened.
    pub outcome: StepOutcome,
    /// Milliseconds taken.
    pub millis: u64,
    /// What its verify script gave, when the run verified (`up --verify`): passed, failed, or
    /// no verify script. `None` when the run did not verify or the step was not reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify: Option<crate::VerifyOutcome>,
}

/// The result of a run: the plan, what each step did, and the error that stopped it, if any.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// Up or down.
    pub direction: Direction,
    /// The plan that was carried out (absent when planning itself failed).
    pub plan: Option<Plan>,
    /// One entry per planned step.
    pub steps: Vec<StepResult>,
    /// True for `--dry-run`.
    pub dry_run: bool,
    /// True when each step is verified right after it runs (`up --verify`).
    pub verify: bool,
    /// The error that stopped the run.
    pub error: Option<ExecuteError>,
}

impl Report {
    /// An empty report for a direction.
    pub fn new(direction: Direction) -> Self {
        Report {
            direction,
            plan: None,
            steps: Vec::new(),
            dry_run: false,
            verify: false,
            error: None,
        }
    }

    /// Steps that were done.
    pub fn done(&self) -> usize {
        self.steps
            .iter()
            .filter(|s| s.outcome == StepOutcome::Done)
            .count()
    }
}
