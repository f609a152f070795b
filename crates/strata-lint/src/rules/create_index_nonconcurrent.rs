//! `create-index-nonconcurrent`: `CREATE INDEX` without CONCURRENTLY on an existing table.

use crate::ast::rel_name;
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "create-index-nonconcurrent",
    severity: Severity::Warning,
    summary: "CREATE INDEX without CONCURRENTLY blocks writes to an existing table while it builds",
};

/// See the module documentation.
pub(crate) struct CreateIndexNonconcurrent;

impl Rule for CreateIndexNonconcurrent {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::IndexStmt(s) = stmt.node else {
            return;
        };
        let Some(rv) = &s.relation else { return };
        // `ON ONLY parent` builds nothing: a partitioned parent holds no rows, and the index
        // stays invalid until each partition's (concurrently built) index is attached.
        if s.concurrent || scope.is_new(rv) || !rv.inh {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "CREATE INDEX on existing table {} holds a SHARE lock for the whole build: inserts, updates and deletes wait until it finishes",
                    rel_name(rv)
                ),
            )
            .help("use CREATE INDEX CONCURRENTLY in a migration marked `-- strata:no-transaction` (if it fails, drop the INVALID index it leaves and run it again)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "create-index-nonconcurrent";

    #[test]
    fn flags_blocking_builds_on_existing_tables() {
        flags(
            ID,
            &[
                "CREATE INDEX users_email ON users (email);",
                "CREATE UNIQUE INDEX IF NOT EXISTS i ON app.users USING btree (lower(email)) WHERE deleted_at IS NULL;",
                "CREATE TABLE other (id int); CREATE INDEX i ON users (id);",
            ],
        );
    }

    #[test]
    fn passes_concurrent_builds_and_new_tables() {
        passes(
            ID,
            &[
                "CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);",
                "CREATE TEMP TABLE scratch (a int); CREATE INDEX ON scratch (a);",
                "CREATE TABLE app.t (a int); CREATE INDEX ON app.t (a);",
                "CREATE TABLE t AS SELECT 1 AS a; CREATE INDEX ON t (a);",
                "-- CREATE INDEX i ON users (email);\nSELECT 1;",
                "SELECT $$CREATE INDEX i ON users (email)$$;",
                "CREATE INDEX events_at ON ONLY events (created_at);",
            ],
        );
        passes_in(
            ID,
            &no_tx(),
            &["CREATE INDEX CONCURRENTLY i ON users (email);"],
        );
    }
}
