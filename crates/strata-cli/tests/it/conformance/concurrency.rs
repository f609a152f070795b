//! Runners started together: the lock makes every migration apply exactly once.

use crate::harness::*;
use strata_test_support::TestDb;

const RUNNERS: usize = 8;
const MIGRATIONS: usize = 50;

pub fn eight_runners_apply_each_migration_exactly_once(db: &TestDb) {
    // Each migration inserts its number into `side`, whose primary key would reject a second
    // run; the first creates the table.
    for n in 1..=MIGRATIONS {
        let create = if n == 1 {
            "CREATE TABLE side (k INTEGER PRIMARY KEY);\n"
        } else {
            ""
        };
        pair(
            db,
            &format!("{n:04}_m{n}"),
            &format!(
                "{create}CREATE TABLE t{n} (id INTEGER);\nINSERT INTO side (k) VALUES ({n});\n"
            ),
            &format!("DROP TABLE t{n};\n"),
        );
    }
    let runs = race(db, RUNNERS);
    let mut applied_by_runs = 0;
    for run in &runs {
        assert_eq!(run.code, 0, "{run:#?}");
        applied_by_runs += run.json()["done"].as_u64().unwrap();
    }
    assert_eq!(
        applied_by_runs, MIGRATIONS as u64,
        "each applied by exactly one runner"
    );
    let rows = history(db, "version, status");
    assert_eq!(rows.len(), MIGRATIONS);
    assert!(rows.iter().all(|r| r[1] == "applied"), "{rows:?}");
    assert_eq!(
        db.query_strings("SELECT COUNT(*) FROM side"),
        [MIGRATIONS.to_string()]
    );
    assert_eq!(db.tables().len(), MIGRATIONS + 2);
    strata(db, &["status", "--check"]).ok();
}

pub fn racing_runners_stop_at_the_same_failure(db: &TestDb) {
    // Migration 6 fails: every runner must stop there, none may skip it, and the five before
    // it are each applied once.
    pair(
        db,
        "0001_side",
        "CREATE TABLE side (k INTEGER PRIMARY KEY);\n",
        "DROP TABLE side;\n",
    );
    for n in 2..=10 {
        let up = if n == 6 {
            "INSERT INTO no_such_table (k) VALUES (6);\n".to_string()
        } else {
            format!("INSERT INTO side (k) VALUES ({n});\n")
        };
        pair(db, &format!("{n:04}_m{n}"), &up, "SELECT 1;\n");
    }
    let runs = race(db, 4);
    let mut done = 0;
    for run in &runs {
        assert_eq!(run.code, 2, "{run:#?}");
        let report = run.json();
        assert_eq!(report["error"]["migration"], "0006_m6", "{report:#}");
        done += report["done"].as_u64().unwrap();
    }
    assert_eq!(done, 5, "0001 to 0005, each by one runner");
    assert_eq!(
        versions(db),
        applied(&["0001", "0002", "0003", "0004", "0005"])
    );
    assert_eq!(
        db.query_strings("SELECT k FROM side ORDER BY k"),
        ["2", "3", "4", "5"]
    );
}

/// Starts `runners` copies of `strata up --format json` at once, then waits for them all.
fn race(db: &TestDb, runners: usize) -> Vec<Run> {
    let children: Vec<_> = (0..runners)
        .map(|_| {
            Strata::new(db)
                .args(["up", "--lock-wait", "120", "--format", "json"])
                .spawn()
        })
        .collect();
    children
        .into_iter()
        .map(|(args, child)| finish(args, child))
        .collect()
}
