//! SQLite test databases: a file in a temporary directory.

use std::path::Path;

pub(crate) struct SqliteDb {
    dir: tempfile::TempDir,
}

impl SqliteDb {
    pub(crate) fn new() -> SqliteDb {
        SqliteDb {
            dir: tempfile::tempdir().expect("cannot create a temporary directory"),
        }
    }

    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("test.db")
    }

    pub(crate) fn url(&self) -> String {
        format!("sqlite:{}", self.path().display())
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.path()).expect("cannot open the test database")
    }

    pub(crate) fn tables(&self) -> Vec<String> {
        self.query_strings(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
    }

    pub(crate) fn indexes(&self) -> Vec<String> {
        self.query_strings(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
    }

    pub(crate) fn query_strings(&self, sql: &str) -> Vec<String> {
        self.query_rows(sql)
            .into_iter()
            .map(|mut row| row.swap_remove(0))
            .collect()
    }

    pub(crate) fn query_rows(&self, sql: &str) -> Vec<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i).map(text))
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.map(|r| r.unwrap_or_else(|e| panic!("{sql}: {e}")))
            .collect()
    }

    pub(crate) fn execute(&self, sql: &str) {
        self.conn()
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

fn text(v: rusqlite::types::Value) -> String {
    match v {
        rusqlite::types::Value::Null => "NULL".to_string(),
        rusqlite::types::Value::Integer(i) => i.to_string(),
        rusqlite::types::Value::Real(f) => f.to_string(),
        rusqlite::types::Value::Text(t) => t,
        rusqlite::types::Value::Blob(b) => format!("{b:?}"),
    }
}
