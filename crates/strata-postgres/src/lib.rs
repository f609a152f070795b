//! The PostgreSQL driver of strata, on tokio-postgres with TLS through rustls.
//!
//! Why PostgreSQL needs its own approach to the strata primitives:
//! - **Lock.** A session-level advisory lock, held on a connection of its own (see `lock.rs`):
//!   it outlives the migration transactions, nothing a migration runs can release it, and the
//!   server drops it when the connection ends, so a killed runner never leaves it behind. Behind
//!   a transaction-pooling PgBouncer, where a session lock would attach to a random server
//!   connection, [`LockMode::Table`] uses a lease row with a heartbeat and an expiry instead.
//! - **Round trips.** A transactional migration is one simple-protocol query: `BEGIN`, its
//!   statements, the history row (written with escaped literals, so no parameters and no
//!   prepare round trip are needed) and `COMMIT`. The server's error position and the count of
//!   completed statements say which statement failed.
//! - **Durability.** Migration transactions commit with `synchronous_commit = off`, so strata
//!   does not wait for a WAL flush per migration; `flush()` ends the run with one synchronous
//!   commit, which makes every earlier commit durable before success is reported.
//! - **Timeouts.** `lock_timeout` (default 5 s) and `statement_timeout` (default off) are set
//!   in the startup packet; a lock timeout (SQLSTATE 55P03) is reported as
//!   [`DriverErrorKind::LockNotAvailable`](strata_core::DriverErrorKind::LockNotAvailable), which
//!   the executor retries with backoff. A file can raise its own with `SET LOCAL lock_timeout`.
//! - **Lost connections.** A migration connection that dies mid-transaction is reopened, the old
//!   server process is made sure to be gone, and the history says whether the transaction
//!   committed, so the error is exact and the history always matches the schema. On 14+,
//!   `client_connection_check_interval` makes the server abort a killed runner's statement
//!   within a second instead of letting it hold its locks until it ends.
//! - **Splitting.** Statements are split with the PostgreSQL parser itself (`strata-sql`'s
//!   `pg-parser` feature), falling back to strata's scanner when a file does not parse, so the
//!   server reports the syntax error with its position.

mod conn;
mod driver;
mod error;
mod history;
pub mod introspect;
mod lock;
pub mod measure;
mod options;
mod pgpass;
pub mod scratch;
mod sql;
mod tls;
mod url;

pub use driver::PostgresDriver;
pub use options::{LockMode, PgOptions};
pub use url::{is_postgres_url, redact};
