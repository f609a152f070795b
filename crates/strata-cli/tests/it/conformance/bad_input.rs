//! Malformed input: each gets exit 2 (`validate`: 1), a message naming the file(s) and the
//! position where there is one, and leaves the database exactly as it was.

use crate::harness::*;
use strata_test_support::{Engine, TestDb};

/// A statement that cannot run inside a transaction on this engine, and the start of the
/// message strata gives for it.
pub fn needs_no_transaction(db: &TestDb) -> (&'static str, &'static str) {
    match db.engine() {
        Engine::Sqlite => ("VACUUM;", "VACUUM cannot run inside a transaction"),
        Engine::Postgres => (
            "CREATE INDEX CONCURRENTLY c_id_idx ON c (id);",
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
        ),
    }
}

/// One applied migration, so there is a history to keep intact.
fn applied_one(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    strata(db, &["up"]).ok();
}

/// `up` and `down` are refused with exit 2, and `validate` and `status` report a problem with
/// exit 1 (`status` still lists the applied migration), all saying `needles`, and none changes
/// anything.
#[track_caller]
fn refused_everywhere(db: &TestDb, needles: &[&str]) {
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(needles);
        strata(db, &["up", "--dry-run"]).code(2).says(needles);
        strata(db, &["down"]).code(2).says(needles);
        strata(db, &["status"])
            .code(1)
            .says(needles)
            .says(&["0001     a     applied", "left out of the list above"]);
        strata(db, &["validate"]).code(1).says(needles);
    });
}

pub fn file_that_fits_no_pattern(db: &TestDb) {
    applied_one(db);
    write(db, "seed.sql", "INSERT INTO a (id) VALUES (1);\n");
    refused_everywhere(
        db,
        &[
            "migrations/seed.sql: this `.sql` file fits no migration file name pattern",
            "{version}_{name}.up.sql",
        ],
    );
    // A near miss says what is wrong with the name.
    remove(db, "seed.sql");
    write(db, "0002b.sql", "SELECT 1;\n");
    refused_everywhere(db, &["migrations/0002b.sql", "followed by `_` and a name"]);
}

pub fn duplicate_versions(db: &TestDb) {
    applied_one(db);
    write(db, "2_b.sql", "CREATE TABLE b (id INTEGER);\n");
    write(db, "0002_c.sql", "CREATE TABLE c (id INTEGER);\n");
    refused_everywhere(
        db,
        &[
            "migrations/0002_c.sql: version 0002 is used by two migrations (the other writes it 2;",
            "migrations/0002_c.sql",
            "migrations/2_b.sql",
        ],
    );
}

pub fn down_without_up(db: &TestDb) {
    applied_one(db);
    write(db, "0002_b.down.sql", "DROP TABLE b;\n");
    refused_everywhere(
        db,
        &["migrations/0002_b.down.sql: down script without its up script `0002_b.up.sql`"],
    );
}

pub fn invalid_utf8(db: &TestDb) {
    applied_one(db);
    write(
        db,
        "0002_b.up.sql",
        b"CREATE TABLE b (id INTEGER);\nSELECT '\xff';\n",
    );
    refused_everywhere(
        db,
        &["migrations/0002_b.up.sql:2:9: the file is not valid UTF-8"],
    );
}

/// A down file that cannot be read stops every run that has work to do, before anything is
/// applied. A no-op `up` reads only the up scripts (the down files are matched by name), so it
/// still says the database is up to date; `down`, `status` and `validate` read them all.
pub fn broken_down_file(db: &TestDb) {
    applied_one(db);
    write(db, "0001_a.down.sql", b"DROP TABLE a;\n-- \xff\n");
    let needles = ["migrations/0001_a.down.sql:2:4: the file is not valid UTF-8"];
    unchanged(db, || {
        strata(db, &["up"]).ok().says(&["up to date"]);
        strata(db, &["down"]).code(2).says(&needles);
        strata(db, &["validate"]).code(1).says(&needles);
    });
    table_pair(db, "0002_b", "b");
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(&needles);
        strata(db, &["up", "--dry-run"]).code(2).says(&needles);
    });
    // Fixed, the same run applies the pending migration.
    write(db, "0001_a.down.sql", "DROP TABLE a;\n");
    strata(db, &["up"]).ok();
    assert_eq!(versions(db), applied(&["0001", "0002"]));
}

/// An up script still holding the template `strata new` wrote is refused; one without
/// statements otherwise is a valid migration that runs nothing.
pub fn empty_up(db: &TestDb) {
    applied_one(db);
    write(
        db,
        "0002_b.up.sql",
        "-- Write the migration here. strata refuses to apply it while this line is all it holds.\n",
    );
    write(db, "0002_b.down.sql", "DROP TABLE b;\n");
    refused_everywhere(
        db,
        &["migrations/0002_b.up.sql: the up script is still the template `strata new` wrote"],
    );
    write(db, "0002_b.up.sql", "-- TODO: write this\n\n");
    let note = "migration 0002 (b) in migrations/0002_b.up.sql has no statements; it will be recorded as applied without running anything";
    strata(db, &["validate"]).ok().says(&[note]);
    strata(db, &["up"]).ok().says(&[note]);
    assert_eq!(versions(db), applied(&["0001", "0002"]));
    assert_eq!(db.tables(), with_history(&["a"]));
}

pub fn unknown_directive(db: &TestDb) {
    applied_one(db);
    write(
        db,
        "0002_b.up.sql",
        "CREATE TABLE b (id INTEGER);\n-- strata:no-transactoin\n",
    );
    refused_everywhere(
        db,
        &["migrations/0002_b.up.sql:2:1: unknown directive `strata:no-transactoin`"],
    );
}

pub fn unterminated_quote(db: &TestDb) {
    applied_one(db);
    table_pair(db, "0002_b", "b");
    write(
        db,
        "0003_c.up.sql",
        "CREATE TABLE c (id INTEGER, v TEXT);\nINSERT INTO c (id, v) VALUES (1, 'it''s);\n",
    );
    let needles = [
        "migrations/0003_c.up.sql:2:34",
        "string literal is never closed",
    ];
    unchanged(db, || {
        // Found before anything runs: 0002, which is fine, is not applied either.
        strata(db, &["up"])
            .code(2)
            .says(&needles)
            .says(&["Nothing was run"]);
        strata(db, &["up", "--dry-run"]).code(2).says(&needles);
        strata(db, &["validate"]).code(1).says(&needles);
    });
}

pub fn statement_that_cannot_run_in_a_transaction(db: &TestDb) {
    applied_one(db);
    table_pair(db, "0002_b", "b");
    let (sql, message) = needs_no_transaction(db);
    write(
        db,
        "0003_c.up.sql",
        format!("CREATE TABLE c (id INTEGER);\n\n{sql}\n"),
    );
    let needles = [
        "migrations/0003_c.up.sql:3:1",
        message,
        "add `-- strata:no-transaction`",
    ];
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(&needles);
        strata(db, &["validate"]).code(1).says(&needles);
    });
    // With the directive it runs, statement by statement.
    write(
        db,
        "0003_c.up.sql",
        format!("-- strata:no-transaction\nCREATE TABLE c (id INTEGER);\n\n{sql}\n"),
    );
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b", "c"]));
}

pub fn failure_in_the_third_of_three_keeps_the_first_two(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    pair(
        db,
        "0003_c",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\nCREATE INDEX c_idx ON c (id);\nINSERT INTO no_such_table (id) VALUES (1);\n",
        "DROP TABLE c;\n",
    );
    strata(db, &["up"]).code(2).says(&[
        "0003_c (up) failed at statement 3",
        "migrations/0003_c.up.sql:3:",
        "no_such_table",
        "nothing of 0003_c was applied",
    ]);
    // The first two are committed; of the third, not even its first statements remain.
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert!(db.indexes().is_empty(), "{:?}", db.indexes());
    assert_eq!(versions(db), applied(&["0001", "0002"]));
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    assert_eq!(status["migrations"][2]["status"], "pending");
}

pub fn errors_on_a_fresh_database_leave_it_empty(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    let (sql, _) = needs_no_transaction(db);
    let bad: [(&str, String); 4] = [
        ("0002_b.up.sql", "SELECT 'unclosed;\n".to_string()),
        // Mixed with another statement (a file of only such statements runs without a
        // transaction instead).
        (
            "0002_b.up.sql",
            format!("CREATE TABLE c (id INTEGER);\n{sql}\n"),
        ),
        ("0002_b.up.sql", "-- strata:bogus\nSELECT 1;\n".to_string()),
        ("0002_b.down.sql", "SELECT 1;\n".to_string()),
    ];
    for (file, text) in &bad {
        write(db, file, text);
        for args in [&["up"][..], &["down"], &["redo"], &["status"], &["version"]] {
            strata(db, args);
            assert_eq!(
                db.tables(),
                Vec::<String>::new(),
                "strata {args:?} with {file} = {text:?} changed a fresh database"
            );
        }
        remove(db, file);
    }
}
