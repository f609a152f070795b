//! `status --check`, `validate`, `version`, `--format json` everywhere, global options.

use crate::harness::*;
use serde_json::Value;
use strata_test_support::TestDb;

fn two(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    table_pair(db, "0002_b", "b");
}

pub fn status_check_exits_1_until_everything_is_applied(db: &TestDb) {
    two(db);
    unchanged(db, || {
        strata(db, &["status", "--check"]).code(1).says(&[
            "0001",
            "pending",
            "0 applied, 2 pending",
        ]);
        // Without --check, pending work is not a finding.
        strata(db, &["status"]).ok();
    });
    strata(db, &["up", "--to", "0001"]).ok();
    strata(db, &["status", "--check"])
        .code(1)
        .says(&["1 applied, 1 pending"]);
    strata(db, &["up"]).ok();
    strata(db, &["status", "--check"]).ok().says(&["2 applied"]);
}

pub fn validate_exits_1_on_a_bad_directory_and_0_on_a_good_one(db: &TestDb) {
    two(db);
    unchanged(db, || {
        strata(db, &["validate"])
            .ok()
            .says(&["2 migration(s) in migrations are valid"]);
    });
    write(db, "seed.sql", "INSERT INTO a (id) VALUES (1);\n");
    unchanged(db, || {
        strata(db, &["validate"]).code(1).says(&[
            "problem: migrations/seed.sql: this `.sql` file fits no migration file name pattern",
        ]);
        let json = strata(db, &["validate", "--format", "json"]).code(1).json();
        assert_eq!(json["valid"], false);
        assert_eq!(json["problems"][0]["file"], "migrations/seed.sql");
    });
    remove(db, "seed.sql");
    // A file that splits badly is a problem of the directory too, before any database is used.
    write(
        db,
        "0003_c.up.sql",
        "INSERT INTO a (id) VALUES ('unclosed);\n",
    );
    unchanged(db, || {
        strata(db, &["validate"])
            .code(1)
            .says(&["migrations/0003_c.up.sql:1:28", "never closed"]);
    });
    remove(db, "0003_c.up.sql");
    // With a database, a file changed after it was applied is a problem.
    strata(db, &["up"]).ok();
    write(db, "0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
    strata(db, &["validate"])
        .code(1)
        .says(&["0002 (b) is modified"]);
    let json = strata(db, &["validate", "--format", "json"]).code(1).json();
    assert_eq!(json["problems"][0]["kind"], "modified");
    assert_eq!(json["problems"][0]["version"], "0002");
}

pub fn version_prints_the_highest_applied_version(db: &TestDb) {
    two(db);
    strata(db, &["version"]).ok().says(&["none"]);
    let json = strata(db, &["version", "--format", "json"]).ok().json();
    assert_eq!(json["version"], Value::Null);
    assert_eq!(json["dirty"], false);
    strata(db, &["up"]).ok();
    assert_eq!(strata(db, &["version"]).ok().stdout, "0002\n");
    let json = strata(db, &["version", "--format", "json"]).ok().json();
    assert_eq!(json["version"], "0002");
    assert_eq!(json["name"], "b");
    strata(db, &["down"]).ok();
    assert_eq!(strata(db, &["version"]).ok().stdout, "0001\n");
}

/// Every step of a run report has these fields.
fn check_steps(report: &Value, actions: &[&str], outcome: &str) {
    let steps = report["steps"].as_array().expect("steps is an array");
    let got: Vec<&str> = steps
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(got, actions, "{report:#}");
    for s in steps {
        assert!(s["version"].is_string(), "{s}");
        assert!(s["name"].is_string(), "{s}");
        assert!(s["millis"].is_u64(), "{s}");
        assert_eq!(s["outcome"], outcome, "{s}");
    }
    assert_eq!(report["error"], Value::Null, "{report:#}");
}

pub fn every_command_speaks_json(db: &TestDb) {
    two(db);
    let plan = strata(db, &["up", "--dry-run", "--format", "json"])
        .ok()
        .json();
    assert_eq!(plan["direction"], "up");
    assert_eq!(plan["dry_run"], true);
    check_steps(&plan, &["apply", "apply"], "not-run");
    assert_eq!(
        plan["steps"][0]["sql"],
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"
    );
    assert_eq!(plan["steps"][0]["transaction"], "transactional");

    let run = strata(db, &["up", "--format", "json"]).ok();
    assert_eq!(run.stderr, "", "no progress lines beside JSON");
    let up = run.json();
    assert_eq!(up["direction"], "up");
    assert_eq!(up["dry_run"], false);
    assert_eq!(up["batch"], 1);
    assert_eq!(up["done"], 2);
    check_steps(&up, &["apply", "apply"], "done");
    assert_eq!(up["steps"][1]["version"], "0002");
    assert_eq!(up["steps"][1]["name"], "b");

    let status = strata(db, &["status", "--format", "json"]).ok().json();
    let items = status["migrations"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for (item, (version, name)) in items.iter().zip([("0001", "a"), ("0002", "b")]) {
        assert_eq!(item["version"], version, "versions are strings: {item}");
        assert_eq!(item["name"], name);
        assert_eq!(item["status"], "applied");
        assert_eq!(item["batch"], 1);
        let at = item["applied_at"].as_str().expect("applied_at is a string");
        assert!(at.len() >= 19 && at.as_bytes()[4] == b'-', "{at}");
    }
    assert_eq!(status["summary"]["applied"], 2);
    assert_eq!(status["summary"]["pending"], 0);

    let version = strata(db, &["version", "--format", "json"]).ok().json();
    assert_eq!(version["version"], "0002");

    let validate = strata(db, &["validate", "--format", "json"]).ok().json();
    assert_eq!(validate["valid"], true);
    assert_eq!(validate["migrations"], 2);
    assert_eq!(validate["problems"], serde_json::json!([]));

    let redo = strata(db, &["redo", "--format", "json"]).ok().json();
    assert_eq!(redo["direction"], "down");
    check_steps(&redo, &["revert", "apply"], "done");

    let down = strata(db, &["down", "--format", "json"]).ok().json();
    assert_eq!(down["direction"], "down");
    check_steps(&down, &["revert"], "done");
    assert_eq!(down["steps"][0]["version"], "0002");

    table_pair(db, "0003_c", "c");
    let marked = strata(db, &["mark-applied", "0003", "--format", "json"])
        .ok()
        .json();
    assert_eq!(marked["marked_applied"], "0003");

    write(db, "0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
    let repaired = strata(
        db,
        &["repair", "0001", "--accept-checksum", "--format", "json"],
    )
    .ok()
    .json();
    assert_eq!(repaired["repaired"][0]["version"], "0001");
    assert_eq!(repaired["repaired"][0]["name"], "a");
    assert_eq!(repaired["repaired"][0]["action"], "checksum-accepted");

    let fresh = TestDb::new(db.engine());
    table_pair(&fresh, "0001_a", "a");
    let baseline = strata(&fresh, &["baseline", "0001", "--format", "json"])
        .ok()
        .json();
    assert_eq!(baseline["baseline"], "0001");
}

pub fn errors_are_json_too(db: &TestDb) {
    two(db);
    strata(db, &["up", "--to", "0001"]).ok();
    // A source error: one document on stdout naming the file and position.
    write(db, "0003_c.up.sql", "-- strata:frobnicate\nSELECT 1;\n");
    let run = unchanged(db, || strata(db, &["up", "--format", "json"]).code(2));
    let e = &run.json()["error"];
    assert_eq!(e["kind"], "source", "{e:#}");
    assert_eq!(e["files"][0], "migrations/0003_c.up.sql");
    assert_eq!(e["line"], 1);
    assert_eq!(e["column"], 1);
    assert!(e["help"].is_string());
    remove(db, "0003_c.up.sql");

    // A refused plan: every problem, with help.
    table_pair(db, "0000_z", "z");
    let run = unchanged(db, || strata(db, &["up", "--format", "json"]).code(2));
    let e = &run.json()["error"];
    assert_eq!(e["kind"], "plan", "{e:#}");
    assert_eq!(e["problems"][0]["detail"]["problem"], "out-of-order");
    assert_eq!(e["problems"][0]["detail"]["version"], "0000");
    assert!(e["problems"][0]["help"].is_string());
    remove(db, "0000_z.up.sql");
    remove(db, "0000_z.down.sql");

    // A failing migration: where, which statement, the database's code.
    pair(
        db,
        "0003_c",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table (id) VALUES (1);\n",
        "DROP TABLE c;\n",
    );
    let run = strata(db, &["up", "--format", "json"]).code(2);
    let report = run.json();
    assert_eq!(report["done"], 1, "0002 applied before 0003 failed");
    let e = &report["error"];
    assert_eq!(e["kind"], "migration", "{e:#}");
    assert_eq!(e["migration"], "0003_c");
    assert_eq!(e["direction"], "up");
    assert_eq!(e["statement"], 2);
    assert!(
        e["location"]
            .as_str()
            .unwrap()
            .starts_with("migrations/0003_c.up.sql:2:"),
        "{e:#}"
    );
    assert!(e["code"].is_string(), "{e:#}");
    assert_eq!(
        e["sql"].as_str().unwrap().trim_end_matches(';'),
        "INSERT INTO no_such_table (id) VALUES (1)"
    );
    remove(db, "0003_c.up.sql");
    remove(db, "0003_c.down.sql");

    // A preflight refusal.
    let (sql, _) = crate::conformance::bad_input::needs_no_transaction(db);
    write(
        db,
        "0003_c.up.sql",
        format!("CREATE TABLE c (id INTEGER);\n{sql}\n"),
    );
    let run = unchanged(db, || strata(db, &["up", "--format", "json"]).code(2));
    let e = &run.json()["error"];
    assert_eq!(e["kind"], "preflight", "{e:#}");
    assert!(
        e["location"]
            .as_str()
            .unwrap()
            .starts_with("migrations/0003_c.up.sql:2:1"),
        "{e:#}"
    );
    // Errors outside a run (here: no database URL at all) are documents too.
    let run = Strata::bare(db.dir())
        .args(["status", "--format", "json", "--dir", DIR])
        .run()
        .code(2);
    assert_eq!(run.json()["error"]["kind"], "error");
    assert!(run.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no database URL"));
}

pub fn global_options_go_before_or_after_the_subcommand(db: &TestDb) {
    two(db);
    let before = Strata::bare(db.dir())
        .args(["--database-url", db.url(), "--dir", DIR, "--format", "json"])
        .args(["up", "--to", "0001"])
        .run()
        .ok()
        .json();
    assert_eq!(before["done"], 1);
    let after = Strata::bare(db.dir())
        .args([
            "up",
            "--format",
            "json",
            "--dir",
            DIR,
            "--database-url",
            db.url(),
        ])
        .run()
        .ok()
        .json();
    assert_eq!(after["done"], 1);
    let mixed = Strata::bare(db.dir())
        .args([
            "--dir",
            DIR,
            "status",
            "--database-url",
            db.url(),
            "--check",
            "-q",
        ])
        .args(["--format", "json"])
        .run()
        .ok()
        .json();
    assert_eq!(mixed["summary"]["applied"], 2);
}

pub fn history_table_option_keeps_a_separate_history(db: &TestDb) {
    two(db);
    strata(db, &["up", "--history-table", "app_history"]).ok();
    assert_eq!(db.tables(), ["a", "app_history", "b"]);
    let rows = db.query_rows("SELECT version, status FROM app_history ORDER BY version");
    assert_eq!(
        rows,
        [["0001", "applied"], ["0002", "applied"]]
            .map(|r| r.map(String::from).to_vec())
            .to_vec()
    );
    // The default history knows nothing of it.
    strata(db, &["status", "--check"]).code(1);
    strata(db, &["status", "--check", "--history-table", "app_history"]).ok();
    strata(db, &["down", "--to", "0", "--history-table", "app_history"]).ok();
    assert_eq!(db.tables(), ["app_history"]);
}
