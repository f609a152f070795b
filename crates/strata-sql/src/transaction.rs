//! Transaction-related checks on statements.

use crate::{Dialect, Statement, StatementKind};
use std::ops::Range;

/// Why a statement cannot run inside a transaction block, or `None` when it can.
pub fn requires_no_transaction(statement: &str, dialect: Dialect) -> Option<&'static str> {
    let _ = (statement, dialect);
    todo!("requires_no_transaction")
}

/// The statements of a file that wraps itself in `BEGIN; ... COMMIT;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwrapped {
    /// Indices of the statements between the wrapper (all of them when there is none).
    pub body: Range<usize>,
    /// True when a leading `BEGIN` and trailing `COMMIT` were found and excluded.
    pub wrapped: bool,
    /// Index of a transaction-control statement left inside the body, if any (a file with
    /// several transactions, or a `ROLLBACK`): it cannot run inside strata's transaction.
    pub stray: Option<usize>,
}

/// Finds a `BEGIN ... COMMIT` wrapper around the whole file.
pub fn unwrap_transaction(statements: &[Statement]) -> Unwrapped {
    let _ = statements;
    let _ = StatementKind::Other;
    todo!("unwrap_transaction")
}
