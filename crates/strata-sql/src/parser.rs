//! Splitting PostgreSQL text with the PostgreSQL parser (libpg_query), behind the `pg-parser`
//! feature.
//!
//! The parser knows every corner of the grammar our scanner approximates (rules with
//! parenthesised actions, `BEGIN ATOMIC` bodies, new syntax), so when a script parses its
//! statement boundaries are the server's own. Spans then get the same shape as the scanner's:
//! from the first token to the last, leading and trailing comments and the `;` left out.

use crate::lexer::{Lexer, Token, TokenKind};
use crate::position::{LineCol, Tracker};
use crate::split::kind_of;
use crate::{Statement, StatementKind};

/// The statements of `sql`, or `None` when it does not parse (or holds a NUL byte).
pub(crate) fn split(sql: &str) -> Option<Vec<Statement>> {
    let pieces = pg_query::split_with_parser(sql).ok()?;
    let base = sql.as_ptr() as usize;
    let mut tracker = Tracker::new(sql);
    let mut out = Vec::with_capacity(pieces.len());
    for piece in pieces {
        // The pieces are slices of `sql`.
        let start = (piece.as_ptr() as usize).checked_sub(base)?;
        if start + piece.len() > sql.len() {
            return None;
        }
        if let Some(st) = statement(start, piece, &mut tracker) {
            out.push(st);
        }
    }
    Some(out)
}

/// The statement in `piece` (at `start` in `sql`), trimmed to its tokens; `None` when it has
/// none.
fn statement(start: usize, piece: &str, tracker: &mut Tracker<'_>) -> Option<Statement> {
    let mut head: [Option<Token>; 3] = [None; 3];
    let mut first = None;
    let mut last = None;
    for token in Lexer::new(piece, crate::Dialect::Postgres).without_whitespace() {
        if token.is_trivia() || token.kind == TokenKind::Semicolon {
            continue;
        }
        first.get_or_insert(token.start);
        last = Some(token.end);
        if let Some(slot) = head.iter_mut().find(|t| t.is_none()) {
            *slot = Some(token);
        }
    }
    let span = start + first?..start + last?;
    let LineCol { line, column } = tracker.at(span.start);
    let kind: StatementKind = kind_of(&head, piece);
    Some(Statement {
        span,
        line,
        column,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_spans_match_the_scanner_shape() {
        let sql = "-- lead\nCREATE TABLE t (a int); /* c */ SELECT 1 -- trail\n;\nSELECT 'x;y'";
        let st = split(sql).unwrap();
        let texts: Vec<_> = st.iter().map(|s| s.text(sql)).collect();
        assert_eq!(
            texts,
            ["CREATE TABLE t (a int)", "SELECT 1", "SELECT 'x;y'"]
        );
        assert_eq!((st[1].line, st[1].column), (2, 33));
    }

    #[test]
    fn text_that_does_not_parse_is_left_to_the_scanner() {
        assert!(split("SELECT 1; SELEC 2").is_none());
        assert!(split("SELECT 'open").is_none());
        let sql = "SELECT 1; SELEC 2";
        let st = crate::split(sql, crate::Dialect::Postgres).unwrap();
        assert_eq!(st.len(), 2);
    }

    #[test]
    fn function_bodies_and_rules() {
        let sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n\
                   CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n\
                   DO $$ BEGIN RAISE NOTICE ';'; END $$;";
        let st = split(sql).unwrap();
        assert_eq!(st.len(), 3);
        assert!(st.iter().all(|s| s.kind == StatementKind::Other));
    }
}
