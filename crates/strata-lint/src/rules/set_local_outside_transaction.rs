//! `set-local-outside-transaction`: `SET LOCAL` where there is no transaction block.

use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-local-outside-transaction",
    severity: Severity::Warning,
    summary: "SET LOCAL outside a transaction block, where it has no effect",
};

/// See the module documentation.
pub(crate) struct SetLocalOutsideTransaction;

impl Rule for SetLocalOutsideTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::VariableSetStmt(v) = stmt.node else {
            return;
        };
        if v.is_local && !scope.in_transaction() {
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "SET LOCAL {} outside a transaction block does nothing: PostgreSQL only warns, and the next statement runs without it",
                        v.name
                    ),
                )
                .help("in a `-- strata:no-transaction` migration use plain SET (it lasts for the session), or put SET LOCAL after a BEGIN"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "set-local-outside-transaction";

    #[test]
    fn flags_set_local_with_no_transaction() {
        flags_in(
            ID,
            &no_tx(),
            &[
                "SET LOCAL lock_timeout = '5s';",
                "BEGIN; COMMIT; SET LOCAL statement_timeout = 0;",
            ],
        );
    }

    #[test]
    fn passes_inside_transactions_and_plain_set() {
        passes(ID, &["SET LOCAL lock_timeout = '5s';"]);
        passes_in(
            ID,
            &no_tx(),
            &[
                "SET lock_timeout = '5s';",
                "BEGIN; SET LOCAL lock_timeout = '5s'; COMMIT;",
            ],
        );
    }
}
