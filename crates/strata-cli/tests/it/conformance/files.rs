//! Files as people really write them: no final newline or `;`, their own transaction wrapper,
//! CRLF line endings and a byte-order mark, bodies with `;` inside.

use crate::harness::*;
use strata_test_support::{Engine, TestDb};

pub fn files_without_final_newline_or_semicolon(db: &TestDb) {
    pair(
        db,
        "0001_a",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a (id) VALUES (1)",
        "DROP TABLE a",
    );
    pair(
        db,
        "0002_b",
        "CREATE TABLE b (id INTEGER PRIMARY KEY);\n-- a comment last, no newline",
        "DROP TABLE b;",
    );
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(db.query_strings("SELECT id FROM a"), ["1"]);
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}

pub fn file_with_its_own_transaction_wrapper(db: &TestDb) {
    pair(
        db,
        "0001_a",
        "BEGIN;\nCREATE TABLE a (id INTEGER PRIMARY KEY);\nINSERT INTO a (id) VALUES (1);\nCOMMIT;\n",
        "BEGIN;\nDROP TABLE a;\nCOMMIT;\n",
    );
    // The wrapper is replaced by strata's own transaction: a failure after it still rolls the
    // whole migration back together with its history row.
    pair(
        db,
        "0002_b",
        "BEGIN;\nCREATE TABLE b (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);\nCOMMIT;\n",
        "DROP TABLE b;\n",
    );
    strata(db, &["up"])
        .code(2)
        .says(&["0002_b (up) failed", "migrations/0002_b.up.sql:3:"]);
    assert_eq!(db.tables(), with_history(&["a"]));
    assert_eq!(db.query_strings("SELECT id FROM a"), ["1"]);
    assert_eq!(versions(db), applied(&["0001"]));
    remove(db, "0002_b.up.sql");
    remove(db, "0002_b.down.sql");
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    // Transaction control other than around the whole file (here a statement before its
    // BEGIN), which golang-migrate, sqlx and dbmate send as written: it runs as written,
    // statement by statement, with a warning naming the statement.
    pair(
        db,
        "0001_a",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\nBEGIN;\nCREATE TABLE b (id INTEGER);\nINSERT INTO b (id) VALUES (1);\nCOMMIT;\n",
        "DROP TABLE b;\nDROP TABLE a;\n",
    );
    let note = "migrations/0001_a.up.sql:2:1: migration 0001 (a) controls its own transaction (BEGIN here), so it runs as written";
    unchanged(db, || {
        // Not within --single-transaction, where nothing may run outside the transaction.
        strata(db, &["up", "--single-transaction"]).code(2).says(&[
            "migrations/0001_a.up.sql:2:1",
            "run without --single-transaction",
        ]);
    });
    strata(db, &["validate"]).ok().says(&[note]);
    strata(db, &["up"]).ok().says(&[note]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(db.query_strings("SELECT id FROM b"), ["1"]);
    assert_eq!(versions(db), applied(&["0001"]));
}

pub fn crlf_and_byte_order_mark(db: &TestDb) {
    let up = "\u{feff}CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);\r\nINSERT INTO a (id, v) VALUES (1, 'x');\r\n";
    pair(db, "0001_a", up, "\u{feff}DROP TABLE a;\r\n");
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a"]));
    // Stored text is normalized: no carriage return slipped into the data or the down script.
    assert_eq!(db.query_strings("SELECT v FROM a"), ["x"]);
    assert_eq!(history(db, "down_script")[0][0], "DROP TABLE a;\n");
    // The checksum is over normalized text: the same file saved with LF and no BOM is unchanged.
    write(
        db,
        "0001_a.up.sql",
        up.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
    );
    strata(db, &["status", "--check"]).ok();
    // Positions in errors count lines the same way.
    pair(
        db,
        "0002_b",
        "\u{feff}CREATE TABLE b (id INTEGER);\r\n\r\nINSERT INTO no_such_table (id) VALUES (1);\r\n",
        "DROP TABLE b;\r\n",
    );
    strata(db, &["up"])
        .code(2)
        .says(&["migrations/0002_b.up.sql:3:"]);
    remove(db, "0002_b.up.sql");
    remove(db, "0002_b.down.sql");
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}

/// Bodies with `;` inside them, in the engine's own syntax: they must run as one statement.
pub fn engine_specific_bodies_with_semicolons(db: &TestDb) {
    let (up, down) = match db.engine() {
        Engine::Sqlite => (
            "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
CREATE TABLE log (id INTEGER);
CREATE TRIGGER a_log AFTER INSERT ON a
BEGIN
    INSERT INTO log (id) VALUES (NEW.id);
    UPDATE a SET n = n + 1 WHERE id = NEW.id;
END;
INSERT INTO a (id) VALUES (7);
",
            "DROP TRIGGER a_log;\nDROP TABLE log;\nDROP TABLE a;\n",
        ),
        Engine::Postgres => (
            "CREATE TABLE a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0);
CREATE TABLE log (id INTEGER);
CREATE FUNCTION a_log() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO log (id) VALUES (NEW.id);
    UPDATE a SET n = n + 1 WHERE id = NEW.id;
    RETURN NEW;
END;
$body$;
CREATE TRIGGER a_log AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION a_log();
INSERT INTO a (id) VALUES (7);
",
            "DROP TRIGGER a_log ON a;\nDROP FUNCTION a_log();\nDROP TABLE log;\nDROP TABLE a;\n",
        ),
    };
    pair(db, "0001_trigger", up, down);
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "log"]));
    assert_eq!(db.query_strings("SELECT id FROM log"), ["7"]);
    assert_eq!(db.query_strings("SELECT n FROM a"), ["1"]);
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}
