//! tokio-postgres errors as strata [`DriverError`]s: SQLSTATE, message, detail and hint kept,
//! and the kinds the core reacts to (lock timeouts, lost connections) told apart.

use strata_core::{DriverError, DriverErrorKind};
use tokio_postgres::error::ErrorPosition;

/// What the server said about where in the query text the error is: a 1-based character
/// position, when it is in the text strata sent (not inside a function body).
pub(crate) fn position(e: &tokio_postgres::Error) -> Option<u32> {
    match e.as_db_error()?.position()? {
        ErrorPosition::Original(p) => Some(*p),
        ErrorPosition::Internal { .. } => None,
    }
}

/// The hint given when the connection is gone.
const LOST_HINT: &str = "the server ended the session (pg_terminate_backend, a restart, a failover or a network failure); run `strata status` to see what is applied, then run the command again";

/// Converts an error. Positions are left out: callers map them to their statement.
pub(crate) fn map(e: &tokio_postgres::Error) -> DriverError {
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        let kind = match code {
            // lock_not_available: `lock_timeout` or NOWAIT; the executor retries these.
            "55P03" => DriverErrorKind::LockNotAvailable,
            // admin_shutdown (pg_terminate_backend), crash_shutdown, cannot_connect_now, and
            // the connection exception class.
            "57P01" | "57P02" | "57P03" => DriverErrorKind::ConnectionLost,
            c if c.starts_with("08") => DriverErrorKind::ConnectionLost,
            _ => DriverErrorKind::Database,
        };
        let mut message = db.message().to_string();
        let mut hint = db.hint().map(str::to_string);
        if kind == DriverErrorKind::ConnectionLost {
            message = format!("lost the connection to PostgreSQL: {message}");
            hint = Some(LOST_HINT.into());
        }
        let mut detail = db.detail().map(str::to_string);
        if let Some(ErrorPosition::Internal { position, query }) = db.position() {
            // An error inside a function body or a generated query: say where in it.
            let context = format!("at character {position} of the internal query: {query}");
            detail = Some(match detail {
                Some(d) => format!("{d}\n{context}"),
                None => context,
            });
        }
        if let Some(w) = db.where_() {
            detail = Some(match detail {
                Some(d) => format!("{d}\ncontext: {w}"),
                None => format!("context: {w}"),
            });
        }
        return DriverError::new(kind, message)
            .with_code(code)
            .with_detail(detail)
            .with_hint(hint);
    }
    if e.is_closed() || is_io(e) {
        return DriverError::new(
            DriverErrorKind::ConnectionLost,
            format!("lost the connection to PostgreSQL: {}", with_causes(e)),
        )
        .with_hint(Some(LOST_HINT.into()));
    }
    DriverError::new(DriverErrorKind::Other, with_causes(e))
}

/// The error's text followed by its causes (`error performing TLS handshake: invalid peer
/// certificate: ...`): tokio-postgres leaves the cause out of its own text.
fn with_causes(e: &tokio_postgres::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let t = s.to_string();
        if !text.contains(&t) {
            text.push_str(": ");
            text.push_str(&t);
        }
        source = s.source();
    }
    text
}

fn is_io(e: &tokio_postgres::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// What to do when the server's certificate was refused (the TLS library's reason is in the
/// error's causes), by reason.
fn certificate_hint(text: &str) -> Option<String> {
    let reason = text
        .split("invalid peer certificate: ")
        .nth(1)?
        .to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| reason.contains(w));
    let hint = if has(&["unknownissuer", "badsignature"]) {
        "the server's certificate is not signed by a certificate authority in sslrootcert \
         (PGSSLROOTCERT, or ~/.postgresql/root.crt): point sslrootcert at the CA that signed \
         the server's certificate, or use sslmode=require to encrypt without checking it"
    } else if has(&["not valid for name", "notvalidforname"]) {
        "the server's certificate does not name the host in the URL: connect with a host name \
         the certificate holds, or use sslmode=verify-ca to check the certificate authority \
         only"
    } else if has(&["expired", "not valid yet", "notvalidyet"]) {
        "the server's certificate is outside its validity period: renew it on the server (or \
         check this machine's clock)"
    } else if has(&["revoked"]) {
        "the server's certificate has been revoked: install a new one on the server"
    } else {
        "the server's certificate was refused: check it and sslrootcert, or use \
         sslmode=require to encrypt without checking it"
    };
    Some(hint.to_string())
}

/// What to do when the server refused the password (`refused`) or asked for one none was
/// given: say where the password came from, or why the password file was not read.
fn password_hint(from: &crate::url::PasswordFrom, refused: bool) -> String {
    use crate::url::PasswordFrom;
    let check = "check the user name and the password";
    match from {
        PasswordFrom::Url if refused => format!("{check} in the URL"),
        PasswordFrom::Env if refused => format!("{check} in PGPASSWORD"),
        PasswordFrom::File(file) if refused => format!(
            "{check}: the password came from the first matching line of {}",
            file.display()
        ),
        PasswordFrom::None { ignored: Some(file) } => format!(
            "{} was not read: group or others may read it, and a password file must be private, as libpq requires (`chmod 600 {}`); or give the password in the URL or PGPASSWORD",
            file.display(),
            file.display()
        ),
        _ if refused => format!("{check} (the URL, PGUSER, PGPASSWORD or ~/.pgpass)"),
        _ => "the server asks for a password: give it in the URL (postgres://user:password@host/db), in PGPASSWORD, or in a ~/.pgpass line `host:port:database:user:password` (mode 0600)".to_string(),
    }
}

/// Converts an error while connecting: always [`DriverErrorKind::Connect`], with the target
/// (password redacted) and advice for the common causes. Any password text the error might
/// echo is scrubbed.
pub(crate) fn connect(
    e: &tokio_postgres::Error,
    target: &str,
    password: Option<&[u8]>,
    password_from: &crate::url::PasswordFrom,
) -> DriverError {
    let mut d = map(e);
    let text = e.to_string();
    let hint = if let Some(db) = e.as_db_error() {
        match db.code().code() {
            "28P01" | "28000" => password_hint(password_from, true),
            "3D000" => "create the database first, or fix its name in the URL".to_string(),
            _ => d.hint.clone().unwrap_or_default(),
        }
    } else if let Some(hint) = certificate_hint(&with_causes(e)) {
        hint
    } else if text.contains("password missing") {
        // The server asked for a password and none was given.
        password_hint(password_from, false)
    } else if text.contains("refused") || text.contains("No such file") || is_io(e) {
        "is the server running and accepting connections there? (locally: `pg_ctlcluster --skip-systemctl-redirect <version> main start`; check host and port)".to_string()
    } else {
        String::new()
    };
    d.kind = DriverErrorKind::Connect;
    d.message = format!(
        "cannot connect to {target}: {}",
        d.message
            .trim_start_matches("lost the connection to PostgreSQL: ")
    );
    if let Some(pw) = password
        .and_then(|p| std::str::from_utf8(p).ok())
        .filter(|p| p.len() >= 3)
    {
        d.message = d.message.replace(pw, "***");
    }
    d.hint = (!hint.is_empty()).then_some(hint);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::PasswordFrom;
    use std::path::PathBuf;

    #[test]
    fn a_refused_password_is_traced_to_where_it_came_from() {
        let file = PathBuf::from("home/.pgpass");
        let hint = |from: PasswordFrom, refused| password_hint(&from, refused);
        assert!(hint(PasswordFrom::Url, true).ends_with("in the URL"));
        assert!(hint(PasswordFrom::Env, true).ends_with("in PGPASSWORD"));
        assert!(hint(PasswordFrom::File(file.clone()), true)
            .contains("first matching line of home/.pgpass"));
        let ignored = PasswordFrom::None {
            ignored: Some(file),
        };
        // Refused or asked for, an ignored password file is the likely cause.
        for refused in [true, false] {
            let h = hint(ignored.clone(), refused);
            assert!(h.contains("home/.pgpass was not read"), "{h}");
            assert!(h.contains("chmod 600 home/.pgpass"), "{h}");
        }
        let asked = hint(PasswordFrom::None { ignored: None }, false);
        assert!(
            asked.starts_with("the server asks for a password"),
            "{asked}"
        );
    }

    #[test]
    fn certificate_errors_get_advice_by_reason() {
        let of = |reason: &str| {
            certificate_hint(&format!(
                "error performing TLS handshake: invalid peer certificate: {reason}"
            ))
            .unwrap()
        };
        assert!(of("UnknownIssuer").contains("point sslrootcert at the CA"));
        let name = "certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"localhost\")";
        assert!(of(name).contains("sslmode=verify-ca"));
        let expired =
            "certificate expired: verification time 1, but certificate is not valid after 0";
        assert!(of(expired).contains("validity period"));
        assert!(of("Other(..)").contains("was refused"));
        assert_eq!(certificate_hint("connection refused"), None);
    }
}
