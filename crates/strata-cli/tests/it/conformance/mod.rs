//! Scenarios every engine must pass. Each is a function taking a fresh
//! [`TestDb`](strata_test_support::TestDb); `conformance!` in `main.rs` lists them and makes one
//! test per engine. SQL here is portable (CREATE/DROP TABLE and INDEX, INSERT, SELECT); where
//! an engine needs its own, the scenario matches on `db.engine()`.

pub mod bad_input;
pub mod commands;
pub mod concurrency;
pub mod dirty;
pub mod files;
pub mod layouts;
pub mod policy;
pub mod run;
pub mod verify;
