//! PostgreSQL-only behaviour of the `strata` binary: many runners at once, runners killed in
//! the middle of a migration, error frames with SQLSTATE, secrets kept out of the output.

use crate::harness::*;
use std::time::{Duration, Instant};
use strata_test_support::{Engine, TestDb};

fn pg() -> TestDb {
    TestDb::new(Engine::Postgres)
}

/// Waits until the server shows a strata session running a query containing `needle`.
fn wait_for_query(db: &TestDb, needle: &str) {
    let sql = format!(
        "SELECT pid::text FROM pg_stat_activity WHERE application_name = 'strata' \
         AND datname = current_database() AND query LIKE '%{needle}%' AND pid <> pg_backend_pid()"
    );
    let started = Instant::now();
    while db.query_strings(&sql).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "`{needle}` never ran"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn eight_processes_on_two_hundred_migrations_apply_each_exactly_once() {
    let db = pg();
    write(
        &db,
        "0000_side.sql",
        "CREATE TABLE side (k int PRIMARY KEY);\n",
    );
    for n in 1..=200 {
        write(
            &db,
            &format!("{n:04}_m{n}.sql"),
            format!("CREATE TABLE t{n} (id int);\nCREATE INDEX ON t{n} (id);\nINSERT INTO side VALUES ({n});\n"),
        );
    }
    let children: Vec<_> = (0..8)
        .map(|_| Strata::new(&db).args(["up", "--format", "json"]).spawn())
        .collect();
    let runs: Vec<Run> = children.into_iter().map(|(a, c)| finish(a, c)).collect();
    let mut done = 0;
    for run in &runs {
        assert_eq!(run.code, 0, "{run:#?}");
        done += run.json()["done"].as_u64().unwrap();
    }
    assert_eq!(done, 201);
    assert_eq!(db.query_strings("SELECT count(*)::text FROM side"), ["200"]);
    assert_eq!(
        db.query_strings("SELECT count(*)::text || ' ' || count(DISTINCT version)::text FROM strata_migrations WHERE status = 'applied'"),
        ["201 201"]
    );
    strata(&db, &["status", "--check"]).ok();
}

#[test]
fn sigkill_in_a_transactional_migration_leaves_no_trace_and_no_lock() {
    let db = pg();
    table_pair(&db, "0001_a", "a");
    pair(
        &db,
        "0002_slow",
        "CREATE TABLE slow (id int);\nINSERT INTO slow VALUES (1);\nSELECT pg_sleep(60);\n",
        "DROP TABLE slow;\n",
    );
    let (_, mut child) = Strata::new(&db).args(["up"]).spawn();
    wait_for_query(&db, "pg_sleep(60)");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Nothing of 0002 is visible, and the lock is free at once: the next run starts right
    // away (the server aborts the orphaned statement within a second on 14+, releasing the
    // table lock it held).
    assert_eq!(versions(&db), applied(&["0001"]));
    assert_eq!(user_tables(&db), ["a"]);
    pair(
        &db,
        "0002_slow",
        "CREATE TABLE slow (id int);\nINSERT INTO slow VALUES (1);\nSELECT pg_sleep(0);\n",
        "DROP TABLE slow;\n",
    );
    let started = Instant::now();
    strata(&db, &["up", "--lock-wait", "0"]).ok();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(versions(&db), applied(&["0001", "0002"]));
    assert_eq!(db.query_strings("SELECT count(*)::text FROM slow"), ["1"]);
}

#[test]
fn sigkill_in_a_non_transactional_migration_leaves_it_dirty_at_the_right_statement() {
    let db = pg();
    write(
        &db,
        "0001_nt.sql",
        "-- strata:no-transaction\nCREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nSELECT pg_sleep(3);\nCREATE TABLE b (id int);\n",
    );
    let (_, mut child) = Strata::new(&db).args(["up"]).spawn();
    wait_for_query(&db, "pg_sleep(3)");
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        history(&db, "version, status, statements_done::text"),
        [["0001", "dirty", "2"]]
    );
    let status = strata(&db, &["status"]).ok();
    let out = status.output();
    assert!(out.contains("dirty"), "{out}");
    let check = strata(&db, &["status", "--check"]).code(1);
    let _ = check;
    // `up` resumes at statement 3 (the sleep), without re-running the first two.
    let run = strata(&db, &["up"]).ok();
    assert!(
        run.output()
            .contains("resuming 0001_nt after its 2 completed statement(s)"),
        "{}",
        run.output()
    );
    assert_eq!(versions(&db), applied(&["0001"]));
    assert_eq!(user_tables(&db), ["a", "b"]);
}

#[test]
fn syntax_error_in_the_second_statement_shows_file_line_col_sqlstate_and_a_frame() {
    let db = pg();
    write(
        &db,
        "0001_bad.sql",
        "CREATE TABLE a (id int);\nSELECT id\n  FROM a WHERE WHERE;\n",
    );
    let run = strata(&db, &["up"]).code(2);
    let out = run.output();
    for needle in [
        "0001_bad (up) failed at statement 2",
        "syntax error at or near \"WHERE\"",
        "[42601]",
        "migrations/0001_bad.sql:3:16",
        "3 |   FROM a WHERE WHERE;",
        "nothing of 0001_bad was applied",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(user_tables(&db).is_empty());
    let json = strata(&db, &["up", "--format", "json"]).code(2).json();
    let text = json.to_string();
    assert!(
        text.contains("42601") && text.contains("migrations/0001_bad.sql:3:16"),
        "{text}"
    );
}

#[test]
fn passwords_are_never_printed() {
    let db = pg();
    table_pair(&db, "0001_a", "a");
    let secret = "pa55-word-xyz";
    // Trust authentication ignores the password: the run succeeds.
    let url = db
        .url()
        .replacen("postgres@", &format!("postgres:{secret}@"), 1);
    assert!(url.contains(secret));
    let unreachable = format!("postgres://postgres:{secret}@127.0.0.1:1/nowhere");
    for (u, code) in [(&url, 0), (&unreachable, 2)] {
        for args in [
            &["up"][..],
            &["status"],
            &["up", "--format", "json"],
            &["status", "--format", "json"],
        ] {
            let run = Strata::bare(db.dir())
                .args(["--database-url", u, "--dir", DIR])
                .args(args)
                .run()
                .code(code);
            assert!(!run.output().contains(secret), "{args:?}: {}", run.output());
        }
    }
    let run = Strata::bare(db.dir())
        .args(["--dir", DIR, "status"])
        .env("DATABASE_URL", &unreachable)
        .run()
        .code(2);
    assert!(
        run.output()
            .contains("postgres://postgres:***@127.0.0.1:1/nowhere"),
        "{}",
        run.output()
    );
}

#[test]
fn schema_option_and_config_keys() {
    let db = pg();
    table_pair(&db, "0001_a", "a");
    db.write_file(
        "strata.toml",
        "schema = \"ops\"\nlock_timeout = \"2s\"\nstatement_timeout = 30\nlock = \"advisory\"\n",
    );
    strata(&db, &["up"]).ok();
    assert_eq!(db.tables(), ["a", "ops.strata_migrations"]);
    // --schema wins over the file.
    strata(&db, &["--schema", "other", "status", "--check"]).code(1);
    strata(&db, &["status", "--check"]).ok();
}

#[test]
fn a_migrations_session_settings_end_with_it() {
    let db = pg();
    // pg_dump's header, as baseline migrations often keep it: turns the timeouts off and
    // empties the search_path for the rest of the session.
    write(
        &db,
        "0001_baseline.sql",
        "CREATE TABLE public.obs (step text, lock_timeout text, statement_timeout text, search_path text);\n\
         SET lock_timeout = 0;\nSET statement_timeout = 0;\n\
         SELECT pg_catalog.set_config('search_path', '', false);\n\
         CREATE TABLE public.a (id int);\n",
    );
    let observe = |step: &str| {
        format!(
            "INSERT INTO public.obs VALUES ('{step}', current_setting('lock_timeout'), \
             current_setting('statement_timeout'), current_setting('search_path'));\n"
        )
    };
    write(
        &db,
        "0002_next.sql",
        format!("{}CREATE TABLE b (id int);\n", observe("2")),
    );
    write(
        &db,
        "0003_concurrently.sql",
        format!(
            "-- strata:no-transaction\n{}SET search_path = '';\nCREATE INDEX CONCURRENTLY b_id ON public.b (id);\n",
            observe("3")
        ),
    );
    write(&db, "0004_last.sql", observe("4"));
    strata(&db, &["up", "--statement-timeout", "30s"]).ok();
    let defaults = |step: &str| {
        vec![
            step.to_string(),
            "5s".to_string(),
            "30s".to_string(),
            "\"$user\", public".to_string(),
        ]
    };
    assert_eq!(
        db.query_rows(
            "SELECT step, lock_timeout, statement_timeout, search_path FROM obs ORDER BY step"
        ),
        vec![defaults("2"), defaults("3"), defaults("4")],
        "each migration starts with strata's settings, whatever the one before it SET"
    );
    assert_eq!(
        db.query_strings("SELECT schemaname FROM pg_tables WHERE tablename = 'b'"),
        ["public"]
    );
}
