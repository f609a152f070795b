//! `drop-index-nonconcurrent`: `DROP INDEX` without CONCURRENTLY on an existing table.

use crate::ast::{inner, names_key, object_type, svals};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "drop-index-nonconcurrent",
    severity: Severity::Warning,
    summary: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table",
};

/// See the module documentation.
pub(crate) struct DropIndexNonconcurrent;

impl Rule for DropIndexNonconcurrent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::DropStmt(s) = stmt.node else {
            return;
        };
        if s.concurrent || object_type(s.remove_type) != ObjectType::ObjectIndex {
            return;
        }
        for o in &s.objects {
            let Some(NodeEnum::List(l)) = inner(o) else {
                continue;
            };
            if scope.is_new_index(&names_key(&l.items)) {
                continue;
            }
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "DROP INDEX {} takes an ACCESS EXCLUSIVE lock on its table: it waits for every running query on it, and all new ones wait behind it",
                        svals(&l.items).join(".")
                    ),
                )
                .help("use DROP INDEX CONCURRENTLY in a migration marked `-- strata:no-transaction`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "drop-index-nonconcurrent";

    #[test]
    fn flags_drops_of_existing_indexes() {
        flags(
            ID,
            &[
                "DROP INDEX users_email;",
                "DROP INDEX IF EXISTS app.users_email CASCADE;",
                "CREATE INDEX a ON t (x); DROP INDEX b;",
            ],
        );
    }

    #[test]
    fn passes_concurrent_drops_and_new_indexes() {
        passes_in(ID, &no_tx(), &["DROP INDEX CONCURRENTLY users_email;"]);
        passes(
            ID,
            &[
                "CREATE TABLE t (a int); CREATE INDEX i ON t (a); DROP INDEX i;",
                "CREATE INDEX i ON t (a); DROP INDEX i;",
                "DROP TABLE t;",
            ],
        );
    }
}
