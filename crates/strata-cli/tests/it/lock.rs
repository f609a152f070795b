//! The SQLite migration lock (an OS lock on `<database>.strata-lock`), held by this test in
//! place of another runner.

use crate::harness::*;
use std::io::{BufRead, BufReader, Write};
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
    let (args, mut child) = Strata::new(&db).args(["up", "--lock-wait", "60"]).spawn();
    // Release the lock only once the run says it is waiting for it.
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.starts_with("waiting") {
                let _ = tx.send(line.clone());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let waiting = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the run says that it waits");
    assert_eq!(
        waiting,
        "waiting for the migration lock (pid 4242 user someone)"
    );
    drop(lock);
    finish(args, child).ok().says(&["Applied 1 of 1"]);
    assert!(reader.join().unwrap().contains("applied 0001_a"));
    assert_eq!(db.tables(), with_history(&["a"]));
}
