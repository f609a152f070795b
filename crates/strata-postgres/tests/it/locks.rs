//! The migration lock (advisory and lease) and lock timeouts inside the database.

use crate::*;
use std::time::{Duration, Instant};
use strata_core::{Driver, DriverErrorKind, LockOptions};
use strata_postgres::LockMode;

fn wait(d: Duration) -> LockOptions {
    let mut o = LockOptions::default();
    o.wait = d;
    o
}

#[tokio::test]
async fn a_second_runner_waits_and_is_told_who_holds_the_lock() {
    let s = Setup::new();
    let mut a = s.driver().await;
    let mut b = s.driver().await;
    a.lock(&wait(Duration::from_secs(1))).await.unwrap();
    let mut told = Vec::new();
    let e = b
        .lock_reporting(&wait(Duration::from_millis(300)), &mut |h| told.push(h))
        .await
        .unwrap_err();
    assert_eq!(e.kind, DriverErrorKind::LockTimeout);
    for needle in [
        "held by pid ",
        "application_name `strata`",
        "connected since 20",
        "last query at 20",
        "within 0.3 s",
    ] {
        assert!(e.message.contains(needle), "{needle}: {}", e.message);
    }
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].starts_with("held by pid "), "{told:?}");
    // Released by unlock...
    a.unlock().await.unwrap();
    b.lock(&wait(Duration::from_secs(2))).await.unwrap();
    b.unlock().await.unwrap();
    // ...and by the connection ending, without unlock.
    a.lock(&wait(Duration::from_secs(1))).await.unwrap();
    drop(a);
    let started = Instant::now();
    b.lock(&wait(Duration::from_secs(5))).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // unlock twice is harmless.
    b.unlock().await.unwrap();
    b.unlock().await.unwrap();
}

#[tokio::test]
async fn lock_timeouts_are_retried_then_reported() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int);\n");
    assert!(s.up().await.0.error.is_none());
    s.file("0002_alter.sql", "ALTER TABLE t ADD COLUMN v int;\n");
    // Another session holds a conflicting lock for the whole test.
    let (holder, conn) = tokio_postgres::connect(s.db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    holder
        .batch_execute("BEGIN; LOCK TABLE t IN ACCESS SHARE MODE")
        .await
        .unwrap();
    let mut d = s
        .driver_with(PgOptions::default().lock_timeout(Duration::from_millis(100)))
        .await;
    let options = ExecutorOptions::default().retries(3, Duration::from_millis(20));
    let (report, events) = run(&mut d, &s.migrations(), &Target::Up { to: None }, options).await;
    let retries: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            Event::Retrying {
                attempt, reason, ..
            } => {
                assert!(reason.contains("lock timeout"), "{reason}");
                Some(*attempt)
            }
            _ => None,
        })
        .collect();
    assert_eq!(retries, [2, 3]);
    let f = failure(&report);
    assert_eq!(f.source.kind, DriverErrorKind::LockNotAvailable);
    assert_eq!(f.source.code.as_deref(), Some("55P03"));
    assert!(
        f.source.message.contains("lock timeout"),
        "{}",
        f.source.message
    );
    assert_eq!(s.history(), ["0001:applied:-"]);
    // Once the other session is done, it goes through.
    holder.batch_execute("COMMIT").await.unwrap();
    let (report, _) = s.up_on(&mut d).await;
    assert!(report.error.is_none(), "{:?}", report.error);
}

#[tokio::test]
async fn statement_timeout_applies_to_migrations() {
    let s = Setup::new();
    s.file("0001_slow.sql", "SELECT pg_sleep(2);\n");
    let mut d = s
        .driver_with(PgOptions::default().statement_timeout(Duration::from_millis(100)))
        .await;
    let (report, _) = s.up_on(&mut d).await;
    assert_eq!(failure(&report).source.code.as_deref(), Some("57014"));
}

#[tokio::test]
async fn lease_lock_for_transaction_poolers() {
    let s = Setup::new();
    let lease = || {
        PgOptions::default()
            .lock_mode(LockMode::Table)
            .lease_ttl(Duration::from_secs(3))
    };
    let mut a = s.driver_with(lease()).await;
    let mut b = s.driver_with(lease()).await;
    a.lock(&wait(Duration::from_secs(1))).await.unwrap();
    let e = b.lock(&wait(Duration::from_millis(300))).await.unwrap_err();
    assert_eq!(e.kind, DriverErrorKind::LockTimeout);
    assert!(
        e.message.contains("lease held by strata pid "),
        "{}",
        e.message
    );
    assert!(e.message.contains("expires 20"), "{}", e.message);
    a.unlock().await.unwrap();
    b.lock(&wait(Duration::from_secs(1))).await.unwrap();
    b.unlock().await.unwrap();
    // A runner that dies keeps its lease until it expires; then another takes it over.
    a.lock(&wait(Duration::from_secs(1))).await.unwrap();
    drop(a);
    let started = Instant::now();
    b.lock(&wait(Duration::from_secs(10))).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
    b.unlock().await.unwrap();
    // Migrations run in lease mode too (timeouts set per transaction).
    s.file(
        "0001_t.sql",
        "CREATE TABLE t (id int);\nSELECT current_setting('lock_timeout');\n",
    );
    let mut c = s.driver_with(lease()).await;
    let (report, _) = s.up_on(&mut c).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT count(*)::text FROM strata_migrations_lock"),
        ["0"]
    );
}

/// `lock_early` (what `strata down` asks for): the lock is tried while connecting, the first
/// history read waits for it and is made under it, and is reused until something changes.
#[tokio::test]
async fn an_early_lock_is_held_before_it_is_asked_for_and_reads_under_it_are_reused() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int);\n");
    let mut early = s.driver_with(PgOptions::default().lock_early(true)).await;
    // The first read waits for the early attempt: from then on the lock is held.
    assert!(early.read_history().await.unwrap().is_empty());
    let mut other = s.driver().await;
    let e = other
        .lock(&wait(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, DriverErrorKind::LockTimeout);
    // The run takes the lock it already holds and applies; its reads see its own changes.
    let (report, _) = s.up_on(&mut early).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(s.history(), ["0001:applied:-"]);
    // Released at the end of the run; a new read after the change is not the old one.
    other.lock(&wait(Duration::from_secs(2))).await.unwrap();
    other.unlock().await.unwrap();
    assert_eq!(early.read_history().await.unwrap().len(), 1);
    // A runner that finds the lock taken waits for it as usual.
    other.lock(&wait(Duration::from_secs(1))).await.unwrap();
    let mut late = s.driver_with(PgOptions::default().lock_early(true)).await;
    assert_eq!(late.read_history().await.unwrap().len(), 1);
    let e = late
        .lock(&wait(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert_eq!(e.kind, DriverErrorKind::LockTimeout);
    other.unlock().await.unwrap();
    late.lock(&wait(Duration::from_secs(2))).await.unwrap();
    late.unlock().await.unwrap();
}

/// Other sessions connected to the test's database.
fn backends(s: &Setup) -> usize {
    s.db.query_strings(
        "SELECT pid::text FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .len()
}

/// A run with nothing to do is settled on the history as committed, without the lock: it
/// neither waits for another runner holding it nor opens the lock's connection. A run with
/// work waits for the lock as before.
#[tokio::test]
async fn a_run_with_nothing_to_do_needs_no_lock() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int);\n");
    assert!(s.up().await.0.error.is_none());
    let mut holder = s.driver().await;
    holder.lock(&wait(Duration::from_secs(1))).await.unwrap();
    let before = backends(&s);
    let mut d = s.driver().await;
    let up = Target::Up { to: None };
    let options = || ExecutorOptions::default().lock_wait(Duration::from_millis(300));
    let started = Instant::now();
    let (report, events) = run(&mut d, &s.migrations(), &up, options()).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(report.plan.as_ref().unwrap().steps.is_empty());
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::LockWaiting { .. } | Event::LockAcquired)),
        "{events:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(300));
    // The migration connection only.
    assert_eq!(backends(&s), before + 1);
    // Reverting down to the last applied version is no work either.
    let down = Target::DownTo(strata_core::Version::parse("1").unwrap());
    let (report, _) = run(&mut d, &s.migrations(), &down, options()).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    // With something to apply it waits for the lock, and gives up after the wait.
    s.file("0002_u.sql", "CREATE TABLE u (id int);\n");
    let (report, events) = run(&mut d, &s.migrations(), &up, options()).await;
    match &report.error {
        Some(strata_core::ExecuteError::Driver(e)) => {
            assert_eq!(e.kind, DriverErrorKind::LockTimeout, "{e:?}")
        }
        other => panic!("expected a lock timeout, got {other:?}"),
    }
    assert!(events
        .iter()
        .any(|e| matches!(e, Event::LockWaiting { .. })));
    assert_eq!(s.history(), ["0001:applied:-"]);
    // A dirty row is work too (decided under the lock): here, once the lock is free.
    holder.unlock().await.unwrap();
    s.db.execute(
        "UPDATE strata_migrations SET status = 'dirty', statements_done = 0 WHERE version = '0001'",
    );
    let (_, events) = run(&mut d, &s.migrations(), &up, options()).await;
    assert!(
        events.iter().any(|e| matches!(e, Event::LockAcquired)),
        "{events:?}"
    );
}

/// `-- strata:lock-timeout` and `-- strata:statement-timeout`: a file's own timeouts, in
/// effect for its statements only, in a transaction, outside one, and inside
/// `--single-transaction`.
#[tokio::test]
async fn per_file_timeouts_apply_to_their_file_only() {
    let s = Setup::new();
    let capture = |table: &str| {
        format!(
            "CREATE TABLE {table} AS SELECT current_setting('lock_timeout') AS lock, \
             current_setting('statement_timeout') AS statement;\n"
        )
    };
    s.file(
        "0001_own.sql",
        &format!(
            "-- strata:lock-timeout 1234ms\n-- strata:statement-timeout 1min\n{}",
            capture("own")
        ),
    );
    s.file("0002_project.sql", &capture("project"));
    s.file(
        "0003_outside.sql",
        &format!(
            "-- strata:no-transaction\n-- strata:lock-timeout 2s\n{}SELECT 1;\n",
            capture("outside")
        ),
    );
    s.file(
        "0004_outside_project.sql",
        &format!("-- strata:no-transaction\n{}", capture("outside_project")),
    );
    s.file(
        "0005_off.sql",
        &format!("-- strata:lock-timeout 0\n{}", capture("off")),
    );
    s.file("0006_after.sql", &capture("after"));
    let (report, _) = s.up().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let got = |table: &str| {
        s.db.query_strings(&format!("SELECT lock || ' ' || statement FROM {table}"))
    };
    assert_eq!(got("own"), ["1234ms 1min"]);
    assert_eq!(got("project"), ["5s 0"]);
    assert_eq!(got("outside"), ["2s 0"]);
    assert_eq!(got("outside_project"), ["5s 0"]);
    assert_eq!(got("off"), ["0 0"]);
    assert_eq!(got("after"), ["5s 0"]);

    // One transaction for the whole run: each step still gets its own, and the next step
    // the project's back.
    let t = Setup::new();
    t.file(
        "0001_own.sql",
        &format!("-- strata:lock-timeout 750ms\n{}", capture("own")),
    );
    t.file("0002_project.sql", &capture("project"));
    let mut d = t.driver().await;
    let report = Executor::new(&mut d, ExecutorOptions::default())
        .run(
            &t.migrations(),
            &Target::Up { to: None },
            &Policy::default().single_transaction(true),
        )
        .await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let got = |table: &str| {
        t.db.query_strings(&format!("SELECT lock || ' ' || statement FROM {table}"))
    };
    assert_eq!(got("own"), ["750ms 0"]);
    assert_eq!(got("project"), ["5s 0"]);
    // And the session is left with its own settings.
    let (report, _) = t.up_on(&mut d).await;
    assert!(report.error.is_none(), "{:?}", report.error);
}

/// A file's lock timeout is what a blocked statement waits: a short one fails fast on a
/// locked table, although the project's is long.
#[tokio::test]
async fn a_files_lock_timeout_bounds_the_wait_for_a_lock() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int);\n");
    assert!(s.up().await.0.error.is_none());
    let (holder, conn) = tokio_postgres::connect(s.db.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    holder
        .batch_execute("BEGIN; LOCK TABLE t IN ACCESS SHARE MODE")
        .await
        .unwrap();
    for (name, text) in [
        ("0002_alter.sql", "-- strata:lock-timeout 200ms\nALTER TABLE t ADD COLUMN v int;\n"),
        (
            "0002_alter.sql",
            "-- strata:no-transaction\n-- strata:lock-timeout 200ms\nALTER TABLE t ADD COLUMN v int;\n",
        ),
    ] {
        s.file(name, text);
        let mut d = s
            .driver_with(PgOptions::default().lock_timeout(Duration::from_secs(60)))
            .await;
        let started = Instant::now();
        let options = ExecutorOptions::default().retries(1, Duration::ZERO);
        let (report, _) = run(&mut d, &s.migrations(), &Target::Up { to: None }, options).await;
        let waited = started.elapsed();
        let f = failure(&report);
        assert_eq!(f.source.code.as_deref(), Some("55P03"), "{text}");
        assert!(waited < Duration::from_secs(5), "{text}: {waited:?}");
        // The no-transaction run left its row dirty; start the next case afresh.
        s.db.execute("DELETE FROM strata_migrations WHERE version = '0002'");
    }
    holder.batch_execute("COMMIT").await.unwrap();
}

/// `history_early` (what the CLI asks for): the history read sent on connecting answers the
/// first unlocked read only; later reads, and every read under the lock, are made afresh.
#[tokio::test]
async fn an_early_history_read_answers_the_first_unlocked_read_only() {
    let s = Setup::new();
    s.file("0001_t.sql", "CREATE TABLE t (id int);\n");
    s.file("0002_u.sql", "CREATE TABLE u (id int);\n");
    assert!(s.up().await.0.error.is_none());
    let early = || PgOptions::default().history_early(true);
    let mut d = s.driver_with(early()).await;
    // Sent on connecting: it saw both rows, although one is gone by the time it is asked for.
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.db.execute("DELETE FROM strata_migrations WHERE version = '0002'");
    assert_eq!(d.read_history().await.unwrap().len(), 2);
    assert_eq!(d.read_history().await.unwrap().len(), 1);
    // Under the lock, never the early read.
    let mut e = s.driver_with(early()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.db.execute("DELETE FROM strata_migrations");
    e.lock(&wait(Duration::from_secs(2))).await.unwrap();
    assert!(e.read_history().await.unwrap().is_empty());
    e.unlock().await.unwrap();
}
