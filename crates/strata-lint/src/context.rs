//! What the linter knows about a file besides its text.

use crate::Catalog;
use strata_core::TransactionMode;

/// The PostgreSQL major version assumed when none is given.
pub const DEFAULT_PG_VERSION: u32 = 15;

/// Everything about one file that its text does not say: how it runs, against which server, and
/// what earlier migrations created.
#[derive(Debug, Clone)]
pub struct LintContext {
    /// Target server major version (`15`); rules whose advice changed between versions use it.
    pub pg_version: u32,
    /// Whether the runner wraps the file in one transaction ([`TransactionMode::Transactional`],
    /// strata's default) or runs it statement by statement (`-- strata:no-transaction`).
    pub transaction: TransactionMode,
    /// The runner sets a `lock_timeout` of its own before running the file (strata does on
    /// PostgreSQL): a missing `SET lock_timeout` is then only a hint.
    pub runner_sets_lock_timeout: bool,
    /// The file's own `lock_timeout`, given to the runner (`-- strata:lock-timeout 30s`): a
    /// non-zero one bounds every wait as its author chose; zero turns the runner's off.
    pub file_lock_timeout: Option<std::time::Duration>,
    /// The runner runs a transactional file made only of statements that cannot run inside a
    /// transaction (a lone `CREATE INDEX CONCURRENTLY`) without one, as strata does outside
    /// `--single-transaction`: such a file is then linted as running outside a transaction.
    pub runner_skips_transaction_when_required: bool,
    /// Tables, columns, indexes, constraints, policies and enum types created by earlier
    /// migrations.
    pub catalog: Catalog,
}

impl Default for LintContext {
    fn default() -> Self {
        LintContext {
            pg_version: DEFAULT_PG_VERSION,
            transaction: TransactionMode::Transactional,
            runner_sets_lock_timeout: false,
            file_lock_timeout: None,
            runner_skips_transaction_when_required: false,
            catalog: Catalog::default(),
        }
    }
}

impl LintContext {
    /// Sets the server major version (`150004` and `15` both mean 15).
    pub fn pg_version(mut self, version: u32) -> LintContext {
        self.pg_version = if version >= 10_000 {
            version / 10_000
        } else {
            version
        };
        self
    }

    /// Sets the file's transaction mode.
    pub fn transaction(mut self, mode: TransactionMode) -> LintContext {
        self.transaction = mode;
        self
    }

    /// Says whether the runner sets its own `lock_timeout`.
    pub fn runner_sets_lock_timeout(mut self, yes: bool) -> LintContext {
        self.runner_sets_lock_timeout = yes;
        self
    }

    /// Sets the file's own `lock_timeout` directive (`None`: it has none).
    pub fn file_lock_timeout(mut self, timeout: Option<std::time::Duration>) -> LintContext {
        self.file_lock_timeout = timeout;
        self
    }

    /// Says whether the runner drops the transaction of a file that cannot run in one.
    pub fn runner_skips_transaction_when_required(mut self, yes: bool) -> LintContext {
        self.runner_skips_transaction_when_required = yes;
        self
    }

    /// Whether the runner wraps the whole file in one transaction.
    pub fn is_transactional(&self) -> bool {
        self.transaction == TransactionMode::Transactional
    }
}
