//! [`PostgresDriver`]: the strata primitives on tokio-postgres.

use crate::conn::{exec, exec_counting, rows, Connector};
use crate::history::{self, Table};
use crate::lock::{self, HeldLock};
use crate::options::{millis, LockMode, PgOptions};
use crate::sql::{char_to_byte, Batch};
use crate::{error, url};
use std::time::Duration;
use strata_core::{
    AppliedMigration, Capabilities, Dialect, Driver, DriverError, DriverErrorKind, HistoryChange,
    LockOptions,
};
use tokio_postgres::Client;

mod verify;

/// How often the server checks, during a long statement, that strata is still connected
/// (PostgreSQL 14+). Without it, a killed runner's backend keeps running (and holding its
/// locks) until its current statement ends, which would block the next run.
const CLIENT_CHECK_MS: u32 = 1000;

/// A PostgreSQL database opened for migrating: one connection for migrations, plus one for the
/// lock while it is held.
pub struct PostgresDriver {
    connector: Connector,
    main: Client,
    options: PgOptions,
    table: Table,
    /// `15.4`
    server_version: String,
    /// `150004`
    version_num: u32,
    /// The main connection's backend, to settle what happened to it after a lost connection.
    backend: Backend,
    lock: Option<HeldLock>,
    /// The lock's connection, opened in the background while the migration connection is set
    /// up, so a run pays for one connection set-up (and TLS handshake) instead of two in a row.
    spare: Option<Spare>,
    /// Migration transactions committed with `synchronous_commit = off` since the last flush.
    unflushed: bool,
    /// Inside `begin_all`.
    all: bool,
    /// The history table is known to exist.
    history_ready: bool,
}

/// A connection being opened in the background; dropped unused for read-only commands.
struct Spare(tokio::task::JoinHandle<Result<Client, DriverError>>);

impl Drop for Spare {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Which server process serves a connection.
#[derive(Debug, Clone, Default)]
struct Backend {
    pid: String,
    started: String,
}

impl std::fmt::Debug for PostgresDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresDriver")
            .field("target", &self.connector.params.display)
            .field("table", &self.table.qualified)
            .field("server_version", &self.server_version)
            .finish()
    }
}

impl PostgresDriver {
    /// Connects to the database a `postgres://` or `postgresql://` URL names (gaps filled from
    /// the `PG*` environment variables, as libpq does).
    pub async fn connect(url: &str, options: PgOptions) -> Result<PostgresDriver, DriverError> {
        let params = url::parse(url, &url::process_env)?;
        let connector = Connector::new(params)?;
        let table = Table::new(&options.schema, &options.history_table);
        let spare = {
            let c = connector.clone();
            Spare(tokio::spawn(async move { c.open(None).await }))
        };
        let (main, info) = open_main(&connector, &options).await?;
        Ok(PostgresDriver {
            connector,
            main,
            table,
            options,
            server_version: info.0,
            version_num: info.1,
            backend: info.2,
            lock: None,
            spare: Some(spare),
            unflushed: false,
            all: false,
            history_ready: false,
        })
    }

    /// The schema of the history table.
    pub fn schema(&self) -> &str {
        &self.table.schema
    }

    /// The history table's name.
    pub fn history_table(&self) -> &str {
        &self.table.name
    }

    /// The server's version number (`150004` for 15.4).
    pub fn server_version_num(&self) -> u32 {
        self.version_num
    }

    fn check_lock(&self) -> Result<(), DriverError> {
        match &self.lock {
            Some(l) => l.check(),
            None => Ok(()),
        }
    }

    /// `SET LOCAL` of the timeouts, for lease mode: behind a transaction pooler session settings
    /// would land on whichever server connection the pooler lends, so each transaction sets its
    /// own.
    fn local_settings(&self, batch: &mut Batch) {
        if self.options.lock_mode == LockMode::Table {
            batch.prefix(&format!(
                "SET LOCAL lock_timeout = {}",
                millis(self.options.lock_timeout)
            ));
            batch.prefix(&format!(
                "SET LOCAL statement_timeout = {}",
                millis(self.options.statement_timeout)
            ));
        }
    }

    /// After the migration connection was lost in the middle of a transaction: reconnects, makes
    /// sure the old backend is gone (so its transaction can no longer commit), and says whether
    /// `change` is in effect, i.e. whether that transaction committed.
    async fn settle_after_loss(&mut self, change: &HistoryChange) -> Result<bool, DriverError> {
        let (client, info) = open_main(&self.connector, &self.options).await?;
        self.main = client;
        let old = std::mem::replace(&mut self.backend, info.2);
        if !old.pid.is_empty() {
            let alive = format!(
                "SELECT 1 FROM pg_catalog.pg_stat_activity WHERE pid = {} AND backend_start::text = {}",
                old.pid,
                crate::sql::literal(&old.started)?
            );
            let mut waited = Duration::ZERO;
            while !rows(&self.main, &alive).await?.is_empty() {
                // Still running (a network failure, not a server-side kill): end it first.
                exec(
                    &self.main,
                    &format!("SELECT pg_terminate_backend({})", old.pid),
                )
                .await?;
                if waited > Duration::from_secs(10) {
                    return Err(DriverError::new(
                        DriverErrorKind::ConnectionLost,
                        format!(
                            "the server process {} of the lost connection does not end",
                            old.pid
                        ),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                waited += Duration::from_millis(50);
            }
        }
        match self.table.committed_sql(change)? {
            Some(sql) => Ok(!rows(&self.main, &sql).await?.is_empty()),
            None => Ok(false),
        }
    }

    /// A connection for a durability flush: the migration connection, else any other live one.
    async fn any_client(&mut self) -> Result<&Client, DriverError> {
        if self.main.is_closed() {
            if let Some(c) = self.lock.as_ref().and_then(HeldLock::client) {
                return Ok(c);
            }
            let (client, info) = open_main(&self.connector, &self.options).await?;
            self.main = client;
            self.backend = info.2;
        }
        Ok(&self.main)
    }
}

type ServerInfo = (String, u32, Backend);

/// Opens the migration connection. In advisory mode the timeouts go into the startup packet
/// (no round trip); one query then reads the server version and backend, and on 14+ turns on
/// `client_connection_check_interval`.
async fn open_main(
    connector: &Connector,
    options: &PgOptions,
) -> Result<(Client, ServerInfo), DriverError> {
    let advisory = options.lock_mode == LockMode::Advisory;
    let startup = format!(
        "-c lock_timeout={} -c statement_timeout={}",
        millis(options.lock_timeout),
        millis(options.statement_timeout)
    );
    let client = connector.open(advisory.then_some(startup.as_str())).await?;
    let check = if advisory {
        format!(
            "CASE WHEN current_setting('server_version_num')::int >= 140000 \
             THEN set_config('client_connection_check_interval', '{CLIENT_CHECK_MS}', false) END"
        )
    } else {
        "NULL".into()
    };
    let sql = format!(
        "SELECT current_setting('server_version'), current_setting('server_version_num'), \
         pg_backend_pid()::text, (SELECT backend_start::text FROM pg_catalog.pg_stat_activity \
         WHERE pid = pg_backend_pid()), {check}"
    );
    let got = rows(&client, &sql).await?;
    let r = got.first();
    let f = |i| r.and_then(|r| r.get(i)).unwrap_or("").to_string();
    let version = f(0).split_whitespace().next().unwrap_or("").to_string();
    let num = f(1).parse().unwrap_or(0);
    let backend = Backend {
        pid: f(2),
        started: f(3),
    };
    Ok((client, (version, num, backend)))
}

#[async_trait::async_trait]
impl Driver for PostgresDriver {
    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::new("postgres", Dialect::Postgres, true);
        c.server_version = Some(self.server_version.clone());
        c
    }

    async fn lock(&mut self, opts: &LockOptions) -> Result<(), DriverError> {
        self.lock_reporting(opts, &mut |_| {}).await
    }

    async fn lock_reporting(
        &mut self,
        opts: &LockOptions,
        waiting: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DriverError> {
        if self.lock.is_some() {
            return Ok(());
        }
        let spare = match self.spare.take() {
            Some(mut s) => (&mut s.0).await.ok().and_then(Result::ok),
            None => None,
        };
        let client = match spare {
            Some(c) if !c.is_closed() => c,
            _ => self.connector.open(None).await?,
        };
        let held = match self.options.lock_mode {
            LockMode::Advisory => lock::advisory(client, &self.table, opts.wait, waiting).await?,
            LockMode::Table => {
                let table = self.table.sibling("_lock");
                let ttl = self.options.lease_ttl;
                lock::lease(client, table, ttl, opts.wait, waiting).await?
            }
        };
        self.lock = Some(held);
        Ok(())
    }

    async fn unlock(&mut self) -> Result<(), DriverError> {
        if self.all {
            // Never leave a transaction open behind the lock.
            self.all = false;
            let _ = exec(&self.main, "ROLLBACK").await;
        }
        match self.lock.take() {
            Some(l) => l.release().await,
            None => Ok(()),
        }
    }

    async fn ensure_history(&mut self) -> Result<(), DriverError> {
        if self.history_ready {
            return Ok(());
        }
        self.check_lock()?;
        let got = rows(&self.main, &self.table.exists_sql()?).await?;
        let flag = |i| got.first().and_then(|r| r.get(i)) == Some("true");
        if !flag(1) {
            // CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege on the database before it
            // looks for the schema, so it is only sent when the schema is missing.
            let mut sql = String::new();
            if !flag(0) {
                sql.push_str(&self.table.create_schema_sql());
                sql.push_str(";\n");
            }
            sql.push_str(&self.table.create_sql());
            exec(&self.main, &sql).await?;
        }
        self.history_ready = true;
        Ok(())
    }

    async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, DriverError> {
        match rows(&self.main, &self.table.read_sql()).await {
            Ok(r) => history::parse_rows(&self.table, &r),
            // undefined_table, invalid_schema_name: nothing applied yet.
            Err(e) if matches!(e.code.as_deref(), Some("42P01" | "3F000")) => Ok(Vec::new()),
            Err(mut e) if e.code.as_deref() == Some("42703") => {
                e.kind = DriverErrorKind::History;
                e.message = format!(
                    "{} is not a strata history table: {}",
                    self.table.qualified, e.message
                );
                e.hint = Some("another tool uses this name: pick another table with `history_table` or another schema with `schema`".into());
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// One round trip: `BEGIN`, the statements, the history row and `COMMIT` go to the server
    /// as one simple-protocol query. The server runs them in order and stops at the first
    /// error; its error position (characters into the whole text) or, when it gives none, the
    /// number of statements that completed names the failing statement. Only a failure costs a
    /// second round trip (`ROLLBACK` of the aborted transaction).
    ///
    /// Migration transactions commit with `synchronous_commit = off`: the commit returns
    /// without waiting for the WAL flush. That is safe because each migration and its history
    /// row still commit atomically and in order (WAL is replayed in order, so a server crash
    /// can only lose a suffix of them, never leave a half), and [`flush`](Driver::flush) makes
    /// all of them durable before strata reports success.
    async fn apply_atomic(
        &mut self,
        statements: &[&str],
        change: &HistoryChange,
    ) -> Result<(), (usize, DriverError)> {
        let n = statements.len();
        self.check_lock().map_err(|e| (0, e))?;
        let mut batch = Batch::default();
        if !self.all {
            batch.prefix("BEGIN");
            batch.prefix("SET LOCAL synchronous_commit = off");
            self.local_settings(&mut batch);
        }
        for s in statements {
            batch.statement(s);
        }
        for w in self.table.write_sql(change, true).map_err(|e| (n, e))? {
            batch.suffix(&w);
        }
        if !self.all {
            batch.suffix("COMMIT");
        }
        let (completed, e) = match exec_counting(&self.main, &batch.sql).await {
            Ok(()) => {
                self.unflushed |= !self.all;
                return Ok(());
            }
            Err(failure) => failure,
        };
        let mut err = error::map(&e);
        let (index, offset) = match error::position(&e).and_then(|p| batch.locate(p)) {
            Some((i, off)) => (i, (i < n).then_some(off)),
            None => (completed.saturating_sub(batch.prefix_commands).min(n), None),
        };
        err.position = offset;
        if err.kind == DriverErrorKind::ConnectionLost && !self.all {
            match self.settle_after_loss(change).await {
                // The COMMIT went through before the connection broke.
                Ok(true) => {
                    self.unflushed = true;
                    return Ok(());
                }
                Ok(false) => {
                    err.message.push_str("; its transaction did not commit");
                }
                Err(e2) => err.message.push_str(&format!(
                    "; whether its transaction committed is unknown (reconnecting failed: {})",
                    e2.message
                )),
            }
        } else if !self.all {
            // The transaction is aborted (or already over, if COMMIT itself failed).
            let _ = exec(&self.main, "ROLLBACK").await;
        }
        Err((index, err))
    }

    async fn execute(&mut self, statement: &str) -> Result<(), DriverError> {
        self.check_lock()?;
        exec_counting(&self.main, statement)
            .await
            .map_err(|(_, e)| {
                let mut err = error::map(&e);
                err.position = error::position(&e).map(|p| char_to_byte(statement, p));
                err
            })
    }

    async fn record(&mut self, change: &HistoryChange) -> Result<(), DriverError> {
        self.check_lock()?;
        // Several statements in one simple query run as one implicit transaction.
        let sql = self.table.write_sql(change, false)?.join(";\n");
        exec(&self.main, &sql).await
    }

    async fn begin_all(&mut self) -> Result<(), DriverError> {
        self.check_lock()?;
        let mut batch = Batch::default();
        batch.prefix("BEGIN");
        self.local_settings(&mut batch);
        exec(&self.main, &batch.sql).await?;
        self.all = true;
        Ok(())
    }

    async fn commit_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        exec(&self.main, "COMMIT").await
    }

    async fn rollback_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        exec(&self.main, "ROLLBACK").await
    }

    async fn verify(&mut self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        self.run_verify(statements).await
    }

    /// A transaction that is given a transaction id and commits with `synchronous_commit = on`
    /// waits until the WAL is flushed up to its commit record, which comes after the commit
    /// records of every earlier asynchronous commit: one flush makes them all durable. Any
    /// connection to the server will do, so a lost migration connection does not prevent it.
    async fn flush(&mut self) -> Result<(), DriverError> {
        if !self.unflushed {
            return Ok(());
        }
        let client = self.any_client().await?;
        exec(
            client,
            "BEGIN; SET LOCAL synchronous_commit = on; SELECT txid_current(); COMMIT",
        )
        .await?;
        self.unflushed = false;
        Ok(())
    }
}
