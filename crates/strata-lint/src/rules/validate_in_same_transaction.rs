//! `validate-in-same-transaction`: VALIDATE CONSTRAINT in the transaction that added the
//! constraint NOT VALID, or that already holds a write-blocking lock on the table.

use crate::ast::{cmd_type, cmds, rel_key};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "validate-in-same-transaction",
    severity: Severity::Warning,
    summary: "VALIDATE CONSTRAINT in the same transaction as the ADD ... NOT VALID it follows, or as another change that locked the table",
};

/// See the module documentation.
pub(crate) struct ValidateInSameTransaction;

impl Rule for ValidateInSameTransaction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        if !scope.in_transaction() {
            return;
        }
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let table = rel_key(rv);
        for cmd in cmds(alter) {
            if cmd_type(cmd) != AlterTableType::AtValidateConstraint {
                continue;
            }
            let same = scope.file.not_valid.get(&table).is_some_and(|added| {
                added
                    .iter()
                    .any(|(name, tx)| *name == cmd.name && *tx == scope.file.tx)
            });
            let (tx, locks) = &scope.file.tx_locks;
            let held = locks.get(&table).filter(|_| *tx == scope.file.tx);
            if let (false, Some(b)) = (same, held) {
                out.push(
                    Violation::new(
                        &META,
                        stmt.span.clone(),
                        format!(
                            "VALIDATE CONSTRAINT {} checks every row of {} in a transaction that already holds {} on it (from an earlier statement): the table stays blocked for the whole check",
                            cmd.name,
                            b.name,
                            b.lock.with_article()
                        ),
                    )
                    .help("validate in its own transaction: a separate migration, or after a COMMIT in a `-- strata:no-transaction` file"),
                );
            }
            if same {
                out.push(
                    Violation::new(
                        &META,
                        stmt.span.clone(),
                        format!(
                            "VALIDATE CONSTRAINT {} runs in the transaction that added it NOT VALID: the lock the ADD took is still held while every row is checked",
                            cmd.name
                        ),
                    )
                    .help("commit in between: move the VALIDATE to a later migration (or after a COMMIT in a `-- strata:no-transaction` file)"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "validate-in-same-transaction";

    const BOTH: &str = "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT fk;";

    #[test]
    fn flags_validate_next_to_its_add() {
        flags(ID, &[BOTH]);
        flags_in(
            ID,
            &no_tx(),
            &["BEGIN; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; COMMIT;"],
        );
    }

    #[test]
    fn flags_validate_after_another_lock_on_the_table() {
        flags(
            ID,
            &[
                "ALTER TABLE invoices ADD COLUMN memo text;\nALTER TABLE invoices VALIDATE CONSTRAINT invoices_customer_fk;",
                "CREATE INDEX i ON invoices (a); ALTER TABLE invoices VALIDATE CONSTRAINT c;",
            ],
        );
        passes(
            ID,
            &[
                "ALTER TABLE other ADD COLUMN memo text; ALTER TABLE invoices VALIDATE CONSTRAINT c;",
                "ALTER TABLE invoices VALIDATE CONSTRAINT c; ALTER TABLE invoices ADD COLUMN memo text;",
            ],
        );
        passes_in(
            ID,
            &no_tx(),
            &["ALTER TABLE invoices ADD COLUMN memo text; ALTER TABLE invoices VALIDATE CONSTRAINT c;"],
        );
    }

    #[test]
    fn passes_validate_in_its_own_transaction() {
        passes_in(ID, &no_tx(), &[BOTH]);
        passes(
            ID,
            &[
                "ALTER TABLE orders VALIDATE CONSTRAINT fk;",
                "ALTER TABLE a ADD CONSTRAINT fk CHECK (x > 0) NOT VALID; ALTER TABLE b VALIDATE CONSTRAINT fk;",
            ],
        );
        passes_in(
            ID,
            &no_tx(),
            &["BEGIN; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; COMMIT; ALTER TABLE t VALIDATE CONSTRAINT c;"],
        );
    }
}
