//! `refresh-matview-nonconcurrent`: REFRESH MATERIALIZED VIEW without CONCURRENTLY.

use crate::ast::rel_name;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "refresh-matview-nonconcurrent",
    severity: Severity::Warning,
    summary: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view until it is rebuilt",
};

/// See the module documentation.
pub(crate) struct RefreshMatviewNonconcurrent;

impl Rule for RefreshMatviewNonconcurrent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::RefreshMatViewStmt(s) = stmt.node else {
            return;
        };
        let Some(rv) = &s.relation else { return };
        if s.concurrent || s.skip_data || scope.is_new(rv) {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "REFRESH MATERIALIZED VIEW {} holds an ACCESS EXCLUSIVE lock while the query re-runs: every read of the view waits",
                    rel_name(rv)
                ),
            )
            .help("use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view, and the view must already be populated)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "refresh-matview-nonconcurrent";

    #[test]
    fn flags_blocking_refreshes() {
        flags(
            ID,
            &[
                "REFRESH MATERIALIZED VIEW stats;",
                "REFRESH MATERIALIZED VIEW app.stats WITH DATA;",
            ],
        );
    }

    #[test]
    fn passes_concurrent_and_new_views() {
        passes(
            ID,
            &[
                "REFRESH MATERIALIZED VIEW CONCURRENTLY stats;",
                "CREATE MATERIALIZED VIEW stats AS SELECT 1 AS a WITH NO DATA; REFRESH MATERIALIZED VIEW stats;",
                "REFRESH MATERIALIZED VIEW stats WITH NO DATA;",
            ],
        );
    }
}
