//! `enum-value-in-transaction`: ALTER TYPE ... ADD VALUE in a transaction before PostgreSQL 12.

use crate::ast::names_key;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "enum-value-in-transaction",
    severity: Severity::Error,
    summary:
        "ALTER TYPE ... ADD VALUE inside a transaction block, which PostgreSQL before 12 rejects",
};

/// See the module documentation.
pub(crate) struct EnumValueInTransaction;

impl Rule for EnumValueInTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::AlterEnumStmt(s) = stmt.node else {
            return;
        };
        if s.new_val.is_empty() || !s.old_val.is_empty() {
            return;
        }
        if !scope.in_transaction() || scope.pg_version() >= 12 {
            return;
        }
        // A type created in the same transaction may be extended there.
        let key = names_key(&s.type_name);
        if scope.file.created_types.get(&key) == Some(&scope.file.tx) {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "ALTER TYPE {key} ADD VALUE cannot run inside a transaction block on PostgreSQL {}",
                    scope.pg_version()
                ),
            )
            .help("mark the migration `-- strata:no-transaction` (PostgreSQL 12+ allows it in a transaction)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::LintContext;

    const ID: &str = "enum-value-in-transaction";

    #[test]
    fn flags_add_value_in_a_transaction_before_12() {
        flags_in(
            ID,
            &LintContext::default().pg_version(11),
            &[
                "ALTER TYPE mood ADD VALUE 'meh';",
                "ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'meh' AFTER 'ok';",
            ],
        );
    }

    #[test]
    fn passes_new_versions_no_transaction_and_new_types() {
        passes(ID, &["ALTER TYPE mood ADD VALUE 'meh';"]);
        passes_in(
            ID,
            &LintContext::default().pg_version(11),
            &[
                "CREATE TYPE mood AS ENUM ('ok'); ALTER TYPE mood ADD VALUE 'meh';",
                "ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';",
            ],
        );
        passes_in(
            ID,
            &no_tx().pg_version(11),
            &["ALTER TYPE mood ADD VALUE 'meh';"],
        );
    }
}
