//! Where a `;` does not end a statement: inside the body of a SQLite trigger, a MySQL stored
//! program, a PostgreSQL `BEGIN ATOMIC` function, or (PostgreSQL) inside parentheses.
//!
//! The tracker sees the significant tokens of one statement in order. It first decides from the
//! statement's opening words whether the statement can hold a body at all (so a column named
//! `begin` in a `CREATE TABLE` does not open one), then counts `BEGIN`/`CASE` ... `END` nesting.

use crate::lexer::{Token, TokenKind};
use crate::Dialect;

/// How far the opening words of a statement have been recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    /// No token seen yet.
    Start,
    /// SQLite `CREATE` or `CREATE TEMP`, MySQL `CREATE [OR REPLACE] [AGGREGATE]`.
    Create,
    /// MySQL `CREATE ... DEFINER`: the account name follows, then the routine keyword; the count
    /// bounds how long we wait for it.
    Definer(u8),
    /// MySQL `BEGIN`, and `BEGIN NOT`: MariaDB's `BEGIN NOT ATOMIC ... END` runs anywhere.
    Begin,
    BeginNot,
    /// The statement can hold a body: count `BEGIN`/`CASE` ... `END`.
    Body,
    /// The statement cannot hold a body.
    Plain,
}

/// Block nesting within one statement.
pub(crate) struct Blocks {
    dialect: Dialect,
    prefix: Prefix,
    depth: usize,
    /// PostgreSQL parenthesis depth: psql does not split inside parentheses either (a
    /// multi-action `CREATE RULE ... DO (a; b)`).
    parens: usize,
    /// Start of the statement's first token.
    first: usize,
    /// What opened the outermost open block, and where.
    opened: Option<(&'static str, usize)>,
    /// Start of the previous token when it was the word `BEGIN` (PostgreSQL `BEGIN ATOMIC`).
    begin_before: Option<usize>,
    /// MySQL: an `END` that closes a block unless the next word is `IF`, `LOOP`, `WHILE` or
    /// `REPEAT` (those blocks are not counted: only `BEGIN` and `CASE` are).
    end_pending: bool,
}

impl Blocks {
    pub(crate) fn new(dialect: Dialect) -> Blocks {
        Blocks {
            dialect,
            prefix: Prefix::Start,
            depth: 0,
            parens: 0,
            first: 0,
            opened: None,
            begin_before: None,
            end_pending: false,
        }
    }

    /// True when a `;` here ends the statement.
    pub(crate) fn at_top_level(&self) -> bool {
        self.parens == 0 && self.depth == usize::from(self.end_pending)
    }

    /// The block still open at the end of the text: what opened it and where.
    pub(crate) fn unclosed(&self) -> Option<(&'static str, usize)> {
        if self.depth > usize::from(self.end_pending) {
            self.opened
        } else {
            None
        }
    }

    /// Feeds the next significant token (not whitespace or a comment).
    pub(crate) fn push(&mut self, token: &Token, src: &str) {
        match token.kind {
            TokenKind::OpenParen if self.dialect == Dialect::Postgres => self.parens += 1,
            TokenKind::CloseParen if self.dialect == Dialect::Postgres => {
                self.parens = self.parens.saturating_sub(1);
            }
            _ => {}
        }
        let word = if token.kind == TokenKind::Word {
            Some(token.text(src))
        } else {
            None
        };
        let is = |keyword: &str| word.is_some_and(|w| w.eq_ignore_ascii_case(keyword));

        if self.end_pending {
            self.end_pending = false;
            if is("IF") || is("LOOP") || is("WHILE") || is("REPEAT") {
                return;
            }
            self.close();
            if is("CASE") {
                return;
            }
        }

        if self.prefix == Prefix::Plain {
            return;
        }
        if self.prefix != Prefix::Body {
            if self.prefix == Prefix::Start {
                self.first = token.start;
            }
            self.recognise(&is);
            if self.prefix != Prefix::Body {
                return;
            }
        }

        let begin_before = self.begin_before.take();
        if is("BEGIN") {
            self.begin_before = Some(token.start);
        }
        match self.dialect {
            Dialect::Postgres => {
                if let (true, Some(start)) = (is("ATOMIC"), begin_before) {
                    self.open("BEGIN ATOMIC ... END block", start);
                } else if self.depth > 0 && is("CASE") {
                    self.open("CASE ... END expression", token.start);
                } else if self.depth > 0 && is("END") {
                    self.close();
                }
            }
            Dialect::Sqlite | Dialect::MySql => {
                if is("BEGIN") {
                    self.open("BEGIN ... END block", token.start);
                } else if is("CASE") {
                    self.open("CASE ... END expression", token.start);
                } else if is("END") {
                    if self.dialect == Dialect::MySql {
                        self.end_pending = true;
                    } else {
                        self.close();
                    }
                }
            }
        }
    }

    /// Advances the opening-words recogniser by one token.
    fn recognise(&mut self, is: &dyn Fn(&str) -> bool) {
        let routine = || is("PROCEDURE") || is("FUNCTION") || is("TRIGGER") || is("EVENT");
        self.prefix = match (self.dialect, self.prefix) {
            (Dialect::Postgres, Prefix::Start) if is("CREATE") => Prefix::Body,
            (Dialect::Sqlite | Dialect::MySql, Prefix::Start) if is("CREATE") => Prefix::Create,
            (Dialect::Sqlite, Prefix::Create) if is("TRIGGER") => Prefix::Body,
            (Dialect::Sqlite, Prefix::Create) if is("TEMP") || is("TEMPORARY") => Prefix::Create,
            (Dialect::MySql, Prefix::Create) if routine() => Prefix::Body,
            (Dialect::MySql, Prefix::Create) if is("OR") || is("REPLACE") || is("AGGREGATE") => {
                Prefix::Create
            }
            (Dialect::MySql, Prefix::Create) if is("DEFINER") => Prefix::Definer(0),
            (Dialect::MySql, Prefix::Definer(_)) if routine() => Prefix::Body,
            (Dialect::MySql, Prefix::Definer(_)) if is("AGGREGATE") => Prefix::Create,
            // `DEFINER = 'user'@'host'` or `DEFINER = CURRENT_USER()`: a few tokens at most.
            (Dialect::MySql, Prefix::Definer(n)) if n < 8 && !is("VIEW") => Prefix::Definer(n + 1),
            (Dialect::MySql, Prefix::Start) if is("BEGIN") => Prefix::Begin,
            (Dialect::MySql, Prefix::Begin) if is("NOT") => Prefix::BeginNot,
            (Dialect::MySql, Prefix::BeginNot) if is("ATOMIC") => {
                // The statement's first token was the `BEGIN` that opens the block.
                self.depth = 1;
                self.opened = Some(("BEGIN NOT ATOMIC ... END block", self.first));
                Prefix::Plain
            }
            _ => Prefix::Plain,
        };
        if self.depth > 0 && self.prefix == Prefix::Plain {
            // MariaDB's compound statement: count nesting from here on.
            self.prefix = Prefix::Body;
        }
    }

    fn open(&mut self, what: &'static str, at: usize) {
        if self.depth == 0 {
            self.opened = Some((what, at));
        }
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.opened = None;
        }
    }
}
