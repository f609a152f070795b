//! Small accessors over `pg_query`'s parse tree, so rules read like the SQL they look for.

use pg_query::protobuf::{
    AlterTableCmd, AlterTableStmt, AlterTableType, ColumnDef, ConstrType, Constraint, ObjectType,
    RangeVar,
};
use pg_query::{Node, NodeEnum};

/// The inner enum of a node.
pub(crate) fn inner(node: &Node) -> Option<&NodeEnum> {
    node.node.as_ref()
}

/// The text of a `String` node.
pub(crate) fn sval(node: &Node) -> Option<&str> {
    match inner(node) {
        Some(NodeEnum::String(s)) => Some(&s.sval),
        _ => None,
    }
}

/// The texts of a list of `String` nodes (a qualified name), skipping anything else.
pub(crate) fn svals(nodes: &[Node]) -> Vec<&str> {
    nodes.iter().filter_map(sval).collect()
}

/// The key of an object: `name` in `public` or with no schema, else `schema.name`.
pub(crate) fn key(schema: &str, name: &str) -> String {
    if schema.is_empty() || schema == "public" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// The key of a qualified name given as a list (`["s", "t"]` or `["t"]`; a leading catalog is
/// ignored).
pub(crate) fn names_key(nodes: &[Node]) -> String {
    let parts = svals(nodes);
    match parts.as_slice() {
        [] => String::new(),
        [name] => key("", name),
        [.., schema, name] => key(schema, name),
    }
}

/// The key of a relation.
pub(crate) fn rel_key(rv: &RangeVar) -> String {
    key(&rv.schemaname, &rv.relname)
}

/// The name as written (for messages): `schema.name` or `name`.
pub(crate) fn rel_name(rv: &RangeVar) -> String {
    if rv.schemaname.is_empty() {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}

/// Whether the relation is temporary (`CREATE TEMP TABLE`, `pg_temp.x`).
pub(crate) fn is_temp(rv: &RangeVar) -> bool {
    rv.relpersistence == "t" || rv.schemaname.eq_ignore_ascii_case("pg_temp")
}

/// The subcommands of an `ALTER TABLE`.
pub(crate) fn cmds(stmt: &AlterTableStmt) -> impl Iterator<Item = &AlterTableCmd> {
    stmt.cmds.iter().filter_map(|n| match inner(n) {
        Some(NodeEnum::AlterTableCmd(c)) => Some(&**c),
        _ => None,
    })
}

/// The kind of an `ALTER TABLE` subcommand.
pub(crate) fn cmd_type(cmd: &AlterTableCmd) -> AlterTableType {
    AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined)
}

/// The object kind of an `ALTER TABLE` (`ALTER INDEX`, `ALTER MATERIALIZED VIEW`, ...).
pub(crate) fn object_type(value: i32) -> ObjectType {
    ObjectType::try_from(value).unwrap_or(ObjectType::Undefined)
}

/// A `Constraint` node.
pub(crate) fn as_constraint(node: &Node) -> Option<&Constraint> {
    match inner(node) {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }
}

/// A `ColumnDef` node.
pub(crate) fn as_column(node: &Node) -> Option<&ColumnDef> {
    match inner(node) {
        Some(NodeEnum::ColumnDef(c)) => Some(c),
        _ => None,
    }
}

/// The kind of a constraint.
pub(crate) fn con_type(c: &Constraint) -> ConstrType {
    ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined)
}

/// The constraint an `ALTER TABLE ... ADD CONSTRAINT` adds.
pub(crate) fn added_constraint(cmd: &AlterTableCmd) -> Option<&Constraint> {
    if cmd_type(cmd) != AlterTableType::AtAddConstraint {
        return None;
    }
    cmd.def.as_deref().and_then(as_constraint)
}

/// The column an `ALTER TABLE ... ADD COLUMN` adds.
pub(crate) fn added_column(cmd: &AlterTableCmd) -> Option<&ColumnDef> {
    if cmd_type(cmd) != AlterTableType::AtAddColumn {
        return None;
    }
    cmd.def.as_deref().and_then(as_column)
}

/// The column-level constraints of a column definition.
pub(crate) fn column_constraints(col: &ColumnDef) -> impl Iterator<Item = &Constraint> {
    col.constraints.iter().filter_map(as_constraint)
}

/// The column a CHECK expression `col IS NOT NULL` asserts, if it is exactly that.
pub(crate) fn not_null_check_column(c: &Constraint) -> Option<String> {
    let expr = c.raw_expr.as_deref()?;
    let Some(NodeEnum::NullTest(t)) = inner(expr) else {
        return None;
    };
    if t.nulltesttype != pg_query::protobuf::NullTestType::IsNotNull as i32 {
        return None;
    }
    let Some(NodeEnum::ColumnRef(c)) = inner(t.arg.as_deref()?) else {
        return None;
    };
    svals(&c.fields).last().map(|s| s.to_string())
}

/// The column names listed in a node list (`String` nodes or `IndexElem`s).
pub(crate) fn column_names(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match inner(n) {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            Some(NodeEnum::IndexElem(e)) if !e.name.is_empty() => Some(e.name.clone()),
            _ => None,
        })
        .collect()
}

/// Converts a parse-tree location (relative to `base`) to a byte offset in the file.
pub(crate) fn offset(base: usize, location: i32) -> Option<usize> {
    usize::try_from(location).ok().map(|l| base + l)
}
