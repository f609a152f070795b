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
        progress(db),
        owned(&[["0001", "applied", "NULL"], ["0002", "dirty", "2"]])
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
        progress(db),
        owned(&[["0001", "applied", "NULL"], ["0002", "applied", "NULL"]])
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

const IX_DOWN: &str = "0002_ix.down.sql";

/// Statement 2 drops an index that does not exist; statement 1 cannot run twice.
const BROKEN_DOWN: &str = "-- strata:no-transaction
DROP INDEX t_ab;
DROP INDEX t_nope;
DROP TABLE t;
";

const FIXED_DOWN: &str = "-- strata:no-transaction
DROP INDEX t_ab;
DROP INDEX t_a;
DROP TABLE t;
";

/// 0001 and 0002 apply; 0002's non-transactional down fails at its second statement and is
/// left partly reverted after one.
fn make_reverting(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    write(
        db,
        "0002_ix.up.sql",
        "CREATE TABLE t (a INTEGER, b INTEGER);\nCREATE INDEX t_a ON t (a);\nCREATE INDEX t_ab ON t (a, b);\n",
    );
    write(db, IX_DOWN, BROKEN_DOWN);
    strata(db, &["up"]).ok();
    strata(db, &["down"]).code(2).says(&[
        "0002_ix (down) failed at statement 2",
        "migrations/0002_ix.down.sql:3:",
        "0002_ix is dirty (reverting): 1 of 3 down statements completed and stay in effect",
        "recorded in the history",
        "run `strata down` to resume at down statement 2",
        "strata repair 0002 --forget",
        "Reverted 0 of 1",
    ]);
    assert_eq!(
        progress(db),
        owned(&[["0001", "applied", "NULL"], ["0002", "reverting", "1"]])
    );
    assert_eq!(db.tables(), with_history(&["a", "t"]));
}

pub fn failed_no_transaction_down_is_recorded_and_down_resumes_at_the_failing_statement(
    db: &TestDb,
) {
    make_reverting(db);
    strata(db, &["status"]).ok().says(&[
        "dirty (reverting, 1 down done)",
        "1 applied, 1 dirty",
        "help: 0002 (ix) is partly reverted",
        "resume at down statement 2",
    ]);
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let entry = &status["migrations"][1];
    assert_eq!(entry["version"], "0002");
    assert_eq!(entry["status"], "dirty");
    assert_eq!(entry["statements_done"], 1);
    assert_eq!(entry["reverting"], true);
    assert_eq!(status["summary"]["dirty"], 1);
    assert!(status["migrations"][0].get("reverting").is_none());
    unchanged(db, || {
        strata(db, &["status", "--check"]).code(1);
        strata(db, &["version"]).ok().says(&["(dirty: 0002 ix)"]);
        // Going up or redoing it would build on a half-reverted migration.
        strata(db, &["up"]).code(2).says(&[
            "migration 0002 (ix) is dirty: its down script failed after 1 statement(s) completed",
            "finish reverting with `strata down`",
            "`strata repair 0002`",
        ]);
        strata(db, &["redo"])
            .code(2)
            .says(&["its down script failed"]);
        // Unfixed, the resumed down fails at the same statement and stays recorded.
        strata(db, &["down"]).code(2).says(&[
            "resuming 0002_ix after its 1 completed statement(s)",
            "failed at statement 2",
            "1 of 3 down statements completed",
        ]);
    });
    let plan = strata(db, &["down", "--dry-run"]).ok();
    plan.says(&[
        "resume-revert 0002_ix",
        "skipping 1 completed down statement(s)",
    ]);

    write(db, IX_DOWN, FIXED_DOWN);
    // Statement 1 does not run again (dropping t_ab twice would fail); 2 and 3 do.
    strata(db, &["down"]).ok().says(&[
        "resuming 0002_ix after its 1 completed statement(s)",
        "Reverted 1 of 1",
    ]);
    assert_eq!(db.tables(), with_history(&["a"]));
    assert_eq!(versions(db), applied(&["0001"]));
    // Every index is gone: the migration applies again from scratch.
    strata(db, &["up"]).ok();
    assert_eq!(versions(db), applied(&["0001", "0002"]));

    // A down whose first statement fails took no effect: the row stays applied.
    write(
        db,
        IX_DOWN,
        "-- strata:no-transaction\nDROP INDEX t_nope;\nDROP TABLE t;\n",
    );
    unchanged(db, || {
        strata(db, &["down"]).code(2).says(&[
            "failed at statement 1",
            "0002_ix is still applied: none of its down script took effect",
        ]);
    });
    strata(db, &["status", "--check"]).ok();
}

pub fn repair_resolves_a_partly_reverted_migration(db: &TestDb) {
    make_reverting(db);
    // The operator redoes the completed down statement by hand: it is applied again.
    db.execute("CREATE INDEX t_ab ON t (a, b)");
    strata(db, &["repair", "0002", "--reason", "index rebuilt"])
        .ok()
        .says(&["0002 (ix): dirty migration marked applied"]);
    assert_eq!(
        progress(db),
        owned(&[["0001", "applied", "NULL"], ["0002", "applied", "NULL"]])
    );
    let note = &history(db, "note")[1][0];
    assert!(
        note.contains("partly reverted") && note.contains("index rebuilt"),
        "{note}"
    );
    strata(db, &["status", "--check"]).ok();
    // A whole down runs from its first statement.
    write(db, IX_DOWN, FIXED_DOWN);
    strata(db, &["down"]).ok().says(&["Reverted 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a"]));

    // Or the operator finishes the revert by hand and removes the row.
    write(db, IX_DOWN, BROKEN_DOWN);
    strata(db, &["up"]).ok();
    strata(db, &["down"])
        .code(2)
        .says(&["1 of 3 down statements completed"]);
    db.execute("DROP TABLE t");
    strata(db, &["repair", "0002", "--forget"])
        .ok()
        .says(&["0002 (ix): removed from the history (nothing was run)"]);
    assert_eq!(versions(db), applied(&["0001"]));
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    assert_eq!(status["migrations"][1]["status"], "pending");
    strata(db, &["up"]).ok();
    assert_eq!(versions(db), applied(&["0001", "0002"]));
}

/// Each history row's version, status and count of statements done.
fn progress(db: &TestDb) -> Vec<Vec<String>> {
    history(db, "version, status, statements_done")
}

/// `rows` as [`history`] returns them.
fn owned(rows: &[[&str; 3]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
