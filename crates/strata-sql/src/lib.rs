//! Dialect-aware SQL statement splitting, source positions and migration directives.
//!
//! Nothing here does I/O or knows about databases: it turns migration text into statements with
//! byte spans (so the server's error positions map back to `file:line:col`), recognises the
//! directives that other tools write into comments, and flags statements that cannot run inside
//! a transaction.

mod block;
mod directives;
mod lexer;
#[cfg(feature = "pg-parser")]
mod parser;
mod placeholder;
mod position;
mod split;
mod transaction;

pub use directives::{parse_directives, Directive, DirectiveError, Directives, Section};
pub use placeholder::{find_placeholders, Placeholder};
pub use position::{line_col, LineCol};
pub use split::{is_blank, split, SplitError, Statement, StatementKind};
pub use transaction::{requires_no_transaction, unwrap_transaction, Unwrapped};

/// The SQL dialect a text is split for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite: `CREATE TRIGGER ... BEGIN ... END` bodies, non-nesting block comments.
    Sqlite,
    /// PostgreSQL: dollar quotes, nested block comments, `E'...'` strings, `BEGIN ATOMIC ... END`.
    Postgres,
    /// MySQL / MariaDB: backticks, `#` comments, backslash escapes in strings.
    MySql,
}
