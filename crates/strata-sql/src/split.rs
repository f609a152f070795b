//! Splitting a script into statements.

use crate::Dialect;
use std::ops::Range;

/// What a statement does, as far as transactions are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementKind {
    /// `BEGIN`, `BEGIN TRANSACTION`, `START TRANSACTION` (not `BEGIN ATOMIC`, not a DO body).
    Begin,
    /// `COMMIT`, `END`, `COMMIT TRANSACTION`.
    Commit,
    /// `ROLLBACK` (not `ROLLBACK TO SAVEPOINT`).
    Rollback,
    /// Anything else.
    Other,
}

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Byte range in the script: from the statement's first token (leading comments and
    /// whitespace excluded) to its end, excluding the terminating `;`.
    pub span: Range<usize>,
    /// 1-based line of the first token.
    pub line: usize,
    /// 1-based column of the first token.
    pub column: usize,
    /// Transaction control or not.
    pub kind: StatementKind,
}

impl Statement {
    /// The statement's text in `script`.
    pub fn text<'a>(&self, script: &'a str) -> &'a str {
        &script[self.span.clone()]
    }
}

/// A script that cannot be split: an unterminated quote, dollar quote, comment or block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} starting at line {line}, column {column} is never closed")]
pub struct SplitError {
    /// What is unterminated (`string literal`, `quoted identifier`, `dollar-quoted string $fn$`,
    /// `block comment`).
    pub what: String,
    /// 1-based line where it starts.
    pub line: usize,
    /// 1-based column where it starts.
    pub column: usize,
}

/// Splits a script into statements. Statements consisting only of comments or whitespace are
/// dropped; a last statement without a final `;` is kept.
pub fn split(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    let _ = (sql, dialect);
    todo!("split")
}

/// True when `sql` has nothing but whitespace and comments.
pub fn is_blank(sql: &str) -> bool {
    let _ = sql;
    todo!("is_blank")
}
