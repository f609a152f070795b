//! `postgres://` URLs and the `PG*` environment variables, resolved into connection parameters.
//!
//! tokio-postgres parses the URL itself, but knows only `sslmode` disable/prefer/require and no
//! environment variables: this module takes out the TLS parameters it does not know, then fills
//! in what the URL leaves open from `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`,
//! `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, `PGAPPNAME` and `PGCONNECT_TIMEOUT`, as
//! libpq does, and the password last from the password file (`~/.pgpass` or `PGPASSFILE`, see
//! `pgpass.rs`).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use strata_core::{DriverError, DriverErrorKind};

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Plain TCP only.
    Disable,
    /// TLS when the server offers it, without verifying the certificate (libpq's default).
    Prefer,
    /// TLS, certificate not verified (verified like `verify-ca` when a root certificate is given).
    Require,
    /// TLS, certificate chain verified against the root certificates; the host name is not.
    VerifyCa,
    /// TLS, chain and host name verified.
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, DriverError> {
        Ok(match s {
            "disable" | "allow" => SslMode::Disable,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(connect_error(format!(
                "invalid sslmode `{other}`: use disable, prefer, require, verify-ca or verify-full"
            )))
            }
        })
    }
}

/// Everything needed to open (and reopen) a connection. Its `Debug` never shows the password.
#[derive(Clone)]
pub(crate) struct ConnectParams {
    pub config: tokio_postgres::Config,
    pub ssl_mode: SslMode,
    pub root_cert: Option<PathBuf>,
    /// The client certificate and its key, when one is to be offered (see [`client_cert`]).
    pub client_cert: Option<ClientCert>,
    /// The URL with its password replaced, for messages.
    pub display: String,
    /// Where the password came from, for the advice when the server refuses it.
    pub password_from: PasswordFrom,
}

/// Where a connection's password came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PasswordFrom {
    /// The URL (or its `password` parameter).
    Url,
    /// `PGPASSWORD`.
    Env,
    /// A line of the password file.
    File(PathBuf),
    /// Nowhere; `ignored` is a password file left unread because others may read it.
    None { ignored: Option<PathBuf> },
}

impl std::fmt::Debug for ConnectParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectParams")
            .field("url", &self.display)
            .field("ssl_mode", &self.ssl_mode)
            .field("client_cert", &self.client_cert)
            .finish()
    }
}

/// The files of a TLS client certificate: a PEM certificate chain and its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub(crate) fn connect_error(message: impl Into<String>) -> DriverError {
    DriverError::new(DriverErrorKind::Connect, message)
}

/// True for the URL schemes this driver serves.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Replaces the password of a URL with `***` (user info and `password=` query parameters).
pub use strata_core::redact_url as redact;

/// Environment lookup, replaceable in tests.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment (empty values count as unset, as in libpq).
pub(crate) fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Parses a URL and fills the gaps from the environment.
pub(crate) fn parse(url: &str, env: Env<'_>) -> Result<ConnectParams, DriverError> {
    let display = redact_ssl_password(&redact(url));
    if !is_postgres_url(url) {
        return Err(connect_error(format!(
            "`{display}` is not a postgres:// or postgresql:// URL"
        )));
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut ssl_mode = None;
    let mut root_cert = None;
    let mut cert = None;
    let mut key = None;
    let mut kept = Vec::new();
    for kv in query.unwrap_or("").split('&').filter(|kv| !kv.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        let v = percent_decode(v);
        match k {
            "sslmode" => ssl_mode = Some(SslMode::parse(&v)?),
            "sslrootcert" => root_cert = Some(PathBuf::from(v)),
            // An empty value means "not set", as in libpq.
            "sslcert" => cert = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty()),
            "sslkey" => key = Some(PathBuf::from(v)).filter(|p| !p.as_os_str().is_empty()),
            "sslpassword" => {
                return Err(connect_error(format!(
                    "`sslpassword` (encrypted client keys) is not supported; in {display}"
                ))
                .with_hint(Some(
                    "decrypt the key once (openssl pkey -in client.key -out client.plain.key), \
                     chmod 0600 it and name it with sslkey"
                        .into(),
                )))
            }
            "sslcrl" => {
                return Err(connect_error(format!(
                    "`sslcrl` (certificate revocation lists) is not supported; in {display}"
                )))
            }
            _ => kept.push(kv),
        }
    }
    let rebuilt = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config = tokio_postgres::Config::from_str(&rebuilt).map_err(|e| {
        connect_error(format!("invalid database URL {display}: {e}")).with_hint(Some(
            "expected postgres://user:password@host:port/database?sslmode=require".into(),
        ))
    })?;
    if config.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(hosts) => {
                for h in hosts.split(',') {
                    config.host(h);
                }
            }
            None => {
                // libpq's default: the Unix socket directory when there is one.
                match ["/var/run/postgresql", "/tmp"]
                    .into_iter()
                    .find(|d| std::path::Path::new(d).join(".s.PGSQL.5432").exists())
                {
                    Some(dir) => config.host_path(dir),
                    None => config.host("localhost"),
                };
            }
        }
    }
    if config.get_ports().is_empty() {
        if let Some(p) = env("PGPORT") {
            let port = p
                .parse::<u16>()
                .map_err(|_| connect_error(format!("PGPORT `{p}` is not a port number")))?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .ok_or_else(|| {
                connect_error(format!("no user name in {display}")).with_hint(Some(
                    "put one in the URL (postgres://user@host/db) or set PGUSER".into(),
                ))
            })?;
        config.user(user);
    }
    let mut password_from = PasswordFrom::Url;
    if config.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            config.password(p);
            password_from = PasswordFrom::Env;
        }
    }
    if config.get_dbname().is_none() {
        if let Some(d) = env("PGDATABASE") {
            config.dbname(d);
        }
    }
    if config.get_password().is_none() {
        password_from = match crate::pgpass::find(&config, env) {
            crate::pgpass::Found::Password(p, file) => {
                config.password(p);
                PasswordFrom::File(file)
            }
            crate::pgpass::Found::Nothing => PasswordFrom::None { ignored: None },
            crate::pgpass::Found::Ignored(file) => PasswordFrom::None {
                ignored: Some(file),
            },
        };
    }
    if config.get_application_name().is_none() {
        config.application_name(env("PGAPPNAME").unwrap_or_else(|| "strata".into()));
    }
    if config.get_connect_timeout().is_none() {
        let secs = env("PGCONNECT_TIMEOUT").and_then(|s| s.parse::<u64>().ok());
        config.connect_timeout(Duration::from_secs(secs.unwrap_or(10).max(1)));
    }
    let ssl_mode = match ssl_mode {
        Some(m) => m,
        None => env("PGSSLMODE")
            .map(|m| SslMode::parse(&m))
            .transpose()?
            .unwrap_or(SslMode::Prefer),
    };
    let root_cert = root_cert.or_else(|| env("PGSSLROOTCERT").map(PathBuf::from));
    let client_cert = client_cert(ssl_mode, cert, key, env)?;
    Ok(ConnectParams {
        config,
        ssl_mode,
        root_cert,
        client_cert,
        display,
        password_from,
    })
}

/// Which client certificate to offer, as libpq chooses it: `sslcert` (else `PGSSLCERT`, else
/// `~/.postgresql/postgresql.crt`) with `sslkey` (else `PGSSLKEY`, else
/// `~/.postgresql/postgresql.key`). The default pair is used only when both files exist; a
/// certificate or key named explicitly must have its other half, or this is an error rather than
/// a connection that silently offers no certificate. The files are read later (`tls.rs`), when
/// the connector is built, so a bad file fails before any connection is tried.
pub(crate) fn client_cert(
    mode: SslMode,
    cert: Option<PathBuf>,
    key: Option<PathBuf>,
    env: Env<'_>,
) -> Result<Option<ClientCert>, DriverError> {
    if mode == SslMode::Disable {
        return Ok(None);
    }
    let cert = cert.or_else(|| env("PGSSLCERT").map(PathBuf::from));
    let key = key.or_else(|| env("PGSSLKEY").map(PathBuf::from));
    let home = env("HOME").map(|h| Path::new(&h).join(".postgresql"));
    let default = |name: &str| home.as_ref().map(|d| d.join(name));
    let existing = |p: Option<PathBuf>| p.filter(|p| p.exists());
    Ok(match (cert, key) {
        (Some(cert), Some(key)) => Some(ClientCert { cert, key }),
        (Some(cert), None) => {
            let key = existing(default("postgresql.key")).ok_or_else(|| {
                connect_error(format!(
                    "client certificate {} has no private key: sslkey / PGSSLKEY is not set \
                     and ~/.postgresql/postgresql.key does not exist",
                    cert.display()
                ))
                .with_hint(Some(
                    "name the certificate's key with sslkey=/path/to/client.key in the URL \
                     (or PGSSLKEY)"
                        .into(),
                ))
            })?;
            Some(ClientCert { cert, key })
        }
        (None, Some(key)) => {
            let cert = existing(default("postgresql.crt")).ok_or_else(|| {
                connect_error(format!(
                    "private key {} has no client certificate: sslcert / PGSSLCERT is not set \
                     and ~/.postgresql/postgresql.crt does not exist",
                    key.display()
                ))
                .with_hint(Some(
                    "name the certificate with sslcert=/path/to/client.crt in the URL \
                     (or PGSSLCERT), or remove sslkey / PGSSLKEY"
                        .into(),
                ))
            })?;
            Some(ClientCert { cert, key })
        }
        (None, None) => match (
            existing(default("postgresql.crt")),
            existing(default("postgresql.key")),
        ) {
            (Some(cert), Some(key)) => Some(ClientCert { cert, key }),
            _ => None,
        },
    })
}

/// Replaces the value of an `sslpassword=` query parameter (the passphrase of a client key) with
/// `***`; [`redact`] covers the password of the user only.
fn redact_ssl_password(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let parts: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("sslpassword") => format!("{k}=***"),
            _ => kv.to_string(),
        })
        .collect();
    format!("{base}?{}", parts.join("&"))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn both_schemes_and_the_url_wins_over_the_environment() {
        let env = env_of(&[
            ("PGUSER", "envuser"),
            ("PGPORT", "6000"),
            ("PGDATABASE", "envdb"),
        ]);
        for scheme in ["postgres", "postgresql"] {
            let p = parse(&format!("{scheme}://alice:pw@db.example:5433/app"), &env).unwrap();
            assert_eq!(p.config.get_user(), Some("alice"));
            assert_eq!(p.config.get_ports(), [5433]);
            assert_eq!(p.config.get_dbname(), Some("app"));
            assert_eq!(p.config.get_password(), Some(&b"pw"[..]));
            assert_eq!(p.config.get_application_name(), Some("strata"));
            assert_eq!(p.ssl_mode, SslMode::Prefer);
        }
    }

    #[test]
    fn the_environment_fills_the_gaps() {
        let env = env_of(&[
            ("PGHOST", "10.0.0.9"),
            ("PGPORT", "6000"),
            ("PGUSER", "bob"),
            ("PGPASSWORD", "hunter2"),
            ("PGDATABASE", "shop"),
            ("PGSSLMODE", "verify-full"),
            ("PGSSLROOTCERT", "/etc/ca.pem"),
            ("PGAPPNAME", "deploy"),
        ]);
        let p = parse("postgres://", &env).unwrap();
        assert_eq!(
            p.config.get_hosts(),
            [tokio_postgres::config::Host::Tcp("10.0.0.9".into())]
        );
        assert_eq!(p.config.get_ports(), [6000]);
        assert_eq!(p.config.get_user(), Some("bob"));
        assert_eq!(p.config.get_password(), Some(&b"hunter2"[..]));
        assert_eq!(p.config.get_dbname(), Some("shop"));
        assert_eq!(p.config.get_application_name(), Some("deploy"));
        assert_eq!(p.ssl_mode, SslMode::VerifyFull);
        assert_eq!(p.root_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert!(!format!("{p:?}").contains("hunter2"));
    }

    #[test]
    fn tls_parameters_tokio_postgres_does_not_know() {
        let env = env_of(&[("PGSSLMODE", "disable")]);
        let p = parse(
            "postgres://u@h/db?sslmode=verify-ca&sslrootcert=%2Ftmp%2Fca.pem&connect_timeout=3",
            &env,
        )
        .unwrap();
        assert_eq!(p.ssl_mode, SslMode::VerifyCa);
        assert_eq!(p.root_cert, Some(PathBuf::from("/tmp/ca.pem")));
        assert_eq!(
            p.config.get_connect_timeout(),
            Some(&Duration::from_secs(3))
        );
        let e = parse("postgres://u@h/db?sslmode=sometimes", &env).unwrap_err();
        assert!(e.message.contains("invalid sslmode `sometimes`"), "{e}");
    }

    #[test]
    fn the_password_file_comes_after_the_url_and_pgpassword() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:from-file\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let file = path.display().to_string();
        let env = env_of(&[("PGPASSFILE", &file)]);
        let p = parse("postgres://u@h/db", &env).unwrap();
        assert_eq!(p.config.get_password(), Some(&b"from-file"[..]));
        assert_eq!(p.password_from, PasswordFrom::File(path.clone()));
        assert!(!format!("{p:?}").contains("from-file"));
        let p = parse("postgres://u:inline@h/db", &env).unwrap();
        assert_eq!(p.config.get_password(), Some(&b"inline"[..]));
        assert_eq!(p.password_from, PasswordFrom::Url);
        let with_env = env_of(&[("PGPASSFILE", &file), ("PGPASSWORD", "env")]);
        let p = parse("postgres://u@h/db", &with_env).unwrap();
        assert_eq!(p.config.get_password(), Some(&b"env"[..]));
        assert_eq!(p.password_from, PasswordFrom::Env);
        // A file others may read is left unread, and the connection remembers it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let p = parse("postgres://u@h/db", &env).unwrap();
            assert_eq!(p.config.get_password(), None);
            assert_eq!(
                p.password_from,
                PasswordFrom::None {
                    ignored: Some(path)
                }
            );
        }
    }

    #[test]
    fn client_certificates_come_from_the_url_the_environment_or_home() {
        let home = tempfile::tempdir().unwrap();
        let h = home.path().display().to_string();
        let dot = home.path().join(".postgresql");
        let pair = |cert: &str, key: &str| {
            Some(ClientCert {
                cert: PathBuf::from(cert),
                key: PathBuf::from(key),
            })
        };
        let cert_of = |url: &str, env: &[(&str, &str)]| {
            let mut all = vec![("HOME", h.as_str())];
            all.extend_from_slice(env);
            parse(url, &env_of(&all)).map(|p| p.client_cert)
        };
        let url = "postgres://u@h/db";

        // No files in ~/.postgresql, nothing set: no certificate.
        assert_eq!(cert_of(url, &[]).unwrap(), None);
        // The URL, else the environment.
        let env = [("PGSSLCERT", "/env/c.crt"), ("PGSSLKEY", "/env/c.key")];
        assert_eq!(
            cert_of(&format!("{url}?sslcert=%2Fu%2Fc.crt&sslkey=/u/c.key"), &env).unwrap(),
            pair("/u/c.crt", "/u/c.key")
        );
        assert_eq!(
            cert_of(url, &env).unwrap(),
            pair("/env/c.crt", "/env/c.key")
        );
        assert_eq!(
            cert_of(&format!("{url}?sslcert=/u/c.crt"), &env).unwrap(),
            pair("/u/c.crt", "/env/c.key")
        );
        // An empty value is "not set", as in libpq.
        assert_eq!(
            cert_of(&format!("{url}?sslcert=&sslkey="), &env).unwrap(),
            pair("/env/c.crt", "/env/c.key")
        );
        // sslmode=disable: no TLS, no certificate.
        assert_eq!(
            cert_of(&format!("{url}?sslmode=disable"), &env).unwrap(),
            None
        );

        // A certificate without its key, or a key without its certificate, is an error.
        let e = cert_of(url, &[("PGSSLCERT", "/env/c.crt")]).unwrap_err();
        assert!(
            e.message.contains("/env/c.crt") && e.message.contains("no private key"),
            "{e}"
        );
        assert!(e.hint.as_deref().unwrap().contains("sslkey"), "{e:?}");
        let e = cert_of(&format!("{url}?sslkey=/u/c.key"), &[]).unwrap_err();
        assert!(
            e.message.contains("/u/c.key") && e.message.contains("no client cert"),
            "{e}"
        );
        assert!(e.hint.as_deref().unwrap().contains("sslcert"), "{e:?}");

        // libpq's defaults: ~/.postgresql/postgresql.crt and .key, only when both exist.
        std::fs::create_dir(&dot).unwrap();
        std::fs::write(dot.join("postgresql.crt"), "").unwrap();
        assert_eq!(cert_of(url, &[]).unwrap(), None);
        let default_key = dot.join("postgresql.key").display().to_string();
        let default_cert = dot.join("postgresql.crt").display().to_string();
        assert_eq!(
            cert_of(&format!("{url}?sslkey=/u/c.key"), &[]).unwrap(),
            pair(&default_cert, "/u/c.key")
        );
        std::fs::write(dot.join("postgresql.key"), "").unwrap();
        assert_eq!(
            cert_of(url, &[]).unwrap(),
            pair(&default_cert, &default_key)
        );
        assert_eq!(
            cert_of(&format!("{url}?sslcert=/u/c.crt"), &[]).unwrap(),
            pair("/u/c.crt", &default_key)
        );
        std::fs::remove_file(dot.join("postgresql.crt")).unwrap();
        assert_eq!(cert_of(url, &[]).unwrap(), None);
    }

    #[test]
    fn errors_never_show_the_password() {
        let env = env_of(&[]);
        for url in [
            "postgres://u:s3cret@h:notaport/db",
            "postgres://u:s3cret@h/db?bogus=1",
            "postgres://u:s3cret@h/db?sslmode=nope",
            "postgres://u:s3cret@h/db?sslcert=x",
            "postgres://u@h/db?sslkey=/k&sslpassword=s3cret",
            "postgres://u@h/db?sslpassword=s3cret&bogus=1",
            "postgresql://u@h/db?password=s3cret&bogus=1",
        ] {
            let e = parse(url, &env).unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
        }
    }
}
