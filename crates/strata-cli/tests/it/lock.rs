//! The SQLite migration lock (an OS lock on `<database>.strata-lock`), held by this test in
//! place of another runner.

use crate::harness::*;
use std::io::Write;
use std::time::Duration;
use strata_test_support::{Engine, TestDb};

/// Takes the lock a runner on `db` would take, saying who holds it like strata does.
fn hold_lock(db: &TestDb) -> std::fs::File {
    let path = db.url().strip_prefix("sqlite:").expect("a sqlite: URL");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(format!("{path}.strata-lock"))
        .unwrap();
    file.lock().unwrap();
    write!(file, "pid 4242 user someone").unwrap();
    file
}

#[test]
fn a_held_lock_refuses_after_the_wait_and_a_released_one_lets_the_run_go_on() {
    let db = TestDb::new(Engine::Sqlite);
    table_pair(&db, "0001_a", "a");
    let lock = hold_lock(&db);
    unchanged(&db, || {
        strata(&db, &["up", "--lock-wait", "0.2"]).code(2).says(&[
            "another strata run holds the migration lock",
            "pid 4242 user someone",
            "raise --lock-wait",
        ]);
    });
    // Reading needs no lock.
    strata(&db, &["status"]).ok();
    let (args, child) = Strata::new(&db).args(["up", "--lock-wait", "30"]).spawn();
    std::thread::sleep(Duration::from_millis(300));
    drop(lock);
    let run = finish(args, child).ok().says(&["Applied 1 of 1"]);
    assert!(
        run.stderr
            .contains("waiting for the migration lock (pid 4242 user someone)"),
        "{}",
        run.stderr
    );
    assert_eq!(db.tables(), with_history(&["a"]));
}
