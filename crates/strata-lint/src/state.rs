//! The state of a file as its statements run: transactions, what it created, `lock_timeout`,
//! and the catalog it teaches.

use crate::ast::{
    self, added_column, added_constraint, as_column, as_constraint, cmd_type, cmds, con_type,
    inner, is_temp, key, names_key, not_null_check_column, object_type, rel_key, rel_name, sval,
};
use crate::catalog::{Catalog, Check};
use crate::locks::Blocking;
use crate::rule::Statement;
use crate::types::ColType;
use pg_query::protobuf::{
    AlterTableType as At, ColumnDef, ConstrType, ObjectType, TransactionStmtKind as Tx,
    VariableSetKind,
};
use pg_query::NodeEnum;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Per-file state, updated after each statement.
#[derive(Debug, Default)]
pub(crate) struct FileState {
    /// The runner wraps the file in one transaction.
    pub transactional: bool,
    /// Statements (and rejected stretches) seen so far.
    pub items: usize,
    /// Every statement so far is one that cannot run inside a transaction block.
    pub only_outside_tx: bool,
    /// Transaction control in a transactional file: item, span, what it is. A `BEGIN` first and
    /// a `COMMIT` last wrap the file (strata replaces them by its own transaction).
    pub tx_control: Vec<(usize, Range<usize>, Tx)>,
    /// Inside a transaction block now.
    pub in_tx: bool,
    /// Number of the current transaction (each autocommitted statement gets its own).
    pub tx: u32,
    /// An explicit `BEGIN` still open in a file without strata's transaction: item and span.
    pub begin: Option<(usize, Range<usize>)>,
    /// Relations created in this file -> the transaction that created them.
    pub created: HashMap<String, u32>,
    /// Temporary relations.
    pub temp: HashSet<String>,
    /// Indexes created in this file.
    pub created_indexes: HashSet<String>,
    /// Types (enums, domains, composite and range types) created in this file -> transaction.
    pub created_types: HashMap<String, u32>,
    /// Schemas created in this file.
    pub created_schemas: HashSet<String>,
    /// Constraints validated in this file (`VALIDATE CONSTRAINT`): table key -> names, in
    /// order.
    pub validated: HashMap<String, Vec<String>>,
    /// `SET lock_timeout` for the session.
    pub session_lock_timeout: bool,
    /// `SET LOCAL lock_timeout` in this transaction.
    pub local_lock_timeout_tx: Option<u32>,
    /// A statement already took a blocking lock with no `lock_timeout` in effect.
    pub blocking_seen: bool,
    /// Constraints added `NOT VALID` in this file: table key -> name and transaction.
    pub not_valid: HashMap<String, Vec<(String, u32)>>,
    /// Enum values added by the latest transaction that added any: value, type key,
    /// transaction.
    pub enum_values: Vec<(String, String, u32)>,
    /// The first blocking DDL on an existing table in the current transaction.
    pub tx_ddl: Option<(u32, Blocking)>,
    /// The write-blocking locks taken on existing tables in the current transaction block:
    /// the transaction, and table key -> the first such lock.
    pub tx_locks: (u32, HashMap<String, Blocking>),
    /// The first backfill of an existing table in the current transaction: its table.
    pub tx_backfill: Option<(u32, String)>,
    /// `ENABLE ROW LEVEL SECURITY`: table key, name, item, span.
    pub rls_enabled: Vec<(String, String, usize, Range<usize>)>,
}

/// What the rules' pass worked out about a statement, for the state to record.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    /// The write-blocking lock it takes on an existing table.
    pub blocking: Option<Blocking>,
    /// The existing table it backfills (UPDATE, DELETE, INSERT ... SELECT).
    pub backfill: Option<String>,
}

impl FileState {
    /// The state before the first statement.
    pub fn new(transactional: bool) -> FileState {
        FileState {
            transactional,
            in_tx: transactional,
            only_outside_tx: true,
            ..FileState::default()
        }
    }

    /// Whether a `lock_timeout` set by the file is in effect.
    pub fn lock_timeout_in_effect(&self) -> bool {
        self.session_lock_timeout || (self.in_tx && self.local_lock_timeout_tx == Some(self.tx))
    }

    /// Records the effects of a statement.
    pub fn apply(&mut self, stmt: &Statement<'_>, facts: Facts, catalog: &mut Catalog) {
        if let Some(b) = facts.blocking {
            if !self.lock_timeout_in_effect() {
                self.blocking_seen = true;
            }
            if self.in_tx {
                if self.tx_locks.0 != self.tx {
                    self.tx_locks = (self.tx, HashMap::new());
                }
                self.tx_locks
                    .1
                    .entry(b.key.clone())
                    .or_insert_with(|| b.clone());
            }
            if self.in_tx && self.tx_ddl.as_ref().is_none_or(|(tx, _)| *tx != self.tx) {
                self.tx_ddl = Some((self.tx, b));
            }
        }
        if let Some(table) = facts.backfill {
            if self.in_tx
                && self
                    .tx_backfill
                    .as_ref()
                    .is_none_or(|(tx, _)| *tx != self.tx)
            {
                self.tx_backfill = Some((self.tx, table));
            }
        }
        match stmt.node {
            NodeEnum::TransactionStmt(t) => {
                self.transaction(Tx::try_from(t.kind).unwrap_or(Tx::Undefined), stmt);
                return;
            }
            NodeEnum::VariableSetStmt(v) if v.name == "lock_timeout" => {
                let kind = VariableSetKind::try_from(v.kind).unwrap_or(VariableSetKind::Undefined);
                let on = kind == VariableSetKind::VarSetValue && !is_zero(&v.args);
                if v.is_local {
                    if self.in_tx {
                        self.local_lock_timeout_tx = on.then_some(self.tx);
                    }
                } else {
                    self.session_lock_timeout = on;
                }
            }
            NodeEnum::VariableSetStmt(v) if v.kind == VariableSetKind::VarResetAll as i32 => {
                self.session_lock_timeout = false;
            }
            NodeEnum::SelectStmt(s) => self.set_config(s),
            _ => {}
        }
        self.learn(stmt, catalog);
        if !self.in_tx {
            self.tx += 1;
        }
    }

    fn transaction(&mut self, kind: Tx, stmt: &Statement<'_>) {
        if self.transactional {
            if matches!(
                kind,
                Tx::TransStmtBegin
                    | Tx::TransStmtStart
                    | Tx::TransStmtCommit
                    | Tx::TransStmtRollback
                    | Tx::TransStmtPrepare
            ) {
                self.tx_control.push((stmt.index, stmt.span.clone(), kind));
            }
            return;
        }
        match kind {
            Tx::TransStmtBegin | Tx::TransStmtStart if !self.in_tx => {
                self.in_tx = true;
                self.tx += 1;
                self.begin = Some((stmt.index, stmt.span.clone()));
            }
            Tx::TransStmtCommit | Tx::TransStmtRollback | Tx::TransStmtPrepare if self.in_tx => {
                self.in_tx = false;
                self.tx += 1;
                self.begin = None;
                self.local_lock_timeout_tx = None;
            }
            _ => {}
        }
    }

    /// `SELECT set_config('lock_timeout', '5s', is_local)`.
    fn set_config(&mut self, s: &pg_query::protobuf::SelectStmt) {
        for t in &s.target_list {
            let Some(NodeEnum::ResTarget(r)) = inner(t) else {
                continue;
            };
            let Some(NodeEnum::FuncCall(f)) = r.val.as_deref().and_then(inner) else {
                continue;
            };
            if ast::svals(&f.funcname).last() != Some(&"set_config") || f.args.len() != 3 {
                continue;
            }
            if const_text(&f.args[0]).as_deref() != Some("lock_timeout") {
                continue;
            }
            let on = !is_zero(&f.args[1..2]);
            let local = const_text(&f.args[2]).is_some_and(|t| t == "true" || t == "t");
            if local {
                if self.in_tx {
                    self.local_lock_timeout_tx = on.then_some(self.tx);
                }
            } else {
                self.session_lock_timeout = on;
            }
        }
    }

    /// Records created, renamed and dropped objects, in the file's state and the catalog.
    fn learn(&mut self, stmt: &Statement<'_>, catalog: &mut Catalog) {
        let tx = self.tx;
        match stmt.node {
            NodeEnum::CreateStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let k = rel_key(rv);
                self.created.insert(k.clone(), tx);
                if is_temp(rv) {
                    self.temp.insert(k.clone());
                }
                if s.if_not_exists && catalog.has_table(&k) {
                    return;
                }
                let table = catalog.table_mut(&k);
                *table = Default::default();
                for e in &s.table_elts {
                    if let Some(col) = as_column(e) {
                        learn_column(table, col);
                    } else if let Some(c) = as_constraint(e) {
                        if con_type(c) == ConstrType::ConstrCheck {
                            table.checks.push(check(c));
                        }
                    }
                }
            }
            NodeEnum::CreateTableAsStmt(s) => {
                let Some(rv) = s.into.as_ref().and_then(|i| i.rel.as_ref()) else {
                    return;
                };
                self.created.insert(rel_key(rv), tx);
                if is_temp(rv) {
                    self.temp.insert(rel_key(rv));
                }
                catalog.table_mut(&rel_key(rv));
            }
            NodeEnum::SelectStmt(s) => {
                if let Some(rv) = s.into_clause.as_ref().and_then(|i| i.rel.as_ref()) {
                    self.created.insert(rel_key(rv), tx);
                    catalog.table_mut(&rel_key(rv));
                }
            }
            NodeEnum::ViewStmt(s) => {
                if let Some(rv) = &s.view {
                    if !s.replace || !catalog.has_table(&rel_key(rv)) {
                        self.created.insert(rel_key(rv), tx);
                    }
                    catalog.table_mut(&rel_key(rv));
                }
            }
            NodeEnum::IndexStmt(s) => {
                let Some(rv) = &s.relation else { return };
                if !s.idxname.is_empty() {
                    let k = key(&rv.schemaname, &s.idxname);
                    self.created_indexes.insert(k.clone());
                    catalog.indexes.insert(k, rel_key(rv));
                }
            }
            NodeEnum::AlterTableStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let k = rel_key(rv);
                for c in cmds(s) {
                    self.learn_alter(&k, rv, c, stmt, catalog);
                }
            }
            NodeEnum::RenameStmt(s) => {
                let Some(rv) = &s.relation else { return };
                let from = rel_key(rv);
                match object_type(s.rename_type) {
                    ObjectType::ObjectTable
                    | ObjectType::ObjectView
                    | ObjectType::ObjectMatview => {
                        let to = key(&rv.schemaname, &s.newname);
                        catalog.rename_table(&from, to.clone());
                        if let Some(t) = self.created.remove(&from) {
                            self.created.insert(to.clone(), t);
                        }
                        if self.temp.remove(&from) {
                            self.temp.insert(to);
                        }
                    }
                    ObjectType::ObjectColumn => {
                        let table = catalog.table_mut(&from);
                        if let Some(t) = table.columns.remove(&s.subname) {
                            table.columns.insert(s.newname.clone(), t);
                        }
                    }
                    ObjectType::ObjectIndex => {
                        let to = key(&rv.schemaname, &s.newname);
                        if let Some(t) = catalog.indexes.remove(&from) {
                            catalog.indexes.insert(to.clone(), t);
                        }
                        if self.created_indexes.remove(&from) {
                            self.created_indexes.insert(to);
                        }
                    }
                    _ => {}
                }
            }
            NodeEnum::DropStmt(s) => {
                let kind = object_type(s.remove_type);
                for o in &s.objects {
                    let Some(NodeEnum::List(l)) = inner(o) else {
                        continue;
                    };
                    let k = names_key(&l.items);
                    match kind {
                        ObjectType::ObjectTable
                        | ObjectType::ObjectView
                        | ObjectType::ObjectMatview => catalog.drop_table(&k),
                        ObjectType::ObjectIndex => {
                            catalog.indexes.remove(&k);
                        }
                        _ => {}
                    }
                }
            }
            NodeEnum::CreatePolicyStmt(s) => {
                if let Some(rv) = &s.table {
                    catalog.table_mut(&rel_key(rv)).policies += 1;
                }
            }
            NodeEnum::CreateEnumStmt(s) => {
                let k = names_key(&s.type_name);
                self.created_types.insert(k.clone(), tx);
                catalog.enums.insert(k);
            }
            NodeEnum::CreateDomainStmt(s) => {
                self.created_types.insert(names_key(&s.domainname), tx);
            }
            NodeEnum::CreateRangeStmt(s) => {
                self.created_types.insert(names_key(&s.type_name), tx);
            }
            NodeEnum::CompositeTypeStmt(s) => {
                if let Some(rv) = &s.typevar {
                    self.created_types.insert(rel_key(rv), tx);
                }
            }
            NodeEnum::CreateSchemaStmt(s) => {
                self.created_schemas.insert(s.schemaname.clone());
            }
            NodeEnum::AlterEnumStmt(s) if !s.new_val.is_empty() && s.old_val.is_empty() => {
                // Only values added in the current transaction matter (to the rule that looks
                // for their use before COMMIT): drop the others rather than skip them on every
                // later statement.
                self.enum_values.retain(|(_, _, t)| *t == tx);
                self.enum_values
                    .push((s.new_val.clone(), names_key(&s.type_name), tx));
            }
            NodeEnum::CreateFunctionStmt(f) => {
                let volatile = !f.options.iter().any(|o| match inner(o) {
                    Some(NodeEnum::DefElem(d)) if d.defname == "volatility" => d
                        .arg
                        .as_deref()
                        .and_then(sval)
                        .is_some_and(|v| v != "volatile"),
                    _ => false,
                });
                let parts = ast::svals(&f.funcname);
                catalog.functions.insert(parts.join("."), volatile);
                if let Some(last) = parts.last() {
                    catalog.functions.insert(last.to_string(), volatile);
                }
            }
            _ => {}
        }
    }

    fn learn_alter(
        &mut self,
        k: &str,
        rv: &pg_query::protobuf::RangeVar,
        c: &pg_query::protobuf::AlterTableCmd,
        stmt: &Statement<'_>,
        catalog: &mut Catalog,
    ) {
        let tx = self.tx;
        if let Some(col) = added_column(c) {
            learn_column(catalog.table_mut(k), col);
            return;
        }
        if let Some(con) = added_constraint(c) {
            if con.skip_validation {
                self.not_valid
                    .entry(k.to_string())
                    .or_default()
                    .push((con.conname.clone(), tx));
            }
            if con_type(con) == ConstrType::ConstrCheck {
                catalog.table_mut(k).checks.push(check(con));
            }
            return;
        }
        match cmd_type(c) {
            At::AtAlterColumnType => {
                if let Some(t) = c
                    .def
                    .as_deref()
                    .and_then(as_column)
                    .and_then(|d| d.type_name.as_ref())
                {
                    catalog
                        .table_mut(k)
                        .columns
                        .insert(c.name.clone(), ColType::from_type_name(t));
                }
            }
            At::AtDropColumn => {
                catalog.table_mut(k).columns.remove(&c.name);
            }
            At::AtValidateConstraint => {
                self.validated
                    .entry(k.to_string())
                    .or_default()
                    .push(c.name.clone());
                for check in &mut catalog.table_mut(k).checks {
                    if check.name == c.name {
                        check.validated = true;
                    }
                }
            }
            At::AtDropConstraint => {
                catalog.table_mut(k).checks.retain(|x| x.name != c.name);
            }
            At::AtEnableRowSecurity | At::AtForceRowSecurity => {
                self.rls_enabled
                    .push((k.to_string(), rel_name(rv), stmt.index, stmt.span.clone()));
            }
            _ => {}
        }
    }
}

/// Records a column definition (type and inline CHECK constraints).
fn learn_column(table: &mut crate::catalog::Table, col: &ColumnDef) {
    if let Some(t) = &col.type_name {
        table
            .columns
            .insert(col.colname.clone(), ColType::from_type_name(t));
    }
    for c in col.constraints.iter().filter_map(as_constraint) {
        if con_type(c) == ConstrType::ConstrCheck {
            table.checks.push(check(c));
        }
    }
}

fn check(c: &pg_query::protobuf::Constraint) -> Check {
    Check {
        name: c.conname.clone(),
        not_null_column: not_null_check_column(c),
        validated: !c.skip_validation,
    }
}

/// A constant's text (strings, numbers, booleans).
pub(crate) fn const_text(n: &pg_query::Node) -> Option<String> {
    use pg_query::protobuf::a_const::Val;
    match inner(n)? {
        NodeEnum::AConst(c) => match c.val.as_ref()? {
            Val::Sval(s) => Some(s.sval.clone()),
            Val::Ival(i) => Some(i.ival.to_string()),
            Val::Fval(f) => Some(f.fval.clone()),
            Val::Boolval(b) => Some(b.boolval.to_string()),
            Val::Bsval(b) => Some(b.bsval.clone()),
        },
        NodeEnum::TypeCast(c) => const_text(c.arg.as_deref()?),
        NodeEnum::String(s) => Some(s.sval.clone()),
        NodeEnum::Integer(i) => Some(i.ival.to_string()),
        NodeEnum::Boolean(b) => Some(b.boolval.to_string()),
        _ => None,
    }
}

/// Whether a setting's value is zero (`0`, `'0'`, `'0s'`, `'0ms'`): the timeout is off.
fn is_zero(args: &[pg_query::Node]) -> bool {
    args.first()
        .and_then(const_text)
        .is_some_and(|t| t.trim_end_matches(|c: char| c.is_ascii_alphabetic()).trim() == "0")
}
