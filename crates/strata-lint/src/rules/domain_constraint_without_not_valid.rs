//! `domain-constraint-without-not-valid`: ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID
//! (or SET NOT NULL) checks every column that uses the domain.

use crate::ast::{as_constraint, con_type, names_key, svals};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ConstrType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "domain-constraint-without-not-valid",
    severity: Severity::Warning,
    summary: "ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID, or SET NOT NULL, scans every table column of the domain under a SHARE lock",
};

/// See the module documentation.
pub(crate) struct DomainConstraintWithoutNotValid;

impl Rule for DomainConstraintWithoutNotValid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::AlterDomainStmt(s) = stmt.node else {
            return;
        };
        if scope
            .file
            .created_types
            .contains_key(&names_key(&s.type_name))
        {
            return;
        }
        let domain = svals(&s.type_name).join(".");
        let (what, help) = match s.subtype.as_str() {
            // ADD CONSTRAINT
            "C" => {
                let Some(con) = s.def.as_deref().and_then(as_constraint) else {
                    return;
                };
                if con.skip_validation || con_type(con) != ConstrType::ConstrCheck {
                    return;
                }
                (
                    "adding a CHECK constraint to",
                    "add it NOT VALID (new values are checked at once), then VALIDATE CONSTRAINT in a later transaction",
                )
            }
            // SET NOT NULL
            "O" => (
                "SET NOT NULL on",
                "SET NOT NULL on a domain has no NOT VALID form: add CHECK (VALUE IS NOT NULL) NOT VALID and VALIDATE it in a later transaction instead",
            ),
            _ => return,
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "{what} domain {domain} reads every row of every table with a column of that domain, holding a SHARE lock on each: writes to those tables wait until the check is done"
                ),
            )
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "domain-constraint-without-not-valid";

    #[test]
    fn flags_validating_domain_changes() {
        flags(
            ID,
            &[
                "ALTER DOMAIN email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%');",
                "ALTER DOMAIN app.positive SET NOT NULL;",
            ],
        );
    }

    #[test]
    fn passes_not_valid_and_new_domains() {
        passes(
            ID,
            &[
                "ALTER DOMAIN email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%') NOT VALID;",
                "ALTER DOMAIN email VALIDATE CONSTRAINT has_at;",
                "ALTER DOMAIN email DROP NOT NULL;",
                "ALTER DOMAIN email DROP CONSTRAINT has_at;",
                "CREATE DOMAIN email AS text; ALTER DOMAIN email ADD CONSTRAINT has_at CHECK (VALUE LIKE '%@%');",
                "CREATE DOMAIN zip AS text CHECK (VALUE ~ '^[0-9]{5}$');",
            ],
        );
    }
}
