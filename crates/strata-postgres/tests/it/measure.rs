//! Measuring a script's locks and rewrites on the real server (`strata lint --measure`).

use strata_core::Script;
use strata_postgres::measure::{
    measure_script, NotMeasured, Observed, Outcome, StatementMeasurement,
};
use strata_test_support::{Engine, TestDb};

/// A database with tables `t (id int PRIMARY KEY, c int)`, `u` and `w` (the same without
/// the key) holding a few rows.
fn database() -> TestDb {
    let db = TestDb::new(Engine::Postgres);
    db.execute(
        "CREATE TABLE t (id int PRIMARY KEY, c int);
         INSERT INTO t SELECT g, g FROM generate_series(1, 100) g;
         CREATE TABLE u AS SELECT * FROM t;
         CREATE TABLE w AS SELECT * FROM t;",
    );
    db
}

async fn measure(db: &TestDb, sql: &str) -> Vec<StatementMeasurement> {
    measure_script(db.url(), &Script::new(sql, None, 0))
        .await
        .expect("the measurement runs")
        .statements
}

/// One line per statement: its text, then what was measured.
fn render(sql: &str, measured: &[StatementMeasurement]) -> String {
    let mut out = String::new();
    for m in measured {
        out.push_str(&sql[m.span.clone()].replace('\n', " "));
        out.push('\n');
        match &m.outcome {
            Outcome::Measured(o) => {
                for l in &o.locks {
                    let new = if l.created_by_script {
                        " (created by script)"
                    } else {
                        ""
                    };
                    out.push_str(&format!("  lock {} on {}{new}\n", l.mode, l.relation));
                }
                for r in &o.rewrites {
                    out.push_str(&format!("  rewrote {} {}\n", r.kind.as_str(), r.relation));
                }
                if o.locks.is_empty() {
                    for l in &o.held_before {
                        out.push_str(&format!("  held before: {} on {}\n", l.mode, l.relation));
                    }
                }
            }
            Outcome::NotMeasured(NotMeasured::CannotRunInTransaction { what, replayed }) => {
                out.push_str(&format!("  not measured: {what} (replayed: {replayed})\n"));
            }
            Outcome::NotMeasured(NotMeasured::TransactionControl) => {
                out.push_str("  not measured: transaction control\n");
            }
            Outcome::Failed(e) => out.push_str(&format!(
                "  failed: {} {} at byte {:?}\n",
                e.code.as_deref().unwrap_or("-"),
                e.message,
                e.position
            )),
            _ => out.push_str("  ?\n"),
        }
    }
    out
}

fn observed(m: &StatementMeasurement) -> &Observed {
    match &m.outcome {
        Outcome::Measured(o) => o,
        other => panic!("not measured: {other:?}"),
    }
}

#[tokio::test]
async fn measure_locks_and_rewrites_of_common_statements_and_nothing_stays() {
    let db = database();
    let sql = "ALTER TABLE t ALTER COLUMN c TYPE bigint;\n\
               CREATE INDEX u_c ON u (c);\n\
               ALTER TABLE w ADD COLUMN x int;\n\
               CREATE INDEX CONCURRENTLY w_x ON w (x);\n\
               SELECT count(*) FROM t;\n\
               VACUUM t;\n";
    let measured = measure(&db, sql).await;
    let first = observed(&measured[0]);
    assert!(
        first
            .locks
            .iter()
            .any(|l| l.relation == "public.t" && l.mode == "AccessExclusiveLock" && l.granted),
        "{first:?}"
    );
    assert!(first.rewrites.iter().any(|r| r.relation == "public.t"));
    let index = observed(&measured[1]);
    assert_eq!(
        (
            index.locks[0].relation.as_str(),
            index.locks[0].mode.as_str()
        ),
        ("public.u", "ShareLock")
    );
    assert!(index.rewrites.is_empty());
    let column = observed(&measured[2]);
    assert_eq!(
        (
            column.locks[0].relation.as_str(),
            column.locks[0].mode.as_str()
        ),
        ("public.w", "AccessExclusiveLock")
    );
    assert!(column.rewrites.is_empty());
    assert!(matches!(
        &measured[3].outcome,
        Outcome::NotMeasured(NotMeasured::CannotRunInTransaction { what, replayed: true })
            if what.starts_with("CREATE INDEX CONCURRENTLY")
    ));
    insta::assert_snapshot!("measure_common_statements", render(sql, &measured));
    // Nothing of it was committed.
    assert_eq!(
        db.query_strings(
            "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) \
             FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0"
        ),
        ["id integer, c integer"]
    );
    assert_eq!(
        db.query_strings(
            "SELECT string_agg(indexname, ', ') FROM pg_indexes WHERE tablename = 't'"
        ),
        ["t_pkey"]
    );
}

#[tokio::test]
async fn measure_runs_statements_after_the_ones_they_depend_on() {
    let db = database();
    let sql = "CREATE TABLE n (id int);\n\
               ALTER TABLE n ADD COLUMN v int NOT NULL DEFAULT 0;\n\
               ALTER TABLE t ADD COLUMN a int;\n\
               ALTER TABLE t ADD COLUMN b int;\n\
               CREATE UNIQUE INDEX CONCURRENTLY t_c_key ON t (c);\n\
               ALTER TABLE t ADD CONSTRAINT t_c_key UNIQUE USING INDEX t_c_key;\n";
    let measured = measure(&db, sql).await;
    // The table the first statement created is there for the second, which takes no lock
    // that the transaction does not hold since it created the table.
    let second = observed(&measured[1]);
    assert!(second.locks.is_empty(), "{second:?}");
    assert!(second
        .held_before
        .iter()
        .any(|l| l.relation == "public.n" && l.created_by_script));
    // A mode already held by the transaction does not show again; it is listed as held.
    let fourth = observed(&measured[3]);
    assert!(fourth.locks.is_empty(), "{fourth:?}");
    assert!(fourth
        .held_before
        .iter()
        .any(|l| l.relation == "public.t" && l.mode == "AccessExclusiveLock"));
    // The index built without CONCURRENTLY is there for USING INDEX.
    assert!(matches!(
        measured[4].outcome,
        Outcome::NotMeasured(NotMeasured::CannotRunInTransaction { replayed: true, .. })
    ));
    observed(&measured[5]);
    insta::assert_snapshot!("measure_dependencies", render(sql, &measured));
    assert_eq!(db.tables(), ["t", "u", "w"]);
}

#[tokio::test]
async fn measure_reports_a_failure_and_goes_on_without_it() {
    let db = database();
    let sql =
        "ALTER TABLE t ADD COLUMN a int;\nUPDATE missing SET a = 1;\nCREATE INDEX t_a ON t (a);\n";
    let measured = measure(&db, sql).await;
    let Outcome::Failed(e) = &measured[1].outcome else {
        panic!("{:?}", measured[1]);
    };
    assert_eq!(e.code.as_deref(), Some("42P01"));
    assert_eq!(e.position, Some(sql.find("missing").unwrap()));
    // The statement after it ran, on the column the first one added.
    assert_eq!(observed(&measured[2]).locks[0].mode, "ShareLock");
}

#[tokio::test]
async fn measure_never_sends_transaction_control() {
    let db = database();
    // A wrapper around the whole file is left out, as when applying.
    let sql = "BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;\n";
    let measured = measure(&db, sql).await;
    assert_eq!(measured.len(), 1);
    assert_eq!(
        &sql[measured[0].span.clone()],
        "ALTER TABLE t ADD COLUMN a int"
    );
    // Anything else is reported and not run: nothing is committed.
    let sql = "ALTER TABLE t ADD COLUMN a int;\nCOMMIT;\nSAVEPOINT s;\nCREATE TABLE u (id int);\n";
    let measured = measure(&db, sql).await;
    for i in [1, 2] {
        assert!(
            matches!(
                measured[i].outcome,
                Outcome::NotMeasured(NotMeasured::TransactionControl)
            ),
            "{:?}",
            measured[i]
        );
    }
    assert_eq!(db.tables(), ["t", "u", "w"]);
    let columns = db.query_strings(
        "SELECT count(*)::text FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0",
    );
    assert_eq!(columns, ["2"]);
}

#[tokio::test]
async fn measure_leaves_out_catalogs_temporary_tables_and_new_relations() {
    let db = database();
    let sql = "CREATE TEMP TABLE scratch (id int);\nALTER TABLE scratch ADD COLUMN v int;\nCREATE TABLE fresh (id int);\n";
    let measured = measure(&db, sql).await;
    for m in &measured {
        let o = observed(m);
        assert!(o.locks.is_empty() && o.rewrites.is_empty(), "{o:?}");
    }
}

#[tokio::test]
async fn measure_reports_what_the_server_refuses_in_a_transaction_block_as_not_measured() {
    let db = database();
    // SQLSTATE 25001 from the server itself (here: the measuring transaction has run queries
    // before it), as ALTER TYPE ... ADD VALUE gives before PostgreSQL 12.
    let sql = "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE t ADD COLUMN a int;\n";
    let measured = measure(&db, sql).await;
    assert!(
        matches!(
            &measured[0].outcome,
            Outcome::NotMeasured(NotMeasured::CannotRunInTransaction { what, replayed: false })
                if what.contains("before any query")
        ),
        "{:?}",
        measured[0]
    );
    assert_eq!(observed(&measured[1]).locks[0].mode, "AccessExclusiveLock");
}
