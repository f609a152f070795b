//! Which table locks a statement takes on relations that existed before the file.

use crate::ast::{
    self, as_constraint, cmd_type, cmds, con_type, inner, names_key, object_type, rel_key, rel_name,
};
use crate::rule::Scope;
use pg_query::protobuf::{AlterTableType as At, ConstrType, ObjectType, RangeVar};
use pg_query::NodeEnum;

/// Table lock modes, weakest first (PostgreSQL's numbering).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Lock {
    ShareUpdateExclusive = 4,
    Share = 5,
    ShareRowExclusive = 6,
    Exclusive = 7,
    AccessExclusive = 8,
}

impl Lock {
    /// The name PostgreSQL uses.
    pub fn name(self) -> &'static str {
        match self {
            Lock::ShareUpdateExclusive => "SHARE UPDATE EXCLUSIVE",
            Lock::Share => "SHARE",
            Lock::ShareRowExclusive => "SHARE ROW EXCLUSIVE",
            Lock::Exclusive => "EXCLUSIVE",
            Lock::AccessExclusive => "ACCESS EXCLUSIVE",
        }
    }

    /// The name with its article: `an ACCESS EXCLUSIVE lock`, `a SHARE lock`.
    pub fn with_article(self) -> String {
        let article = if self.name().starts_with(['A', 'E']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {} lock", self.name())
    }

    /// What it blocks.
    pub fn blocks(self) -> &'static str {
        match self {
            Lock::AccessExclusive => "blocks reads and writes",
            Lock::ShareUpdateExclusive => "blocks other schema changes and VACUUM",
            _ => "blocks writes",
        }
    }

    /// From `LOCK TABLE`'s mode number.
    pub fn from_mode(mode: i32) -> Option<Lock> {
        Some(match mode {
            4 => Lock::ShareUpdateExclusive,
            5 => Lock::Share,
            6 => Lock::ShareRowExclusive,
            7 => Lock::Exclusive,
            8 => Lock::AccessExclusive,
            _ => return None,
        })
    }
}

/// A lock that blocks writes (or reads) on an existing relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blocking {
    /// The relation's key.
    pub key: String,
    /// Its name as written.
    pub name: String,
    /// The mode.
    pub lock: Lock,
}

/// The strongest write-blocking lock the statement takes on a relation that existed before
/// this file (`SHARE` or stronger), if any. System catalogs (`LOCK TABLE pg_catalog.pg_roles`
/// before a `CREATE ROLE`) are not the application's tables and do not count.
pub(crate) fn blocking(node: &NodeEnum, scope: &Scope<'_>) -> Option<Blocking> {
    let on = |rv: &Option<RangeVar>, lock: Lock| {
        let rv = rv.as_ref()?;
        (!scope.is_new(rv) && !scope.is_system_relation(rv)).then(|| Blocking {
            key: rel_key(rv),
            name: rel_name(rv),
            lock,
        })
    };
    let found = match node {
        NodeEnum::AlterTableStmt(s) => {
            let kind = object_type(s.objtype);
            if !matches!(kind, ObjectType::ObjectTable | ObjectType::ObjectMatview) {
                return None;
            }
            on(&s.relation, alter_table_lock(s)?)
        }
        NodeEnum::IndexStmt(s) if !s.concurrent => on(&s.relation, Lock::Share),
        NodeEnum::DropStmt(s) if !s.concurrent => {
            let kind = object_type(s.remove_type);
            s.objects.iter().find_map(|o| {
                let Some(NodeEnum::List(l)) = inner(o) else {
                    return None;
                };
                let key = names_key(&l.items);
                let existing = match kind {
                    ObjectType::ObjectTable | ObjectType::ObjectMatview => !scope.is_new_key(&key),
                    ObjectType::ObjectIndex => !scope.is_new_index(&key),
                    _ => false,
                };
                existing.then(|| Blocking {
                    name: ast::svals(&l.items).join("."),
                    key,
                    lock: Lock::AccessExclusive,
                })
            })
        }
        NodeEnum::TruncateStmt(s) => s.relations.iter().find_map(|r| match inner(r) {
            Some(NodeEnum::RangeVar(rv)) => on(&Some(rv.clone()), Lock::AccessExclusive),
            _ => None,
        }),
        NodeEnum::ReindexStmt(s) if !crate::rules::reindex_nonconcurrent::is_concurrent(s) => {
            on(&s.relation, Lock::Share)
        }
        NodeEnum::RefreshMatViewStmt(s) if !s.concurrent => on(&s.relation, Lock::AccessExclusive),
        NodeEnum::VacuumStmt(s) if crate::rules::vacuum_full::is_full(s) => {
            s.rels.iter().find_map(|r| match inner(r) {
                Some(NodeEnum::VacuumRelation(v)) => on(&v.relation, Lock::AccessExclusive),
                _ => None,
            })
        }
        NodeEnum::ClusterStmt(s) => on(&s.relation, Lock::AccessExclusive),
        NodeEnum::LockStmt(s) => {
            let lock = Lock::from_mode(s.mode).filter(|l| *l >= Lock::Share)?;
            s.relations.iter().find_map(|r| match inner(r) {
                Some(NodeEnum::RangeVar(rv)) => on(&Some(rv.clone()), lock),
                _ => None,
            })
        }
        NodeEnum::CreateTrigStmt(s) => on(&s.relation, Lock::ShareRowExclusive),
        NodeEnum::CreatePolicyStmt(s) => on(&s.table, Lock::AccessExclusive),
        NodeEnum::AlterPolicyStmt(s) => on(&s.table, Lock::AccessExclusive),
        NodeEnum::RenameStmt(s) => {
            let kind = object_type(s.rename_type);
            if matches!(
                kind,
                ObjectType::ObjectTable
                    | ObjectType::ObjectColumn
                    | ObjectType::ObjectTabconstraint
            ) {
                on(&s.relation, Lock::AccessExclusive)
            } else {
                None
            }
        }
        NodeEnum::CreateStmt(s) => s.table_elts.iter().find_map(|e| {
            let refs = |c: &pg_query::protobuf::Constraint| {
                (con_type(c) == ConstrType::ConstrForeign)
                    .then(|| on(&c.pktable, Lock::ShareRowExclusive))
                    .flatten()
            };
            match inner(e) {
                Some(NodeEnum::Constraint(c)) => refs(c),
                Some(NodeEnum::ColumnDef(col)) => col
                    .constraints
                    .iter()
                    .filter_map(as_constraint)
                    .find_map(refs),
                _ => None,
            }
        }),
        _ => None,
    };
    found.filter(|b| b.lock >= Lock::Share)
}

/// The lock an `ALTER TABLE` takes: the strongest over its subcommands.
fn alter_table_lock(s: &pg_query::protobuf::AlterTableStmt) -> Option<Lock> {
    cmds(s)
        .map(|c| match cmd_type(c) {
            At::AtValidateConstraint
            | At::AtSetStatistics
            | At::AtClusterOn
            | At::AtDropCluster
            | At::AtAttachPartition
            | At::AtDetachPartitionFinalize => Lock::ShareUpdateExclusive,
            At::AtDetachPartition => match c.def.as_deref().and_then(inner) {
                Some(NodeEnum::PartitionCmd(p)) if p.concurrent => Lock::ShareUpdateExclusive,
                _ => Lock::AccessExclusive,
            },
            At::AtAddConstraint
                if ast::added_constraint(c)
                    .is_some_and(|k| con_type(k) == ConstrType::ConstrForeign) =>
            {
                Lock::ShareRowExclusive
            }
            At::AtEnableTrig
            | At::AtEnableAlwaysTrig
            | At::AtEnableReplicaTrig
            | At::AtDisableTrig
            | At::AtEnableTrigAll
            | At::AtDisableTrigAll
            | At::AtEnableTrigUser
            | At::AtDisableTrigUser => Lock::ShareRowExclusive,
            _ => Lock::AccessExclusive,
        })
        .max()
}
