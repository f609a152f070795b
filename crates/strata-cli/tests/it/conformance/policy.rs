//! What the planner refuses and what the operator may allow: out-of-order, modified and missing
//! migrations, baselines, `mark-applied`, `--single-transaction`.

use crate::harness::*;
use serde_json::Value;
use strata_test_support::TestDb;

/// `(version, name, status)` of every `status --format json` entry.
fn status_rows(db: &TestDb) -> Vec<(String, String, String)> {
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    status["migrations"]
        .as_array()
        .expect("migrations is an array")
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap_or_default().to_string();
            (s("version"), s("name"), s("status"))
        })
        .collect()
}

fn rows(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(v, n, s)| (v.to_string(), n.to_string(), s.to_string()))
        .collect()
}

pub fn out_of_order_is_refused_unless_allowed(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0003_c", "c");
    strata(db, &["up"]).ok();
    table_pair(db, "0002_b", "b");
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(&[
            "migration 0002 (b) is pending but 0003 is already applied",
            "--allow-out-of-order",
            "Nothing was run",
        ]);
    });
    assert_eq!(
        status_rows(db),
        rows(&[
            ("0001", "a", "applied"),
            ("0002", "b", "out-of-order"),
            ("0003", "c", "applied"),
        ])
    );
    strata(db, &["status", "--check"]).code(1);
    strata(db, &["up", "--allow-out-of-order"])
        .ok()
        .says(&["warning: migration 0002 (b) is pending", "Applied 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c"]));
    assert_eq!(versions(db), applied(&["0001", "0002", "0003"]));
}

pub fn modified_is_refused_until_its_checksum_is_accepted(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    strata(db, &["up"]).ok();
    let checksum = history(db, "checksum")[0][0].clone();
    assert!(checksum.starts_with("sha256:"), "{checksum}");
    write(
        db,
        "0001_a.up.sql",
        "-- edited after it was applied\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n",
    );
    table_pair(db, "0002_b", "b");
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(&[
            "migration 0001 (a) was changed after it was applied: migrations/0001_a.up.sql",
            "strata repair 0001 --accept-checksum",
        ]);
        strata(db, &["status", "--check"]).code(1);
    });
    assert_eq!(status_rows(db)[0], rows(&[("0001", "a", "modified")])[0]);
    let applied = history(db, "applied_at")[0][0].clone();
    strata(
        db,
        &[
            "repair",
            "0001",
            "--accept-checksum",
            "--reason",
            "comment only",
        ],
    )
    .ok()
    .says(&["0001 (a): new checksum accepted"]);
    let accepted = history(db, "checksum")[0][0].clone();
    assert_ne!(accepted, checksum);
    // The repaired row still says when the migration was applied.
    assert_eq!(history(db, "applied_at")[0][0], applied);
    strata(db, &["up"]).ok().says(&["Applied 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    strata(db, &["status", "--check"]).ok();
}

pub fn missing_is_refused_unless_allowed_and_down_uses_the_stored_script(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    strata(db, &["up"]).ok();
    remove(db, "0002_b.up.sql");
    remove(db, "0002_b.down.sql");
    table_pair(db, "0003_c", "c");
    unchanged(db, || {
        strata(db, &["up"]).code(2).says(&[
            "migration 0002 (b) is applied but its file is missing",
            "--allow-missing",
        ]);
    });
    assert_eq!(
        status_rows(db),
        rows(&[
            ("0001", "a", "applied"),
            ("0002", "b", "missing"),
            ("0003", "c", "pending"),
        ])
    );
    strata(db, &["up", "--allow-missing"])
        .ok()
        .says(&["warning: migration 0002 (b) is applied but its file is missing"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c"]));
    strata(db, &["down"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    // 0002 has no file any more: its down script comes from the history row.
    strata(db, &["down"]).ok().says(&["Reverted 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a"]));
    assert_eq!(versions(db), applied(&["0001"]));
}

pub fn baseline_counts_older_files_as_applied(db: &TestDb) {
    for (stem, table) in [
        ("0001_a", "a"),
        ("0002_b", "b"),
        ("0003_c", "c"),
        ("0004_d", "d"),
    ] {
        table_pair(db, stem, table);
    }
    // A database made before strata: a and b exist already.
    db.execute("CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY);");
    strata(db, &["baseline", "0002", "--reason", "adopted"]).ok();
    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let entries = status["migrations"].as_array().unwrap();
    let find = |v: &str, n: &str| -> &Value {
        entries
            .iter()
            .find(|e| e["version"] == v && e["name"] == n)
            .unwrap_or_else(|| panic!("no status entry {v} {n}: {status:#}"))
    };
    assert_eq!(find("0001", "a")["status"], "applied");
    assert_eq!(find("0001", "a")["note"], "covered by baseline 0002");
    assert_eq!(find("0002", "b")["status"], "applied");
    assert_eq!(find("0002", "baseline")["status"], "applied");
    assert_eq!(find("0003", "c")["status"], "pending");
    // Files at or below the baseline are not applied (a and b would fail: they exist).
    strata(db, &["up"]).ok().says(&["Applied 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c", "d"]));
    // A baseline is never reverted: down --to 0 stops at it.
    strata(db, &["down", "--to", "0"])
        .ok()
        .says(&["Reverted 2 of 2"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(
        history(db, "version, name, kind"),
        [["0002", "baseline", "baseline"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    // A second baseline is refused.
    strata(db, &["up"]).ok();
    unchanged(db, || {
        strata(db, &["baseline", "0003"])
            .code(2)
            .says(&["already has"]);
    });
}

pub fn mark_applied_records_without_running(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    db.execute("CREATE TABLE a (id INTEGER PRIMARY KEY)");
    strata(db, &["mark-applied", "0001", "--reason", "created by hand"])
        .ok()
        .says(&["0001 recorded as applied (nothing was run)"]);
    assert_eq!(versions(db), applied(&["0001"]));
    assert!(history(db, "note")[0][0].contains("created by hand"));
    unchanged(db, || {
        strata(db, &["mark-applied", "0001"])
            .code(2)
            .says(&["0001 (a) is already in the history"]);
        strata(db, &["mark-applied", "9"])
            .code(2)
            .says(&["no migration has version 9"]);
    });
    // Running 0001 again would fail: a exists. Only 0002 runs.
    strata(db, &["up"]).ok().says(&["Applied 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    // Its down script was stored like any other.
    strata(db, &["down", "--to", "0"]).ok();
    assert_eq!(db.tables(), with_history(&[]));
}

pub fn single_transaction_failure_rolls_everything_back(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
    pair(
        db,
        "0003_c",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);\n",
        "DROP TABLE c;\n",
    );
    strata(db, &["up", "--single-transaction"]).code(2).says(&[
        "Rolled back",
        "0003_c (up) failed at statement 2",
        "the whole run was one transaction and was rolled back",
    ]);
    assert_eq!(user_tables(db), Vec::<String>::new());
    assert_eq!(versions(db), applied(&[]));
    pair(
        db,
        "0003_c",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\nINSERT INTO c (id) VALUES (1);\n",
        "DROP TABLE c;\n",
    );
    strata(db, &["up", "--single-transaction"])
        .ok()
        .says(&["Applied 3 of 3"]);
    assert_eq!(db.tables(), with_history(&["a", "b", "c"]));
    assert_eq!(versions(db), applied(&["0001", "0002", "0003"]));
}

pub fn single_transaction_refuses_a_no_transaction_migration(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    pair(
        db,
        "0002_b",
        "-- strata:no-transaction\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE b;\n",
    );
    unchanged(db, || {
        strata(db, &["up", "--single-transaction"]).code(2).says(&[
            "migration 0002 (b) cannot run inside a transaction, but --single-transaction was asked for",
        ]);
    });
    strata(db, &["up"]).ok();
    assert_eq!(db.tables(), with_history(&["a", "b"]));
}
