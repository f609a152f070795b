//! Table constraints: primary keys, unique, check, exclusion and foreign keys.

use super::sql::{column_names, comment};
use super::tables::table_condition;
use super::{bad_row, Ctx, Row};
use std::collections::HashMap;
use strata_core::DriverError;
use strata_schema::{Constraint, ConstraintKind, FkAction, ForeignKey, QualifiedName, Schema};

/// Constraints defined on the table itself: those a partition or child table inherits
/// (`conislocal` false) or that were cloned from a partitioned table's (`conparentid`) are
/// the parent's.
pub(crate) fn sql(ctx: &Ctx) -> String {
    let nulls = if ctx.version >= 150000 {
        "(SELECT ix.indnullsnotdistinct FROM pg_index ix WHERE ix.indexrelid = con.conindid)"
    } else {
        "false"
    };
    format!(
        "SELECT n.nspname, c.relname, con.conname, con.contype, con.condeferrable, \
         con.condeferred, con.convalidated, {keys}, \
         (SELECT {include} FROM pg_index ix WHERE ix.indexrelid = con.conindid), \
         {nulls}, pg_get_expr(con.conbin, con.conrelid), con.connoinherit, \
         CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END, \
         fn.nspname, fc.relname, {fkeys}, con.confupdtype, con.confdeltype, con.confmatchtype, \
         {comment} \
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid \
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         WHERE con.contype IN ('p', 'u', 'c', 'x', 'f') AND con.conislocal \
         AND con.conparentid = 0 AND {cond} ORDER BY 1, 2, 3",
        keys = column_names("con.conrelid", "con.conkey", None),
        include = column_names("ix.indrelid", "ix.indkey::int2[]", Some("ix.indnkeyatts")),
        fkeys = column_names("con.confrelid", "con.confkey", None),
        comment = comment("pg_constraint", "con.oid", "0"),
        cond = table_condition(ctx),
    )
}

fn action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

pub(crate) fn read(rows: Vec<Row<'_>>, schema: &mut Schema) -> Result<(), DriverError> {
    let index: HashMap<QualifiedName, usize> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    for r in rows {
        let table = QualifiedName::new(r.text(0), r.text(1));
        let Some(&i) = index.get(&table) else {
            return Err(bad_row(format!("a constraint of unknown table {table}")));
        };
        let columns: Vec<String> = r.json(7)?;
        let include: Vec<String> = r.json(8)?;
        let kind = match r.text(3).as_str() {
            "p" => ConstraintKind::PrimaryKey { columns, include },
            "u" => ConstraintKind::Unique {
                columns,
                include,
                nulls_not_distinct: r.flag(9),
            },
            "c" => ConstraintKind::Check {
                expression: r.text(10),
                no_inherit: r.flag(11),
            },
            "x" => ConstraintKind::Exclusion {
                definition: r.text(12),
            },
            _ => {
                let mut fk = ForeignKey::new(
                    columns,
                    QualifiedName::new(r.text(13), r.text(14)),
                    r.json(15)?,
                );
                fk.on_update = action(&r.text(16));
                fk.on_delete = action(&r.text(17));
                fk.match_full = r.text(18) == "f";
                ConstraintKind::ForeignKey(fk)
            }
        };
        let mut c = Constraint::new(r.text(2), kind);
        c.deferrable = r.flag(4);
        c.initially_deferred = r.flag(5);
        c.valid = r.flag(6);
        c.comment = r.opt(19);
        schema.tables[i].constraints.push(c);
    }
    Ok(())
}
