//! Directives written in SQL comments.

use crate::lexer::{Lexer, Token, TokenKind};
use crate::position::{LineCol, Tracker};
use crate::Dialect;
use std::ops::Range;
use std::time::Duration;

/// A directive recognised in a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Directive {
    /// `-- strata:no-transaction`, sqlx's `-- no-transaction`, dbmate's `transaction:false`.
    NoTransaction,
}

/// A section of a single-file migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Byte range of the section's body in the text: from the start of the line after the marker
    /// to the next marker line (or the end).
    pub range: Range<usize>,
    /// Lines of the text before the body starts (the marker's line number).
    pub line_offset: usize,
}

/// The directives and sections of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// The file must not run in a transaction.
    pub no_transaction: bool,
    /// `-- strata:lock-timeout <duration>`: the lock timeout for this file's statements, in
    /// place of the project's (zero turns it off).
    pub lock_timeout: Option<Duration>,
    /// `-- strata:statement-timeout <duration>`: the statement timeout for this file's
    /// statements, in place of the project's (zero turns it off).
    pub statement_timeout: Option<Duration>,
    /// dbmate `-- migrate:up` section, when the file has markers.
    pub up: Option<Section>,
    /// dbmate `-- migrate:down` section.
    pub down: Option<Section>,
    /// `-- strata:verify` section.
    pub verify: Option<Section>,
}

/// A directive strata does not understand, or in the wrong place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct DirectiveError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Finds directives in line comments that stand alone on their line, outside strings, dollar
/// quotes and block comments.
///
/// Recognised, case-insensitive and with any whitespace after `--`:
/// - `-- strata:no-transaction` anywhere, and sqlx's `-- no-transaction` before the first
///   statement: [`Directives::no_transaction`].
/// - dbmate's `-- migrate:up` and `-- migrate:down`, each optionally followed by
///   `transaction:false` (sets `no_transaction`) or `transaction:true`.
/// - `-- strata:verify`: a verify section, in dbmate files and plain ones.
/// - `-- strata:lock-timeout <duration>` and `-- strata:statement-timeout <duration>`: the
///   timeouts for this file's statements ([`Directives::lock_timeout`],
///   [`Directives::statement_timeout`]). A duration is a number with a unit, `ms`, `s`, `min`
///   or `h` (`500ms`, `30s`, `2min`, `1.5s`); a bare number is seconds, and `0` turns the
///   timeout off. Text after the value is a comment.
/// - `-- strata:ignore <rule>` and `-- strata:ignore-file <rule>`: the linter's, accepted here.
///
/// Each marker starts a section that runs from the line after it to the next marker's line (or
/// the end). A text with no marker has `up: None`: all of it is the up script. A text whose only
/// marker is `-- strata:verify` gets `up` set to the text before that marker.
///
/// The text is scanned with PostgreSQL's quoting rules (dollar quotes, nested block comments),
/// the widest of the three dialects; MySQL `#` comments are not recognised.
///
/// # Errors
/// An unknown `-- strata:` directive, an unknown `-- migrate:` marker or option, a duplicate
/// marker or timeout directive, a timeout directive without a valid duration, `-- migrate:down` before (or without) `-- migrate:up`, and a statement before
/// `-- migrate:up`.
pub fn parse_directives(sql: &str) -> Result<Directives, DirectiveError> {
    // Most files hold no directive: skip lexing them (a no-op `up` parses every file).
    if !may_hold_directive(sql) {
        return Ok(Directives::default());
    }
    let mut scan = Scan {
        sql,
        tracker: Tracker::new(sql),
        directives: Directives::default(),
        markers: Vec::new(),
        statement_before_markers: None,
        seen_statement: false,
    };
    for token in Lexer::new(sql, Dialect::Postgres).without_whitespace() {
        match token.kind {
            TokenKind::Whitespace | TokenKind::BlockComment => {}
            TokenKind::LineComment if standalone(sql, token.start) => scan.comment(&token)?,
            TokenKind::LineComment => {}
            _ if !scan.seen_statement => {
                scan.seen_statement = true;
                if scan.markers.is_empty() {
                    scan.statement_before_markers = Some(token.start);
                }
            }
            _ => {}
        }
    }
    Ok(scan.finish())
}

/// The directive names listed in errors.
const KNOWN: &str = "strata:no-transaction, strata:verify, strata:lock-timeout, strata:statement-timeout, strata:ignore, strata:ignore-file";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Up,
    Down,
    Verify,
}

impl Which {
    fn marker(self) -> &'static str {
        match self {
            Which::Up => "-- migrate:up",
            Which::Down => "-- migrate:down",
            Which::Verify => "-- strata:verify",
        }
    }
}

/// A section marker line.
struct Marker {
    which: Which,
    /// Start of the marker's line.
    line_start: usize,
    /// Start of the line after it (the section body).
    body_start: usize,
    /// 1-based line of the marker.
    line: usize,
}

struct Scan<'a> {
    sql: &'a str,
    tracker: Tracker<'a>,
    directives: Directives,
    markers: Vec<Marker>,
    /// Start of a statement that comes before any marker.
    statement_before_markers: Option<usize>,
    seen_statement: bool,
}

impl Scan<'_> {
    fn comment(&mut self, token: &Token) -> Result<(), DirectiveError> {
        let text = token.text(self.sql)[2..]
            .trim_end_matches('\r')
            .trim_start();
        if let Some(rest) = strip_prefix_ignore_case(text, "strata:") {
            let word = rest.split_whitespace().next().unwrap_or("");
            match word.to_ascii_lowercase().as_str() {
                "no-transaction" => self.directives.no_transaction = true,
                "verify" => self.marker(Which::Verify, token)?,
                "lock-timeout" => {
                    let value = self.timeout(token, word, rest)?;
                    self.directives.lock_timeout = Some(value);
                }
                "statement-timeout" => {
                    let value = self.timeout(token, word, rest)?;
                    self.directives.statement_timeout = Some(value);
                }
                "ignore" | "ignore-file" => {}
                "" => {
                    return Err(self.error(
                        token.start,
                        format!("empty strata directive; known: {KNOWN}"),
                    ))
                }
                _ => {
                    let message = format!("unknown directive `strata:{word}`; known: {KNOWN}");
                    return Err(self.error(token.start, message));
                }
            }
        } else if let Some(rest) = strip_prefix_ignore_case(text, "migrate:") {
            // `-- migrate: some prose` is not a marker; `-- migrate:sideways` is a typo.
            if rest.starts_with(char::is_whitespace) || rest.is_empty() {
                return Ok(());
            }
            let mut words = rest.split_whitespace();
            let which = match words.next().unwrap_or("").to_ascii_lowercase().as_str() {
                "up" => Which::Up,
                "down" => Which::Down,
                other => {
                    let message = format!(
                        "unknown dbmate marker `migrate:{other}`; expected `-- migrate:up` or `-- migrate:down`"
                    );
                    return Err(self.error(token.start, message));
                }
            };
            for option in words {
                match option.to_ascii_lowercase().as_str() {
                    "transaction:false" => self.directives.no_transaction = true,
                    "transaction:true" => {}
                    _ => {
                        let message = format!(
                            "unknown dbmate option `{option}` on `{}`; dbmate knows `transaction:false` and `transaction:true`",
                            which.marker()
                        );
                        return Err(self.error(token.start, message));
                    }
                }
            }
            self.marker(which, token)?;
        } else if !self.seen_statement {
            // sqlx reads `-- no-transaction` on the first line; any line before the first
            // statement is as unambiguous.
            let mut words = text.split_whitespace();
            if words
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("no-transaction"))
            {
                self.directives.no_transaction = true;
            }
        }
        Ok(())
    }

    /// The duration of a timeout directive (`rest`: the text after `strata:`, starting with
    /// `word`, the directive's name).
    fn timeout(
        &mut self,
        token: &Token,
        word: &str,
        rest: &str,
    ) -> Result<Duration, DirectiveError> {
        let name = word.to_ascii_lowercase();
        let already = match name.as_str() {
            "lock-timeout" => self.directives.lock_timeout.is_some(),
            _ => self.directives.statement_timeout.is_some(),
        };
        if already {
            return Err(self.error(
                token.start,
                format!("duplicate `-- strata:{name}`: a file sets each timeout once"),
            ));
        }
        let mut words = rest.split_whitespace().skip(1);
        let Some(value) = words.next() else {
            return Err(self.error(
                token.start,
                format!("`-- strata:{name}` needs a duration, such as `-- strata:{name} 30s` (`0` turns it off)"),
            ));
        };
        let unit_apart = value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && words
                .next()
                .is_some_and(|w| UNITS.contains(&w.to_ascii_lowercase().as_str()));
        match parse_duration(value) {
            Some(d) if !unit_apart => Ok(d),
            _ => Err(self.error(
                token.start,
                format!("`{value}` is not a duration for `-- strata:{name}`: write a number and its unit together, such as 500ms, 30s or 2min (a bare number is seconds; `0` turns the timeout off; at most a day)"),
            )),
        }
    }

    fn marker(&mut self, which: Which, token: &Token) -> Result<(), DirectiveError> {
        if let Some(first) = self.markers.iter().find(|m| m.which == which) {
            let message = format!(
                "duplicate `{}` (first at line {})",
                which.marker(),
                first.line
            );
            return Err(self.error(token.start, message));
        }
        let has_up = self.markers.iter().any(|m| m.which == Which::Up);
        if which == Which::Down && !has_up {
            return Err(self.error(
                token.start,
                "`-- migrate:down` before `-- migrate:up`".to_string(),
            ));
        }
        if which == Which::Up {
            if let Some(at) = self.statement_before_markers {
                let line = self.tracker.at(at).line;
                let message = format!(
                    "a statement at line {line} comes before `-- migrate:up`; move it into a section (dbmate would silently ignore it)"
                );
                return Err(self.error(at, message));
            }
        }
        let line_start = self.sql[..token.start].rfind('\n').map_or(0, |i| i + 1);
        let body_start = self.sql[token.end..]
            .find('\n')
            .map_or(self.sql.len(), |i| token.end + i + 1);
        let line = self.tracker.at(token.start).line;
        self.markers.push(Marker {
            which,
            line_start,
            body_start,
            line,
        });
        Ok(())
    }

    fn error(&mut self, offset: usize, message: String) -> DirectiveError {
        let LineCol { line, column } = self.tracker.at(offset);
        DirectiveError {
            message,
            line,
            column,
        }
    }

    fn finish(self) -> Directives {
        let mut directives = self.directives;
        let len = self.sql.len();
        for (i, marker) in self.markers.iter().enumerate() {
            let end = self.markers.get(i + 1).map_or(len, |next| next.line_start);
            let section = Some(Section {
                range: marker.body_start..end,
                line_offset: marker.line,
            });
            match marker.which {
                Which::Up => directives.up = section,
                Which::Down => directives.down = section,
                Which::Verify => directives.verify = section,
            }
        }
        if let (None, Some(first)) = (&directives.up, self.markers.first()) {
            // Only `-- strata:verify`: what precedes it is the up script.
            directives.up = Some(Section {
                range: 0..first.line_start,
                line_offset: 0,
            });
        }
        directives
    }
}

/// The units a timeout directive's duration may have.
const UNITS: [&str; 5] = ["ms", "s", "min", "m", "h"];

/// `500ms`, `30s`, `30` (seconds), `1.5s`, `2min`, `1h`; `0` is zero. `None` for anything else,
/// and for durations over a day (certainly a mistake for a timeout).
fn parse_duration(text: &str) -> Option<Duration> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let seconds = match unit.to_ascii_lowercase().as_str() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "min" | "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    // Timeouts are set in whole milliseconds: a positive value below one would turn them off.
    let whole_ms = seconds == 0.0 || seconds >= 0.001;
    (seconds <= 86_400.0 && whole_ms).then(|| Duration::from_secs_f64(seconds))
}

/// Whether `sql` has a `--` followed, after blanks on its line, by a word a directive starts
/// with. Without one there is no directive, whatever the quoting; with one, the lexer decides.
fn may_hold_directive(sql: &str) -> bool {
    let mut rest = sql;
    while let Some(at) = rest.find("--") {
        rest = &rest[at + 2..];
        let text = rest.trim_start_matches(|c: char| c.is_whitespace() && c != '\n');
        let starts = |word: &str| strip_prefix_ignore_case(text, word).is_some();
        if starts("strata:") || starts("migrate:") || starts("no-transaction") {
            return true;
        }
    }
    false
}

/// True when only spaces and tabs precede `offset` on its line.
fn standalone(sql: &str, offset: usize) -> bool {
    let before = &sql[..offset];
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    line.trim_start_matches('\u{feff}')
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pre_check_lets_every_directive_through_and_skips_plain_files() {
        // Each of these holds a directive: the pre-check must not skip any of them.
        for sql in [
            "--strata:no-transaction\nSELECT 1;",
            "-- \t STRATA:VERIFY\nSELECT 1;",
            "SELECT 1;\n  --  migrate:up\n",
            "-- no-transaction\nSELECT 1;",
            "SELECT 1; ---- strata:no-transaction\n",
        ] {
            assert!(may_hold_directive(sql), "{sql:?}");
        }
        // Comments and strings that hold no directive word: nothing to lex.
        for sql in [
            "-- migration 12: the t12 table\nCREATE TABLE t12 (id int);\n",
            "SELECT '--' || 'x';\n",
            "-- strata\n-- migrate\n-- no transaction here\n",
            "--\nstrata:no-transaction\n",
        ] {
            assert!(!may_hold_directive(sql), "{sql:?}");
            assert_eq!(parse(sql), Directives::default(), "{sql:?}");
        }
    }

    fn parse(sql: &str) -> Directives {
        parse_directives(sql).unwrap()
    }

    fn error(sql: &str) -> DirectiveError {
        parse_directives(sql).unwrap_err()
    }

    fn body<'a>(sql: &'a str, section: &Option<Section>) -> &'a str {
        &sql[section.as_ref().unwrap().range.clone()]
    }

    #[test]
    fn nothing_to_find() {
        assert_eq!(parse(""), Directives::default());
        assert_eq!(
            parse("CREATE TABLE t (a int);\n-- a comment\n"),
            Directives::default()
        );
    }

    #[test]
    fn strata_no_transaction() {
        for sql in [
            "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);",
            "--strata:no-transaction",
            "  --   STRATA:No-Transaction  \r\nSELECT 1",
            "SELECT 1;\n-- strata:no-transaction because of the index below\n",
        ] {
            assert!(parse(sql).no_transaction, "{sql:?}");
        }
    }

    #[test]
    fn directives_must_stand_alone_outside_quotes_and_comments() {
        for sql in [
            "SELECT 1; -- strata:no-transaction",
            "SELECT '\n-- strata:no-transaction\n';",
            "/*\n-- strata:no-transaction\n*/ SELECT 1",
            "/* outer /* inner */\n-- strata:no-transaction\n*/ SELECT 1",
            "DO $$\nBEGIN\n-- strata:no-transaction\nEND $$;",
            "CREATE FUNCTION f() RETURNS void AS $body$\n-- migrate:down\n-- strata:bogus\n$body$ LANGUAGE sql;",
        ] {
            assert_eq!(parse(sql), Directives::default(), "{sql:?}");
        }
    }

    #[test]
    fn sqlx_no_transaction_before_the_first_statement() {
        assert!(parse("-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);").no_transaction);
        assert!(parse("-- add an index\n\n-- No-Transaction\nSELECT 1").no_transaction);
        assert!(!parse("SELECT 1;\n-- no-transaction\n").no_transaction);
        assert!(!parse("-- no-transactions please\nSELECT 1").no_transaction);
    }

    #[test]
    fn dbmate_sections() {
        let sql = "-- migrate:up\nCREATE TABLE t (a int);\n\n-- migrate:down\nDROP TABLE t;\n";
        let d = parse(sql);
        assert!(!d.no_transaction);
        assert_eq!(body(sql, &d.up), "CREATE TABLE t (a int);\n\n");
        assert_eq!(body(sql, &d.down), "DROP TABLE t;\n");
        assert_eq!(d.up.as_ref().unwrap().line_offset, 1);
        assert_eq!(d.down.as_ref().unwrap().line_offset, 4);
        assert_eq!(d.verify, None);
    }

    #[test]
    fn section_line_offsets_map_back_to_the_file() {
        let sql = "-- header\n-- migrate:up\nSELECT 1;\n-- migrate:down\n\nSELECT 2;";
        let d = parse(sql);
        let down = d.down.unwrap();
        let text = &sql[down.range.clone()];
        let in_body = crate::line_col(text, text.find("SELECT 2").unwrap()).line;
        let in_file = crate::line_col(sql, sql.find("SELECT 2").unwrap()).line;
        assert_eq!(in_body + down.line_offset, in_file);
    }

    #[test]
    fn dbmate_transaction_false() {
        let sql = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;";
        let d = parse(sql);
        assert!(d.no_transaction);
        assert_eq!(body(sql, &d.up), "CREATE INDEX CONCURRENTLY i ON t (a);\n");
        assert_eq!(body(sql, &d.down), "DROP INDEX i;");
        assert!(
            parse("-- migrate:up\nSELECT 1;\n-- migrate:down  Transaction:FALSE\nSELECT 2;")
                .no_transaction
        );
        assert!(!parse("-- migrate:up transaction:true\nSELECT 1;").no_transaction);
    }

    #[test]
    fn markers_without_a_final_newline_or_body() {
        let sql = "-- migrate:up\nSELECT 1;\n-- migrate:down";
        let d = parse(sql);
        assert_eq!(body(sql, &d.up), "SELECT 1;\n");
        assert_eq!(d.down.unwrap().range, sql.len()..sql.len());
    }

    #[test]
    fn crlf_markers() {
        let sql = "-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\nSELECT 2;\r\n";
        let d = parse(sql);
        assert_eq!(body(sql, &d.up), "SELECT 1;\r\n");
        assert_eq!(body(sql, &d.down), "SELECT 2;\r\n");
    }

    #[test]
    fn verify_sections() {
        let sql = "CREATE TABLE t (a int);\n-- strata:verify\nSELECT a FROM t;\n";
        let d = parse(sql);
        assert_eq!(body(sql, &d.up), "CREATE TABLE t (a int);\n");
        assert_eq!(d.up.as_ref().unwrap().line_offset, 0);
        assert_eq!(body(sql, &d.verify), "SELECT a FROM t;\n");
        assert_eq!(d.verify.unwrap().line_offset, 2);

        let sql = "-- migrate:up\nCREATE TABLE t (a int);\n-- strata:verify\nSELECT a FROM t;\n-- migrate:down\nDROP TABLE t;";
        let d = parse(sql);
        assert_eq!(body(sql, &d.up), "CREATE TABLE t (a int);\n");
        assert_eq!(body(sql, &d.verify), "SELECT a FROM t;\n");
        assert_eq!(body(sql, &d.down), "DROP TABLE t;");
    }

    #[test]
    fn linter_directives_are_accepted() {
        let sql = "-- strata:ignore-file ban-drop-column\n-- strata:ignore require-timeout\nALTER TABLE t DROP COLUMN a;";
        assert_eq!(parse(sql), Directives::default());
    }

    #[test]
    fn timeouts() {
        let d = parse("-- strata:lock-timeout 30s\n-- Strata:Statement-Timeout 2MIN\nSELECT 1;");
        assert_eq!(d.lock_timeout, Some(Duration::from_secs(30)));
        assert_eq!(d.statement_timeout, Some(Duration::from_secs(120)));
        assert!(!d.no_transaction);
        for (text, want) in [
            ("500ms", Duration::from_millis(500)),
            ("1.5s", Duration::from_millis(1500)),
            ("7", Duration::from_secs(7)),
            ("0", Duration::ZERO),
            ("1h", Duration::from_secs(3600)),
            ("3m", Duration::from_secs(180)),
        ] {
            let d = parse(&format!(
                "SELECT 1;\n--strata:lock-timeout   {text}  because ALTER waits\n"
            ));
            assert_eq!(d.lock_timeout, Some(want), "{text}");
            assert_eq!(d.statement_timeout, None);
        }
        // Only as directives: not after SQL on the same line, not inside quotes.
        assert_eq!(
            parse("SELECT 1; -- strata:lock-timeout 1s\nSELECT '\n-- strata:lock-timeout 2s\n';"),
            Directives::default()
        );
        // Sections: a directive anywhere in a dbmate file belongs to the file.
        let d = parse(
            "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- strata:lock-timeout 1s\nSELECT 2;",
        );
        assert_eq!(d.lock_timeout, Some(Duration::from_secs(1)));
    }

    #[test]
    fn bad_timeouts() {
        for (sql, want) in [
            ("-- strata:lock-timeout\nSELECT 1;", "needs a duration"),
            ("-- strata:lock-timeout soon\n", "`soon` is not a duration"),
            (
                "-- strata:statement-timeout 5 min\n",
                "`5` is not a duration",
            ),
            ("-- strata:lock-timeout 30sec\n", "`30sec`"),
            ("-- strata:lock-timeout -1s\n", "`-1s`"),
            ("-- strata:lock-timeout 2d\n", "`2d`"),
            ("-- strata:lock-timeout 25h\n", "at most a day"),
            ("-- strata:lock-timeout 0.1ms\n", "`0.1ms`"),
        ] {
            let e = error(sql);
            assert!(e.message.contains(want), "{sql:?}: {}", e.message);
            assert_eq!((e.line, e.column), (1, 1), "{sql:?}");
        }
        let e = error("-- strata:lock-timeout 1s\nSELECT 1;\n  -- strata:lock-timeout 2s\n");
        assert_eq!((e.line, e.column), (3, 3));
        assert!(
            e.message.contains("duplicate `-- strata:lock-timeout`"),
            "{}",
            e.message
        );
        // One of each is fine.
        parse("-- strata:lock-timeout 1s\n-- strata:statement-timeout 1s\n");
    }

    #[test]
    fn unknown_strata_directive() {
        let e = error("SELECT 1;\n  -- strata:no_transaction\n");
        assert_eq!((e.line, e.column), (2, 3));
        assert!(
            e.message.contains("`strata:no_transaction`"),
            "{}",
            e.message
        );
        for known in [
            "no-transaction",
            "verify",
            "lock-timeout",
            "statement-timeout",
            "ignore",
            "ignore-file",
        ] {
            assert!(e.message.contains(known), "{}", e.message);
        }
        assert!(e
            .to_string()
            .starts_with("line 2, column 3: unknown directive"));
        assert!(error("-- strata:").message.contains("empty"));
    }

    #[test]
    fn dbmate_errors() {
        let e = error("-- migrate:down\nDROP TABLE t;\n-- migrate:up\nCREATE TABLE t (a int);");
        assert_eq!((e.line, e.column), (1, 1));
        assert!(
            e.message.contains("before `-- migrate:up`"),
            "{}",
            e.message
        );

        let e = error("-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;");
        assert_eq!(e.line, 3);
        assert!(
            e.message
                .contains("duplicate `-- migrate:up` (first at line 1)"),
            "{}",
            e.message
        );

        let e = error("-- migrate:up\nSELECT 1;\n-- strata:verify\n-- strata:verify\n");
        assert_eq!(e.line, 4);

        let e = error("-- a comment is fine\nCREATE TABLE t (a int);\n-- migrate:up\nSELECT 1;");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(
            e.message.contains("line 2 comes before `-- migrate:up`"),
            "{}",
            e.message
        );

        let e = error("-- migrate:up transaction:maybe\nSELECT 1;");
        assert!(e.message.contains("`transaction:maybe`"), "{}", e.message);

        let e = error("-- migrate:sideways\n");
        assert!(e.message.contains("migrate:sideways"), "{}", e.message);
    }

    #[test]
    fn prose_mentioning_migrate_is_not_a_marker() {
        assert_eq!(
            parse("-- migrate: run this after the backfill\nSELECT 1;"),
            Directives::default()
        );
        assert_eq!(
            parse("-- we migrate:up later\nSELECT 1;"),
            Directives::default()
        );
    }

    #[test]
    fn comments_before_migrate_up_are_fine() {
        let sql = "-- strata:no-transaction\n/* notes */\n-- migrate:up\nSELECT 1;";
        let d = parse(sql);
        assert!(d.no_transaction);
        assert_eq!(body(sql, &d.up), "SELECT 1;");
        assert_eq!(d.up.unwrap().line_offset, 3);
    }
}
