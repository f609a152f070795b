//! `prefer-text`: `varchar(n)` instead of `text`.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "prefer-text",
    severity: Severity::Hint,
    summary: "A varchar(n) column; text with a CHECK on its length is as fast and easier to change",
};

/// See the module documentation.
pub(crate) struct PreferText;

impl Rule for PreferText {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, _: &Scope<'_>, out: &mut Findings) {
        for (col, t) in super::typed_columns(stmt.node) {
            if !t.is_limited_varchar() {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.clause(col.location),
                    format!("column {} is {t}: the limit is part of the type, and lowering it later rewrites the table", col.name),
                )
                .help("use text, with CHECK (char_length(col) <= n) if the limit matters: a CHECK can be replaced NOT VALID without a rewrite"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "prefer-text";

    #[test]
    fn flags_limited_varchar() {
        flags(
            ID,
            &[
                "CREATE TABLE t (name varchar(255));",
                "ALTER TABLE t ADD COLUMN c character varying(10);",
            ],
        );
    }

    #[test]
    fn passes_text_and_unlimited_varchar() {
        passes(
            ID,
            &[
                "CREATE TABLE t (name text, v varchar, c citext);",
                "SELECT 'a'::varchar(3);",
            ],
        );
    }
}
