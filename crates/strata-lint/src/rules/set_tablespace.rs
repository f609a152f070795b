//! `set-tablespace`: moving an existing table, index or materialized view to another
//! tablespace.

use crate::ast::{cmd_type, cmds, object_type, rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-tablespace",
    severity: Severity::Warning,
    summary: "SET TABLESPACE copies an existing table or index to the new tablespace under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct SetTablespace;

const HELP: &str = "create new tables and indexes in the right tablespace; to move one in use, build a copy there (CREATE INDEX CONCURRENTLY ... TABLESPACE for an index, a new table filled in batches for a table) and switch over, or run it in a maintenance window";

impl Rule for SetTablespace {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        match stmt.node {
            NodeEnum::AlterTableStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let kind = object_type(s.objtype);
                let (what, existing) = match kind {
                    ObjectType::ObjectTable => ("table", !scope.is_new(rv)),
                    ObjectType::ObjectMatview => ("materialized view", !scope.is_new(rv)),
                    ObjectType::ObjectIndex => ("index", !scope.is_new_index(&rel_key(rv))),
                    _ => return,
                };
                if !existing {
                    return;
                }
                for cmd in cmds(s) {
                    if cmd_type(cmd) != AlterTableType::AtSetTableSpace {
                        continue;
                    }
                    let blocked = if kind == ObjectType::ObjectIndex {
                        "writes to its table and queries that use the index wait"
                    } else {
                        "reads and writes wait"
                    };
                    out.push(
                        Violation::new(
                            &META,
                            stmt.span.clone(),
                            format!(
                                "SET TABLESPACE {} copies {what} {} file by file while holding an ACCESS EXCLUSIVE lock: {blocked} until the copy is done",
                                cmd.name,
                                rel_name(rv)
                            ),
                        )
                        .help(HELP),
                    );
                }
            }
            NodeEnum::AlterTableMoveAllStmt(s) => out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "moving everything in tablespace {} to {} copies each relation under an ACCESS EXCLUSIVE lock, one after another",
                        s.orig_tablespacename, s.new_tablespacename
                    ),
                )
                .help(HELP),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "set-tablespace";

    #[test]
    fn flags_moves_of_existing_relations() {
        flags(
            ID,
            &[
                "ALTER TABLE events SET TABLESPACE fast_ssd;",
                "ALTER TABLE IF EXISTS app.events SET TABLESPACE fast_ssd, SET (fillfactor = 90);",
                "ALTER INDEX events_at_idx SET TABLESPACE fast_ssd;",
                "ALTER MATERIALIZED VIEW totals SET TABLESPACE fast_ssd;",
                "ALTER TABLE ALL IN TABLESPACE old_disk SET TABLESPACE new_disk;",
            ],
        );
    }

    #[test]
    fn passes_new_relations_and_create_options() {
        passes(
            ID,
            &[
                "CREATE TABLE blobs (id bigint) TABLESPACE bulk;",
                "CREATE TABLE blobs (id bigint); ALTER TABLE blobs SET TABLESPACE bulk;",
                "CREATE TABLE blobs (id bigint); CREATE INDEX blobs_id ON blobs (id); ALTER INDEX blobs_id SET TABLESPACE bulk;",
                "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY events_at_idx2 ON events (at) TABLESPACE fast_ssd;",
                "ALTER TABLE events SET (fillfactor = 90);",
            ],
        );
    }
}
