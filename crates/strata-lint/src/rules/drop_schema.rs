//! `drop-schema`: dropping a schema (or a database) that running code may still use.

use crate::ast::{inner, object_type};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{DropBehavior, ObjectType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "drop-schema",
    severity: Severity::Warning,
    summary: "DROP SCHEMA or DROP DATABASE of an existing one breaks code that still uses it and loses what it holds",
};

/// See the module documentation.
pub(crate) struct DropSchema;

impl Rule for DropSchema {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        match stmt.node {
            NodeEnum::DropStmt(s) if object_type(s.remove_type) == ObjectType::ObjectSchema => {
                let cascade = s.behavior == DropBehavior::DropCascade as i32;
                for o in &s.objects {
                    let Some(NodeEnum::String(name)) = inner(o) else {
                        continue;
                    };
                    if scope.file.created_schemas.contains(&name.sval) {
                        continue;
                    }
                    let what = if cascade {
                        "and, with CASCADE, every table, view, function and type in it"
                    } else {
                        "(it must be empty, or the migration fails)"
                    };
                    out.push(
                        Violation::new(
                            &META,
                            stmt.span.clone(),
                            format!(
                                "dropping schema {} {what} is not backward compatible and cannot be undone: running code that uses it fails",
                                name.sval
                            ),
                        )
                        .help("stop using the schema in a release first; drop its objects one by one in later migrations, so each drop is a reviewed step"),
                    );
                }
            }
            NodeEnum::DropdbStmt(s) => out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "dropping database {} deletes everything in it for good, and cannot run inside a transaction block",
                        s.dbname
                    ),
                )
                .help("drop databases by hand, after a backup, rather than from a migration"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "drop-schema";

    #[test]
    fn flags_dropping_existing_schemas_and_databases() {
        flags(
            ID,
            &[
                "DROP SCHEMA reporting CASCADE;",
                "DROP SCHEMA IF EXISTS a, b;",
                "DROP DATABASE IF EXISTS analytics_old;",
            ],
        );
    }

    #[test]
    fn passes_schemas_created_here() {
        passes(
            ID,
            &[
                "CREATE SCHEMA scratch; CREATE TABLE scratch.t (a int); DROP SCHEMA scratch CASCADE;",
                "DROP TABLE reporting.daily;",
                "CREATE SCHEMA IF NOT EXISTS reporting;",
            ],
        );
    }
}
