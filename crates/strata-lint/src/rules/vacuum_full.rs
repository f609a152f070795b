//! `vacuum-full`: VACUUM FULL rewrites tables under an ACCESS EXCLUSIVE lock.

use crate::ast::{inner, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::VacuumStmt;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "vacuum-full",
    severity: Severity::Warning,
    summary: "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct VacuumFull;

/// Whether a VACUUM has the FULL option.
pub(crate) fn is_full(s: &VacuumStmt) -> bool {
    s.is_vacuumcmd
        && s.options.iter().any(|o| {
            matches!(inner(o), Some(NodeEnum::DefElem(d)) if d.defname == "full"
                && !matches!(d.arg.as_deref().and_then(crate::state::const_text), Some(v) if v == "false" || v == "0" || v == "off"))
        })
}

impl Rule for VacuumFull {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::VacuumStmt(s) = stmt.node else {
            return;
        };
        if !is_full(s) {
            return;
        }
        let tables: Vec<String> = s
            .rels
            .iter()
            .filter_map(|r| match inner(r) {
                Some(NodeEnum::VacuumRelation(v)) => v.relation.as_ref(),
                _ => None,
            })
            .filter(|rv| !scope.is_new(rv))
            .map(rel_name)
            .collect();
        if !s.rels.is_empty() && tables.is_empty() {
            return;
        }
        let what = if tables.is_empty() {
            "every table in the database".to_string()
        } else {
            tables.join(", ")
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!("VACUUM FULL rewrites {what} while holding an ACCESS EXCLUSIVE lock: nothing can read or write it until the copy is done"),
            )
            .help("use plain VACUUM (it does not block reads or writes); to give space back online, use an extension such as pg_repack"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "vacuum-full";

    #[test]
    fn flags_vacuum_full() {
        flags_in(
            ID,
            &no_tx(),
            &[
                "VACUUM FULL users;",
                "VACUUM (FULL, ANALYZE) users;",
                "VACUUM FULL;",
            ],
        );
    }

    #[test]
    fn passes_plain_vacuum() {
        passes_in(
            ID,
            &no_tx(),
            &[
                "VACUUM users;",
                "VACUUM (ANALYZE) users;",
                "ANALYZE users;",
                "CREATE TABLE t (a int); VACUUM FULL t;",
            ],
        );
    }
}
