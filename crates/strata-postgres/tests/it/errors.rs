//! Errors: the server's position mapped to file:line:col of the right statement, with SQLSTATE,
//! detail and hint; errors without a position still name their statement.

use crate::*;

#[tokio::test]
async fn syntax_error_in_the_second_statement() {
    let s = Setup::new();
    s.file("0001_ok.sql", "CREATE TABLE ok (id int);\n");
    s.file("0002_bad.sql", "-- a comment first\nCREATE TABLE é (id int);\n\n  SELECT 'ü', id FORM é;\nCREATE TABLE never (id int);\n");
    let (report, _) = s.up().await;
    let f = failure(&report);
    assert_eq!(f.statement, 2);
    assert_eq!(f.source.code.as_deref(), Some("42601"));
    assert!(
        f.source.message.contains("syntax error at or near \"é\""),
        "{}",
        f.source.message
    );
    // `FORM` is taken as a column alias, so the error is at `é` after it: line 4, column 23.
    assert!(
        f.location.ends_with("migrations/0002_bad.sql:4:23"),
        "{}",
        f.location
    );
    assert_eq!(f.sql, "SELECT 'ü', id FORM é");
    let (text, offset, _) = f.frame.clone().unwrap();
    assert_eq!(&text[offset..offset + "é;".len()], "é;");
    // The whole file was one transaction: nothing of it is left; the first is applied.
    assert_eq!(s.db.tables(), ["ok", "strata_migrations"]);
    assert_eq!(s.history(), ["0001:applied:-"]);
}

#[tokio::test]
async fn errors_without_a_position_name_their_statement() {
    let s = Setup::new();
    s.file("0001_dup.sql", "CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (1);\nCREATE TABLE b (id int);\n");
    let (report, _) = s.up().await;
    let f = failure(&report);
    assert_eq!(f.statement, 3);
    assert_eq!(f.source.code.as_deref(), Some("23505"));
    assert_eq!(
        f.source.detail.as_deref(),
        Some("Key (id)=(1) already exists.")
    );
    assert!(
        f.location.ends_with("migrations/0001_dup.sql:3:1"),
        "{}",
        f.location
    );
    assert!(s.db.tables().is_empty() || s.db.tables() == ["strata_migrations"]);
}

#[tokio::test]
async fn positions_inside_non_transactional_statements() {
    let s = Setup::new();
    s.file(
        "0001_nt.sql",
        "-- strata:no-transaction\nCREATE TABLE n (id int);\nSELECT nope FROM n;\n",
    );
    let (report, _) = s.up().await;
    let f = failure(&report);
    assert_eq!(f.statement, 2);
    assert_eq!(f.source.code.as_deref(), Some("42703"));
    assert!(
        f.location.ends_with("migrations/0001_nt.sql:3:8"),
        "{}",
        f.location
    );
    assert!(f.help.contains("1 of 2 statements completed"), "{}", f.help);
    assert_eq!(s.history(), ["0001:dirty:1"]);
    // Once the database lets it pass, `up` resumes at the failing statement.
    s.db.execute("ALTER TABLE n ADD COLUMN nope int");
    let (report, events) = s.up().await;
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
    assert_eq!(s.history(), ["0001:applied:-"]);
}

#[tokio::test]
async fn hints_and_details_are_kept() {
    let s = Setup::new();
    s.file("0001_raise.sql", "DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING DETAIL = 'the detail', HINT = 'the hint', ERRCODE = 'P0001'; END $$;\n");
    let (report, _) = s.up().await;
    let f = failure(&report);
    assert_eq!(f.source.code.as_deref(), Some("P0001"));
    assert_eq!(f.source.message, "custom failure");
    assert!(f
        .source
        .detail
        .as_deref()
        .unwrap()
        .starts_with("the detail"));
    assert_eq!(f.source.hint.as_deref(), Some("the hint"));
}
