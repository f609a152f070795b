//! SQLite driver behaviour seen by a library caller that keeps its driver across runs.
//!
//! A `no-transaction` script that opens a transaction of its own and fails inside it, run by a
//! library caller that keeps its driver: the failure must end that transaction at once (not
//! when the connection closes), so the history is what the error says and the same driver
//! resumes after the fix.

use std::path::Path;
use std::sync::{Arc, Mutex};
use strata_core::source::{load_dir, Layout};
use strata_core::{Event, ExecuteError, Executor, ExecutorOptions, Policy, Report, Target};
use strata_sqlite::SqliteDriver;

fn script(value: &str) -> String {
    format!(
        "-- strata:no-transaction\nCREATE TABLE a (id INTEGER);\nBEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES ({value});\nCOMMIT;\nINSERT INTO a VALUES (3);\n"
    )
}

async fn up(driver: &mut SqliteDriver, dir: &Path) -> (Report, Vec<Event>) {
    let migrations = load_dir(dir, Layout::Auto).expect("the migrations load");
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let report = Executor::new(driver, ExecutorOptions::default())
        .with_events(move |e| sink.lock().unwrap().push(e))
        .run(&migrations, &Target::Up { to: None }, &Policy::default())
        .await;
    let events = events.lock().unwrap().clone();
    (report, events)
}

/// What another connection sees: committed state only.
fn committed(db: &Path) -> (Vec<i64>, Vec<String>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut ids = conn.prepare("SELECT id FROM a ORDER BY id").unwrap();
    let ids = ids
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    let mut rows = conn
        .prepare("SELECT version || ':' || status || ':' || COALESCE(statements_done, '-') FROM strata_migrations ORDER BY version")
        .unwrap();
    let rows = rows
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    (ids, rows)
}

#[tokio::test]
async fn a_failure_inside_the_scripts_own_transaction_rolls_it_back_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    let db = tmp.path().join("app.db");
    let url = format!("sqlite:{}", db.display());
    // The fifth statement fails (no such table) inside the script's BEGIN.
    std::fs::write(dir.join("0001_a.sql"), script("(SELECT x FROM missing)")).unwrap();
    let mut driver = SqliteDriver::open(&url, None).unwrap();

    let (report, _) = up(&mut driver, &dir).await;
    let failure = match &report.error {
        Some(ExecuteError::Migration(m)) => m,
        other => panic!("expected a migration failure, got {other:?}"),
    };
    assert_eq!(failure.statement, 4, "{failure:?}");
    assert!(
        failure.help.contains(
            "statements 2 to 4 ran in the script's own transaction, which was rolled back"
        ),
        "{}",
        failure.help
    );
    // Another connection sees what the error says: the table (created before the BEGIN), none
    // of the rows inserted inside it, and the migration dirty after its first statement.
    assert_eq!(committed(&db), (vec![], vec!["0001:dirty:1".to_string()]));

    // Fixed, the same driver resumes at the BEGIN. (Left open, the script's transaction kept
    // the progress recorded inside it, and this run resumed after the failed statement,
    // skipping the BEGIN and the first INSERT.)
    std::fs::write(dir.join("0001_a.sql"), script("2")).unwrap();
    let (report, events) = up(&mut driver, &dir).await;
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
        committed(&db),
        (vec![1, 2, 3], vec!["0001:applied:-".to_string()])
    );
}

/// The history read early (while the files load) serves the first read made without the lock,
/// and only until a change: after one, the driver reads again and sees it.
#[tokio::test]
async fn a_history_read_early_is_not_served_after_a_change() {
    use strata_core::{Driver, HistoryChange, LockOptions, RowKey};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("migrations");
    std::fs::create_dir(&dir).unwrap();
    // Applied twice below (its row is deleted in between).
    std::fs::write(
        dir.join("0001_a.sql"),
        "CREATE TABLE IF NOT EXISTS a (id INTEGER);\n",
    )
    .unwrap();
    let url = format!("sqlite:{}", tmp.path().join("app.db").display());
    let mut first = SqliteDriver::open(&url, None).unwrap();
    let (report, _) = up(&mut first, &dir).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    // A change made by the driver itself: its early read is dropped.
    let mut second = SqliteDriver::open(&url, None).unwrap();
    second.read_history_early();
    second.lock(&LockOptions::default()).await.unwrap();
    let key = RowKey {
        version: "0001".into(),
        name: "a".into(),
    };
    second.record(&HistoryChange::Delete(key)).await.unwrap();
    second.unlock().await.unwrap();
    assert_eq!(second.read_history().await.unwrap().len(), 0);

    // Without a change of its own, the first read is the early one, and only the first.
    let mut third = SqliteDriver::open(&url, None).unwrap();
    third.read_history_early();
    let (report, _) = up(&mut first, &dir).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        third.read_history().await.unwrap().len(),
        0,
        "the early read"
    );
    assert_eq!(third.read_history().await.unwrap().len(), 1, "a fresh read");
}
