//! `enum-value-used-in-transaction`: using an enum value in the transaction that added it.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "enum-value-used-in-transaction",
    severity: Severity::Error,
    summary:
        "An enum value used in the same transaction that added it with ALTER TYPE ... ADD VALUE",
};

/// See the module documentation.
pub(crate) struct EnumValueUsedInTransaction;

impl Rule for EnumValueUsedInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if !scope.in_transaction() || matches!(stmt.node, NodeEnum::AlterEnumStmt(_)) {
            return;
        }
        let file = scope.file;
        for (value, ty, tx) in &file.enum_values {
            if *tx != file.tx || file.created_types.get(ty) == Some(tx) {
                continue;
            }
            let literal = format!("'{}'", value.replace('\'', "''"));
            let Some(at) = stmt.text().find(&literal) else {
                continue;
            };
            let start = stmt.span.start + at;
            out.push(
                Violation::new(
                    &META,
                    start..start + literal.len(),
                    format!(
                        "enum value {literal} of {ty} was added earlier in this transaction: PostgreSQL refuses to use it until that transaction commits"
                    ),
                )
                .help("commit the ADD VALUE first: put the statements that use the value in a later migration (or after COMMIT in a `-- strata:no-transaction` file)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "enum-value-used-in-transaction";

    #[test]
    fn flags_uses_of_a_new_value_in_its_transaction() {
        flags(
            ID,
            &[
                "ALTER TYPE status ADD VALUE 'archived';\nUPDATE posts SET status = 'archived' WHERE id < 10;",
                "ALTER TYPE status ADD VALUE 'archived'; ALTER TABLE posts ALTER COLUMN status SET DEFAULT 'archived';",
                "ALTER TYPE status ADD VALUE 'archived'; CREATE INDEX i ON posts (id) WHERE status = 'archived';",
            ],
        );
    }

    #[test]
    fn passes_after_commit_and_new_types() {
        passes_in(
            ID,
            &no_tx(),
            &["ALTER TYPE status ADD VALUE 'archived';\nUPDATE posts SET status = 'archived' WHERE id < 10;"],
        );
        passes(
            ID,
            &[
                "CREATE TYPE status AS ENUM ('a'); ALTER TYPE status ADD VALUE 'b'; CREATE TABLE t (s status DEFAULT 'b');",
                "ALTER TYPE status ADD VALUE 'archived' AFTER 'draft'; ALTER TYPE status ADD VALUE 'gone' AFTER 'archived';",
                "ALTER TYPE status ADD VALUE 'archived'; UPDATE posts SET status = 'draft' WHERE id < 10;",
            ],
        );
    }
}
