//! `syntax-error`: text the PostgreSQL parser rejects.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::text::identifier_at;
use crate::{RuleMeta, Severity, Violation};
use std::ops::Range;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "syntax-error",
    severity: Severity::Error,
    summary: "A statement the PostgreSQL parser rejects",
};

/// Reported by the linter itself for each stretch the parser rejects; `check` has nothing to do.
pub(crate) struct SyntaxError;

impl Rule for SyntaxError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _: &Statement<'_>, _: &Scope<'_>, _: &mut Findings) {}
}

/// The finding for a rejected statement spanning `span`, with the parser's message pointing at
/// `at`.
pub(crate) fn violation(sql: &str, span: Range<usize>, at: usize, message: &str) -> Violation {
    let token = identifier_at(sql, at)
        .map(|(r, _)| r)
        .filter(|r| r.end <= span.end.max(at + 1))
        .unwrap_or(at..(at + 1).min(sql.len()).max(at));
    Violation::new(&META, token, message).help(
        "fix the statement: PostgreSQL would reject it with this message when the migration runs",
    )
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    #[test]
    fn reports_each_bad_statement_and_keeps_linting_the_others() {
        let sql =
            "CREATE TABLE ok (id int);\nCREATE TABEL nope (id int);\nCREATE INDEX i ON t (a);";
        let found = lint(sql, &cx());
        let rules: Vec<&str> = found.iter().map(|v| v.rule).collect();
        assert_eq!(rules[0], "syntax-error");
        assert!(rules.contains(&"create-index-nonconcurrent"), "{rules:?}");
        let bad = &found[0];
        assert_eq!(&sql[bad.span.clone()], "TABEL");
        assert!(bad.message.contains("syntax error"), "{}", bad.message);
        assert_eq!(strata_sql::line_col(sql, bad.span.start).line, 2);
    }

    #[test]
    fn unterminated_quotes_are_findings_not_crashes() {
        for sql in [
            "SELECT 'abc",
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1",
            "/* never closed",
            "SELECT 1; SELECT \"x",
            "ALTER TABLE t ADD COLUMN",
            "\u{0}",
        ] {
            let found = lint(sql, &cx());
            assert!(
                found.iter().any(|v| v.rule == "syntax-error"),
                "{sql:?}: {found:?}"
            );
        }
    }

    #[test]
    fn valid_sql_is_clean() {
        passes(
            "syntax-error",
            &[
                "",
                "-- only a comment",
                "SELECT 1;;",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;",
            ],
        );
    }
}
