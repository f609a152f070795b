//! Running the real `strata` binary against a test database, and reading back what it did.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use strata_test_support::TestDb;

/// The migrations directory, relative to the test's directory (the working directory of every
/// run), so paths in output read `migrations/0001_x.up.sql` whatever the temp dir is.
pub const DIR: &str = "migrations";

/// The history table strata writes by default.
pub const HISTORY: &str = "strata_migrations";

/// One finished run of the binary.
#[derive(Debug)]
pub struct Run {
    /// The arguments, for failure messages.
    pub args: Vec<String>,
    /// The exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Asserts the exit code and returns the run.
    #[track_caller]
    pub fn code(self, expected: i32) -> Run {
        assert_eq!(
            self.code, expected,
            "strata {:?} exited {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.args, self.code, self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit code 0.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.code(0)
    }

    /// Standard output parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "strata {:?}: stdout is not JSON ({e}):\n{}\n--- stderr\n{}",
                self.args, self.stdout, self.stderr
            )
        })
    }

    /// Standard output and standard error together.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Asserts that the output (stdout or stderr) contains every one of `needles`.
    #[track_caller]
    pub fn says(self, needles: &[&str]) -> Run {
        let all = self.output();
        for n in needles {
            assert!(
                all.contains(n),
                "strata {:?}: output lacks {n:?}\n--- stdout\n{}\n--- stderr\n{}",
                self.args,
                self.stdout,
                self.stderr
            );
        }
        self
    }

    /// The exit code, stdout and stderr in one text with the run's variable parts (timestamps,
    /// durations, temp paths, the user) replaced, for snapshots.
    pub fn transcript(&self, tmp: &Path) -> String {
        let text = format!(
            "exit code: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        redact(&text, tmp)
    }
}

/// A command line being built: `strata --database-url URL --dir migrations ARGS`, run in the
/// test's directory without `DATABASE_URL` from the environment.
pub struct Strata {
    cmd: Command,
    args: Vec<String>,
}

impl Strata {
    /// The binary with no arguments yet, in `cwd`, with a clean environment for the settings
    /// strata reads (`DATABASE_URL`), a fixed user and no colour.
    pub fn bare(cwd: &Path) -> Strata {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_strata"));
        cmd.current_dir(cwd)
            .env_remove("DATABASE_URL")
            .env("USER", "tester")
            .env("NO_COLOR", "1");
        Strata {
            cmd,
            args: Vec::new(),
        }
    }

    /// The binary pointed at `db` and its `migrations` directory.
    pub fn new(db: &TestDb) -> Strata {
        Strata::bare(db.dir()).args(["--database-url", db.url(), "--dir", DIR])
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Strata
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for a in args {
            self.args.push(a.as_ref().to_string());
            self.cmd.arg(a.as_ref());
        }
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Strata {
        self.cmd.env(key, value);
        self
    }

    /// Spawns the process without waiting for it.
    pub fn spawn(mut self) -> (Vec<String>, std::process::Child) {
        use std::process::Stdio;
        let child = self
            .cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start strata");
        (self.args, child)
    }

    /// Runs to completion.
    pub fn run(self) -> Run {
        let (args, child) = self.spawn();
        finish(args, child)
    }
}

/// Waits for a spawned run.
pub fn finish(args: Vec<String>, child: std::process::Child) -> Run {
    let out = child.wait_with_output().expect("cannot wait for strata");
    Run {
        args,
        code: out.status.code().expect("strata was killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `strata --database-url URL --dir migrations ARGS` in the test's directory.
pub fn strata(db: &TestDb, args: &[&str]) -> Run {
    Strata::new(db).args(args).run()
}

/// Writes `migrations/{relative}`.
pub fn write(db: &TestDb, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    db.write_file(&format!("{DIR}/{relative}"), contents)
}

/// Removes `migrations/{relative}`.
pub fn remove(db: &TestDb, relative: &str) {
    db.remove_file(&format!("{DIR}/{relative}"));
}

/// Writes a golang-migrate pair `{stem}.up.sql` + `{stem}.down.sql`.
pub fn pair(db: &TestDb, stem: &str, up: &str, down: &str) {
    write(db, &format!("{stem}.up.sql"), up);
    write(db, &format!("{stem}.down.sql"), down);
}

/// A pair that creates table `table` and drops it.
pub fn table_pair(db: &TestDb, stem: &str, table: &str) {
    pair(
        db,
        stem,
        &format!("CREATE TABLE {table} (id INTEGER PRIMARY KEY);\n"),
        &format!("DROP TABLE {table};\n"),
    );
}

/// The tables besides the history table.
pub fn user_tables(db: &TestDb) -> Vec<String> {
    db.tables().into_iter().filter(|t| t != HISTORY).collect()
}

/// `tables` plus the history table, sorted as [`TestDb::tables`] sorts.
pub fn with_history(tables: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
    all.push(HISTORY.to_string());
    all.sort();
    all
}

/// Selected columns of every history row, ordered by version then name.
pub fn history(db: &TestDb, columns: &str) -> Vec<Vec<String>> {
    if !db.tables().iter().any(|t| t == HISTORY) {
        return Vec::new();
    }
    db.query_rows(&format!(
        "SELECT {columns} FROM {HISTORY} ORDER BY version, name"
    ))
}

/// `(version, status)` of every history row.
pub fn versions(db: &TestDb) -> Vec<(String, String)> {
    history(db, "version, status")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

/// Shorthand for expected [`versions`]: every one applied.
pub fn applied(versions: &[&str]) -> Vec<(String, String)> {
    versions
        .iter()
        .map(|v| (v.to_string(), "applied".to_string()))
        .collect()
}

/// Everything a failed command must leave as it was: tables, indexes, and every column of
/// every history row.
#[derive(Debug, PartialEq, Eq)]
pub struct State {
    tables: Vec<String>,
    indexes: Vec<String>,
    history: Vec<Vec<String>>,
}

/// The database's [`State`] now.
pub fn state(db: &TestDb) -> State {
    State {
        tables: db.tables(),
        indexes: db.indexes(),
        history: history(db, "*"),
    }
}

/// Runs `f` and asserts that the database's [`State`] did not change.
#[track_caller]
pub fn unchanged<T>(db: &TestDb, f: impl FnOnce() -> T) -> T {
    let before = state(db);
    let out = f();
    assert_eq!(state(db), before, "the database changed");
    out
}

/// Replaces what changes from run to run: ISO timestamps, `N ms` durations, `"millis": N`,
/// the temp directory and the user.
pub fn redact(text: &str, tmp: &Path) -> String {
    let mut s = text.to_string();
    for root in [tmp.to_path_buf(), tmp.canonicalize().unwrap_or_default()] {
        let root = root.display().to_string();
        if !root.is_empty() {
            s = s.replace(&root, "[TMP]");
        }
    }
    s = replace_timestamps(&s);
    s = replace_number_before(&s, " ms", "[N]");
    s = replace_number_after(&s, "\"millis\": ", "0");
    s = replace_number_after(&s, "\"execution_ms\": ", "0");
    s
}

/// `2026-11-21T12:05:37.962Z` -> `[TIMESTAMP]`.
fn replace_timestamps(s: &str) -> String {
    let b = s.as_bytes();
    let shape = b"dddd-dd-ddTdd:dd:dd";
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let fits = b.len() - i >= shape.len()
            && shape.iter().zip(&b[i..]).all(|(&p, &c)| match p {
                b'd' => c.is_ascii_digit(),
                _ => c == p,
            });
        if !fits {
            let ch = s[i..].chars().next().expect("a char");
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let mut j = i + shape.len();
        if b.get(j) == Some(&b'.') {
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
        }
        if b.get(j) == Some(&b'Z') {
            j += 1;
        }
        out.push_str("[TIMESTAMP]");
        i = j;
    }
    out
}

/// Replaces the digits just before each `suffix` (`12 ms` -> `[N] ms`).
fn replace_number_before(s: &str, suffix: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(suffix) {
        let head = &rest[..at];
        let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(&head[..at - digits]);
            out.push_str(with);
        } else {
            out.push_str(head);
        }
        out.push_str(suffix);
        rest = &rest[at + suffix.len()..];
    }
    out.push_str(rest);
    out
}

/// Replaces the digits just after each `prefix` (`"millis": 12` -> `"millis": 0`).
fn replace_number_after(s: &str, prefix: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at + prefix.len()]);
        rest = &rest[at + prefix.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(with);
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn redaction_replaces_only_the_variable_parts() {
    let tmp = Path::new("/tmp/.tmpAbC");
    let text = "at 2026-11-21T12:05:37.962Z in 15 ms (\"millis\": 3) /tmp/.tmpAbC/x.db 0001 ms";
    assert_eq!(
        redact(text, tmp),
        "at [TIMESTAMP] in [N] ms (\"millis\": 0) [TMP]/x.db [N] ms"
    );
    assert_eq!(redact("2026-01-02T03:04:05Z.", tmp), "[TIMESTAMP].");
}
