//! Scratch databases: a uniquely named database created on a server for one job (building the
//! schema the migrations describe, round-trip checks, the linter's measurements) and dropped
//! afterwards.
//!
//! Dropped on every exit path: [`ScratchDatabase::drop_now`] on the normal path, and the
//! `Drop` implementation on any other (an early `?`, a panic, a cancelled future), which drops
//! it from a thread of its own. A process that is killed cannot run either, so each scratch
//! database's name holds the server process (id and start time) of the connection that created
//! it and stays open until the end; the next [`ScratchDatabase::create`] on that server drops
//! the scratch databases whose creator is gone.
//!
//! Roles are cluster-wide: a migration that creates a role leaves it behind when its scratch
//! database is dropped, and fails on the next run unless it is written to tolerate an existing
//! role (or the scratch server is a separate one, see `shadow_url`).

use crate::conn::{exec, rows, Connector};
use crate::sql::ident;
use crate::url;
use std::time::{SystemTime, UNIX_EPOCH};
use strata_core::DriverError;
use tokio_postgres::Client;

/// Every scratch database's name starts with this.
pub const PREFIX: &str = "strata_scratch_";

/// A database created for one job and dropped when it ends.
pub struct ScratchDatabase {
    connector: Connector,
    /// Held open while the database lives: its server process is the creator recorded in the
    /// database's comment.
    admin: Option<Client>,
    name: String,
    url: String,
    dropped: bool,
}

impl std::fmt::Debug for ScratchDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScratchDatabase")
            .field("name", &self.name)
            .finish()
    }
}

impl ScratchDatabase {
    /// Creates `strata_scratch_<time>_<random>` on the server `server_url` points at (any
    /// database of it; the user needs `CREATEDB`), after dropping orphans of killed runs.
    pub async fn create(server_url: &str) -> Result<ScratchDatabase, DriverError> {
        let params = url::parse(server_url, &url::process_env)?;
        let connector = Connector::new(params)?;
        let admin = connector.open(None).await?;
        drop_orphans(&admin).await;
        let me = rows(
            &admin,
            "SELECT pg_backend_pid()::text, (extract(epoch FROM backend_start) * 1000000)::bigint::text \
             FROM pg_stat_activity WHERE pid = pg_backend_pid()",
        )
        .await?;
        let field = |i| me.first().and_then(|r| r.get(i)).unwrap_or("0").to_string();
        let name = unique_name(&field(0), &field(1));
        exec(&admin, &format!("CREATE DATABASE {}", ident(&name)))
            .await
            .map_err(|mut e| {
                e.message = format!("cannot create a scratch database: {}", e.message);
                if e.code.as_deref() == Some("42501") {
                    e.hint = Some(
                        "the user needs CREATEDB on this server; or give --shadow-url for a server where it has it"
                            .into(),
                    );
                }
                e
            })?;
        Ok(ScratchDatabase {
            url: with_database(server_url, &name),
            connector,
            admin: Some(admin),
            name,
            dropped: false,
        })
    }

    /// The URL of the scratch database (the server URL with the database replaced).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Drops the database now, ending every session still connected to it.
    pub async fn drop_now(mut self) -> Result<(), DriverError> {
        self.drop_inner().await
    }

    async fn drop_inner(&mut self) -> Result<(), DriverError> {
        if self.dropped {
            return Ok(());
        }
        let admin = match self.admin.take() {
            Some(c) if !c.is_closed() => c,
            _ => self.connector.open(None).await?,
        };
        drop_database(&admin, &self.name).await?;
        self.dropped = true;
        Ok(())
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // No async in `drop`: a thread with its own runtime and connection (the admin client
        // belongs to the caller's runtime, which may be shutting down).
        let connector = self.connector.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async {
                    if let Ok(c) = connector.open(None).await {
                        let _ = drop_database(&c, &name).await;
                    }
                });
            }
        })
        .join();
    }
}

async fn drop_database(admin: &Client, name: &str) -> Result<(), DriverError> {
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a failed job left connected.
    let force = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(name));
    match exec(admin, &force).await {
        Err(e) if e.code.as_deref() == Some("42601") => {
            exec(admin, &format!("DROP DATABASE IF EXISTS {}", ident(name))).await
        }
        other => other,
    }
}

/// Drops scratch databases whose creating connection is gone (their run was killed): the name
/// holds the creator's server process id and start time, so this needs no second step that a
/// concurrent run could observe half done. Errors are ignored: an orphan of another user cannot
/// be dropped, and must not stop this run.
async fn drop_orphans(admin: &Client) {
    let sql = format!(
        "SELECT d.datname FROM pg_catalog.pg_database d \
         WHERE d.datname ~ '^{PREFIX}[0-9]+_[0-9]+_[0-9a-f]+$' \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE d.datname LIKE \
           '{escaped}' || a.pid || '\\_' || \
           (extract(epoch FROM a.backend_start) * 1000000)::bigint || '\\_%')",
        escaped = PREFIX.replace('_', "\\_")
    );
    if let Ok(found) = rows(admin, &sql).await {
        for r in found {
            if let Some(name) = r.get(0) {
                let _ = drop_database(admin, name).await;
            }
        }
    }
}

/// `strata_scratch_<creator pid>_<creator start, µs>_<random>`.
fn unique_name(pid: &str, started: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    // RandomState is seeded randomly per process: a cheap source of uniqueness.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(now.as_nanos());
    h.write_u32(std::process::id());
    format!("{PREFIX}{pid}_{started}_{:08x}", h.finish() as u32)
}

/// `url` with its database replaced by `db` (the path of a `postgres://` URL).
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
        let kept: Vec<&str> = q
            .split('&')
            .filter(|kv| !kv.starts_with("dbname="))
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/app?sslmode=require", "x"),
            "postgres://u:p@h:5432/x?sslmode=require"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgresql://h/db?dbname=other&a=1", "x"),
            "postgresql://h/x?a=1"
        );
        let n = unique_name("4242424", "1763726400123456");
        assert!(n.starts_with(PREFIX) && n.len() < 63, "{n}");
    }
}
