//! `sqlite:` URLs.

use std::path::PathBuf;

/// What a SQLite URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SqliteTarget {
    /// A database file (created when missing).
    File(PathBuf),
    /// A private in-memory database.
    Memory,
}

/// Parses `sqlite:path`, `sqlite://path`, `sqlite:///absolute/path` and `sqlite::memory:`
/// (query strings such as `?mode=rwc` are ignored). Returns `None` for other schemes.
pub fn parse_url(url: &str) -> Option<SqliteTarget> {
    let rest = url
        .strip_prefix("sqlite3:")
        .or_else(|| url.strip_prefix("sqlite:"))
        .or_else(|| url.strip_prefix("file:"))?;
    let rest = rest.split('?').next().unwrap_or("");
    let path = rest.strip_prefix("//").unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return Some(SqliteTarget::Memory);
    }
    Some(SqliteTarget::File(PathBuf::from(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_forms() {
        let f = |p: &str| Some(SqliteTarget::File(PathBuf::from(p)));
        assert_eq!(parse_url("sqlite:app.db"), f("app.db"));
        assert_eq!(parse_url("sqlite://app.db"), f("app.db"));
        assert_eq!(parse_url("sqlite:///var/app.db"), f("/var/app.db"));
        assert_eq!(parse_url("sqlite:data/app.db?mode=rwc"), f("data/app.db"));
        assert_eq!(parse_url("sqlite::memory:"), Some(SqliteTarget::Memory));
        assert_eq!(parse_url("postgres://x"), None);
    }
}
