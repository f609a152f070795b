//! Snapshots of what people and machines read: status, run summaries, plans, and every kind of
//! error. Timestamps, durations and temp paths are redacted (see `harness::redact`).
//!
//! On SQLite only: the rendering is engine-neutral, and database messages differ by engine.

use crate::harness::*;
use strata_test_support::{Engine, TestDb};

fn db() -> TestDb {
    TestDb::new(Engine::Sqlite)
}

/// Runs strata and returns its redacted transcript (exit code, stdout, stderr).
fn transcript(db: &TestDb, args: &[&str]) -> String {
    strata(db, args).transcript(db.dir())
}

fn three(db: &TestDb) {
    table_pair(db, "0001_create_users", "users");
    pair(
        db,
        "0002_create_posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);\nCREATE INDEX posts_user_id_idx ON posts (user_id);\n",
        "DROP INDEX posts_user_id_idx;\nDROP TABLE posts;\n",
    );
    table_pair(db, "0003_create_tags", "tags");
}

#[test]
fn status_text_and_json() {
    let db = db();
    three(&db);
    insta::assert_snapshot!("status_empty_database", transcript(&db, &["status"]));
    strata(&db, &["up", "--to", "0002"]).ok();
    insta::assert_snapshot!("status_text", transcript(&db, &["status"]));
    insta::assert_snapshot!(
        "status_check",
        transcript(&db, &["status", "--check", "-q"])
    );
    insta::assert_snapshot!(
        "status_json",
        transcript(&db, &["status", "--format", "json"])
    );
}

#[test]
fn status_with_every_problem() {
    let db = db();
    table_pair(&db, "0001_create_users", "users");
    table_pair(&db, "0002_create_posts", "posts");
    table_pair(&db, "0005_gone", "gone");
    strata(&db, &["up", "--to", "0002"]).ok();
    strata(&db, &["mark-applied", "0005", "--reason", "made by hand"]).ok();
    write(
        &db,
        "0004_fill.up.sql",
        "-- strata:no-transaction\nCREATE TABLE fill (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n",
    );
    strata(&db, &["up", "--allow-out-of-order"]).code(2);
    // Now 0001 modified, 0003 out of order, 0004 dirty, 0005 missing.
    write(
        &db,
        "0001_create_users.up.sql",
        "CREATE TABLE users (id INTEGER);\n",
    );
    table_pair(&db, "0003_create_tags", "tags");
    remove(&db, "0005_gone.up.sql");
    remove(&db, "0005_gone.down.sql");
    insta::assert_snapshot!("status_every_problem", transcript(&db, &["status"]));
    insta::assert_snapshot!(
        "status_every_problem_json",
        transcript(&db, &["status", "--format", "json"])
    );
    insta::assert_snapshot!("validate_every_problem", transcript(&db, &["validate"]));
    insta::assert_snapshot!("version_dirty", transcript(&db, &["version"]));
}

#[test]
fn run_summaries() {
    let db = db();
    three(&db);
    insta::assert_snapshot!("up", transcript(&db, &["up"]));
    insta::assert_snapshot!("up_nothing_to_do", transcript(&db, &["up"]));
    insta::assert_snapshot!("redo", transcript(&db, &["redo"]));
    insta::assert_snapshot!("down_two", transcript(&db, &["down", "2"]));
    insta::assert_snapshot!("up_quiet", transcript(&db, &["up", "--quiet"]));
    insta::assert_snapshot!("down_to_zero", transcript(&db, &["down", "--to", "0"]));
    insta::assert_snapshot!("down_nothing_to_do", transcript(&db, &["down"]));
    insta::assert_snapshot!("up_json", transcript(&db, &["up", "--format", "json"]));
    insta::assert_snapshot!("version", transcript(&db, &["version"]));
}

#[test]
fn dry_run_plans() {
    let db = db();
    three(&db);
    write(
        &db,
        "0004_vacuum.up.sql",
        "-- strata:no-transaction\nVACUUM;\n",
    );
    write(&db, "0004_vacuum.down.sql", "-- nothing to undo\n");
    insta::assert_snapshot!("up_dry_run", transcript(&db, &["up", "--dry-run"]));
    strata(&db, &["up"]).ok();
    insta::assert_snapshot!(
        "down_dry_run",
        transcript(&db, &["down", "--to", "0001", "--dry-run"])
    );
    insta::assert_snapshot!(
        "down_dry_run_json",
        transcript(&db, &["down", "--dry-run", "--format", "json"])
    );
}

#[test]
fn plan_refusal() {
    let db = db();
    three(&db);
    strata(&db, &["up"]).ok();
    table_pair(&db, "0000_early", "early");
    write(
        &db,
        "0002_create_posts.up.sql",
        "CREATE TABLE posts (id INTEGER);\n",
    );
    remove(&db, "0003_create_tags.up.sql");
    remove(&db, "0003_create_tags.down.sql");
    insta::assert_snapshot!("plan_refusal", transcript(&db, &["up"]));
    insta::assert_snapshot!(
        "plan_refusal_json",
        transcript(&db, &["up", "--format", "json"])
    );
}

#[test]
fn migration_failure_with_code_frame() {
    let db = db();
    table_pair(&db, "0001_create_users", "users");
    pair(
        &db,
        "0002_add_posts",
        "CREATE TABLE posts (\n    id INTEGER PRIMARY KEY,\n    title TEXT NOT NULL\n);\n\nINSERT INTO posts (id, titel) VALUES (1, 'hello');\n",
        "DROP TABLE posts;\n",
    );
    insta::assert_snapshot!("migration_failure", transcript(&db, &["up"]));
    insta::assert_snapshot!(
        "migration_failure_json",
        transcript(&db, &["up", "--format", "json"])
    );
}

#[test]
fn dirty_failure_and_resume() {
    let db = db();
    write(
        &db,
        "0001_backfill.up.sql",
        "-- strata:no-transaction\nCREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO t (id) VALUES (1);\nINSERT INTO t (id) VALUES (1);\nCREATE INDEX t_id_idx ON t (id);\n",
    );
    insta::assert_snapshot!("dirty_failure", transcript(&db, &["up"]));
    insta::assert_snapshot!("dirty_status", transcript(&db, &["status"]));
    insta::assert_snapshot!("dirty_down_refused", transcript(&db, &["down"]));
    write(
        &db,
        "0001_backfill.up.sql",
        "-- strata:no-transaction\nCREATE TABLE t (id INTEGER PRIMARY KEY);\nINSERT INTO t (id) VALUES (1);\nINSERT INTO t (id) VALUES (2);\nCREATE INDEX t_id_idx ON t (id);\n",
    );
    insta::assert_snapshot!(
        "dirty_resume_dry_run",
        transcript(&db, &["up", "--dry-run"])
    );
    insta::assert_snapshot!("dirty_resumed", transcript(&db, &["up"]));
}

#[test]
fn repair_and_admin_commands() {
    let db = db();
    three(&db);
    insta::assert_snapshot!("baseline", transcript(&db, &["baseline", "0001"]));
    insta::assert_snapshot!("mark_applied", transcript(&db, &["mark-applied", "0002"]));
    write(
        &db,
        "0002_create_posts.up.sql",
        "CREATE TABLE posts (id INTEGER);\n",
    );
    insta::assert_snapshot!(
        "repair_accept_checksum",
        transcript(&db, &["repair", "0002", "--accept-checksum"])
    );
    insta::assert_snapshot!("repair_nothing", transcript(&db, &["repair"]));
}

#[test]
fn preflight_refusal() {
    let db = db();
    table_pair(&db, "0001_create_users", "users");
    write(&db, "0002_vacuum.up.sql", "DELETE FROM users;\n\nVACUUM;\n");
    insta::assert_snapshot!("preflight_vacuum", transcript(&db, &["up"]));
    // In a dbmate file, dbmate's own switch is named beside strata's.
    remove(&db, "0002_vacuum.up.sql");
    write(
        &db,
        "0002_vacuum.sql",
        "-- migrate:up\nDELETE FROM users;\nVACUUM;\n\n-- migrate:down\n",
    );
    strata(&db, &["up"]).code(2).says(&[
        "0002_vacuum.sql:3:1",
        "`-- migrate:up transaction:false` does the same",
    ]);
    remove(&db, "0002_vacuum.sql");
    write(
        &db,
        "0002_vacuum.up.sql",
        "INSERT INTO users (id) VALUES (1);\nSELECT 'unclosed;\n",
    );
    insta::assert_snapshot!("preflight_unterminated", transcript(&db, &["up"]));
    insta::assert_snapshot!(
        "preflight_unterminated_json",
        transcript(&db, &["up", "--format", "json"])
    );
}

/// A snapshot name and the files that make its directory.
type Case = (&'static str, &'static [(&'static str, &'static [u8])]);

#[test]
fn source_errors() {
    let cases: [Case; 7] = [
        ("source_unrecognized", &[("seed.sql", b"SELECT 1;\n")]),
        (
            "source_duplicate",
            &[("1_a.sql", b"SELECT 1;\n"), ("0001_b.sql", b"SELECT 1;\n")],
        ),
        (
            "source_down_without_up",
            &[("0001_a.down.sql", b"SELECT 1;\n")],
        ),
        (
            "source_invalid_utf8",
            &[("0001_a.up.sql", b"SELECT 1;\nSELECT '\xc3';\n")],
        ),
        (
            // Still the template `strata new` wrote.
            "source_empty_up",
            &[(
                "0001_a.up.sql",
                b"-- Write the migration here. strata refuses to apply it while this line is all it holds.\n",
            )],
        ),
        (
            "source_unknown_directive",
            &[("0001_a.up.sql", b"-- strata:no-transction\nSELECT 1;\n")],
        ),
        (
            "source_flyway_placeholder",
            &[
                ("V1__init.sql", b"CREATE TABLE t (c varchar(100));\n"),
                (
                    "V2__widen.sql",
                    b"ALTER TABLE ${flyway:defaultSchema}.t ALTER COLUMN c TYPE varchar(2000);\n",
                ),
            ],
        ),
    ];
    for (name, files) in cases {
        let db = db();
        for (file, bytes) in files {
            write(&db, file, bytes);
        }
        insta::assert_snapshot!(name, transcript(&db, &["up"]));
        insta::assert_snapshot!(
            format!("{name}_validate_json"),
            transcript(&db, &["validate", "--format", "json"])
        );
    }
}

#[test]
fn migrations_without_statements_or_with_their_own_transaction_control() {
    let db = db();
    table_pair(&db, "0001_a", "a");
    // golang-migrate and sqlx apply a comment-only file, recording it as applied.
    write(&db, "0002_noop.up.sql", "-- Replaced by 0003\n");
    // Statements before its own BEGIN ... COMMIT: it runs as written.
    write(
        &db,
        "0003_own.up.sql",
        "CREATE TABLE b (id INTEGER);\nBEGIN;\nINSERT INTO b VALUES (1);\nCOMMIT;\n",
    );
    insta::assert_snapshot!("own_tx_validate", transcript(&db, &["validate"]));
    insta::assert_snapshot!(
        "own_tx_single_transaction",
        transcript(&db, &["up", "--single-transaction"])
    );
    insta::assert_snapshot!("own_tx_dry_run", transcript(&db, &["up", "--dry-run"]));
    insta::assert_snapshot!("own_tx_up", transcript(&db, &["up"]));
    insta::assert_snapshot!("own_tx_status", transcript(&db, &["status"]));
    assert_eq!(db.query_strings("SELECT count(*) FROM b"), ["1"]);
}

#[test]
fn command_line_errors() {
    let db = db();
    table_pair(&db, "0001_a", "a");
    insta::assert_snapshot!(
        "no_database_url",
        Strata::bare(db.dir())
            .args(["status", "--dir", DIR])
            .run()
            .transcript(db.dir())
    );
    insta::assert_snapshot!(
        "missing_directory",
        Strata::bare(db.dir())
            .args(["status", "--dir", "nowhere", "--database-url", db.url()])
            .run()
            .transcript(db.dir())
    );
    insta::assert_snapshot!(
        "unsupported_url",
        Strata::bare(db.dir())
            .args([
                "status",
                "--dir",
                DIR,
                "--database-url",
                "mongodb://u:secret@h/db"
            ])
            .run()
            .transcript(db.dir())
    );
    insta::assert_snapshot!(
        "bad_version_argument",
        transcript(&db, &["up", "--to", "v2"])
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // More output than a pipe holds, and nobody reading it.
    let db = db();
    for n in 1..=3000 {
        write(&db, &format!("{n:05}_m.up.sql"), "SELECT 1;\n");
    }
    for format in ["text", "json"] {
        let (args, mut child) = Strata::new(&db)
            .args(["status", "--format", format])
            .spawn();
        drop(child.stdout.take());
        let run = finish(args, child);
        assert_eq!(run.code, 0, "{format}: {run:#?}");
        assert_eq!(run.stderr, "", "{format}");
    }
}
