//! `attach-partition-scan`: ATTACH PARTITION of an existing table with no validated CHECK
//! constraint to prove the partition bound, so PostgreSQL scans it.

use crate::ast::{cmd_type, cmds, inner, object_type, rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::{AlterTableType, ObjectType};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "attach-partition-scan",
    severity: Severity::Warning,
    summary: "ATTACH PARTITION of an existing table without a validated CHECK matching the bound scans it under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct AttachPartitionScan;

impl Rule for AttachPartitionScan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let NodeEnum::AlterTableStmt(s) = stmt.node else {
            return;
        };
        if object_type(s.objtype) != ObjectType::ObjectTable {
            return;
        }
        let Some(parent) = &s.relation else { return };
        for cmd in cmds(s) {
            if cmd_type(cmd) != AlterTableType::AtAttachPartition {
                continue;
            }
            let Some(NodeEnum::PartitionCmd(p)) = cmd.def.as_deref().and_then(inner) else {
                continue;
            };
            let Some(part) = &p.name else { continue };
            if scope.is_new(part) || has_validated_check(scope, &rel_key(part)) {
                continue;
            }
            let parent_lock = if scope.pg_version() >= 12 {
                "SHARE UPDATE EXCLUSIVE"
            } else {
                "ACCESS EXCLUSIVE"
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "ATTACH PARTITION reads every row of {} to prove the partition bound while holding an ACCESS EXCLUSIVE lock on it (and {parent_lock} on {}); a DEFAULT partition of {} is scanned too",
                        rel_name(part),
                        rel_name(parent),
                        rel_name(parent)
                    ),
                )
                .help(format!(
                    "first ADD a CHECK constraint on {} that matches the bound, NOT VALID, and VALIDATE it in a later transaction; ATTACH PARTITION then skips the scan (drop the CHECK afterwards)",
                    rel_name(part)
                )),
            );
        }
    }
}

/// Whether the table has a CHECK constraint known to be validated: added without `NOT VALID`
/// or validated by an earlier statement (this file's `VALIDATE CONSTRAINT` counts even when
/// the constraint was added by a migration the linter did not see).
fn has_validated_check(scope: &Scope<'_>, table: &str) -> bool {
    scope
        .catalog
        .tables
        .get(table)
        .is_some_and(|t| t.checks.iter().any(|c| c.validated))
        || scope.file.validated.contains_key(table)
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "attach-partition-scan";

    #[test]
    fn flags_attaching_an_unproven_table() {
        flags(
            ID,
            &[
                "ALTER TABLE m ATTACH PARTITION m_2024_01 FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');",
                "ALTER TABLE orders ATTACH PARTITION orders_other DEFAULT;",
                // A NOT VALID check that was never validated does not help.
                "-- strata:no-transaction\nALTER TABLE m_1 ADD CONSTRAINT b CHECK (k >= 1 AND k < 2) NOT VALID;\nALTER TABLE m ATTACH PARTITION m_1 FOR VALUES FROM (1) TO (2);",
            ],
        );
    }

    #[test]
    fn passes_new_or_proven_partitions() {
        passes(
            ID,
            &[
                "CREATE TABLE m_2025_03 (LIKE m); ALTER TABLE m ATTACH PARTITION m_2025_03 FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');",
                "-- strata:no-transaction\nALTER TABLE m_1 ADD CONSTRAINT b CHECK (k >= 1 AND k < 2) NOT VALID;\nALTER TABLE m_1 VALIDATE CONSTRAINT b;\nALTER TABLE m ATTACH PARTITION m_1 FOR VALUES FROM (1) TO (2);",
                "ALTER TABLE m_1 VALIDATE CONSTRAINT m_1_bound;\nALTER TABLE m ATTACH PARTITION m_1 FOR VALUES FROM (1) TO (2);",
                "CREATE TABLE IF NOT EXISTS m_2025_04 PARTITION OF m FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');",
                "ALTER INDEX m_idx ATTACH PARTITION m_1_idx;",
                "ALTER TABLE m DETACH PARTITION m_1;",
            ],
        );
    }
}
