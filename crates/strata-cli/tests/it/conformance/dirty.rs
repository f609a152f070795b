//! A non-transactional migration that fails part-way: dirty state, resume, `repair`.

use crate::harness::*;
use strata_test_support::TestDb;

const FILE: &str = "0002_side.up.sql";

/// Statement 2's INSERT would violate the primary key if it ran twice, so a resume that
/// re-ran earlier statements fails loudly.
const BROKEN: &str = "-- strata:no-transaction
CREATE TABLE side (k INTEGER PRIMARY KEY);
INSERT INTO side (k) VALUES (1);
INSERT INTO no_such_table (k) VALUES (2);
CREATE TABLE after_fix (id INTEGER);
";

const FIXED: &str = "-- strata:no-transaction
CREATE TABLE side (k INTEGER PRIMARY KEY);
INSERT INTO side (k) VALUES (1);
INSERT INTO side (k) VALUES (2);
CREATE TABLE after_fix (id INTEGER);
";

/// 0001 applies; 0002 fails at its third statement and is left dirty after two.
fn make_dirty(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    write(db, FILE, BROKEN);
    write(
        db,
        "0002_side.down.sql",
        "DROP TABLE after_fix;\nDROP TABLE side;\n",
    );
    strata(db, &["up"]).code(2).says(&[
        "0002_side",
        "statement 3",
        "migrations/0002_side.up.sql:4:",
        "no_such_table",
        "dirty",
    ]);
    assert_eq!(
        history(db, "version, status, statements_done"),
        [["0001", "applied", "NULL"], ["0002", "dirty", "2"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    // The statements before the failing one are in effect; the ones after it did not run.
    assert_eq!(db.query_strings("SELECT k FROM side"), ["1"]);
    assert_eq!(db.tables(), with_history(&["a", "side"]));
}

pub fn failed_no_transaction_migration_is_dirty_and_up_resumes_at_the_failing_statement(
    db: &TestDb,
) {
    make_dirty(db);
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let dirty = &status["migrations"][1];
    assert_eq!(dirty["version"], "0002");
    assert_eq!(dirty["status"], "dirty");
    assert_eq!(dirty["statements_done"], 2);
    assert_eq!(status["summary"]["dirty"], 1);

    write(db, FILE, FIXED);
    strata(db, &["up"])
        .ok()
        .says(&["resuming 0002_side after its 2 completed statement(s)"]);
    // Statements 1 and 2 did not run again (the INSERT of 1 would have failed), 3 and 4 did.
    assert_eq!(
        db.query_strings("SELECT k FROM side ORDER BY k"),
        ["1", "2"]
    );
    assert_eq!(db.tables(), with_history(&["a", "after_fix", "side"]));
    assert_eq!(
        history(db, "version, status, statements_done, batch"),
        [
            ["0001", "applied", "NULL", "1"],
            ["0002", "applied", "NULL", "1"]
        ]
        .map(|r| r.map(String::from).to_vec())
        .to_vec()
    );
    // The fixed file is the one recorded: nothing is modified, nothing left to do.
    strata(db, &["status", "--check"]).ok();
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}

pub fn repair_marks_a_dirty_migration_applied(db: &TestDb) {
    make_dirty(db);
    // The operator finishes the migration by hand, then tells strata.
    db.execute("INSERT INTO side (k) VALUES (2); CREATE TABLE after_fix (id INTEGER);");
    strata(db, &["repair", "0002", "--reason", "finished by hand"])
        .ok()
        .says(&["0002 (side): dirty migration marked applied"]);
    assert_eq!(
        history(db, "version, status, statements_done"),
        [["0001", "applied", "NULL"], ["0002", "applied", "NULL"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    let note = &history(db, "note")[1][0];
    assert!(
        note.contains("finished by hand") && note.contains("tester"),
        "the repair records who and why: {note}"
    );
    unchanged(db, || {
        strata(db, &["up"]).ok().says(&["Nothing to apply"]);
    });
    strata(db, &["status", "--check"]).ok();
    // Nothing is dirty any more: a second repair has nothing to do.
    unchanged(db, || {
        strata(db, &["repair", "0002"]).code(2).says(&["not dirty"]);
    });
}

pub fn repair_forget_removes_a_dirty_migration(db: &TestDb) {
    make_dirty(db);
    // The operator undoes what the migration did, then tells strata to forget it.
    db.execute("DROP TABLE side");
    strata(db, &["repair", "0002", "--forget"])
        .ok()
        .says(&["0002 (side): removed from the history (nothing was run)"]);
    assert_eq!(versions(db), applied(&["0001"]));
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    assert_eq!(status["migrations"][1]["status"], "pending");
    // With the file fixed it now applies from its first statement.
    write(db, FILE, FIXED);
    strata(db, &["up"]).ok();
    assert_eq!(
        db.query_strings("SELECT k FROM side ORDER BY k"),
        ["1", "2"]
    );
    assert_eq!(versions(db), applied(&["0001", "0002"]));
}

pub fn dirty_migration_blocks_down_and_redo(db: &TestDb) {
    make_dirty(db);
    unchanged(db, || {
        strata(db, &["down"])
            .code(2)
            .says(&["migration 0002 (side) is dirty", "Nothing was run"]);
        strata(db, &["redo"]).code(2).says(&["is dirty"]);
        strata(db, &["status", "--check"]).code(1);
        strata(db, &["version"])
            .ok()
            .says(&["0002 (dirty: 0002 side)"]);
    });
    let version = strata(db, &["version", "--format", "json"]).ok().json();
    assert_eq!(version["dirty"], true);
    assert_eq!(version["dirty_version"], "0002");
}
