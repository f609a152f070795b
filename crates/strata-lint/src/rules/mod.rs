//! The rules, one module each, and the one list that registers them.
//!
//! A rule's module is named after its id (`create-index-nonconcurrent` lives in
//! `create_index_nonconcurrent.rs`), declares a `META` with its id, level and summary, and tests
//! a failing and a passing lookalike. A unit test below checks that every module here is
//! registered in [`all`] and has its page in `docs/rules/<id>.md`.

use crate::ast::{added_column, cmd_type, cmds, object_type};
use crate::rule::{Rule, Scope, Statement};
use pg_query::protobuf::{AlterTableStmt, AlterTableType, ColumnDef, ObjectType, RangeVar};
use pg_query::NodeEnum;

pub(crate) mod add_column_check_scan;
pub(crate) mod add_column_not_null;
pub(crate) mod add_column_rewrite;
pub(crate) mod attach_partition_scan;
pub(crate) mod avoid_char_type;
pub(crate) mod backfill_in_ddl_transaction;
pub(crate) mod cluster_table;
pub(crate) mod column_type_rewrite;
pub(crate) mod concurrently_in_transaction;
pub(crate) mod constraint_without_not_valid;
pub(crate) mod create_index_nonconcurrent;
pub(crate) mod domain_constraint_without_not_valid;
pub(crate) mod drop_column;
pub(crate) mod drop_index_nonconcurrent;
pub(crate) mod drop_schema;
pub(crate) mod drop_table;
pub(crate) mod drop_type;
pub(crate) mod enum_value_in_transaction;
pub(crate) mod enum_value_used_in_transaction;
pub(crate) mod exclusion_constraint;
pub(crate) mod identifier_too_long;
pub(crate) mod lock_table;
pub(crate) mod missing_lock_timeout;
pub(crate) mod prefer_bigint_key;
pub(crate) mod prefer_identity;
pub(crate) mod prefer_text;
pub(crate) mod prefer_timestamptz;
pub(crate) mod refresh_matview_nonconcurrent;
pub(crate) mod reindex_nonconcurrent;
pub(crate) mod rename_column;
pub(crate) mod rename_table;
pub(crate) mod rls_without_policy;
pub(crate) mod set_access_method;
pub(crate) mod set_local_outside_transaction;
pub(crate) mod set_not_null_scan;
pub(crate) mod set_tablespace;
pub(crate) mod set_unlogged;
pub(crate) mod syntax_error;
pub(crate) mod transaction_nesting;
pub(crate) mod truncate_table;
pub(crate) mod unbatched_backfill;
pub(crate) mod unique_without_index;
pub(crate) mod vacuum_full;
pub(crate) mod validate_in_same_transaction;

/// Every rule, in the order their findings are produced for one statement.
static RULES: &[&dyn Rule] = &[
    &syntax_error::SyntaxError,
    &transaction_nesting::TransactionNesting,
    &concurrently_in_transaction::ConcurrentlyInTransaction,
    &set_local_outside_transaction::SetLocalOutsideTransaction,
    &missing_lock_timeout::MissingLockTimeout,
    &create_index_nonconcurrent::CreateIndexNonconcurrent,
    &drop_index_nonconcurrent::DropIndexNonconcurrent,
    &reindex_nonconcurrent::ReindexNonconcurrent,
    &constraint_without_not_valid::ConstraintWithoutNotValid,
    &validate_in_same_transaction::ValidateInSameTransaction,
    &set_not_null_scan::SetNotNullScan,
    &unique_without_index::UniqueWithoutIndex,
    &exclusion_constraint::ExclusionConstraint,
    &attach_partition_scan::AttachPartitionScan,
    &domain_constraint_without_not_valid::DomainConstraintWithoutNotValid,
    &add_column_rewrite::AddColumnRewrite,
    &add_column_check_scan::AddColumnCheckScan,
    &add_column_not_null::AddColumnNotNull,
    &column_type_rewrite::ColumnTypeRewrite,
    &drop_column::DropColumn,
    &drop_table::DropTable,
    &drop_schema::DropSchema,
    &drop_type::DropType,
    &truncate_table::TruncateTable,
    &rename_table::RenameTable,
    &rename_column::RenameColumn,
    &unbatched_backfill::UnbatchedBackfill,
    &backfill_in_ddl_transaction::BackfillInDdlTransaction,
    &enum_value_in_transaction::EnumValueInTransaction,
    &enum_value_used_in_transaction::EnumValueUsedInTransaction,
    &rls_without_policy::RlsWithoutPolicy,
    &refresh_matview_nonconcurrent::RefreshMatviewNonconcurrent,
    &vacuum_full::VacuumFull,
    &cluster_table::ClusterTable,
    &lock_table::LockTable,
    &set_unlogged::SetUnlogged,
    &set_tablespace::SetTablespace,
    &set_access_method::SetAccessMethod,
    &identifier_too_long::IdentifierTooLong,
    &prefer_timestamptz::PreferTimestamptz,
    &prefer_identity::PreferIdentity,
    &prefer_text::PreferText,
    &prefer_bigint_key::PreferBigintKey,
    &avoid_char_type::AvoidCharType,
];

/// Every rule.
pub fn all() -> &'static [&'static dyn Rule] {
    RULES
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

/// An `ALTER TABLE` on a table that existed before this file (not created in it, not
/// temporary).
pub(crate) fn alter_existing<'a>(
    stmt: &Statement<'a>,
    scope: &Scope<'_>,
) -> Option<(&'a AlterTableStmt, &'a RangeVar)> {
    let NodeEnum::AlterTableStmt(s) = stmt.node else {
        return None;
    };
    if object_type(s.objtype) != ObjectType::ObjectTable {
        return None;
    }
    let rv = s.relation.as_ref()?;
    (!scope.is_new(rv)).then_some((s, rv))
}

/// Where a column definition appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnSite {
    /// In `CREATE TABLE`.
    Create,
    /// `ALTER TABLE ... ADD COLUMN`.
    Add,
    /// `ALTER TABLE ... ALTER COLUMN ... TYPE`.
    AlterType,
}

/// A column a statement defines or retypes: its name, definition, where, and a tree location
/// to point at.
pub(crate) struct ColumnDefinition<'a> {
    pub name: &'a str,
    pub def: &'a ColumnDef,
    pub site: ColumnSite,
    pub location: i32,
}

/// The columns a statement defines or retypes that name a type, with that type parsed: what the
/// type-advice rules (`prefer-*`, `avoid-char-type`) look at.
pub(crate) fn typed_columns(
    node: &NodeEnum,
) -> impl Iterator<Item = (ColumnDefinition<'_>, crate::types::ColType)> {
    column_definitions(node).into_iter().filter_map(|col| {
        let t = crate::types::ColType::from_type_name(col.def.type_name.as_ref()?);
        Some((col, t))
    })
}

/// The columns a statement defines (`CREATE TABLE`, `ADD COLUMN`) or retypes.
pub(crate) fn column_definitions(node: &NodeEnum) -> Vec<ColumnDefinition<'_>> {
    match node {
        NodeEnum::CreateStmt(s) => s
            .table_elts
            .iter()
            .filter_map(crate::ast::as_column)
            .map(|def| ColumnDefinition {
                name: &def.colname,
                def,
                site: ColumnSite::Create,
                location: def.location,
            })
            .collect(),
        NodeEnum::AlterTableStmt(s) => cmds(s)
            .filter_map(|c| {
                if let Some(def) = added_column(c) {
                    return Some(ColumnDefinition {
                        name: &def.colname,
                        def,
                        site: ColumnSite::Add,
                        location: def.location,
                    });
                }
                if cmd_type(c) != AlterTableType::AtAlterColumnType {
                    return None;
                }
                let def = c.def.as_deref().and_then(crate::ast::as_column)?;
                Some(ColumnDefinition {
                    name: &c.name,
                    def,
                    site: ColumnSite::AlterType,
                    location: def.type_name.as_ref().map_or(-1, |t| t.location),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    #[test]
    fn every_rule_file_is_registered_and_documented() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = HashSet::new();
        for entry in std::fs::read_dir(root.join("src/rules")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = name.strip_suffix(".rs").filter(|s| *s != "mod") {
                files.insert(stem.replace('_', "-"));
            }
        }
        let ids: Vec<&str> = all().iter().map(|r| r.meta().id).collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate rule ids");
        for file in &files {
            assert!(
                unique.contains(file.as_str()),
                "src/rules/{}.rs is not registered in RULES",
                file.replace('-', "_")
            );
        }
        let docs = root.join("../../docs/rules");
        for id in &ids {
            assert!(files.contains(*id), "rule {id} has no file of its own");
            assert!(
                docs.join(format!("{id}.md")).is_file(),
                "rule {id} has no page docs/rules/{id}.md"
            );
            let meta = find(id).unwrap().meta();
            assert!(!meta.summary.is_empty() && !meta.summary.ends_with('.'));
        }
    }
}
