//! Splitting a script into statements.

use crate::block::Blocks;
use crate::lexer::{Lexer, Token, TokenKind};
#[cfg(test)]
use crate::position::line_col;
use crate::position::{LineCol, Tracker};
use crate::Dialect;
use std::ops::Range;

/// What a statement does, as far as transactions are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementKind {
    /// `BEGIN`, `BEGIN TRANSACTION`, `BEGIN WORK`, SQLite `BEGIN IMMEDIATE`, `BEGIN ISOLATION
    /// LEVEL ...`, `START TRANSACTION` (not `BEGIN ATOMIC`, not a DO body).
    Begin,
    /// `COMMIT`, `COMMIT WORK`, `COMMIT TRANSACTION`, `END`, `END TRANSACTION` (not `COMMIT
    /// PREPARED`).
    Commit,
    /// `ROLLBACK`, PostgreSQL `ABORT` (not `ROLLBACK TO SAVEPOINT`, not `ROLLBACK PREPARED`).
    Rollback,
    /// Anything else.
    Other,
}

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Byte range in the script: from the statement's first token (leading comments and
    /// whitespace excluded) to its end, excluding the terminating `;`.
    pub span: Range<usize>,
    /// 1-based line of the first token.
    pub line: usize,
    /// 1-based column of the first token.
    pub column: usize,
    /// Transaction control or not.
    pub kind: StatementKind,
}

impl Statement {
    /// The statement's text in `script`.
    pub fn text<'a>(&self, script: &'a str) -> &'a str {
        &script[self.span.clone()]
    }
}

/// A script that cannot be split: an unterminated quote, dollar quote, comment or block.
///
/// Displays as `string literal starting at line 3, column 8 is never closed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} starting at line {line}, column {column} is never closed")]
pub struct SplitError {
    /// What is unterminated (`string literal`, `quoted identifier`, `dollar-quoted string $fn$`,
    /// `block comment`, `BEGIN ... END block`, `BEGIN ATOMIC ... END block`,
    /// `CASE ... END expression`).
    pub what: String,
    /// 1-based line where it starts.
    pub line: usize,
    /// 1-based column where it starts.
    pub column: usize,
}

/// Splits a script into statements at top-level `;`.
///
/// With the `pg-parser` feature, PostgreSQL text is split by the PostgreSQL parser itself
/// (libpg_query) whenever it parses; text that does not parse is split as described below, so
/// the statements still reach the server, which reports the syntax error with its position.
///
/// A `;` inside a string, quoted identifier, dollar quote or comment does not split, nor one
/// inside the body of a SQLite `CREATE TRIGGER ... BEGIN ... END`, a MySQL stored program
/// (`CREATE PROCEDURE ... BEGIN ... END`, MariaDB's `BEGIN NOT ATOMIC ... END`), a PostgreSQL
/// `BEGIN ATOMIC ... END` function body, or PostgreSQL parentheses (as in psql). Statements
/// consisting only of comments or whitespace are dropped; a last statement without a final `;`
/// is kept. Linear in the length of the script.
///
/// # Errors
/// A string, quoted identifier, dollar quote, block comment or `BEGIN ... END` body that is never
/// closed, with where it starts.
pub fn split(sql: &str, dialect: Dialect) -> Result<Vec<Statement>, SplitError> {
    #[cfg(feature = "pg-parser")]
    if dialect == Dialect::Postgres {
        if let Some(statements) = crate::parser::split(sql) {
            return Ok(statements);
        }
    }
    let mut statements = Vec::new();
    let mut tracker = Tracker::new(sql);
    let mut current = Pending::new(dialect);
    for token in Lexer::new(sql, dialect).without_whitespace() {
        if !token.terminated {
            let what = token.unterminated_what(sql).unwrap_or_default();
            return Err(SplitError::at(what, &mut tracker, token.start));
        }
        if token.is_trivia() {
            continue;
        }
        if token.kind == TokenKind::Semicolon && current.blocks.at_top_level() {
            let done = std::mem::replace(&mut current, Pending::new(dialect));
            statements.extend(done.finish(sql, &mut tracker));
            continue;
        }
        current.push(token, sql);
    }
    if let Some((what, at)) = current.blocks.unclosed() {
        return Err(SplitError::at(what.to_string(), &mut tracker, at));
    }
    statements.extend(current.finish(sql, &mut tracker));
    Ok(statements)
}

/// True when `sql` has nothing but whitespace and comments (`--` and `/* */`, nested or not; a
/// block comment left open counts as a comment). Dialect-specific comments (MySQL `#`) are not
/// recognised: for those, [`split`] the text and check for no statements.
pub fn is_blank(sql: &str) -> bool {
    Lexer::new(sql, Dialect::Postgres)
        .without_whitespace()
        .all(|t| t.is_trivia())
}

impl SplitError {
    fn at(what: String, tracker: &mut Tracker<'_>, offset: usize) -> SplitError {
        let LineCol { line, column } = tracker.at(offset);
        SplitError { what, line, column }
    }
}

/// The statement being read.
struct Pending {
    /// Byte range from the first significant token to the end of the last one so far.
    span: Option<Range<usize>>,
    /// The first three significant tokens, for [`StatementKind`].
    head: [Option<Token>; 3],
    blocks: Blocks,
}

impl Pending {
    fn new(dialect: Dialect) -> Pending {
        Pending {
            span: None,
            head: [None; 3],
            blocks: Blocks::new(dialect),
        }
    }

    fn push(&mut self, token: Token, sql: &str) {
        match &mut self.span {
            Some(span) => span.end = token.end,
            None => self.span = Some(token.start..token.end),
        }
        if let Some(slot) = self.head.iter_mut().find(|t| t.is_none()) {
            *slot = Some(token);
        }
        self.blocks.push(&token, sql);
    }

    fn finish(self, sql: &str, tracker: &mut Tracker<'_>) -> Option<Statement> {
        let span = self.span?;
        let LineCol { line, column } = tracker.at(span.start);
        let kind = kind_of(&self.head, sql);
        Some(Statement {
            span,
            line,
            column,
            kind,
        })
    }
}

/// Transaction control from a statement's first three significant tokens.
pub(crate) fn kind_of(head: &[Option<Token>; 3], sql: &str) -> StatementKind {
    let is = |i: usize, keyword: &str| head[i].is_some_and(|t| t.is_word(sql, keyword));
    let savepoint = is(1, "TO") || is(2, "TO");
    if is(0, "BEGIN") {
        // `BEGIN ATOMIC` opens a PostgreSQL function body, `BEGIN NOT ATOMIC` a MariaDB block.
        if is(1, "ATOMIC") || (is(1, "NOT") && is(2, "ATOMIC")) {
            StatementKind::Other
        } else {
            StatementKind::Begin
        }
    } else if is(0, "START") && is(1, "TRANSACTION") {
        StatementKind::Begin
    } else if (is(0, "COMMIT") && !is(1, "PREPARED")) || is(0, "END") {
        StatementKind::Commit
    } else if (is(0, "ROLLBACK") || is(0, "ABORT")) && !savepoint && !is(1, "PREPARED") {
        // `ROLLBACK [WORK | TRANSACTION] TO [SAVEPOINT] x` stays inside the transaction;
        // `COMMIT PREPARED` / `ROLLBACK PREPARED` finish a two-phase transaction instead.
        StatementKind::Rollback
    } else {
        StatementKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Dialect::{MySql, Postgres, Sqlite};

    /// The statements' texts.
    fn texts(sql: &str, dialect: Dialect) -> Vec<&str> {
        split(sql, dialect)
            .unwrap()
            .iter()
            .map(|s| s.text(sql))
            .collect()
    }

    fn kinds(sql: &str, dialect: Dialect) -> Vec<StatementKind> {
        split(sql, dialect)
            .unwrap()
            .iter()
            .map(|s| s.kind)
            .collect()
    }

    fn error(sql: &str, dialect: Dialect) -> (String, usize, usize) {
        let e = split(sql, dialect).unwrap_err();
        (e.what, e.line, e.column)
    }

    const ALL: [Dialect; 3] = [Sqlite, Postgres, MySql];

    #[test]
    fn splits_on_top_level_semicolons() {
        for d in ALL {
            assert_eq!(texts("SELECT 1; SELECT 2;", d), ["SELECT 1", "SELECT 2"]);
        }
    }

    #[test]
    fn keeps_a_last_statement_without_semicolon_or_newline() {
        for d in ALL {
            assert_eq!(texts("SELECT 1;\nSELECT 2", d), ["SELECT 1", "SELECT 2"]);
            assert_eq!(
                texts("SELECT 1;\nSELECT 2 -- done", d),
                ["SELECT 1", "SELECT 2"]
            );
        }
    }

    #[test]
    fn drops_empty_and_comment_only_statements() {
        for d in ALL {
            assert_eq!(
                texts(";; -- nothing\n; /* still nothing */ ;\n", d),
                Vec::<&str>::new()
            );
            assert_eq!(texts("-- only a comment", d), Vec::<&str>::new());
            assert_eq!(texts("", d), Vec::<&str>::new());
        }
        assert_eq!(texts("# only a comment\n;", MySql), Vec::<&str>::new());
    }

    #[test]
    fn spans_exclude_surrounding_comments_and_whitespace() {
        let sql = "  -- lead\n  /* c */ CREATE TABLE t (a int) /* trail */ -- more\n ;\n";
        let st = &split(sql, Postgres).unwrap()[0];
        assert_eq!(st.text(sql), "CREATE TABLE t (a int)");
        assert_eq!((st.line, st.column), (2, 11));
        // Comments inside a statement stay in it.
        assert_eq!(
            texts("SELECT /* x; */ 1 -- y;\n + 2;", Sqlite),
            ["SELECT /* x; */ 1 -- y;\n + 2"]
        );
    }

    #[test]
    fn lines_and_columns_count_characters() {
        let sql = "SELECT 'é';  SELECT 2;\n\n\tSELECT 3";
        let st = split(sql, Sqlite).unwrap();
        let pos: Vec<_> = st.iter().map(|s| (s.line, s.column)).collect();
        assert_eq!(pos, [(1, 1), (1, 14), (3, 2)]);
        for s in &st {
            let lc = line_col(sql, s.span.start);
            assert_eq!((lc.line, lc.column), (s.line, s.column));
        }
    }

    #[test]
    fn crlf_text() {
        let sql = "SELECT 1;\r\n-- c\r\nSELECT 2\r\n;\r\nSELECT 3\r\n";
        let st = split(sql, Postgres).unwrap();
        let got: Vec<_> = st.iter().map(|s| (s.text(sql), s.line, s.column)).collect();
        assert_eq!(
            got,
            [("SELECT 1", 1, 1), ("SELECT 2", 3, 1), ("SELECT 3", 5, 1)]
        );
    }

    #[test]
    fn semicolons_inside_strings_identifiers_and_comments() {
        for d in ALL {
            assert_eq!(
                texts("SELECT 'a;b', 'it''s;'; SELECT 2", d),
                ["SELECT 'a;b', 'it''s;'", "SELECT 2"]
            );
            assert_eq!(
                texts("SELECT 1 /* ; */; -- ;\nSELECT 2", d),
                ["SELECT 1", "SELECT 2"]
            );
            assert_eq!(
                texts("SELECT /* ; */ 1 -- ;\n, 2", d),
                ["SELECT /* ; */ 1 -- ;\n, 2"]
            );
        }
        for d in [Sqlite, Postgres] {
            assert_eq!(
                texts(r#"SELECT "a;""b"; SELECT 2"#, d),
                [r#"SELECT "a;""b""#, "SELECT 2"]
            );
        }
        assert_eq!(
            texts("SELECT `a;b`; SELECT 2", MySql),
            ["SELECT `a;b`", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT [a;b]; SELECT 2", Sqlite),
            ["SELECT [a;b]", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1 # ;\n, 2; SELECT 2", MySql),
            ["SELECT 1 # ;\n, 2", "SELECT 2"]
        );
    }

    #[test]
    fn backslash_escapes_by_dialect() {
        // MySQL: `\'` is an escaped quote.
        assert_eq!(
            texts(r"SELECT 'a\';b'; SELECT 2", MySql),
            [r"SELECT 'a\';b'", "SELECT 2"]
        );
        assert_eq!(
            texts(r#"SELECT "a\";b"; SELECT 2"#, MySql),
            [r#"SELECT "a\";b""#, "SELECT 2"]
        );
        // PostgreSQL standard strings: a backslash is an ordinary character.
        assert_eq!(
            texts(r"SELECT 'C:\'; SELECT 2", Postgres),
            [r"SELECT 'C:\'", "SELECT 2"]
        );
        // PostgreSQL E'' strings: it escapes.
        assert_eq!(
            texts(r"SELECT E'a\';b'; SELECT 2", Postgres),
            [r"SELECT E'a\';b'", "SELECT 2"]
        );
        assert_eq!(
            texts(r"SELECT e'\\'; SELECT 2", Postgres),
            [r"SELECT e'\\'", "SELECT 2"]
        );
        // SQLite: no escapes.
        assert_eq!(
            texts(r"SELECT 'C:\'; SELECT 2", Sqlite),
            [r"SELECT 'C:\'", "SELECT 2"]
        );
    }

    #[test]
    fn block_comments_nest_in_postgres_only() {
        let sql = "/* a /* b */ ; */ SELECT 1; SELECT 2";
        assert_eq!(texts(sql, Postgres), ["SELECT 1", "SELECT 2"]);
        // Elsewhere the comment ends at the first `*/`, so ` ; */ SELECT 1` is a statement.
        assert_eq!(texts(sql, Sqlite), ["*/ SELECT 1", "SELECT 2"]);
        assert_eq!(texts(sql, MySql), ["*/ SELECT 1", "SELECT 2"]);
    }

    #[test]
    fn mysql_dash_comments_need_a_space() {
        assert_eq!(
            texts("SELECT 1--1;\nSELECT 2", MySql),
            ["SELECT 1--1", "SELECT 2"]
        );
        assert_eq!(
            texts("SELECT 1 -- x;\n, 2;SELECT 2", MySql),
            ["SELECT 1 -- x;\n, 2", "SELECT 2"]
        );
    }

    #[test]
    fn mysql_conditional_comments_are_statements() {
        let sql = "/*!40101 SET NAMES utf8 */;\n/* plain */;\nSELECT 1";
        assert_eq!(
            texts(sql, MySql),
            ["/*!40101 SET NAMES utf8 */", "SELECT 1"]
        );
    }

    #[test]
    fn dollar_quotes() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2";
        assert_eq!(
            texts(sql, Postgres),
            [
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                "SELECT 2"
            ]
        );
        // A tagged quote may hold `$$`.
        let sql = "CREATE FUNCTION g() RETURNS text AS $body$\nBEGIN\n  RETURN $$;$$;\nEND;\n$body$ LANGUAGE plpgsql;\nSELECT 3;";
        let got = texts(sql, Postgres);
        assert_eq!(got.len(), 2);
        assert!(got[0].ends_with("$body$ LANGUAGE plpgsql"));
        // `$$` inside a string is not a dollar quote.
        assert_eq!(
            texts("SELECT '$$'; SELECT '$$'", Postgres),
            ["SELECT '$$'", "SELECT '$$'"]
        );
        // Nor inside comments, and an apostrophe there opens no string.
        assert_eq!(
            texts("-- it's $$\nSELECT 1; /* don't $x$ */ SELECT 2", Postgres),
            ["SELECT 1", "SELECT 2"]
        );
        // Parameters are not dollar quotes.
        assert_eq!(
            texts("SELECT $1; SELECT $2", Postgres),
            ["SELECT $1", "SELECT $2"]
        );
        // Nor are `$` inside identifiers.
        assert_eq!(
            texts("SELECT a$$b; SELECT 2", Postgres),
            ["SELECT a$$b", "SELECT 2"]
        );
        // Other dialects have no dollar quotes.
        assert_eq!(
            texts("SELECT $$; SELECT $$", Sqlite),
            ["SELECT $$", "SELECT $$"]
        );
    }

    #[test]
    fn do_blocks() {
        let sql = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1) THEN\n    CREATE TYPE t AS ENUM ('a');\n  END IF;\nEND\n$$;\nSELECT 1;";
        let st = split(sql, Postgres).unwrap();
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].kind, StatementKind::Other);
        assert_eq!((st[1].line, st[1].column), (8, 1));
    }

    #[test]
    fn sqlite_trigger_bodies() {
        let sql = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n  UPDATE c SET x = CASE WHEN new.y THEN 1 ELSE 2 END;\nEND;\nSELECT 1;";
        let got = texts(sql, Sqlite);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("CREATE TRIGGER") && got[0].ends_with("END"));
        assert_eq!(got[1], "SELECT 1");
        let temp = "create temp trigger if not exists t before delete on a begin select raise(abort, 'no;'); end; select 2";
        assert_eq!(texts(temp, Sqlite).len(), 2);
        let temporary = "CREATE TEMPORARY TRIGGER t BEFORE DELETE ON a WHEN CASE WHEN 1 THEN 1 END BEGIN SELECT 1; END; SELECT 2";
        assert_eq!(texts(temporary, Sqlite).len(), 2);
    }

    #[test]
    fn begin_and_end_outside_triggers_are_plain_statements() {
        assert_eq!(
            texts("BEGIN; CREATE TABLE t (a); END;", Sqlite),
            ["BEGIN", "CREATE TABLE t (a)", "END"]
        );
        assert_eq!(
            texts("SELECT CASE WHEN 1 THEN 2 END; SELECT 3", Sqlite),
            ["SELECT CASE WHEN 1 THEN 2 END", "SELECT 3"]
        );
    }

    #[test]
    fn postgres_begin_atomic_bodies() {
        let sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT a;\nEND;\nCREATE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\nSELECT 1";
        let st = split(sql, Postgres).unwrap();
        assert_eq!(
            st.len(),
            3,
            "{:?}",
            st.iter().map(|s| s.text(sql)).collect::<Vec<_>>()
        );
        assert!(st[0].text(sql).ends_with("END"));
        assert!(st[1].text(sql).starts_with("CREATE PROCEDURE"));
        assert!(st.iter().all(|s| s.kind == StatementKind::Other));
    }

    #[test]
    fn postgres_does_not_split_inside_parentheses() {
        let sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1";
        assert_eq!(texts(sql, Postgres).len(), 2);
        // A stray `)` does not break later splitting.
        assert_eq!(
            texts("SELECT 1); SELECT 2", Postgres),
            ["SELECT 1)", "SELECT 2"]
        );
    }

    #[test]
    fn mysql_stored_programs() {
        let sql = "CREATE DEFINER=`root`@`localhost` PROCEDURE p(IN n INT)\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  lbl: WHILE i < n DO\n    IF i = 2 THEN SET i = i + 1; END IF;\n    CASE i WHEN 1 THEN SELECT 1; ELSE SELECT 2; END CASE;\n    SET i = i + 1;\n  END WHILE lbl;\n  REPEAT SET i = i - 1; UNTIL i = 0 END REPEAT;\n  LOOP LEAVE; END LOOP;\nEND;\nSELECT 1;";
        let got = texts(sql, MySql);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].ends_with("END LOOP;\nEND"));
        let function =
            "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN CASE WHEN 1 THEN 2 END; SELECT 1";
        assert_eq!(texts(function, MySql).len(), 2);
        let trigger = "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW SET NEW.x = 1; SELECT 1";
        assert_eq!(texts(trigger, MySql).len(), 2);
        let trigger_body = "CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; SET NEW.y = 2; END; SELECT 1";
        assert_eq!(texts(trigger_body, MySql).len(), 2);
        let event = "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO BEGIN DELETE FROM a; DELETE FROM b; END; SELECT 1";
        assert_eq!(texts(event, MySql).len(), 2);
        let mariadb = "BEGIN NOT ATOMIC SELECT 1; SELECT 2; END; SELECT 3";
        assert_eq!(
            texts(mariadb, MySql),
            ["BEGIN NOT ATOMIC SELECT 1; SELECT 2; END", "SELECT 3"]
        );
        // `begin` and `end` as column names in plain statements do not open blocks.
        let table = "CREATE TABLE t (event INT, begin INT, end INT); SELECT 1";
        assert_eq!(texts(table, MySql).len(), 2);
        let view = "CREATE DEFINER = CURRENT_USER SQL SECURITY INVOKER VIEW v AS SELECT begin FROM t; SELECT 1";
        assert_eq!(texts(view, MySql).len(), 2);
    }

    #[test]
    fn transaction_kinds() {
        use StatementKind::*;
        let cases = [
            ("BEGIN", Begin),
            ("begin transaction", Begin),
            ("BEGIN WORK", Begin),
            ("BEGIN DEFERRED", Begin),
            ("BEGIN IMMEDIATE TRANSACTION", Begin),
            ("Begin Exclusive", Begin),
            ("BEGIN ISOLATION LEVEL SERIALIZABLE", Begin),
            ("START TRANSACTION", Begin),
            ("start transaction read only", Begin),
            ("COMMIT", Commit),
            ("COMMIT WORK", Commit),
            ("commit transaction", Commit),
            ("END", Commit),
            ("END TRANSACTION", Commit),
            ("ROLLBACK", Rollback),
            ("ROLLBACK WORK", Rollback),
            ("ABORT", Rollback),
            ("ROLLBACK TO SAVEPOINT a", Other),
            ("ROLLBACK TO a", Other),
            ("ROLLBACK WORK TO SAVEPOINT a", Other),
            ("ROLLBACK TRANSACTION TO a", Other),
            ("COMMIT PREPARED 'x'", Other),
            ("ROLLBACK PREPARED 'x'", Other),
            ("SAVEPOINT a", Other),
            ("START SLAVE", Other),
            ("BEGIN ATOMIC", Other),
            ("/* c */ -- d\n BEGIN", Begin),
            ("SELECT 1", Other),
        ];
        for (sql, kind) in cases {
            assert_eq!(kinds(sql, Postgres), [kind], "{sql}");
        }
        assert_eq!(kinds("BEGIN NOT ATOMIC SELECT 1; END", MySql), [Other]);
    }

    #[test]
    fn begin_commit_wrappers() {
        use StatementKind::*;
        let sql = "BEGIN;\nCREATE TABLE t (a int);\nCOMMIT;\n";
        assert_eq!(kinds(sql, Postgres), [Begin, Other, Commit]);
        assert_eq!(
            kinds("BEGIN TRANSACTION; SELECT 1; END TRANSACTION;", Sqlite),
            [Begin, Other, Commit]
        );
    }

    #[test]
    fn unterminated_tokens_are_errors_with_their_start() {
        assert_eq!(
            error("SELECT 1;\nSELECT 'abc;\n", Postgres),
            ("string literal".into(), 2, 8)
        );
        assert_eq!(
            error("SELECT \"abc", Sqlite),
            ("quoted identifier".into(), 1, 8)
        );
        assert_eq!(
            error("SELECT `abc", MySql),
            ("quoted identifier".into(), 1, 8)
        );
        assert_eq!(
            error("SELECT 1;\n\n  DO $fn$ BEGIN END $$;", Postgres),
            ("dollar-quoted string $fn$".into(), 3, 6)
        );
        assert_eq!(
            error("SELECT $$ x", Postgres),
            ("dollar-quoted string $$".into(), 1, 8)
        );
        assert_eq!(
            error("SELECT 1; /* a /* b */", Postgres),
            ("block comment".into(), 1, 11)
        );
        assert_eq!(
            error("SELECT 1; /* a", Sqlite),
            ("block comment".into(), 1, 11)
        );
        assert_eq!(
            error("SELECT 'é', E'\\'", Postgres),
            ("string literal".into(), 1, 13)
        );
        // Non-nesting dialects: the same text is fine.
        assert!(split("SELECT 1; /* a /* b */", Sqlite).is_ok());
    }

    #[test]
    fn unclosed_bodies_are_errors() {
        let (what, line, column) = error(
            "SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n SELECT 1;",
            Sqlite,
        );
        assert_eq!(
            (what.as_str(), line, column),
            ("BEGIN ... END block", 2, 36)
        );
        let (what, ..) = error("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1;", Postgres);
        assert_eq!(what, "BEGIN ATOMIC ... END block");
        let e = split("CREATE FUNCTION f() BEGIN ATOMIC SELECT 1;", Postgres).unwrap_err();
        assert_eq!(
            e.to_string(),
            "BEGIN ATOMIC ... END block starting at line 1, column 21 is never closed"
        );
    }

    #[test]
    fn is_blank_sees_only_comments_and_whitespace() {
        assert!(is_blank(""));
        assert!(is_blank(" \n\t\r\n"));
        assert!(is_blank("-- a\n/* b /* nested */ */\n-- c"));
        assert!(is_blank("/* never closed"));
        assert!(!is_blank("-- a\nSELECT 1"));
        assert!(!is_blank(";"));
        assert!(!is_blank("'never closed"));
    }

    #[test]
    fn large_scripts_split_in_linear_time() {
        let unit = "INSERT INTO t (a, b) VALUES (1, 'x;y'); -- c\n/* d */ SELECT $$;$$;\n";
        let sql = unit.repeat(4_500_000 / unit.len());
        let started = std::time::Instant::now();
        let st = split(&sql, Postgres).unwrap();
        let elapsed = started.elapsed();
        assert_eq!(st.len(), 2 * (4_500_000 / unit.len()));
        assert_eq!(st.last().unwrap().line, sql.lines().count());
        // Generous for unoptimised test builds under load; release takes tens of milliseconds.
        assert!(elapsed.as_secs() < 5, "{elapsed:?}");
    }
}
