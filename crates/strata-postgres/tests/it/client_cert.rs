//! TLS client certificates (`sslcert` / `sslkey`). The test server does not ask for client
//! certificates, so these tests prove that offering one keeps TLS connections working, and that
//! a bad certificate or key is a clear error before any connection is tried.

use crate::*;
use std::path::{Path, PathBuf};
use strata_core::{Driver, DriverErrorKind};
use strata_test_support::openssl::{chmod, openssl, self_signed};

/// `client.key` (mode 0600) and a self-signed `client.crt` for it, in `dir`.
fn client_pair(dir: &Path) {
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "client.key",
        ],
    );
    self_signed(dir, "client.key", "postgres", "client.crt");
    chmod(&dir.join("client.key"), 0o600);
}

#[tokio::test]
async fn a_client_certificate_keeps_tls_connections_working() {
    let s = Setup::new();
    let dir = s.db.dir();
    client_pair(dir);
    let ssl = s.db.query_strings("SHOW ssl");
    let mode = if ssl == ["on"] { "require" } else { "prefer" };
    let app = format!("strata-cc-{}", std::process::id());
    let url = format!(
        "{}?sslmode={mode}&sslcert={}&sslkey={}&application_name={app}",
        s.db.url(),
        dir.join("client.crt").display(),
        dir.join("client.key").display()
    );
    let mut d = PostgresDriver::connect(&url, PgOptions::default())
        .await
        .unwrap();
    assert!(d.read_history().await.unwrap().is_empty());
    let encrypted = s.db.query_strings(&format!(
        "SELECT s.ssl::text FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) \
         WHERE a.application_name = '{app}'"
    ));
    assert!(!encrypted.is_empty(), "no session named {app}");
    if ssl == ["on"] {
        assert!(encrypted.iter().all(|e| e == "true"), "{encrypted:?}");
        // A migration runs over it.
        s.file("0001_a.sql", "CREATE TABLE a (id int);\n");
        let (report, _) = s.up_on(&mut d).await;
        assert!(report.error.is_none(), "{:?}", report.error);
        assert_eq!(s.db.tables(), ["a", "strata_migrations"]);
    }
}

#[tokio::test]
async fn a_bad_key_file_is_a_clear_error_before_connecting() {
    let s = Setup::new();
    let dir = s.db.dir();
    client_pair(dir);
    let secret = std::fs::read_to_string(dir.join("client.key"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let check =
        |key: PathBuf, wanted: &'static str| check_refused(dir, s.db.url(), key, wanted, &secret);

    // Readable by the group: refused, as libpq refuses it.
    let open = dir.join("open.key");
    std::fs::copy(dir.join("client.key"), &open).unwrap();
    chmod(&open, 0o644);
    check(open.clone(), "group or others").await;

    // Damaged, not a key, missing.
    let damaged = dir.join("damaged.key");
    let text = std::fs::read_to_string(dir.join("client.key")).unwrap();
    std::fs::write(&damaged, text.replacen(&secret, &format!("{secret}#"), 1)).unwrap();
    chmod(&damaged, 0o600);
    check(damaged.clone(), "not valid PEM").await;
    let junk = dir.join("junk.key");
    std::fs::write(&junk, "hello\n").unwrap();
    chmod(&junk, 0o600);
    check(junk.clone(), "holds no private key").await;
    check(dir.join("absent.key"), "cannot read the private key file").await;

    // Another key than the certificate's.
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "other.key",
        ],
    );
    chmod(&dir.join("other.key"), 0o600);
    check(dir.join("other.key"), "does not belong").await;
}

/// Connecting with `key` fails with a message naming it and saying `wanted`, both on a port where
/// nothing listens (so the error comes before connecting) and on the real server.
async fn check_refused(dir: &Path, db_url: &str, key: PathBuf, wanted: &str, secret: &str) {
    let files = format!(
        "sslmode=require&sslcert={}&sslkey={}",
        dir.join("client.crt").display(),
        key.display()
    );
    for url in [
        format!("postgres://postgres@127.0.0.1:1/x?{files}"),
        format!("{db_url}?{files}"),
    ] {
        let e = PostgresDriver::connect(&url, PgOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind, DriverErrorKind::Connect);
        assert!(
            e.message.contains(&key.display().to_string()),
            "{}",
            e.message
        );
        assert!(e.message.contains(wanted), "{}", e.message);
        assert!(e.hint.is_some(), "{e:?}");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(&secret[..20]), "{shown}");
    }
}
