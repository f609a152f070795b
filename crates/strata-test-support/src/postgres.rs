//! PostgreSQL test databases: a uniquely named database on the server named by
//! `STRATA_TEST_DATABASE_URL`, created for one test and dropped (forcibly) afterwards.
//!
//! Each call runs on a thread of its own with its own small runtime and connection, so the
//! helpers work the same from plain tests and from inside a tokio runtime.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// The server tests use unless `STRATA_TEST_DATABASE_URL` names another.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub(crate) struct PgDb {
    admin_url: String,
    name: String,
    url: String,
    dir: tempfile::TempDir,
}

/// The admin URL from the environment, or the default.
pub fn admin_url() -> String {
    std::env::var("STRATA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| DEFAULT_URL.to_string())
}

/// `url` with its password replaced.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if url[s + 3..at].contains(':') => {
            let colon = s + 3 + url[s + 3..at].find(':').unwrap_or(0);
            format!("{}:***{}", &url[..colon], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// `url` pointing at database `db` instead.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Runs `f` with a connection to `url`, on a thread of its own.
fn with_client<T: Send>(url: &str, f: impl AsyncFnOnce(&Client) -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("cannot start a tokio runtime");
            rt.block_on(async {
                let (client, connection) = match tokio_postgres::connect(url, NoTls).await {
                    Ok(c) => c,
                    Err(e) => panic!(
                        "cannot reach the PostgreSQL test server at {} ({e}).\n\
                         Start it with `pg_ctlcluster --skip-systemctl-redirect <version> main start` \
                         (the installed versions are the directories in /etc/postgresql), or set \
                         STRATA_TEST_DATABASE_URL to a server where this user may create databases. \
                         Tests never skip PostgreSQL.",
                        redact(url)
                    ),
                };
                let io = tokio::spawn(connection);
                let out = f(&client).await;
                drop(client);
                let _ = io.await;
                out
            })
        })
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
    })
}

fn rows_of(messages: Vec<SimpleQueryMessage>) -> Vec<Vec<String>> {
    messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_string())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

impl PgDb {
    pub(crate) fn new() -> PgDb {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "strata_test_{}_{}_{nanos:x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let admin_url = admin_url();
        let sql = format!("CREATE DATABASE \"{name}\"");
        with_client(&admin_url, async |c| {
            c.batch_execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        });
        PgDb {
            url: with_database(&admin_url, &name),
            admin_url,
            name,
            dir: tempfile::tempdir().expect("cannot create a temporary directory"),
        }
    }

    pub(crate) fn url(&self) -> String {
        self.url.clone()
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn tables(&self) -> Vec<String> {
        self.query_strings(
            "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS t \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
             AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1",
        )
    }

    pub(crate) fn indexes(&self) -> Vec<String> {
        self.query_strings(
            "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END \
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY 1",
        )
    }

    pub(crate) fn query_rows(&self, sql: &str) -> Vec<Vec<String>> {
        with_client(&self.url, async |c| {
            rows_of(
                c.simple_query(sql)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}")),
            )
        })
    }

    pub(crate) fn query_strings(&self, sql: &str) -> Vec<String> {
        self.query_rows(sql)
            .into_iter()
            .map(|mut r| r.swap_remove(0))
            .collect()
    }

    pub(crate) fn execute(&self, sql: &str) {
        with_client(&self.url, async |c| {
            c.batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
        })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let name = self.name.clone();
        let drop_db = async move |c: &Client| {
            let version: u32 = c
                .simple_query("SHOW server_version_num")
                .await
                .ok()
                .and_then(|m| rows_of(m).first().map(|r| r[0].parse().unwrap_or(0)))
                .unwrap_or(0);
            let sql = if version >= 130000 {
                format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
            } else {
                format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'; \
                     DROP DATABASE IF EXISTS \"{name}\""
                )
            };
            c.batch_execute(&sql).await
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_client(&self.admin_url, drop_db)
        }));
        if let Ok(Err(e)) = result {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_point_at_the_test_database() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t2"),
            "postgres://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
        assert_eq!(redact("postgres://u:p@h/db"), "postgres://u:***@h/db");
    }
}
