//! Directives written in SQL comments.

use std::ops::Range;

/// A directive recognised in a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Directive {
    /// `-- strata:no-transaction`, sqlx's `-- no-transaction`, dbmate's `transaction:false`.
    NoTransaction,
}

/// A section of a single-file migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Byte range of the section's body in the text: from the start of the line after the marker
    /// to the next marker line (or the end).
    pub range: Range<usize>,
    /// Lines of the text before the body starts (the marker's line number).
    pub line_offset: usize,
}

/// The directives and sections of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// The file must not run in a transaction.
    pub no_transaction: bool,
    /// dbmate `-- migrate:up` section, when the file has markers.
    pub up: Option<Section>,
    /// dbmate `-- migrate:down` section.
    pub down: Option<Section>,
    /// `-- strata:verify` section.
    pub verify: Option<Section>,
}

/// A directive strata does not understand, or in the wrong place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct DirectiveError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Finds directives in line comments that stand alone on their line, outside strings, dollar
/// quotes and block comments.
pub fn parse_directives(sql: &str) -> Result<Directives, DirectiveError> {
    let _ = sql;
    todo!("parse_directives")
}
