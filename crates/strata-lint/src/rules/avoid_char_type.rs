//! `avoid-char-type`: blank-padded `char(n)` columns.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "avoid-char-type",
    severity: Severity::Hint,
    summary: "A char(n) column, which pads values with spaces and compares them surprisingly",
};

/// See the module documentation.
pub(crate) struct AvoidCharType;

impl Rule for AvoidCharType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, _: &Scope<'_>, out: &mut Findings) {
        for (col, t) in super::typed_columns(stmt.node) {
            if !t.is_bpchar() {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.clause(col.location),
                    format!("column {} is {t}: values are padded with spaces to the full length, and trailing spaces are ignored when comparing", col.name),
                )
                .help("use text (with a CHECK on the length if it matters)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "avoid-char-type";

    #[test]
    fn flags_char_columns() {
        flags(
            ID,
            &[
                "CREATE TABLE t (code char(2));",
                "CREATE TABLE t (code character(3));",
                "ALTER TABLE t ADD COLUMN c char;",
            ],
        );
    }

    #[test]
    fn passes_text_and_the_one_byte_char_type() {
        passes(
            ID,
            &[
                "CREATE TABLE t (code text, flag \"char\");",
                "SELECT 'a'::char(2);",
            ],
        );
    }
}
