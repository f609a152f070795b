//! The history table in PostgreSQL: same columns as SQLite's, `applied_at` a `timestamptz`.

use crate::sql::{ident, literal, opt_literal};
use strata_core::{
    AppliedKind, AppliedMigration, AppliedStatus, Checksum, DriverError, DriverErrorKind,
    HistoryChange, HistoryRow, RowKey, Version,
};
use tokio_postgres::SimpleQueryRow;

/// The history table's schema and name, quoted once.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub schema: String,
    pub name: String,
    /// `"schema"."name"`.
    pub qualified: String,
}

impl Table {
    pub fn new(schema: &str, name: &str) -> Table {
        Table {
            schema: schema.to_string(),
            name: name.to_string(),
            qualified: format!("{}.{}", ident(schema), ident(name)),
        }
    }

    /// A sibling table in the same schema (`<name>_lock`).
    pub fn sibling(&self, suffix: &str) -> Table {
        Table::new(&self.schema, &format!("{}{suffix}", self.name))
    }

    /// A query answering: does the schema exist, does the table exist.
    pub fn exists_sql(&self) -> Result<String, DriverError> {
        Ok(format!(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = {s})::text, \
             EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                     WHERE n.nspname = {s} AND c.relname = {t})::text",
            s = literal(&self.schema)?,
            t = literal(&self.name)?
        ))
    }

    pub fn create_schema_sql(&self) -> String {
        format!("CREATE SCHEMA IF NOT EXISTS {}", ident(&self.schema))
    }

    pub fn create_sql(&self) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (
    version text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    checksum text,
    batch bigint NOT NULL,
    status text NOT NULL,
    statements_done integer,
    applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    applied_by text NOT NULL,
    execution_ms bigint NOT NULL,
    down_script text,
    tool_version text NOT NULL,
    note text,
    PRIMARY KEY (version, name)
)",
            self.qualified
        )
    }

    pub fn read_sql(&self) -> String {
        format!(
            "SELECT version, name, kind, checksum, batch::text, status, statements_done::text, \
             to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), \
             applied_by, execution_ms::text, down_script, tool_version, note \
             FROM {} ORDER BY applied_at, version, name",
            self.qualified
        )
    }

    fn key_filter(&self, key: &RowKey) -> Result<String, DriverError> {
        Ok(format!(
            "version = {} AND name = {}",
            literal(&key.version)?,
            literal(&key.name)?
        ))
    }

    /// The statements writing one change, with `execution_ms` taken from the server's clock
    /// when `server_millis` is set: the time since the current query message arrived, which in
    /// a migration's batch is the time its statements took.
    pub fn write_sql(
        &self,
        change: &HistoryChange,
        server_millis: bool,
    ) -> Result<Vec<String>, DriverError> {
        let t = &self.qualified;
        let insert = |row: &HistoryRow| -> Result<String, DriverError> {
            let status = row.status.as_str();
            let done = match row.status.statements_done() {
                Some(n) => n.to_string(),
                None => "NULL".to_string(),
            };
            let millis = if server_millis {
                "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::bigint"
                    .to_string()
            } else {
                row.execution_ms.to_string()
            };
            Ok(format!(
                "INSERT INTO {t} (version, name, kind, checksum, batch, status, statements_done, \
                 applied_at, applied_by, execution_ms, down_script, tool_version, note) VALUES \
                 ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                literal(&row.version)?,
                literal(&row.name)?,
                literal(row.kind.as_str())?,
                opt_literal(row.checksum.as_deref())?,
                row.batch,
                literal(status)?,
                done,
                match &row.applied_at {
                    Some(at) => format!("{}::timestamptz", literal(at)?),
                    None => "clock_timestamp()".to_string(),
                },
                literal(&row.applied_by)?,
                millis,
                opt_literal(row.down_script.as_deref())?,
                literal(&row.tool_version)?,
                opt_literal(row.note.as_deref())?,
            ))
        };
        Ok(match change {
            HistoryChange::Insert(row) => vec![insert(row)?],
            HistoryChange::Replace { key, row } => vec![
                format!("DELETE FROM {t} WHERE {}", self.key_filter(key)?),
                insert(row)?,
            ],
            HistoryChange::Delete(key) => {
                vec![format!("DELETE FROM {t} WHERE {}", self.key_filter(key)?)]
            }
            _ => Vec::new(),
        })
    }

    /// A query returning one row when `change` is in effect: used after a lost connection to
    /// learn whether the transaction that carried it committed.
    pub fn committed_sql(&self, change: &HistoryChange) -> Result<Option<String>, DriverError> {
        let t = &self.qualified;
        let row_sql = |row: &HistoryRow| -> Result<String, DriverError> {
            let status = row.status.as_str();
            let done = match row.status.statements_done() {
                Some(n) => format!("= {n}"),
                None => "IS NULL".to_string(),
            };
            Ok(format!(
                "SELECT 1 FROM {t} WHERE {} AND kind = {} AND checksum IS NOT DISTINCT FROM {} \
                 AND batch = {} AND status = {} AND statements_done {done}",
                self.key_filter(&row.key())?,
                literal(row.kind.as_str())?,
                opt_literal(row.checksum.as_deref())?,
                row.batch,
                literal(status)?,
            ))
        };
        Ok(match change {
            HistoryChange::Insert(row) | HistoryChange::Replace { row, .. } => Some(row_sql(row)?),
            HistoryChange::Delete(key) => Some(format!(
                "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM {t} WHERE {})",
                self.key_filter(key)?
            )),
            _ => None,
        })
    }
}

/// Parses the rows of [`Table::read_sql`].
pub(crate) fn parse_rows(
    table: &Table,
    rows: &[SimpleQueryRow],
) -> Result<Vec<AppliedMigration>, DriverError> {
    let bad = |what: String| {
        DriverError::new(
            DriverErrorKind::History,
            format!("history table {}: {what}", table.qualified),
        )
        .with_hint(Some(
            "the table was changed by hand or by another tool; restore it or pick another table with `history_table` / another schema with `schema`".into(),
        ))
    };
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let text = |i: usize| r.get(i).map(str::to_string);
        let need = |i: usize| text(i).ok_or_else(|| bad(format!("column {} is NULL", i + 1)));
        let int = |i: usize| -> Result<i64, DriverError> {
            need(i)?
                .parse::<i64>()
                .map_err(|e| bad(format!("column {}: {e}", i + 1)))
        };
        let version = need(0)?;
        let kind = need(2)?;
        let kind =
            AppliedKind::parse(&kind).ok_or_else(|| bad(format!("unknown kind `{kind}`")))?;
        let version = if version.is_empty() {
            None
        } else {
            Some(Version::parse(&version).map_err(|e| bad(e.to_string()))?)
        };
        let status = need(5)?;
        let done = text(6).and_then(|s| s.parse::<i64>().ok());
        let status = AppliedStatus::parse(&status, done)
            .ok_or_else(|| bad(format!("unknown status `{status}`")))?;
        let mut a = AppliedMigration::new(version, need(1)?, kind)
            .with_batch(int(4)?)
            .with_status(status)
            .with_down_script(text(10));
        a.checksum = text(3).map(Checksum::from_stored);
        a.applied_at = need(7)?;
        a.applied_by = need(8)?;
        a.execution_ms = int(9)?;
        a.tool_version = need(11)?;
        a.note = text(12);
        out.push(a);
    }
    Ok(out)
}
