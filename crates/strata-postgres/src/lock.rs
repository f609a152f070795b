//! The migration lock, in two forms.
//!
//! **Advisory (default).** `pg_try_advisory_lock(key)` on a connection of its own. Session-level
//! advisory locks belong to the session, not to a transaction, so they survive the migration
//! transactions' commits and rollbacks; holding it on a dedicated connection means nothing a
//! migration runs (`DISCARD ALL`, `pg_advisory_unlock_all()`, a lost migration connection)
//! can release it early, and the server releases it by itself when that connection ends — also
//! when the process is killed, because the kernel closes the socket and the idle backend sees
//! end-of-file at once. We poll `pg_try_advisory_lock` instead of blocking in
//! `pg_advisory_lock`, so the wait is bounded by `--lock-wait` on our side and we can say who
//! holds the lock while waiting.
//!
//! **Table (lease).** Behind a transaction-pooling PgBouncer a session lock would be taken on
//! whatever server connection the pooler lent for that one statement. There the lock is a lease
//! row `(owner, heartbeat_at, expires_at)` written with one atomic `INSERT ... ON CONFLICT DO
//! UPDATE ... WHERE expires_at < now()`: another runner takes it over only once it expired.
//! A background task renews it (on its own connection: the migration connection may be busy
//! for minutes inside one statement); if renewal finds the lease taken, the run stops.

use crate::conn::{exec, rows};
use crate::history::Table;
use crate::sql::literal;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use strata_core::{DriverError, DriverErrorKind};
use tokio_postgres::Client;

/// The advisory lock key of a history table: the first 8 bytes of
/// `sha256("strata:" + schema + "." + table)`. Stable across builds and platforms (unlike
/// Rust's randomly seeded hasher), so every strata version computes the same key.
pub(crate) fn advisory_key(table: &Table) -> i64 {
    let digest = Sha256::digest(format!("strata:{}.{}", table.schema, table.name).as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

/// A held migration lock.
pub(crate) enum HeldLock {
    Advisory {
        client: Client,
        key: i64,
    },
    Lease {
        client: Arc<Client>,
        table: Table,
        owner: String,
        heartbeat: AbortOnDrop,
        lost: Arc<AtomicBool>,
    },
}

/// The heartbeat task, stopped when the lock is released or dropped.
pub(crate) struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl HeldLock {
    /// Fails when the lock may have been lost: its connection died, or the lease was taken.
    pub fn check(&self) -> Result<(), DriverError> {
        let lost = match self {
            HeldLock::Advisory { client, .. } => client.is_closed(),
            HeldLock::Lease { lost, .. } => lost.load(Ordering::SeqCst),
        };
        if lost {
            return Err(DriverError::new(
                DriverErrorKind::ConnectionLost,
                "lost the migration lock (its connection to PostgreSQL ended or its lease expired); stopping so that no other runner works at the same time",
            )
            .with_hint(Some(
                "run `strata status` to see what is applied, then run the command again".into(),
            )));
        }
        Ok(())
    }

    /// A live connection to the server, for work that may use any session.
    pub fn client(&self) -> Option<&Client> {
        let c = match self {
            HeldLock::Advisory { client, .. } => client,
            HeldLock::Lease { client, .. } => client.as_ref(),
        };
        (!c.is_closed()).then_some(c)
    }

    /// Releases the lock. The connection is dropped afterwards either way, which releases an
    /// advisory lock even when the unlock statement could not be sent.
    pub async fn release(self) -> Result<(), DriverError> {
        match self {
            HeldLock::Advisory { client, key } => {
                if client.is_closed() {
                    return Ok(());
                }
                exec(&client, &format!("SELECT pg_advisory_unlock({key})")).await
            }
            HeldLock::Lease {
                client,
                table,
                owner,
                heartbeat,
                ..
            } => {
                drop(heartbeat);
                let sql = format!(
                    "DELETE FROM {} WHERE id = 1 AND owner = {}",
                    table.qualified,
                    literal(&owner)?
                );
                exec(&client, &sql).await
            }
        }
    }
}

/// Bounded waiting for a lock: reports the holder once, then backs off until `wait` is over.
struct Waiter {
    wait: Duration,
    deadline: Instant,
    pause: Duration,
    reported: bool,
}

impl Waiter {
    fn new(wait: Duration) -> Waiter {
        Waiter {
            wait,
            deadline: Instant::now() + wait,
            pause: Duration::from_millis(25),
            reported: false,
        }
    }

    /// The lock is held by `holder`: wait a little, or fail once the wait is over.
    async fn again(
        &mut self,
        holder: String,
        waiting: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DriverError> {
        if Instant::now() >= self.deadline {
            return Err(DriverError::new(
                DriverErrorKind::LockTimeout,
                format!(
                    "another runner holds the migration lock ({holder}) and did not release it within {:.1} s",
                    self.wait.as_secs_f64()
                ),
            )
            .with_hint(Some(
                "wait for it to finish, or raise --lock-wait (lock_wait in strata.toml)".into(),
            )));
        }
        if !self.reported {
            waiting(holder);
            self.reported = true;
        }
        let left = self.deadline.saturating_duration_since(Instant::now());
        tokio::time::sleep(self.pause.min(left).max(Duration::from_millis(1))).await;
        self.pause = (self.pause * 2).min(Duration::from_millis(500));
        Ok(())
    }
}

/// One attempt at the advisory lock `key` on `client`, without waiting: whether it was free (and
/// is now held by `client`'s session).
pub(crate) async fn try_advisory(client: &Client, key: i64) -> Result<bool, DriverError> {
    let got = rows(client, &format!("SELECT pg_try_advisory_lock({key})::text")).await?;
    Ok(got.first().and_then(|r| r.get(0)) == Some("true"))
}

/// Takes the advisory lock on `client` (a connection of its own).
pub(crate) async fn advisory(
    client: Client,
    table: &Table,
    wait: Duration,
    waiting: &mut (dyn FnMut(String) + Send),
) -> Result<HeldLock, DriverError> {
    let key = advisory_key(table);
    // A bigint key shows in pg_locks as classid (high half), objid (low half), objsubid 1.
    let holder_sql = format!(
        "SELECT a.pid::text, coalesce(a.application_name, ''), coalesce(a.usename::text, '?'), \
         coalesce(host(a.client_addr), 'a local socket'), \
         coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '?'), \
         coalesce(to_char(a.query_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '?') \
         FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
         AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
         AND l.classid = {}::oid AND l.objid = {}::oid",
        (key as u64 >> 32) as u32,
        key as u64 as u32
    );
    let mut waiter = Waiter::new(wait);
    loop {
        if try_advisory(&client, key).await? {
            break;
        }
        let who = rows(&client, &holder_sql).await?;
        let holder = match who.first() {
            Some(r) => {
                let f = |i| r.get(i).unwrap_or("?");
                format!(
                    "held by pid {}, application_name `{}`, user {} from {}, connected since {}, last query at {}",
                    f(0), f(1), f(2), f(3), f(4), f(5)
                )
            }
            None => "its holder just released it".to_string(),
        };
        waiter.again(holder, waiting).await?;
    }
    Ok(HeldLock::Advisory { client, key })
}

/// Who this process is, for the lease's `owner` column.
fn owner_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown-host".into());
    let user = std::env::var("USER").unwrap_or_default();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "strata pid {} on {host} (user {user}) #{:x}",
        std::process::id(),
        nanos & 0xffff_ffff
    )
}

/// Creates the lease table when missing. Two runners may get here at once, before either
/// holds anything: a transaction-level advisory lock (released at commit, so it works through
/// a transaction pooler) makes the second wait for the first's `CREATE TABLE`.
async fn ensure_lease_table(client: &Client, table: &Table) -> Result<(), DriverError> {
    let exists = rows(client, &table.exists_sql()?).await?;
    let flag = |i| exists.first().and_then(|r| r.get(i)) == Some("true");
    if flag(1) {
        return Ok(());
    }
    let mut sql = format!(
        "BEGIN; SELECT pg_advisory_xact_lock({});",
        advisory_key(table)
    );
    if !flag(0) {
        sql.push_str(&table.create_schema_sql());
        sql.push(';');
    }
    sql.push_str(&format!(
        "CREATE TABLE IF NOT EXISTS {} (id integer PRIMARY KEY CHECK (id = 1), owner text NOT NULL, \
         acquired_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL, expires_at timestamptz NOT NULL); COMMIT",
        table.qualified
    ));
    let r = exec(client, &sql).await;
    if r.is_err() {
        let _ = exec(client, "ROLLBACK").await;
    }
    r
}

/// Takes the lease in `table` (`<history>_lock`), renewing it every third of `ttl`.
pub(crate) async fn lease(
    client: Client,
    table: Table,
    ttl: Duration,
    wait: Duration,
    waiting: &mut (dyn FnMut(String) + Send),
) -> Result<HeldLock, DriverError> {
    let client = Arc::new(client);
    ensure_lease_table(&client, &table).await?;
    let owner = owner_id();
    let secs = ttl.as_secs_f64();
    let fmt =
        |col: &str| format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')");
    let take_sql = format!(
        "INSERT INTO {t} AS l (id, owner, acquired_at, heartbeat_at, expires_at) \
         VALUES (1, {o}, now(), now(), now() + make_interval(secs => {secs})) \
         ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, acquired_at = EXCLUDED.acquired_at, \
         heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at WHERE l.expires_at < now(); \
         SELECT owner, {}, {}, {} FROM {t} WHERE id = 1",
        fmt("acquired_at"),
        fmt("heartbeat_at"),
        fmt("expires_at"),
        t = table.qualified,
        o = literal(&owner)?,
    );
    let mut waiter = Waiter::new(wait);
    loop {
        let got = rows(&client, &take_sql).await?;
        let row = got.first();
        let f = |i| row.and_then(|r| r.get(i)).unwrap_or("?").to_string();
        if f(0) == owner {
            break;
        }
        let holder = format!(
            "lease held by {}, taken at {}, last heartbeat {}, expires {} unless renewed",
            f(0),
            f(1),
            f(2),
            f(3)
        );
        waiter.again(holder, waiting).await?;
    }
    let lost = Arc::new(AtomicBool::new(false));
    let renew_sql = format!(
        "UPDATE {} SET heartbeat_at = now(), expires_at = now() + make_interval(secs => {secs}) \
         WHERE id = 1 AND owner = {} RETURNING 1",
        table.qualified,
        literal(&owner)?
    );
    let heartbeat = {
        let client = client.clone();
        let lost = lost.clone();
        AbortOnDrop(tokio::spawn(async move {
            let mut last_ok = Instant::now();
            loop {
                tokio::time::sleep(ttl / 3).await;
                match rows(&client, &renew_sql).await {
                    Ok(r) if r.is_empty() => {
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                    Ok(_) => last_ok = Instant::now(),
                    Err(_) if last_ok.elapsed() >= ttl => {
                        lost.store(true, Ordering::SeqCst);
                        return;
                    }
                    Err(_) => {}
                }
            }
        }))
    };
    Ok(HeldLock::Lease {
        client,
        table,
        owner,
        heartbeat,
        lost,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_stable_and_depends_on_schema_and_table() {
        let a = advisory_key(&Table::new("public", "strata_migrations"));
        assert_eq!(a, advisory_key(&Table::new("public", "strata_migrations")));
        assert_ne!(a, advisory_key(&Table::new("app", "strata_migrations")));
        assert_ne!(a, advisory_key(&Table::new("public", "other")));
        // Pinned: a change would let two strata versions run at once.
        let digest = Sha256::digest(b"strata:public.strata_migrations");
        assert_eq!(a.to_be_bytes(), digest[..8]);
    }
}
