//! `prefer-timestamptz`: `timestamp` without time zone.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "prefer-timestamptz",
    severity: Severity::Hint,
    summary:
        "A column of type timestamp (without time zone); timestamptz stores an unambiguous instant",
};

/// See the module documentation.
pub(crate) struct PreferTimestamptz;

impl Rule for PreferTimestamptz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, _: &Scope<'_>, out: &mut Findings) {
        for (col, t) in super::typed_columns(stmt.node) {
            if t.is_timestamp_without_tz() {
                out.push(
                    Violation::new(
                        &META,
                        stmt.clause(col.location),
                        format!("column {} is timestamp without time zone: its values mean different instants depending on the session's time zone", col.name),
                    )
                    .help("use timestamptz (timestamp with time zone); it takes the same 8 bytes"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "prefer-timestamptz";

    #[test]
    fn flags_timestamp_columns() {
        flags(
            ID,
            &[
                "CREATE TABLE t (created_at timestamp NOT NULL DEFAULT now());",
                "ALTER TABLE t ADD COLUMN seen timestamp(3) without time zone;",
                "ALTER TABLE t ALTER COLUMN seen TYPE timestamp;",
            ],
        );
    }

    #[test]
    fn passes_timestamptz() {
        passes(
            ID,
            &[
                "CREATE TABLE t (created_at timestamptz NOT NULL DEFAULT now());",
                "ALTER TABLE t ADD COLUMN seen timestamp with time zone;",
                "SELECT now()::timestamp;",
            ],
        );
    }
}
