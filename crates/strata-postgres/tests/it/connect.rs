//! Connecting: TLS modes, secrets kept out of messages, the history's schema and format.

use crate::*;
use strata_core::{Driver, DriverErrorKind};

#[tokio::test]
async fn passwords_never_appear_in_errors() {
    for url in [
        "postgres://postgres:s3cr3t-pw@127.0.0.1:1/x",
        "postgresql://postgres:s3cr3t-pw@127.0.0.1:1/x?sslmode=require",
        "postgres://postgres@127.0.0.1:1/x?password=s3cr3t-pw",
        "postgres://postgres:s3cr3t-pw@127.0.0.1:5432/x?sslmode=bogus",
    ] {
        let e = PostgresDriver::connect(url, PgOptions::default())
            .await
            .unwrap_err();
        let shown = format!("{e} | {e:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(e.kind, DriverErrorKind::Connect);
    }
    let e = PostgresDriver::connect(
        "postgres://postgres:s3cr3t-pw@127.0.0.1:1/x",
        PgOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        e.message.contains("postgres://postgres:***@127.0.0.1:1/x"),
        "{}",
        e.message
    );
    assert!(e.hint.unwrap().contains("pg_ctlcluster"));
    assert_eq!(
        strata_postgres::redact("postgres://u:pw@h/db"),
        "postgres://u:***@h/db"
    );
}

#[tokio::test]
async fn tls_modes() {
    let s = Setup::new();
    let with = |mode: &str| format!("{}?sslmode={mode}", s.db.url());
    let ssl = s.db.query_strings("SHOW ssl");
    for mode in ["disable", "prefer"] {
        PostgresDriver::connect(&with(mode), PgOptions::default())
            .await
            .unwrap();
    }
    let missing = PostgresDriver::connect(
        &format!(
            "{}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            s.db.url()
        ),
        PgOptions::default(),
    )
    .await
    .unwrap_err();
    assert!(
        missing.message.contains("/nonexistent/ca.pem"),
        "{}",
        missing.message
    );
    if ssl == ["on"] {
        PostgresDriver::connect(&with("require"), PgOptions::default())
            .await
            .unwrap();
        // The server's own (self-signed) certificate as the root: the chain verifies; its name
        // is the machine's, not 127.0.0.1, so verify-full refuses it.
        let cert = s.db.query_strings("SHOW ssl_cert_file")[0].clone();
        let cert = if cert.starts_with('/') {
            cert
        } else {
            let dir = s.db.query_strings("SHOW data_directory")[0].clone();
            format!("{dir}/{cert}")
        };
        if std::fs::read(&cert).is_ok() {
            let url = format!("{}?sslmode=verify-ca&sslrootcert={cert}", s.db.url());
            PostgresDriver::connect(&url, PgOptions::default())
                .await
                .unwrap();
            let url = format!("{}?sslmode=verify-full&sslrootcert={cert}", s.db.url());
            let e = PostgresDriver::connect(&url, PgOptions::default())
                .await
                .unwrap_err();
            assert!(
                e.message.to_lowercase().contains("certificate"),
                "{}",
                e.message
            );
            let hint = e.hint.unwrap_or_default();
            assert!(hint.contains("does not name the host"), "{hint}");
        }
        // A certificate authority that did not sign the server's certificate.
        let dir = tempfile::tempdir().unwrap();
        strata_test_support::openssl::ec_key(dir.path(), "ca.key");
        strata_test_support::openssl::self_signed(dir.path(), "ca.key", "other-ca", "ca.crt");
        let url = format!(
            "{}?sslmode=verify-ca&sslrootcert={}",
            s.db.url(),
            dir.path().join("ca.crt").display()
        );
        let e = PostgresDriver::connect(&url, PgOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, DriverErrorKind::Connect);
        let hint = e.hint.unwrap_or_default();
        assert!(
            hint.contains("point sslrootcert at the CA"),
            "{}: {hint}",
            e.message
        );
    } else {
        let e = PostgresDriver::connect(&with("require"), PgOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, DriverErrorKind::Connect);
    }
}

#[tokio::test]
async fn history_in_its_own_schema_with_quoted_names() {
    let s = Setup::new();
    s.file("0001_a.sql", "CREATE TABLE a (id int);\n");
    let options = || {
        PgOptions::default()
            .schema("Ops \"Team\"")
            .history_table("Strata History")
    };
    let mut d = s.driver_with(options()).await;
    // Reading a history that does not exist yet creates nothing.
    assert!(d.read_history().await.unwrap().is_empty());
    assert!(s
        .db
        .query_strings("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'Ops%'")
        .is_empty());
    let (report, _) = s.up_on(&mut d).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(s.db.tables(), ["Ops \"Team\".Strata History", "a"]);
    let history = d.read_history().await.unwrap();
    assert_eq!(history.len(), 1);
    let at = &history[0].applied_at;
    assert!(
        at.len() == 27 && at.ends_with('Z') && &at[10..11] == "T",
        "{at}"
    );
    assert_eq!(history[0].tool_version, strata_core::TOOL_VERSION);
    assert_eq!(d.capabilities().engine, "postgres");
    assert!(d.server_version_num() >= 120000);
}
