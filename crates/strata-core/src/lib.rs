//! The engine-neutral core of strata: what a migration is, where migrations come from, what has
//! been applied, what to do next (the pure [`plan`]), and the [`Executor`] that carries a plan out
//! through a [`Driver`].
//!
//! The core never prints: callers receive [`Event`]s through a sink and a [`Report`] at the end.

mod applied;
mod checksum;
mod driver;
mod error;
mod event;
mod executor;
mod history;
mod migration;
mod plan;
mod redact;
mod report;
pub mod source;
mod status;
mod verify;
mod version;

pub use applied::{AppliedKind, AppliedMigration, AppliedStatus};
pub use checksum::Checksum;
pub use driver::{ApplyFailure, Capabilities, Driver, DriverError, DriverErrorKind, LockOptions};
pub use error::{ExecuteError, MigrationFailure, PlanError, Problem, SourceError, SourceErrorKind};
pub use event::{Event, EventSink, NoEvents};
pub use executor::{
    check_scripts, effective_transaction, script_notes, Executor, ExecutorOptions, Repair,
    RepairAction,
};
pub use history::{HistoryChange, HistoryRow, RowKey};
pub use migration::{Migration, MigrationKind, Origin, Script, Timeouts, TransactionMode};
pub use plan::{plan, Action, Direction, Plan, Policy, Step, Target};
pub use redact::redact_url;
pub use report::{Report, StepOutcome, StepResult};
pub use status::{status, MigrationState, StatusEntry};
pub use strata_sql::Dialect;
pub use verify::{verify, VerifyOutcome, VerifyReport, VerifyResult};
pub use version::{Version, VersionError};

/// The version of strata that writes history rows.
pub const TOOL_VERSION: &str = concat!("strata ", env!("CARGO_PKG_VERSION"));

/// The default name of the history table. Deliberately not one of the names other tools use
/// (`schema_migrations`, `_sqlx_migrations`, ...), which real projects touch in their own files.
pub const DEFAULT_HISTORY_TABLE: &str = "strata_migrations";
