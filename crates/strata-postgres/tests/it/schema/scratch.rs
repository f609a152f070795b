//! Scratch databases: created with a unique name, dropped on every exit path, orphans of
//! killed runs cleaned up by the next run.

use strata_postgres::scratch::{ScratchDatabase, PREFIX};
use strata_test_support::{Engine, TestDb};

fn exists(db: &TestDb, name: &str) -> bool {
    !db.query_strings(&format!(
        "SELECT datname FROM pg_database WHERE datname = '{name}'"
    ))
    .is_empty()
}

#[tokio::test]
async fn created_usable_and_dropped_explicitly_or_when_dropped() {
    let db = TestDb::new(Engine::Postgres);
    let scratch = ScratchDatabase::create(db.url()).await.expect("create");
    let name = scratch.name().to_string();
    assert!(name.starts_with(PREFIX));
    assert!(exists(&db, &name));
    let other = ScratchDatabase::create(db.url()).await.expect("create");
    assert_ne!(other.name(), name);
    let s = strata_postgres::introspect::introspect(scratch.url(), &Default::default())
        .await
        .expect("the scratch database is reachable through its URL");
    assert!(s.tables.is_empty());
    scratch.drop_now().await.expect("drop");
    assert!(!exists(&db, &name));
    // An early return, a panic or a cancelled future drop the value instead.
    let other_name = other.name().to_string();
    drop(other);
    assert!(!exists(&db, &other_name));
}

#[tokio::test]
async fn orphans_of_killed_runs_are_dropped_by_the_next_run() {
    let db = TestDb::new(Engine::Postgres);
    // Server process 1 never serves a connection: its creator is gone.
    let orphan = format!("{PREFIX}1_946684800000000_{:08x}", std::process::id());
    db.execute(&format!("DROP DATABASE IF EXISTS {orphan}"));
    db.execute(&format!("CREATE DATABASE {orphan}"));
    let scratch = ScratchDatabase::create(db.url()).await.expect("create");
    assert!(!exists(&db, &orphan), "the orphan is dropped");
    assert!(exists(&db, scratch.name()), "a live run's database is kept");
    scratch.drop_now().await.expect("drop");
}
