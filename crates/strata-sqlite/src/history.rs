//! The history table in SQLite.

use rusqlite::{params, Connection, OptionalExtension};
use strata_core::{
    AppliedKind, AppliedMigration, AppliedStatus, Checksum, DriverError, DriverErrorKind,
    HistoryChange, HistoryRow, Version,
};

/// Quotes an identifier (`"a""b"`).
pub(crate) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub(crate) fn create_sql(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (
    version TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    checksum TEXT,
    batch INTEGER NOT NULL,
    status TEXT NOT NULL,
    statements_done INTEGER,
    applied_at TEXT NOT NULL,
    applied_by TEXT NOT NULL,
    execution_ms INTEGER NOT NULL,
    down_script TEXT,
    tool_version TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (version, name)
)",
        quote(table)
    )
}

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

pub(crate) fn exists(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
}

/// Every row, in the order they were applied (`applied_at`, then `version`).
///
/// The rows are sorted here rather than with `ORDER BY`: SQLite's sorter copies whole rows,
/// down scripts included, and with thousands of migrations spills them to a temporary file,
/// which made reading the history the largest part of a no-op `status`.
pub(crate) fn read(conn: &Connection, table: &str) -> Result<Vec<AppliedMigration>, DriverError> {
    let sql = format!(
        "SELECT version, name, kind, checksum, batch, status, statements_done, applied_at,
                applied_by, execution_ms, down_script, tool_version, note
         FROM {}",
        quote(table)
    );
    let mut stmt = conn.prepare(&sql).map_err(crate::driver::map_err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<i64>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, String>(11)?,
                r.get::<_, Option<String>>(12)?,
            ))
        })
        .map_err(crate::driver::map_err)?;
    let mut out = Vec::new();
    for row in rows {
        let (v, name, kind, checksum, batch, status, done, at, by, ms, down, tool, note) =
            row.map_err(crate::driver::map_err)?;
        let bad = |what: String| {
            DriverError::new(DriverErrorKind::History, format!("history table {table}: {what}"))
                .with_hint(Some("the table was changed by hand or by another tool; restore it or pick another table with `history_table`".into()))
        };
        let kind =
            AppliedKind::parse(&kind).ok_or_else(|| bad(format!("unknown kind `{kind}`")))?;
        let version = if v.is_empty() {
            None
        } else {
            Some(Version::parse(&v).map_err(|e| bad(e.to_string()))?)
        };
        let status = AppliedStatus::parse(&status, done)
            .ok_or_else(|| bad(format!("unknown status `{status}`")))?;
        let mut a = AppliedMigration::new(version, name, kind)
            .with_batch(batch)
            .with_status(status)
            .with_down_script(down);
        a.checksum = checksum.map(Checksum::from_stored);
        a.applied_at = at;
        a.applied_by = by;
        a.execution_ms = ms;
        a.tool_version = tool;
        a.note = note;
        out.push(a);
    }
    // Byte order, as SQLite's BINARY collation compares TEXT.
    out.sort_by(|a, b| {
        (a.applied_at.as_bytes(), a.version_str().as_bytes())
            .cmp(&(b.applied_at.as_bytes(), b.version_str().as_bytes()))
    });
    Ok(out)
}

fn status_cols(s: AppliedStatus) -> (&'static str, Option<i64>) {
    (s.as_str(), s.statements_done().map(i64::from))
}

/// Writes one change. `millis` overrides the row's execution time when given (measured by the
/// driver around the statements it ran).
pub(crate) fn write(
    conn: &Connection,
    table: &str,
    change: &HistoryChange,
    millis: Option<i64>,
) -> rusqlite::Result<()> {
    let t = quote(table);
    let insert = |row: &HistoryRow| {
        let (status, done) = status_cols(row.status);
        conn.prepare_cached(&format!(
            "INSERT INTO {t} (version, name, kind, checksum, batch, status, statements_done,
                applied_at, applied_by, execution_ms, down_script, tool_version, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(?13, {NOW}), ?8, ?9, ?10, ?11, ?12)"
        ))?
        .execute(params![
            row.version,
            row.name,
            row.kind.as_str(),
            row.checksum,
            row.batch,
            status,
            done,
            row.applied_by,
            millis.unwrap_or(row.execution_ms),
            row.down_script,
            row.tool_version,
            row.note,
            row.applied_at,
        ])
    };
    match change {
        HistoryChange::Insert(row) => insert(row)?,
        HistoryChange::Replace { key, row } => {
            conn.prepare_cached(&format!("DELETE FROM {t} WHERE version = ?1 AND name = ?2"))?
                .execute(params![key.version, key.name])?;
            insert(row)?
        }
        HistoryChange::Delete(key) => conn
            .prepare_cached(&format!("DELETE FROM {t} WHERE version = ?1 AND name = ?2"))?
            .execute(params![key.version, key.name])?,
        _ => 0,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_in_applied_order_then_by_version() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(&create_sql("h")).unwrap();
        // Inserted out of order; `repair` rewrites rows, so insertion order is not applied order.
        for (version, at) in [
            ("3", "2025-01-02T00:00:00.000Z"),
            ("10", "2025-01-01T00:00:00.000Z"),
            ("2", "2025-01-01T00:00:00.000Z"),
            ("", "2025-01-03T00:00:00.000Z"),
            ("1", "2025-01-01T00:00:00.000Z"),
        ] {
            conn.execute(
                "INSERT INTO h (version, name, kind, batch, status, applied_at, applied_by,
                    execution_ms, tool_version)
                 VALUES (?1, 'm', ?2, 1, 'applied', ?3, 'me', 0, 'strata')",
                params![
                    version,
                    if version.is_empty() {
                        "repeatable"
                    } else {
                        "versioned"
                    },
                    at
                ],
            )
            .unwrap();
        }
        let rows = read(&conn, "h").unwrap();
        let versions: Vec<&str> = rows.iter().map(|r| r.version_str()).collect();
        // Same day: "1" < "10" < "2" (text order, as `ORDER BY applied_at, version` gave).
        assert_eq!(versions, ["1", "10", "2", "3", ""]);
    }
}
