//! `up`, `down` (N, `--to`, `--batch`), `redo`, `up --to`, `--dry-run`.

use crate::harness::*;
use strata_test_support::TestDb;

/// Four pairs creating tables a, b, c, d.
fn four(db: &TestDb) {
    for (stem, table) in [
        ("0001_a", "a"),
        ("0002_b", "b"),
        ("0003_c", "c"),
        ("0004_d", "d"),
    ] {
        table_pair(db, stem, table);
    }
}

pub fn up_applies_pending_in_order_and_down_reverts_one_by_default(db: &TestDb) {
    four(db);
    strata(db, &["up"]).ok().says(&["Applied 4 of 4"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c", "d"]));
    assert_eq!(versions(db), applied(&["0001", "0002", "0003", "0004"]));
    assert_eq!(
        history(db, "batch"),
        vec![vec!["1".to_string()]; 4],
        "one up is one batch"
    );

    strata(db, &["down"]).ok().says(&["Reverted 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c"]));
    assert_eq!(versions(db), applied(&["0001", "0002", "0003"]));
}

pub fn down_n_reverts_the_n_highest(db: &TestDb) {
    four(db);
    strata(db, &["up"]).ok();
    strata(db, &["down", "2"]).ok().says(&["Reverted 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(versions(db), applied(&["0001", "0002"]));
    // Asking for more than is applied reverts what there is.
    strata(db, &["down", "5"]).ok().says(&["Reverted 2 of 2"]);
    assert_eq!(user_tables(db), Vec::<String>::new());
    assert_eq!(versions(db), applied(&[]));
}

pub fn down_to_a_version_and_to_zero(db: &TestDb) {
    four(db);
    strata(db, &["up"]).ok();
    strata(db, &["down", "--to", "0002"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(versions(db), applied(&["0001", "0002"]));
    // Versions compare as numbers: `2` is `0002`, so nothing is left to revert above it.
    strata(db, &["down", "--to", "2"])
        .ok()
        .says(&["Nothing to revert"]);
    // A version no migration has is refused rather than guessed at.
    unchanged(db, || {
        strata(db, &["down", "--to", "0003", "--to", "0005"]).code(2);
        strata(db, &["down", "--to", "5"])
            .code(2)
            .says(&["no migration has version 5"]);
    });
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    assert_eq!(versions(db), applied(&[]));
    // And everything applies again after a full revert.
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b", "c", "d"]));
}

/// `down --to 0` over a down script that fails: the migrations above it are reverted, the run
/// stops at it with an error that names it and says it is still applied, and the history and the
/// schema agree; once the down is fixed, `down --to 0` finishes.
pub fn down_to_zero_stops_at_the_first_failing_down(db: &TestDb) {
    four(db);
    pair(
        db,
        "0002_b",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE b;\nDROP TABLE no_such_table;\n",
    );
    strata(db, &["up"]).ok();
    strata(db, &["down", "--to", "0"]).code(2).says(&[
        "0002_b (down) failed at statement 2",
        "migrations/0002_b.down.sql:2:",
        "0002_b is still applied",
        "run `strata down` again",
        "Reverted 2 of 4",
    ]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(versions(db), applied(&["0001", "0002"]));
    strata(db, &["status"]).ok().says(&["2 applied, 2 pending"]);

    write(db, "0002_b.down.sql", "DROP TABLE b;\n");
    strata(db, &["down", "--to", "0"])
        .ok()
        .says(&["Reverted 2 of 2"]);
    assert_eq!(db.tables(), with_history(&[]));
    assert_eq!(versions(db), applied(&[]));
}

pub fn down_batch_reverts_what_the_last_up_applied(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    strata(db, &["up"]).ok();
    table_pair(db, "0003_c", "c");
    table_pair(db, "0004_d", "d");
    strata(db, &["up"]).ok().says(&["(batch 2)"]);
    assert_eq!(
        history(db, "version, batch"),
        [["0001", "1"], ["0002", "1"], ["0003", "2"], ["0004", "2"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    strata(db, &["down", "--batch"])
        .ok()
        .says(&["Reverted 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    strata(db, &["down", "--batch"])
        .ok()
        .says(&["Reverted 2 of 2"]);
    assert_eq!(db.tables(), with_history(&[]));
}

pub fn redo_reverts_and_applies_the_last_migration_again(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    pair(
        db,
        "0002_b",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO b (id) VALUES (1);\n",
        "DROP TABLE b;\n",
    );
    strata(db, &["up"]).ok();
    db.execute("INSERT INTO b (id) VALUES (2)");
    strata(db, &["redo"])
        .ok()
        .says(&["Reverted 1", "applied 1"]);
    // The table was dropped and created again: the row added by hand is gone.
    assert_eq!(db.query_strings("SELECT id FROM b ORDER BY id"), ["1"]);
    assert_eq!(
        history(db, "version, batch"),
        [["0001", "1"], ["0002", "2"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
}

pub fn up_to_applies_up_to_and_including_the_version(db: &TestDb) {
    four(db);
    strata(db, &["up", "--to", "0002"])
        .ok()
        .says(&["Applied 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let states: Vec<&str> = status["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["applied", "applied", "pending", "pending"]);
    // A version no migration has is refused.
    unchanged(db, || {
        strata(db, &["up", "--to", "7"])
            .code(2)
            .says(&["no migration has version 7"])
    });
    strata(db, &["up"]).ok().says(&["Applied 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c", "d"]));
}

pub fn up_and_down_with_nothing_to_do_change_nothing(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    strata(db, &["up"]).ok();
    unchanged(db, || {
        strata(db, &["up"]).ok().says(&["Nothing to apply"]);
    });
    strata(db, &["down"]).ok();
    unchanged(db, || {
        strata(db, &["down"]).ok().says(&["Nothing to revert"]);
        strata(db, &["down", "--to", "0"])
            .ok()
            .says(&["Nothing to revert"]);
    });
}

pub fn dry_run_prints_the_plan_and_changes_nothing(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    unchanged(db, || {
        strata(db, &["up", "--dry-run"]).ok().says(&[
            "nothing was run",
            "-- apply 0001_a",
            "CREATE TABLE a",
            "-- apply 0002_b",
        ]);
    });
    assert_eq!(
        db.tables(),
        Vec::<String>::new(),
        "not even the history table"
    );
    strata(db, &["up"]).ok();
    unchanged(db, || {
        strata(db, &["down", "--to", "0", "--dry-run"]).ok().says(&[
            "-- revert 0002_b",
            "DROP TABLE b",
            "-- revert 0001_a",
        ]);
        strata(db, &["redo", "--dry-run"])
            .ok()
            .says(&["-- revert 0002_b", "-- apply 0002_b"]);
    });
}

pub fn a_failed_run_releases_the_lock(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    pair(
        db,
        "0002_b",
        "INSERT INTO no_such_table (id) VALUES (1);\n",
        "SELECT 1;\n",
    );
    strata(db, &["up"]).code(2);
    // Without waiting at all: a lock left behind would refuse this run.
    table_pair(db, "0002_b", "b");
    strata(db, &["up", "--lock-wait", "0"])
        .ok()
        .says(&["Applied 1 of 1"]);
    strata(db, &["down", "--to", "0", "--lock-wait", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}
