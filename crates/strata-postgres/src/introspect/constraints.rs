//! Table constraints: primary keys, unique, check, exclusion and foreign keys.

use super::tables::table_condition;
use super::{bad_row, Catalog, Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Constraint, ConstraintKind, FkAction, ForeignKey, QualifiedName};

/// Constraints defined on the table itself: those a partition or child table inherits
/// (`conislocal` false) or that were cloned from a partitioned table's (`conparentid`) are
/// the parent's.
pub(crate) fn sql(ctx: &Ctx) -> String {
    let nulls = if ctx.version >= 150000 {
        "ix.indnullsnotdistinct"
    } else {
        "false"
    };
    format!(
        "SELECT n.nspname, c.relname, con.conname, con.contype, con.condeferrable, \
         con.condeferred, con.convalidated, con.conrelid::text, con.conkey::text, \
         ix.indkey::text, ix.indnkeyatts, {nulls}, pg_get_expr(con.conbin, con.conrelid), \
         con.connoinherit, CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END, \
         fn.nspname, fc.relname, con.confrelid::text, con.confkey::text, con.confupdtype, \
         con.confdeltype, con.confmatchtype, con.oid::text \
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype IN ('p', 'u') \
         LEFT JOIN pg_class fc ON fc.oid = con.confrelid \
         LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
         WHERE con.contype IN ('p', 'u', 'c', 'x', 'f') AND con.conislocal \
         AND con.conparentid = 0 AND {cond}",
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

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let oid = r.text(7);
        let Some(&i) = r.oid(7).ok().and_then(|o| reader.tables.get(&o)) else {
            let table = QualifiedName::new(r.text(0), r.text(1));
            return Err(bad_row(format!("a constraint of unknown table {table}")));
        };
        let columns = reader.column_names(&oid, &r.text(8), 0);
        let key_count = r.opt(10).and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
        let include = reader.column_names(&oid, &r.text(9), key_count);
        let kind = match r.text(3).as_str() {
            "p" => ConstraintKind::PrimaryKey { columns, include },
            "u" => ConstraintKind::Unique {
                columns,
                include,
                nulls_not_distinct: r.flag(11),
            },
            "c" => ConstraintKind::Check {
                expression: r.text(12),
                no_inherit: r.flag(13),
            },
            "x" => ConstraintKind::Exclusion {
                definition: r.text(14),
            },
            _ => {
                let referenced = reader.column_names(&r.text(17), &r.text(18), 0);
                let mut fk = ForeignKey::new(
                    columns,
                    QualifiedName::new(r.text(15), r.text(16)),
                    referenced,
                );
                fk.on_update = action(&r.text(19));
                fk.on_delete = action(&r.text(20));
                fk.match_full = r.text(21) == "f";
                ConstraintKind::ForeignKey(fk)
            }
        };
        let mut c = Constraint::new(r.text(2), kind);
        c.deferrable = r.flag(4);
        c.initially_deferred = r.flag(5);
        c.valid = r.flag(6);
        c.comment = reader.comment(Catalog::Constraint, r.oid(22)?, 0);
        reader.schema.tables[i].constraints.push(c);
    }
    Ok(())
}
