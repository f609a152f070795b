//! [`PostgresDriver`]: the strata primitives on tokio-postgres.

use crate::conn::{exec, exec_counting, rows, Connector};
use crate::history::{self, Table};
use crate::lock::{self, HeldLock};
use crate::options::{millis, LockMode, PgOptions};
use crate::sql::{char_to_byte, Batch};
use crate::{error, url};
use std::sync::Arc;
use std::time::Duration;
use strata_core::{
    AppliedMigration, Capabilities, Dialect, Driver, DriverError, DriverErrorKind, HistoryChange,
    LockOptions, Timeouts,
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
    main: Arc<Client>,
    options: PgOptions,
    table: Table,
    /// `15.4`
    server_version: String,
    /// `150004`
    version_num: u32,
    /// The main connection's backend, to settle what happened to it after a lost connection
    /// (`pid` empty until learnt).
    backend: Backend,
    /// The query learning `backend`: sent once a change is in sight (the lock is taken), so it
    /// travels while the lock is taken and the history read, and awaited only before the
    /// first change. A run with nothing to do never sends it.
    backend_query: Option<Task<Result<Backend, DriverError>>>,
    lock: Option<HeldLock>,
    /// The lock's connection. With `lock_early`, opened in the background while the migration
    /// connection is set up, so a run pays for one connection set-up (and TLS handshake)
    /// instead of two in a row; otherwise opened when the lock is taken, so a run that finds
    /// nothing to do (it reads the history before locking) never opens it.
    spare: SpareConn,
    /// The history as last read while holding the lock, until the next change: with
    /// `lock_early`, `up`'s pre-flight reads it under the lock, and the run needs no second read.
    history: Option<Vec<AppliedMigration>>,
    /// With `history_early`: the history read sent when the connection opened, for the first
    /// unlocked `read_history` (dropped once the lock is taken or anything changes).
    early_history: Option<Task<Result<Vec<AppliedMigration>, DriverError>>>,
    /// Migration transactions committed with `synchronous_commit = off` since the last flush.
    unflushed: bool,
    /// Inside `begin_all`.
    all: bool,
    /// The history table is known to exist.
    history_ready: bool,
    /// The timeouts the current step's script sets (`set_timeouts`).
    step_timeouts: Timeouts,
    /// A non-transactional step's timeouts are `SET` on the migration session, to be reset
    /// once the step is over.
    session_timeouts: bool,
    /// A step began (`set_timeouts`) and its first statement has not been sent yet: what earlier
    /// steps `SET` on the session is reset before it.
    step_fresh: bool,
}

/// Work on the connections done in the background (opening the lock's connection, learning
/// the backend), stopped if dropped unused (read-only commands never wait for it).
struct Task<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Task<T> {
    fn spawn(work: impl std::future::Future<Output = T> + Send + 'static) -> Task<T>
    where
        T: Send + 'static,
    {
        Task(tokio::spawn(work))
    }

    async fn join(mut self) -> Result<T, DriverError> {
        (&mut self.0).await.map_err(|e| {
            DriverError::new(
                DriverErrorKind::Other,
                format!("a background task on the PostgreSQL connection failed: {e}"),
            )
        })
    }
}

/// The lock's connection, as far as it got.
enum SpareConn {
    None,
    Opening(Task<Result<Spare, DriverError>>),
    Ready(Box<Spare>),
}

/// The lock's connection, open; with `lock_early` in advisory mode, the lock already tried.
enum Spare {
    Free(Client),
    /// The lock, and the history as read on the migration connection right after it was taken
    /// (`None` if the migration connection never came up).
    Locked(HeldLock, Option<Result<Vec<AppliedMigration>, DriverError>>),
}

/// Which server process serves a connection.
#[derive(Debug, Clone, Default)]
struct Backend {
    pid: String,
    started: String,
    /// `15.4`, as the backend reports it.
    server_version: String,
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
        let (main_tx, main_rx) = tokio::sync::oneshot::channel::<Arc<Client>>();
        let early = options.lock_early && options.lock_mode == LockMode::Advisory;
        let spare = early.then(|| {
            let c = connector.clone();
            let (key, table) = (lock::advisory_key(&table), table.clone());
            Task::spawn(async move {
                let client = c.open(None).await?;
                if !matches!(lock::try_advisory(&client, key).await, Ok(true)) {
                    // Taken by another runner (or the attempt failed): `lock` tries again, and
                    // reports who holds it.
                    return Ok(Spare::Free(client));
                }
                // Under the lock, read the history on the migration connection at once: the
                // run reads it next, and this way the read travels while the caller is still
                // reading the migration files.
                let history = match main_rx.await {
                    Ok(main) => Some(read_history_rows(&main, &table).await),
                    Err(_) => None,
                };
                Ok(Spare::Locked(HeldLock::Advisory { client, key }, history))
            })
        });
        let main = open_main(&connector, &options).await?;
        let _ = main_tx.send(main.client.clone());
        let early_history = (options.history_early && !early).then(|| {
            let (client, table) = (main.client.clone(), table.clone());
            Task::spawn(async move { read_history_rows(&client, &table).await })
        });
        Ok(PostgresDriver {
            connector,
            main: main.client,
            table,
            options,
            server_version: main.version,
            version_num: main.version_num,
            backend: Backend::default(),
            backend_query: None,
            lock: None,
            spare: spare.map_or(SpareConn::None, SpareConn::Opening),
            history: None,
            early_history,
            unflushed: false,
            all: false,
            history_ready: false,
            step_timeouts: Timeouts::default(),
            session_timeouts: false,
            step_fresh: false,
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

    /// Before a change: the lock is still held, and the migration connection's backend is
    /// known (so a connection lost during the change can be settled) and has its session
    /// settings.
    async fn ready(&mut self) -> Result<(), DriverError> {
        self.check_lock()?;
        self.history = None;
        self.early_history = None;
        self.learn_backend();
        if let Some(query) = self.backend_query.take() {
            let backend = query.join().await??;
            self.set_backend(backend);
        }
        Ok(())
    }

    /// Sends the query learning the migration connection's backend (and turning on
    /// `client_connection_check_interval`), unless it is known or the query under way.
    fn learn_backend(&mut self) {
        if self.backend.pid.is_empty() && self.backend_query.is_none() {
            let advisory = self.options.lock_mode == LockMode::Advisory;
            let query = read_backend(self.main.clone(), advisory);
            self.backend_query = Some(Task::spawn(query));
        }
    }

    /// The lock's connection: waits for it to open only if `wait`.
    async fn take_spare(&mut self, wait: bool) -> Option<Spare> {
        match std::mem::replace(&mut self.spare, SpareConn::None) {
            SpareConn::Ready(spare) => Some(*spare),
            SpareConn::Opening(task) if wait || task.0.is_finished() => {
                task.join().await.ok().and_then(Result::ok)
            }
            other => {
                self.spare = other;
                None
            }
        }
    }

    /// Whether the migration lock is held now. With `lock_early`, waits for the attempt made
    /// in the background (already under way, and the run would wait for it next anyway), so the
    /// history is read once, under the lock.
    async fn holding_lock(&mut self) -> bool {
        if self.lock.is_none() {
            let early = self.options.lock_early && self.options.lock_mode == LockMode::Advisory;
            match self.take_spare(early).await {
                Some(Spare::Locked(held, history)) => self.adopt(held, history),
                Some(free) => self.spare = SpareConn::Ready(Box::new(free)),
                None => {}
            }
        }
        self.lock.is_some() && self.check_lock().is_ok()
    }

    /// Takes on a lock taken in the background, with the history read under it.
    fn adopt(
        &mut self,
        held: HeldLock,
        history: Option<Result<Vec<AppliedMigration>, DriverError>>,
    ) {
        self.lock = Some(held);
        // A failed read is simply made again (and its error reported) by `read_history`.
        self.history = history.and_then(Result::ok);
    }

    fn set_backend(&mut self, backend: Backend) {
        if self.server_version.is_empty() {
            // The server did not report its version at start-up.
            self.version_num = version_num(&backend.server_version);
            self.server_version = backend.server_version.clone();
        }
        self.backend = backend;
    }

    /// The start of a step's batch: `BEGIN` (unless inside [`begin_all`](Driver::begin_all)'s
    /// transaction), `RESET ALL`, and the settings strata wants in effect.
    ///
    /// `RESET ALL` keeps each migration's session settings its own: a file that says
    /// `SET lock_timeout = 0` or `SELECT set_config('search_path', '', false)` (pg_dump's
    /// header does both) would otherwise change how every later migration of the run behaves,
    /// and a run's result would depend on how many migrations it applies. It goes back to the
    /// connection's values (the startup packet's, which carry strata's timeouts in advisory
    /// mode), and is transactional, so a failed step's rollback undoes it too.
    fn open_step(&mut self, batch: &mut Batch) {
        if !self.all {
            batch.prefix("BEGIN");
        }
        batch.prefix("RESET ALL");
        if let Some(check) = self.client_check() {
            batch.prefix(&check);
        }
        if !self.all {
            batch.prefix("SET LOCAL synchronous_commit = off");
        }
        self.step_fresh = false;
        self.local_settings(batch);
    }

    /// `RESET ALL` also resets `client_connection_check_interval`, which is set on the session
    /// after connecting (14+ only: an older server refuses it in the startup packet): set again
    /// after it, on the session (it outlives the step's transaction, and a rollback of that
    /// transaction undoes the `RESET ALL` as well). Without it a killed runner's statement would
    /// keep running, holding its locks, until it ends.
    fn client_check(&self) -> Option<String> {
        (self.options.lock_mode == LockMode::Advisory && self.version_num >= 140000)
            .then(|| format!("SET client_connection_check_interval = {CLIENT_CHECK_MS}"))
    }

    /// `SET LOCAL` of the timeouts after `RESET ALL` at the start of a step.
    ///
    /// In lease mode and inside `begin_all` the project's: behind a transaction pooler session
    /// settings would land on whichever server connection the pooler lends, so each transaction
    /// sets its own; inside `begin_all` the `RESET ALL` of each step undoes the `SET LOCAL` of
    /// the one before. Then the step script's own (`-- strata:lock-timeout`), which last until
    /// the transaction ends (inside `begin_all`, until the next step's `RESET ALL`).
    fn local_settings(&mut self, batch: &mut Batch) {
        let set = |batch: &mut Batch, name: &str, value: Option<Duration>| {
            if let Some(v) = value {
                batch.prefix(&format!("SET LOCAL {name} = {}", millis(v)));
            }
        };
        let step = self.step_timeouts;
        if self.all || self.options.lock_mode == LockMode::Table {
            set(
                batch,
                "lock_timeout",
                Some(step.lock.unwrap_or(self.options.lock_timeout)),
            );
            set(
                batch,
                "statement_timeout",
                Some(step.statement.unwrap_or(self.options.statement_timeout)),
            );
            return;
        }
        set(batch, "lock_timeout", step.lock);
        set(batch, "statement_timeout", step.statement);
    }

    /// Before a statement of a non-transactional step: the step script's own timeouts `SET`
    /// on the session (once per step; [`Driver::set_timeouts`] resets them after it).
    async fn session_settings(&mut self) -> Result<(), DriverError> {
        let step = self.step_timeouts;
        let mut sql = String::new();
        if self.step_fresh {
            // What earlier steps set on the session ends with them (see `open_step`).
            sql.push_str("RESET ALL;");
            if let Some(check) = self.client_check() {
                sql.push_str(&check);
                sql.push(';');
            }
            self.step_fresh = false;
            self.session_timeouts = false;
        }
        if !self.session_timeouts && !step.is_unset() {
            for (name, value) in [
                ("lock_timeout", step.lock),
                ("statement_timeout", step.statement),
            ] {
                if let Some(v) = value {
                    sql.push_str(&format!("SET {name} = {};", millis(v)));
                }
            }
            self.session_timeouts = true;
        }
        if !sql.is_empty() {
            exec(&self.main, &sql).await?;
        }
        Ok(())
    }

    /// After the migration connection was lost in the middle of a transaction: reconnects, makes
    /// sure the old backend is gone (so its transaction can no longer commit), and says whether
    /// `change` is in effect, i.e. whether that transaction committed.
    async fn settle_after_loss(&mut self, change: &HistoryChange) -> Result<bool, DriverError> {
        let main = open_main(&self.connector, &self.options).await?;
        self.main = main.client;
        self.session_timeouts = false;
        self.backend_query = None;
        let advisory = self.options.lock_mode == LockMode::Advisory;
        let backend = read_backend(self.main.clone(), advisory).await?;
        let old = std::mem::replace(&mut self.backend, backend);
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
            let main = open_main(&self.connector, &self.options).await?;
            self.main = main.client;
            self.session_timeouts = false;
            self.backend = Backend::default();
            self.backend_query = None;
        }
        Ok(&self.main)
    }
}

/// The migration connection, just opened.
struct Main {
    client: Arc<Client>,
    /// `15.4`, from the start-up parameters (empty if the server did not report it).
    version: String,
    version_num: u32,
}

/// Opens the migration connection. In advisory mode the timeouts go into the startup packet
/// (no round trip), and the server version comes with the start-up parameters. Before the
/// first change one query reads the backend and on 14+ turns on
/// `client_connection_check_interval` (see [`PostgresDriver::learn_backend`]).
async fn open_main(connector: &Connector, options: &PgOptions) -> Result<Main, DriverError> {
    let advisory = options.lock_mode == LockMode::Advisory;
    let startup = format!(
        "-c lock_timeout={} -c statement_timeout={}",
        millis(options.lock_timeout),
        millis(options.statement_timeout)
    );
    let (client, reported) = connector
        .open_reporting(advisory.then_some(startup.as_str()))
        .await?;
    let client = Arc::new(client);
    let version = reported.split_whitespace().next().unwrap_or("").to_string();
    Ok(Main {
        client,
        version_num: version_num(&version),
        version,
    })
}

/// `150004` for `15.4`, `90603` for `9.6.3`, `170000` for `17devel`, as libpq's
/// `PQserverVersion` computes it; 0 when unknown.
fn version_num(version: &str) -> u32 {
    let mut parts = version.split('.').map(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().unwrap_or(0)
    });
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    if major >= 10 {
        major * 10000 + minor
    } else {
        major * 10000 + minor * 100 + parts.next().unwrap_or(0)
    }
}

/// The backend serving `client` (and, in advisory mode, `client_connection_check_interval`
/// turned on where the server has it).
async fn read_backend(client: Arc<Client>, advisory: bool) -> Result<Backend, DriverError> {
    let check = if advisory {
        format!(
            "CASE WHEN current_setting('server_version_num')::int >= 140000 \
             THEN set_config('client_connection_check_interval', '{CLIENT_CHECK_MS}', false) END"
        )
    } else {
        "NULL".into()
    };
    let sql = format!(
        "SELECT current_setting('server_version'), \
         pg_backend_pid()::text, (SELECT backend_start::text FROM pg_catalog.pg_stat_activity \
         WHERE pid = pg_backend_pid()), {check}"
    );
    let got = rows(&client, &sql).await?;
    let r = got.first();
    let f = |i| r.and_then(|r| r.get(i)).unwrap_or("").to_string();
    Ok(Backend {
        server_version: f(0).split_whitespace().next().unwrap_or("").to_string(),
        pid: f(1),
        started: f(2),
    })
}

/// The history table's rows (none when it does not exist yet).
async fn read_history_rows(
    client: &Client,
    table: &Table,
) -> Result<Vec<AppliedMigration>, DriverError> {
    match rows(client, &table.read_sql()).await {
        Ok(r) => history::parse_rows(table, &r),
        // undefined_table, invalid_schema_name: nothing applied yet.
        Err(e) if matches!(e.code.as_deref(), Some("42P01" | "3F000")) => Ok(Vec::new()),
        Err(mut e) if e.code.as_deref() == Some("42703") => {
            e.kind = DriverErrorKind::History;
            e.message = format!(
                "{} is not a strata history table: {}",
                table.qualified, e.message
            );
            e.hint = Some("another tool uses this name: pick another table with `history_table` or another schema with `schema`".into());
            Err(e)
        }
        Err(e) => Err(e),
    }
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
        // A change is in sight; reads from now on are made under the lock.
        self.early_history = None;
        self.learn_backend();
        let client = match self.take_spare(true).await {
            Some(Spare::Locked(held, history)) if held.check().is_ok() => {
                self.adopt(held, history);
                return Ok(());
            }
            Some(Spare::Free(c)) if !c.is_closed() => c,
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
        self.history = None;
        if self.all {
            // Never leave a transaction open behind the lock.
            self.all = false;
            let _ = exec(&self.main, "ROLLBACK").await;
        }
        // Nor a step's own timeouts on the session.
        let _ = self.set_timeouts(&Timeouts::default()).await;
        match self.lock.take() {
            Some(l) => l.release().await,
            None => Ok(()),
        }
    }

    async fn ensure_history(&mut self) -> Result<(), DriverError> {
        if self.history_ready {
            return Ok(());
        }
        self.ready().await?;
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

    /// A read made while holding the lock is kept until the next change (or unlock): another
    /// runner cannot change the history meanwhile, and this one clears it before each change.
    async fn read_history(&mut self) -> Result<Vec<AppliedMigration>, DriverError> {
        let locked = self.holding_lock().await;
        if let (true, Some(history)) = (locked, &self.history) {
            return Ok(history.clone());
        }
        if let (false, Some(early)) = (locked, self.early_history.take()) {
            return early.join().await?;
        }
        let history = read_history_rows(&self.main, &self.table).await?;
        if locked {
            self.history = Some(history.clone());
        }
        Ok(history)
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
        self.ready().await.map_err(|e| (0, e))?;
        let mut batch = Batch::default();
        self.open_step(&mut batch);
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

    /// One statement of a non-transactional script. After a failure the session is made
    /// usable again: when the script opened a transaction of its own (`BEGIN` ... `COMMIT`
    /// written in the file) and the failure was inside it, PostgreSQL has aborted that
    /// transaction and refuses everything but its end, so it is rolled back here (outside one,
    /// the `ROLLBACK` does nothing but draw a warning).
    async fn execute(&mut self, statement: &str) -> Result<(), DriverError> {
        self.ready().await?;
        self.session_settings().await?;
        let e = match exec_counting(&self.main, statement).await {
            Ok(()) => return Ok(()),
            Err((_, e)) => e,
        };
        let mut err = error::map(&e);
        err.position = error::position(&e).map(|p| char_to_byte(statement, p));
        if err.kind != DriverErrorKind::ConnectionLost && !self.all {
            let _ = exec(&self.main, "ROLLBACK").await;
        }
        Err(err)
    }

    async fn set_timeouts(&mut self, timeouts: &Timeouts) -> Result<(), DriverError> {
        if self.session_timeouts && *timeouts != self.step_timeouts {
            // Back to the session's own values (the startup packet's, in advisory mode).
            self.session_timeouts = false;
            if !self.main.is_closed() {
                exec(&self.main, "RESET lock_timeout; RESET statement_timeout").await?;
            }
        }
        self.step_timeouts = *timeouts;
        self.step_fresh = true;
        Ok(())
    }

    async fn record(&mut self, change: &HistoryChange) -> Result<(), DriverError> {
        self.ready().await?;
        // Several statements in one simple query run as one implicit transaction.
        let sql = self.table.write_sql(change, false)?.join(";\n");
        exec(&self.main, &sql).await
    }

    async fn begin_all(&mut self) -> Result<(), DriverError> {
        self.ready().await?;
        let mut batch = Batch::default();
        batch.prefix("BEGIN");
        self.local_settings(&mut batch);
        exec(&self.main, &batch.sql).await?;
        self.all = true;
        Ok(())
    }

    async fn commit_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        self.history = None;
        exec(&self.main, "COMMIT").await
    }

    async fn rollback_all(&mut self) -> Result<(), DriverError> {
        self.all = false;
        self.history = None;
        exec(&self.main, "ROLLBACK").await
    }

    async fn verify(&mut self, statements: &[&str]) -> Result<(), (usize, DriverError)> {
        self.run_verify(statements).await
    }

    async fn apply_verified(
        &mut self,
        statements: &[&str],
        verify: &[&str],
        change: &HistoryChange,
    ) -> Result<(), strata_core::ApplyFailure> {
        self.run_apply_verified(statements, verify, change).await
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

#[cfg(test)]
mod tests {
    use super::version_num;

    #[test]
    fn version_numbers_as_libpq_computes_them() {
        assert_eq!(version_num("15.4"), 150004);
        assert_eq!(version_num("12.20"), 120020);
        assert_eq!(version_num("17devel"), 170000);
        assert_eq!(version_num("18beta1"), 180000);
        assert_eq!(version_num("9.6.3"), 90603);
        assert_eq!(version_num(""), 0);
    }
}
