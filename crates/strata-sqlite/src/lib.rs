//! The SQLite driver of strata, on rusqlite with SQLite compiled in (no server, no system
//! library needed).
//!
//! Why SQLite needs its own approach to the strata primitives:
//! - **Lock.** SQLite has no session-level lock that outlives a transaction, and holding a
//!   write transaction for the whole run would make non-transactional migrations impossible. The
//!   driver takes an exclusive OS file lock on a sidecar file `<database>.strata-lock` instead:
//!   released by the OS when the process dies, so a killed run never leaves it behind.
//! - **Transactions.** `BEGIN IMMEDIATE` takes the write lock up front, so two writers never
//!   deadlock on a lock upgrade.
//! - **Group commit.** Each migration runs in a savepoint inside a transaction that is committed
//!   at most every half second and at the end of the run. A failing migration rolls back to its
//!   savepoint, so the ones before it still commit: exactly the outcome of one transaction per
//!   migration, without an fsync per migration.

mod driver;
mod history;
mod lock;
mod url;

pub use driver::SqliteDriver;
pub use url::{parse_url, SqliteTarget};
