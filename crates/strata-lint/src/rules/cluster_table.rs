//! `cluster-table`: CLUSTER rewrites a table under an ACCESS EXCLUSIVE lock.

use crate::ast::rel_name;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "cluster-table",
    severity: Severity::Warning,
    summary: "CLUSTER rewrites the table in index order under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct ClusterTable;

impl Rule for ClusterTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::ClusterStmt(s) = stmt.node else {
            return;
        };
        let what = match &s.relation {
            Some(rv) if scope.is_new(rv) => return,
            Some(rv) => rel_name(rv),
            None => "every previously clustered table".to_string(),
        };
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!("CLUSTER rewrites {what} while holding an ACCESS EXCLUSIVE lock: nothing can read or write it until it is done"),
            )
            .help("avoid CLUSTER on tables in use; an online tool such as pg_repack can reorder a table without the long lock"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "cluster-table";

    #[test]
    fn flags_cluster() {
        flags(ID, &["CLUSTER users USING users_pkey;", "CLUSTER users;"]);
        flags_in(ID, &no_tx(), &["CLUSTER;"]);
    }

    #[test]
    fn passes_new_tables_and_cluster_on() {
        passes(
            ID,
            &[
                "CREATE TABLE t (a int); CLUSTER t USING t_pkey;",
                "ALTER TABLE users CLUSTER ON users_pkey;",
            ],
        );
    }
}
