//! PostgreSQL syntax that must run as written: enums, dollar-quoted plpgsql, triggers, files
//! with their own BEGIN/COMMIT, CREATE INDEX CONCURRENTLY outside a transaction.

use crate::*;

#[tokio::test]
async fn enums_with_added_values() {
    let s = Setup::new();
    s.file(
        "0001_mood.sql",
        "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE TABLE people (name text, m mood);\n",
    );
    // ADD VALUE runs in a transaction on 12+; the new value cannot be used in the same one.
    s.file("0002_happy.sql", "ALTER TYPE mood ADD VALUE 'happy' AFTER 'ok';\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad';\n");
    s.file(
        "0003_use.sql",
        "INSERT INTO people VALUES ('ann', 'happy');\n",
    );
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT unnest(enum_range(NULL::mood))::text"),
        ["sad", "ok", "happy"]
    );
    assert_eq!(
        s.history(),
        ["0001:applied:-", "0002:applied:-", "0003:applied:-"]
    );
}

#[tokio::test]
async fn plpgsql_functions_and_triggers_with_dollar_quotes() {
    let s = Setup::new();
    s.file(
        "0001_audit.up.sql",
        "CREATE TABLE items (id int PRIMARY KEY, name text, updated int DEFAULT 0);
CREATE TABLE audit (id int, what text);
CREATE FUNCTION log_item() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  note text := 'it''s ; here $$ too';
BEGIN
  INSERT INTO audit VALUES (NEW.id, TG_OP || ';' || note);
  NEW.updated := NEW.updated + 1;
  RETURN NEW;
END;
$fn$;
CREATE TRIGGER items_log BEFORE INSERT OR UPDATE ON items
  FOR EACH ROW EXECUTE FUNCTION log_item();
DO $$ BEGIN PERFORM 1; END $$;
INSERT INTO items (id, name) VALUES (1, 'a')",
    );
    s.file(
        "0001_audit.down.sql",
        "DROP TRIGGER items_log ON items;\nDROP FUNCTION log_item();\nDROP TABLE audit;\nDROP TABLE items;\n",
    );
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT what FROM audit"),
        ["INSERT;it's ; here $$ too"]
    );
    assert_eq!(s.db.query_strings("SELECT updated::text FROM items"), ["1"]);
    let (report, _) = s.down(1).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(s.db.tables(), ["strata_migrations"]);
}

#[tokio::test]
async fn files_with_their_own_begin_and_commit() {
    let s = Setup::new();
    s.file(
        "0001_wrapped.sql",
        "BEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCOMMIT;\n",
    );
    s.file(
        "0002_wrapped_fail.sql",
        "BEGIN;\nCREATE TABLE b (id int);\nINSERT INTO b VALUES ('x');\nCOMMIT;\n",
    );
    let (report, _) = s.up().await;
    let f = failure(&report);
    assert_eq!(f.source.code.as_deref(), Some("22P02"));
    assert!(
        f.location.ends_with("0002_wrapped_fail.sql:3:23"),
        "{}",
        f.location
    );
    // The first committed on its own; nothing of the second is left.
    assert_eq!(s.db.tables(), ["a", "strata_migrations"]);
    assert_eq!(s.history(), ["0001:applied:-"]);
}

/// A `no-transaction` file with a transaction of its own that fails inside it: that
/// transaction is rolled back (the session is usable again), the statements since its BEGIN
/// count as not done, and the run after the fix resumes at the BEGIN.
#[tokio::test]
async fn a_failure_inside_a_no_transaction_files_own_transaction_resumes_at_its_begin() {
    let s = Setup::new();
    let file = |value: &str| {
        format!(
            "-- strata:no-transaction\nCREATE TABLE a (id int);\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES ({value});\nCOMMIT;\nINSERT INTO a VALUES (3);\n"
        )
    };
    s.file("0001_a.sql", &file("'x'"));
    let mut d = s.driver().await;
    let up = Target::Up { to: None };
    let (report, _) = run(&mut d, &s.migrations(), &up, ExecutorOptions::default()).await;
    let f = failure(&report);
    assert_eq!(f.source.code.as_deref(), Some("22P02"));
    assert_eq!(f.statement, 4);
    assert!(
        f.help.contains("1 of 6 statements completed")
            && f.help
                .contains("statements 2 to 4 ran in the script's own transaction")
            && f.help.contains("resume at statement 2"),
        "{}",
        f.help
    );
    assert_eq!(s.history(), ["0001:dirty:1"]);
    assert_eq!(s.db.query_strings("SELECT count(*)::text FROM a"), ["0"]);
    // Fixed, the same driver (its session no longer in the aborted transaction) resumes at
    // the BEGIN.
    s.file("0001_a.sql", &file("2"));
    let (report, events) = run(&mut d, &s.migrations(), &up, ExecutorOptions::default()).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::Resuming {
                statements_done: 1,
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(
        s.db.query_strings("SELECT id::text FROM a ORDER BY id"),
        ["1", "2", "3"]
    );
    assert_eq!(s.history(), ["0001:applied:-"]);
}

#[tokio::test]
async fn create_index_concurrently() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int, v text);\nINSERT INTO t SELECT g, g::text FROM generate_series(1, 100) g;\n");
    s.file("0002_idx.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY t_v ON t (v);\nCREATE UNIQUE INDEX CONCURRENTLY t_id ON t (id);\n");
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT indexrelid::regclass::text || ':' || indisvalid::text FROM pg_index WHERE indrelid = 't'::regclass ORDER BY 1"),
        ["t_id:true", "t_v:true"]
    );
    // In a transactional file it is refused before anything runs, with file:line.
    s.file(
        "0003_bad.sql",
        "CREATE TABLE u (id int);\n\nCREATE INDEX CONCURRENTLY u_id ON u (id);\n",
    );
    let (report, _) = s.up().await;
    match &report.error {
        Some(ExecuteError::Preflight {
            location,
            message,
            help,
        }) => {
            assert!(
                location.ends_with("migrations/0003_bad.sql:3:1"),
                "{location}"
            );
            assert!(
                message.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
                "{message}"
            );
            assert!(help.contains("strata:no-transaction"), "{help}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!s.db.tables().contains(&"u".to_string()));
}

/// golang-migrate and Flyway projects put `CREATE INDEX CONCURRENTLY` in a file of its own with
/// no directive, and those tools run such a file outside a transaction. So does strata, for a
/// file made only of such statements (up or down); a file that mixes them with other statements
/// is still refused before anything runs.
#[tokio::test]
async fn a_file_of_only_concurrently_statements_runs_without_a_transaction() {
    let s = Setup::new();
    s.file("0001_t.up.sql", "CREATE TABLE t (id int, v text);\n");
    s.file(
        "0002_idx.up.sql",
        "-- no directive\nDROP INDEX CONCURRENTLY IF EXISTS t_v;\nCREATE INDEX CONCURRENTLY t_v ON t (v);\nCREATE UNIQUE INDEX CONCURRENTLY t_id ON t (id)",
    );
    s.file(
        "0002_idx.down.sql",
        "DROP INDEX CONCURRENTLY t_id;\nDROP INDEX CONCURRENTLY t_v;\n",
    );
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT indexrelid::regclass::text || ':' || indisvalid::text FROM pg_index WHERE indrelid = 't'::regclass ORDER BY 1"),
        ["t_id:true", "t_v:true"]
    );
    assert_eq!(s.history(), ["0001:applied:-", "0002:applied:-"]);
    let (report, _) = s.down(1).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(s
        .db
        .query_strings(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 't'::regclass"
        )
        .is_empty());
    assert_eq!(s.history(), ["0001:applied:-"]);

    // Mixed with an ordinary statement, it is refused as before.
    s.file(
        "0003_mixed.up.sql",
        "ALTER TABLE t ADD COLUMN w text;\nCREATE INDEX CONCURRENTLY t_w ON t (w);\n",
    );
    let (report, _) = s.up().await;
    match &report.error {
        Some(ExecuteError::Preflight { location, .. }) => {
            assert!(
                location.ends_with("migrations/0003_mixed.up.sql:2:1"),
                "{location}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.history(), ["0001:applied:-"]);
}

#[tokio::test]
async fn statements_without_final_semicolon_and_comments_everywhere() {
    let s = Setup::new();
    s.file(
        "0001_x.sql",
        "/* header /* nested */ */\nCREATE TABLE x (id int) -- trailing\n;\n-- between\nCREATE RULE x_ins AS ON INSERT TO x DO ALSO (SELECT 1; SELECT 2);\nCREATE VIEW v AS SELECT id FROM x -- no final semicolon or newline",
    );
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(s.db.query_strings("SELECT count(*)::text FROM v"), ["0"]);
}
