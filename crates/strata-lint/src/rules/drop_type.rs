//! `drop-type`: dropping a type or domain that running code or columns may still use.

use crate::ast::{inner, names_key, object_type, svals};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{DropBehavior, ObjectType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "drop-type",
    severity: Severity::Warning,
    summary: "DROP TYPE or DROP DOMAIN of an existing type breaks code that still uses it (with CASCADE, drops the columns of that type)",
};

/// See the module documentation.
pub(crate) struct DropType;

impl Rule for DropType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::DropStmt(s) = stmt.node else {
            return;
        };
        let kind = match object_type(s.remove_type) {
            ObjectType::ObjectType => "type",
            ObjectType::ObjectDomain => "domain",
            _ => return,
        };
        let cascade = s.behavior == DropBehavior::DropCascade as i32;
        for o in &s.objects {
            let Some(NodeEnum::TypeName(t)) = inner(o) else {
                continue;
            };
            if scope.file.created_types.contains_key(&names_key(&t.names)) {
                continue;
            }
            let effect = if cascade {
                ": with CASCADE, every column of that type is dropped with its data, and running code that uses the type or those columns fails"
            } else {
                ": running code that casts to it or calls functions taking it fails"
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "dropping {kind} {} is not backward compatible{effect}",
                        svals(&t.names).join(".")
                    ),
                )
                .help("stop using the type in a release first (and migrate columns of that type away), then drop it in a later migration"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "drop-type";

    #[test]
    fn flags_dropping_existing_types() {
        flags(
            ID,
            &[
                "DROP TYPE IF EXISTS invoice_state;",
                "DROP TYPE billing.money_amount CASCADE;",
                "DROP DOMAIN email_address;",
            ],
        );
    }

    #[test]
    fn passes_types_created_here() {
        passes(
            ID,
            &[
                "CREATE TYPE tmp_state AS ENUM ('a', 'b'); DROP TYPE tmp_state;",
                "CREATE TYPE pair AS (a int, b int); DROP TYPE pair;",
                "CREATE DOMAIN d AS int; DROP DOMAIN d;",
                "DROP TABLE invoice_state;",
            ],
        );
    }
}
