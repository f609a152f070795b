//! `up --verify`: each migration's verify script runs right after it; for a transactional
//! migration inside its transaction, before the commit.

use crate::harness::*;
use strata_test_support::TestDb;

/// 0001_a (verify passes, and creates a table that must not survive), 0002_b (no verify).
fn verified_pair(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    write(
        db,
        "0001_a.verify.sql",
        "SELECT id FROM a WHERE 1 = 0;\nSELECT count(*) = 0 FROM a;\nCREATE TABLE verify_leftover (x INTEGER);\n",
    );
    table_pair(db, "0002_b", "b");
}

pub fn up_verify_runs_each_verify_script_before_the_commit(db: &TestDb) {
    verified_pair(db);
    unchanged(db, || {
        strata(db, &["up", "--verify", "--dry-run"]).ok().says(&[
            "-- apply 0001_a (in a transaction; verified before its commit)",
            "-- verify (migrations/0001_a.verify.sql)",
            "-- apply 0002_b (in a transaction; no verify script)",
        ]);
    });
    strata(db, &["up", "--verify"]).ok().says(&[
        "applied 0001_a",
        "verified)",
        "no verify script)",
        "Applied 2 of 2 step(s)",
        "1 verified, 1 without a verify script.",
    ]);
    // What the verify script did was rolled back; the migration was not.
    assert_eq!(db.tables(), with_history(&["a", "b"]));
    assert_eq!(versions(db), applied(&["0001", "0002"]));
}

pub fn up_verify_reports_each_outcome_in_json(db: &TestDb) {
    verified_pair(db);
    let json = strata(db, &["up", "--verify", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["verify"], true);
    assert_eq!(json["steps"][0]["verify"]["outcome"], "passed");
    assert_eq!(json["steps"][0]["verify"]["statements"], 3);
    assert_eq!(json["steps"][1]["verify"]["outcome"], "no-script");
    // Without --verify, no verify script runs and the report says nothing of them.
    table_pair(db, "0003_c", "c");
    write(db, "0003_c.verify.sql", "SELECT nothing FROM c;\n");
    let json = strata(db, &["up", "--format", "json"]).ok().json();
    assert!(json.get("verify").is_none());
    assert!(json["steps"][0].get("verify").is_none());
}

pub fn failing_verify_of_a_transactional_migration_leaves_no_trace(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    strata(db, &["up"]).ok();
    table_pair(db, "0002_b", "b");
    write(
        db,
        "0002_b.verify.sql",
        "SELECT id FROM b;\nSELECT missing_column FROM b;\n",
    );
    unchanged(db, || {
        strata(db, &["up", "--verify"]).code(2).says(&[
            "0002_b (verify) failed at statement 2",
            "migrations/0002_b.verify.sql:2:8",
            "nothing of 0002_b was applied",
            "Stopped by an error",
        ]);
    });
    // A check that returns false fails the same way, in JSON too.
    write(db, "0002_b.verify.sql", "SELECT count(*) = 1 FROM b;\n");
    let json = unchanged(db, || {
        strata(db, &["up", "--verify", "--format", "json"])
            .code(2)
            .json()
    });
    assert_eq!(json["error"]["kind"], "verify");
    assert_eq!(
        json["error"]["location"],
        "migrations/0002_b.verify.sql:1:1"
    );
    assert_eq!(json["error"]["statement"], 1);
    assert_eq!(json["steps"][0]["outcome"], "failed");
    assert_eq!(json["steps"][0]["verify"]["outcome"], "failed");
    let message = json["error"]["message"].as_str().unwrap();
    assert!(message.contains("the check returned false"), "{message}");
    // Fixed, it applies and is verified.
    write(db, "0002_b.verify.sql", "SELECT count(*) = 0 FROM b;\n");
    strata(db, &["up", "--verify"]).ok().says(&["1 verified"]);
    assert_eq!(versions(db), applied(&["0001", "0002"]));
}

pub fn failing_verify_of_a_non_transactional_migration_stops_the_run(db: &TestDb) {
    write(
        db,
        "0001_a.up.sql",
        "-- strata:no-transaction\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n",
    );
    write(db, "0001_a.down.sql", "DROP TABLE a;\n");
    write(db, "0001_a.verify.sql", "SELECT missing_column FROM a;\n");
    table_pair(db, "0002_b", "b");
    let run = strata(db, &["up", "--verify"]).code(2).says(&[
        "0001_a (verify) failed at statement 1",
        "migrations/0001_a.verify.sql:1:8",
        "0001_a is applied and recorded",
        "`strata verify 0001`",
        "`strata down`",
    ]);
    // The migration stays applied (it could not be rolled back); the run stopped before 0002.
    assert_eq!(db.tables(), with_history(&["a"]));
    assert_eq!(versions(db), applied(&["0001"]));
    let _ = run;
    let json = strata(db, &["verify", "--format", "json"]).code(1).json();
    assert_eq!(json["failed"], 1);
    // Fixed: `strata verify` passes and `up` goes on.
    write(db, "0001_a.verify.sql", "SELECT id FROM a;\n");
    strata(db, &["verify", "1"]).ok();
    strata(db, &["up", "--verify"])
        .ok()
        .says(&["Applied 1 of 1"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
}

pub fn failing_verify_in_a_single_transaction_rolls_everything_back(db: &TestDb) {
    verified_pair(db);
    write(db, "0002_b.verify.sql", "SELECT missing_column FROM b;\n");
    strata(db, &["up", "--verify", "--single-transaction"])
        .code(2)
        .says(&[
            "0002_b (verify) failed at statement 1",
            "migrations/0002_b.verify.sql:1:8",
            "the whole run was one transaction and was rolled back",
            "Rolled back",
        ]);
    assert_eq!(user_tables(db), Vec::<String>::new());
    assert_eq!(versions(db), applied(&[]));
    write(db, "0002_b.verify.sql", "SELECT id FROM b;\n");
    strata(db, &["up", "--verify", "--single-transaction"])
        .ok()
        .says(&["2 verified"]);
    assert_eq!(db.tables(), with_history(&["a", "b"]));
}

pub fn verify_setting_in_the_config_file(db: &TestDb) {
    table_pair(db, "0001_a", "a");
    write(db, "0001_a.verify.sql", "SELECT missing_column FROM a;\n");
    db.write_file("strata.toml", "verify = true\n");
    strata(db, &["up"])
        .code(2)
        .says(&["0001_a (verify) failed"]);
    assert_eq!(user_tables(db), Vec::<String>::new());
    assert_eq!(versions(db), applied(&[]));
    // --no-verify wins over the file.
    strata(db, &["up", "--no-verify"])
        .ok()
        .says(&["Applied 1 of 1"]);
    assert_eq!(versions(db), applied(&["0001"]));
}
