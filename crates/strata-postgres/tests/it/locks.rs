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
    let (report, _) = run(
        &mut d,
        &s.migrations(),
        &Target::Up { to: None },
        ExecutorOptions::default(),
    )
    .await;
    assert!(report.error.is_none(), "{:?}", report.error);
}

#[tokio::test]
async fn statement_timeout_applies_to_migrations() {
    let s = Setup::new();
    s.file("0001_slow.sql", "SELECT pg_sleep(2);\n");
    let mut d = s
        .driver_with(PgOptions::default().statement_timeout(Duration::from_millis(100)))
        .await;
    let (report, _) = run(
        &mut d,
        &s.migrations(),
        &Target::Up { to: None },
        ExecutorOptions::default(),
    )
    .await;
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
    let (report, _) = run(
        &mut c,
        &s.migrations(),
        &Target::Up { to: None },
        ExecutorOptions::default(),
    )
    .await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        s.db.query_strings("SELECT count(*)::text FROM strata_migrations_lock"),
        ["0"]
    );
}
