//! libpq's password file: `~/.pgpass`, or the file `PGPASSFILE` names.
//!
//! Used only when neither the URL nor `PGPASSWORD` gives a password. Each line is
//! `hostname:port:database:username:password`; `*` in one of the first four fields matches
//! anything, `\` escapes `:` and `\`, lines starting with `#` are comments, and the first line
//! that matches wins. The host is the connection's host name; a connection through a Unix socket
//! in the default directory matches `localhost` (another socket directory matches its path). The
//! port defaults to 5432 and the database to the user name. As libpq does, a file that is not a
//! regular file, or that the group or others may read or write, is ignored.

use std::path::{Path, PathBuf};
use tokio_postgres::config::Host;

/// What the password file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// The password of the first matching line, and the file.
    Password(String, PathBuf),
    /// No file, or no line for this connection.
    Nothing,
    /// The file exists but was left unread: group or others may read or write it.
    Ignored(PathBuf),
}

/// The password for a connection from the password file, if it has a line for it.
pub(crate) fn find(config: &tokio_postgres::Config, env: super::url::Env<'_>) -> Found {
    let Some(path) = env("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|h| Path::new(&h).join(".pgpass")))
    else {
        return Found::Nothing;
    };
    let text = match read(&path) {
        Read::Text(text) => text,
        Read::Nothing => return Found::Nothing,
        Read::OpenToOthers => return Found::Ignored(path),
    };
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) if !name.is_empty() => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(dir)) if !DEFAULT_SOCKET_DIRS.iter().any(|d| dir == Path::new(d)) => {
            dir.display().to_string()
        }
        _ => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let Some(user) = config.get_user() else {
        return Found::Nothing;
    };
    let db = config.get_dbname().unwrap_or(user);
    match lookup(&text, [&host, &port, db, user]) {
        Some(password) => Found::Password(password, path),
        None => Found::Nothing,
    }
}

/// Where PostgreSQL servers put their sockets by default (libpq's `DEFAULT_PGSOCKET_DIR` is one
/// of them, depending on the build).
#[cfg(unix)]
const DEFAULT_SOCKET_DIRS: [&str; 2] = ["/var/run/postgresql", "/tmp"];

enum Read {
    Text(String),
    /// Missing, not a regular file, or unreadable.
    Nothing,
    /// Group or others may read or write it (libpq ignores it, with a warning).
    OpenToOthers,
}

/// The file's text, unless it cannot be read, is not a regular file, or is open to others.
fn read(path: &Path) -> Read {
    let Ok(meta) = std::fs::metadata(path) else {
        return Read::Nothing;
    };
    if !meta.is_file() {
        return Read::Nothing;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Read::OpenToOthers;
        }
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Read::Text(text),
        Err(_) => Read::Nothing,
    }
}

/// The password of the first line whose fields match `wanted` (host, port, database, user).
fn lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split(line);
        let [host, port, db, user, password] = match <[String; 5]>::try_from(fields) {
            Ok(f) => f,
            // A line with fewer fields (or more separators than five) is skipped, as libpq does.
            Err(_) => continue,
        };
        let matches = [host, port, db, user]
            .iter()
            .zip(wanted)
            .all(|(field, want)| field == "*" || field == want);
        if matches {
            return Some(password);
        }
    }
    None
}

/// The `:`-separated fields of a line, with `\:` and `\\` unescaped. The password is the rest
/// of the line after the fourth separator (it may hold unescaped colons, as libpq allows).
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().expect("a field").push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("a field").push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const FILE: &str = "\
# comments and blank lines are skipped

db.example:5433:app:alice:first
db.example:*:app:alice:second
*:*:*:bob:b\\:ob\\\\pw
localhost:5432:*:carol:local
/srv/sockets:5432:*:carol:socket
short:line
*:*:*:dave:with:colons
";

    fn find_in(url: &str, text: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let config = tokio_postgres::Config::from_str(url).unwrap();
        let file = path.display().to_string();
        match find(&config, &|k: &str| {
            (k == "PGPASSFILE").then(|| file.clone())
        }) {
            Found::Password(p, from) => {
                assert_eq!(from, path);
                Some(p)
            }
            Found::Nothing => None,
            Found::Ignored(_) => panic!("a 0600 file is read"),
        }
    }

    #[test]
    fn the_first_matching_line_wins() {
        let pw = |url| find_in(url, FILE);
        assert_eq!(
            pw("postgres://alice@db.example:5433/app").as_deref(),
            Some("first")
        );
        assert_eq!(
            pw("postgres://alice@db.example:6000/app").as_deref(),
            Some("second")
        );
        assert_eq!(pw("postgres://alice@db.example:5433/other"), None);
        assert_eq!(pw("postgres://alice@elsewhere:5433/app"), None);
        // Escapes, and the database defaulting to the user name.
        assert_eq!(pw("postgres://bob@h").as_deref(), Some("b:ob\\pw"));
        // The port defaults to 5432; a socket in a default directory is `localhost`.
        assert_eq!(pw("postgres://carol@localhost/x").as_deref(), Some("local"));
        assert_eq!(
            pw("postgresql://carol@%2Fvar%2Frun%2Fpostgresql/x").as_deref(),
            Some("local")
        );
        assert_eq!(
            pw("postgresql://carol@%2Fsrv%2Fsockets/x").as_deref(),
            Some("socket")
        );
        assert_eq!(pw("postgres://dave@h/x").as_deref(), Some("with:colons"));
        assert_eq!(pw("postgres://nobody@h/x"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:secret\n").unwrap();
        let config = tokio_postgres::Config::from_str("postgres://u@h/db").unwrap();
        let file = path.display().to_string();
        let env = |k: &str| (k == "PGPASSFILE").then(|| file.clone());
        for (mode, read) in [(0o600, true), (0o640, false), (0o604, false), (0o400, true)] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            let expected = match read {
                true => Found::Password("secret".into(), path.clone()),
                // Ignored, and said so, for the advice when the server asks for a password.
                false => Found::Ignored(path.clone()),
            };
            assert_eq!(find(&config, &env), expected, "{mode:o}");
        }
        // A directory is no password file; a missing file is none either.
        let dir_env = |k: &str| (k == "PGPASSFILE").then(|| dir.path().display().to_string());
        assert_eq!(find(&config, &dir_env), Found::Nothing);
        let home = |k: &str| (k == "HOME").then(|| "/nonexistent".to_string());
        assert_eq!(find(&config, &home), Found::Nothing);
    }

    #[test]
    fn lines_are_split_on_unescaped_colons() {
        assert_eq!(
            split("a:b\\:c:d\\\\:e:f:g"),
            ["a", "b:c", "d\\", "e", "f:g"]
        );
        assert_eq!(lookup("h:p:d:u\n", ["h", "p", "d", "u"]), None);
        assert_eq!(
            lookup("h:p:d:u:pw\r\n", ["h", "p", "d", "u"]).as_deref(),
            Some("pw")
        );
    }
}
