//! The migration session terminated by the server mid-migration.

use crate::*;
use std::time::Duration;
use strata_core::DriverErrorKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_backend_gives_a_clear_error_and_a_consistent_history() {
    let s = Setup::new();
    s.file("0001_a.sql", "CREATE TABLE a (id int);\n");
    s.file(
        "0002_slow.sql",
        "CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n",
    );
    let url = s.db.url().to_string();
    let migrations = s.migrations();
    let task = tokio::spawn(async move {
        let mut d = PostgresDriver::connect(&url, PgOptions::default())
            .await
            .unwrap();
        run(
            &mut d,
            &migrations,
            &Target::Up { to: None },
            ExecutorOptions::default(),
        )
        .await
    });
    let find = "SELECT pid::text FROM pg_stat_activity WHERE application_name = 'strata' AND datname = current_database() \
                AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()";
    let mut pid = Vec::new();
    for _ in 0..200 {
        pid = s.db.query_strings(find);
        if !pid.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(pid.len(), 1, "the migration never started");
    s.db.query_strings(&format!("SELECT pg_terminate_backend({})::text", pid[0]));
    let (report, _) = tokio::time::timeout(Duration::from_secs(20), task)
        .await
        .expect("the run did not notice")
        .unwrap();
    let f = failure(&report);
    assert_eq!(f.source.kind, DriverErrorKind::ConnectionLost);
    assert!(
        f.source
            .message
            .contains("lost the connection to PostgreSQL"),
        "{}",
        f.source.message
    );
    assert!(
        f.source.message.contains("did not commit"),
        "{}",
        f.source.message
    );
    assert!(
        f.help.contains("nothing of 0002_slow was applied"),
        "{}",
        f.help
    );
    assert_eq!(s.history(), ["0001:applied:-"]);
    assert_eq!(s.db.tables(), ["a", "strata_migrations"]);
    // The lock was released and the next run finishes the job.
    s.file(
        "0002_slow.sql",
        "CREATE TABLE slow (id int);\nSELECT pg_sleep(0);\n",
    );
    let mut d = s.driver().await;
    let (report, _) = s.up_on(&mut d).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(s.history(), ["0001:applied:-", "0002:applied:-"]);
}
