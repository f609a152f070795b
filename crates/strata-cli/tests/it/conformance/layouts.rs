//! Each directory layout applied with `up` and reverted with `down --to 0`, checking the schema
//! each time.

use crate::harness::*;
use serde_json::Value;
use strata_test_support::TestDb;

/// Versions, in order, of `status --format json`.
fn status_versions(db: &TestDb) -> Vec<String> {
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    status["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["version"].as_str().unwrap().to_string())
        .collect()
}

/// `(version, transaction)` of each step of a dry-run plan.
fn planned(db: &TestDb, args: &[&str]) -> Vec<(String, String)> {
    let mut all = args.to_vec();
    all.extend(["--dry-run", "--format", "json"]);
    let plan = strata(db, &all).ok().json();
    plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let f = |k: &str| s[k].as_str().unwrap_or_default().to_string();
            (f("version"), f("transaction"))
        })
        .collect()
}

/// The order migrations ran in: each inserts its label into `seq`, numbered by the rows
/// already there.
fn record(label: &str) -> String {
    format!("INSERT INTO seq (n, v) SELECT COUNT(*), '{label}' FROM seq;\n")
}

fn seq(db: &TestDb) -> Vec<String> {
    db.query_strings("SELECT v FROM seq ORDER BY n")
}

const CREATE_SEQ: &str = "CREATE TABLE seq (n INTEGER NOT NULL, v TEXT NOT NULL);\n";

pub fn pairs_layout(db: &TestDb) {
    pair(
        db,
        "0001_users",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);\nCREATE UNIQUE INDEX users_email_idx ON users (email);\n",
        "DROP INDEX users_email_idx;\nDROP TABLE users;\n",
    );
    // A timestamp after a sequence number: versions compare as numbers.
    pair(
        db,
        "20240101120000_posts",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n",
        "DROP TABLE posts;\n",
    );
    // Optional down: a pair without one applies, and only refuses to be reverted.
    write(
        db,
        "0002_tags.up.sql",
        "CREATE TABLE tags (id INTEGER PRIMARY KEY);\n",
    );
    assert_eq!(status_versions(db), ["0001", "0002", "20240101120000"]);
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["posts", "tags", "users"]));
    assert_eq!(db.indexes(), ["users_email_idx"]);
    unchanged(db, || {
        strata(db, &["down", "--to", "0"])
            .code(2)
            .says(&["migration 0002 (tags) has no down script"]);
    });
    write(db, "0002_tags.down.sql", "DROP TABLE tags;\n");
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    assert!(db.indexes().is_empty());
}

pub fn single_files_without_sections_apply_but_cannot_be_reverted(db: &TestDb) {
    write(
        db,
        "20251115120000_create_peers.sql",
        "CREATE TABLE peers (id INTEGER PRIMARY KEY, batch_id INTEGER);\n",
    );
    write(
        db,
        "20251116090000_add_peers_batch_idx.sql",
        "CREATE INDEX peers_batch_id_idx ON peers (batch_id);\n",
    );
    strata(db, &["up"]).ok().says(&["Applied 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["peers"]));
    assert_eq!(db.indexes(), ["peers_batch_id_idx"]);
    assert_eq!(versions(db), applied(&["20251115120000", "20251116090000"]));
    // Supabase-style files hold no down script: reverting is refused, all of it.
    unchanged(db, || {
        strata(db, &["down", "--to", "0"]).code(2).says(&[
            "migration 20251115120000 (create_peers) has no down script",
            "migration 20251116090000 (add_peers_batch_idx) has no down script",
        ]);
    });
}

pub fn single_files_with_dbmate_sections(db: &TestDb) {
    write(
        db,
        "20240101000000_create_a.sql",
        "-- migrate:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE a;\n",
    );
    write(
        db,
        "20240102000000_index_a.sql",
        "-- migrate:up transaction:false\nCREATE INDEX a_id_idx ON a (id);\n\n-- migrate:down\nDROP INDEX a_id_idx;\n",
    );
    assert_eq!(
        planned(db, &["up"]),
        [
            ("20240101000000".to_string(), "transactional".to_string()),
            ("20240102000000".to_string(), "none".to_string()),
        ]
    );
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a"]));
    assert_eq!(db.indexes(), ["a_id_idx"]);
    // The down section was stored with the row, with the mode it runs in, and is what
    // `down` runs.
    assert_eq!(
        history(db, "down_script")[1][0].trim(),
        "-- strata:no-transaction\nDROP INDEX a_id_idx;"
    );
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    assert!(db.indexes().is_empty());
}

pub fn diesel_directories_in_all_three_name_forms(db: &TestDb) {
    write(
        db,
        "20170102131034_create_seq/up.sql",
        format!("{CREATE_SEQ}{}", record("x")),
    );
    write(
        db,
        "20170102131034_create_seq/down.sql",
        "DROP TABLE seq;\n",
    );
    write(db, "2017-08-31-230457_second/up.sql", record("y"));
    write(
        db,
        "2017-08-31-230457_second/down.sql",
        "DELETE FROM seq WHERE v = 'y';\n",
    );
    write(
        db,
        "2026-07-30-140000-0000_third/up.sql",
        format!("{}CREATE INDEX seq_v_idx ON seq (v);\n", record("z")),
    );
    write(
        db,
        "2026-07-30-140000-0000_third/down.sql",
        "DROP INDEX seq_v_idx;\nDELETE FROM seq WHERE v = 'z';\n",
    );
    write(
        db,
        "2026-07-30-140000-0000_third/metadata.toml",
        "run_in_transaction = false\n",
    );
    // diesel's own files beside them are not migrations.
    write(db, ".keep", "");
    write(db, "README.md", "# migrations\n");
    assert_eq!(
        planned(db, &["up"]),
        [
            ("20170102131034".to_string(), "transactional".to_string()),
            ("20170831230457".to_string(), "transactional".to_string()),
            ("202607301400000000".to_string(), "none".to_string()),
        ]
    );
    strata(db, &["up"]).ok();
    assert_eq!(seq(db), ["x", "y", "z"]);
    assert_eq!(db.tables(), with_history(&["seq"]));
    assert_eq!(db.indexes(), ["seq_v_idx"]);
    assert_eq!(
        planned(db, &["down", "--to", "0"]),
        [
            ("202607301400000000".to_string(), "none".to_string()),
            ("20170831230457".to_string(), "transactional".to_string()),
            ("20170102131034".to_string(), "transactional".to_string()),
        ]
    );
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    assert!(db.indexes().is_empty());
}

/// Flyway files: versions `1_9 < 1_10 < 10 < 10.1 < 11`, an undo file for each, a repeatable.
fn flyway(db: &TestDb) {
    write(
        db,
        "V1_9__create_seq.sql",
        format!("{CREATE_SEQ}{}", record("1_9")),
    );
    write(db, "U1_9__create_seq.sql", "DROP TABLE seq;\n");
    for v in ["1_10", "10", "10.1", "11"] {
        write(db, &format!("V{v}__step.sql"), record(v));
        write(
            db,
            &format!("U{v}__step.sql"),
            format!("DELETE FROM seq WHERE v = '{v}';\n"),
        );
    }
    write(db, "R__constants.sql", view(1));
}

fn view(x: u32) -> String {
    format!("DROP VIEW IF EXISTS constants;\nCREATE VIEW constants AS SELECT {x} AS x;\n")
}

pub fn flyway_versions_order_numerically_and_undo_files_revert(db: &TestDb) {
    flyway(db);
    assert_eq!(status_versions(db), ["1_9", "1_10", "10", "10.1", "11", ""]);
    strata(db, &["up"]).ok().says(&["Applied 6 of 6"]);
    assert_eq!(seq(db), ["1_9", "1_10", "10", "10.1", "11"]);
    assert_eq!(db.query_strings("SELECT x FROM constants"), ["1"]);
    assert_eq!(db.tables(), with_history(&["seq"]));
    let reverts: Vec<String> = planned(db, &["down", "--to", "0"])
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(reverts, ["11", "10.1", "10", "1_10", "1_9"]);
    strata(db, &["down", "--to", "10"]).ok();
    assert_eq!(seq(db), ["1_9", "1_10", "10"]);
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
    // A repeatable migration is not versioned: down leaves it (and its view) applied.
    let rows = history(db, "version, name, kind");
    assert_eq!(
        rows,
        [["", "constants", "repeatable"].map(String::from).to_vec()]
    );
    assert_eq!(db.query_strings("SELECT x FROM constants"), ["1"]);
}

pub fn flyway_repeatable_runs_again_after_it_changes(db: &TestDb) {
    flyway(db);
    strata(db, &["up"]).ok();
    unchanged(db, || {
        strata(db, &["up"]).ok().says(&["Nothing to apply"]);
    });
    write(db, "R__constants.sql", view(2));
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let r: &Value = &status["migrations"][5];
    assert_eq!(r["name"], "constants");
    assert_eq!(r["status"], "pending");
    assert_eq!(r["note"], "changed since applied");
    let up = strata(db, &["up", "--format", "json"]).ok().json();
    assert_eq!(up["steps"][0]["action"], "reapply");
    assert_eq!(up["steps"].as_array().unwrap().len(), 1);
    assert_eq!(db.query_strings("SELECT x FROM constants"), ["2"]);
    assert_eq!(history(db, "name").len(), 6, "one row per migration");
    strata(db, &["status", "--check"]).ok();
}

/// Diesel keeps versions as text: Lemmy has both `00000000000000_diesel_initial_setup/` and
/// `000000000000000_forbid_diesel_cli/`. Two migrations, by value then text, each with its own
/// history row, selected by the version as written.
pub fn diesel_versions_that_differ_only_in_leading_zeros(db: &TestDb) {
    let (fourteen, fifteen) = ("0".repeat(14), "0".repeat(15));
    write(
        db,
        &format!("{fifteen}_forbid_diesel_cli/up.sql"),
        record("forbid"),
    );
    write(
        db,
        &format!("{fifteen}_forbid_diesel_cli/down.sql"),
        "DELETE FROM seq WHERE v = 'forbid';\n",
    );
    write(
        db,
        &format!("{fourteen}_diesel_initial_setup/up.sql"),
        format!("{CREATE_SEQ}{}", record("setup")),
    );
    write(
        db,
        &format!("{fourteen}_diesel_initial_setup/down.sql"),
        "DROP TABLE seq;\n",
    );
    write(db, "2019-06-01-222649_later/up.sql", record("later"));
    write(
        db,
        "2019-06-01-222649_later/down.sql",
        "DELETE FROM seq WHERE v = 'later';\n",
    );
    strata(db, &["validate"]).ok();
    strata(db, &["up"]).ok();
    assert_eq!(seq(db), ["setup", "forbid", "later"]);
    assert_eq!(
        versions(db),
        applied(&[&fourteen, &fifteen, "20190601222649"])
    );
    strata(db, &["down", "2"]).ok();
    assert_eq!(seq(db), ["setup"]);
    assert_eq!(versions(db), applied(&[&fourteen]));
    // Versions as written select their own migration.
    strata(db, &["mark-applied", &fifteen]).ok();
    assert_eq!(versions(db), applied(&[&fourteen, &fifteen]));
    strata(db, &["repair", &fifteen, "--forget"]).ok();
    assert_eq!(versions(db), applied(&[&fourteen]));
    strata(db, &["status", "--check"])
        .code(1)
        .says(&[&format!("{fifteen}  forbid_diesel_cli     pending")]);
}

/// dbmate (Supabase's init scripts) names files `{version}-{name}.sql`.
pub fn dbmate_names_with_a_dash(db: &TestDb) {
    write(
        db,
        "00000000000000-initial-schema.sql",
        format!(
            "-- migrate:up\n{CREATE_SEQ}{}\n-- migrate:down\nDROP TABLE seq;\n",
            record("initial")
        ),
    );
    write(
        db,
        "00000000000001-auth-schema.sql",
        format!(
            "-- migrate:up\n{}\n-- migrate:down\nDELETE FROM seq WHERE v = 'auth';\n",
            record("auth")
        ),
    );
    strata(db, &["up"]).ok();
    assert_eq!(seq(db), ["initial", "auth"]);
    strata(db, &["status"])
        .ok()
        .says(&["initial-schema", "auth-schema"]);
    strata(db, &["down", "--to", "0"]).ok();
    strata(db, &["down"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}
