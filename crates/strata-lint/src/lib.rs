//! The strata safety linter for PostgreSQL migrations.
//!
//! It parses each file with the real PostgreSQL parser (libpg_query, through `pg_query`) and
//! walks its statements in order, knowing what the text alone does not say: whether the runner
//! wraps the file in a transaction, the target server version, and which objects the file (or
//! an earlier migration) created. That is what separates a `CREATE INDEX` that blocks writes on
//! a busy table from the same statement on a table created three lines above.
//!
//! ```
//! use strata_lint::{LintContext, Linter};
//! let sql = "CREATE INDEX users_email ON users (email);";
//! let findings = Linter::new().lint(sql, &LintContext::default());
//! assert_eq!(findings[0].rule, "create-index-nonconcurrent");
//! ```
//!
//! Every rule lives in its own module under `rules/`, declares its id, level and summary, and
//! has a page in `docs/rules/<id>.md`. Findings carry byte spans; map them to lines and columns
//! with [`strata_sql::line_col`]. Nothing here does I/O.

mod ast;
mod catalog;
mod context;
mod ffi;
mod linter;
mod locks;
mod parse;
mod plpgsql;
mod rule;
pub mod rules;
mod state;
mod suppress;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
mod text;
mod types;
mod violation;
mod volatility;

pub use catalog::Catalog;
pub use context::{LintContext, DEFAULT_PG_VERSION};
pub use linter::{Linter, UnknownRule};
pub use rule::{Findings, Rule, Scope, Statement};
pub use types::ColType;
pub use violation::{RuleMeta, Severity, UnknownSeverity, Violation};

/// Adds what a file creates (tables, columns, constraints, policies, indexes, enum types) to a
/// catalog without reporting anything: for migrations before the ones being linted.
pub fn learn(sql: &str, cx: &mut LintContext) {
    let mut quiet = Linter::new();
    for rule in rules::all() {
        let _ = quiet.set_level(rule.meta().id, None);
    }
    quiet.lint_and_learn(sql, cx);
}
