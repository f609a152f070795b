//! Flyway placeholders (`${name}`) in migration text.

use crate::lexer::{Lexer, TokenKind};
use crate::Dialect;
use std::ops::Range;

/// A `${name}` placeholder found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Byte range of the whole `${name}`.
    pub span: Range<usize>,
    /// The name between the braces (`flyway:defaultSchema`, `schema`).
    pub name: String,
}

/// The Flyway placeholders in `sql`, in order: `${` followed by a non-empty name of letters,
/// digits, `_`, `.`, `:` or `-` and `}`, outside comments. Flyway replaces them everywhere else
/// before it runs a file, in strings and dollar-quoted bodies too, so those count.
pub fn find_placeholders(sql: &str, dialect: Dialect) -> Vec<Placeholder> {
    let mut found = Vec::new();
    for token in Lexer::new(sql, dialect) {
        if matches!(
            token.kind,
            TokenKind::LineComment | TokenKind::BlockComment | TokenKind::Whitespace
        ) {
            continue;
        }
        // A placeholder may span tokens (`$` and `{` lex apart): scan from each token's start,
        // but only take those that start inside the token.
        let text = &sql[token.start..];
        let mut from = 0;
        while let Some(i) = text[from..].find("${") {
            let start = from + i;
            if token.start + start >= token.end {
                break;
            }
            let rest = &text[start + 2..];
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
                .count();
            if len > 0 && rest[len..].starts_with('}') {
                let begin = token.start + start;
                found.push(Placeholder {
                    span: begin..begin + len + 3,
                    name: rest[..len].to_string(),
                });
            }
            from = start + 2;
        }
    }
    found.dedup_by(|a, b| a.span == b.span);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(sql: &str) -> Vec<String> {
        find_placeholders(sql, Dialect::Postgres)
            .into_iter()
            .map(|p| p.name)
            .collect()
    }

    #[test]
    fn finds_placeholders_outside_comments() {
        let sql = "ALTER TABLE ${flyway:defaultSchema}.t ADD c int;\n-- ${in_comment}\n/* ${also} */\nGRANT USAGE ON SCHEMA ${schema} TO ${flyway:user};\n";
        assert_eq!(
            names(sql),
            ["flyway:defaultSchema", "schema", "flyway:user"]
        );
        let p = &find_placeholders(sql, Dialect::Postgres)[0];
        assert_eq!(&sql[p.span.clone()], "${flyway:defaultSchema}");
        // Flyway replaces them in strings and function bodies too.
        assert_eq!(names("SELECT '${a}';"), ["a"]);
        assert_eq!(names("DO $$ BEGIN PERFORM '${b}'; END $$;"), ["b"]);
        assert_eq!(
            names("DO $x$ BEGIN RAISE NOTICE '${c.d-e}'; END $x$;"),
            ["c.d-e"]
        );
    }

    #[test]
    fn other_dollar_braces_are_not_placeholders() {
        for sql in [
            "SELECT 1;",
            "SELECT '${}';",
            "SELECT '${ a }';",
            "SELECT '${a';",
            "SELECT $1, $$x$$;",
            "-- ${a}\nSELECT 1;",
        ] {
            assert!(names(sql).is_empty(), "{sql}");
        }
    }
}
