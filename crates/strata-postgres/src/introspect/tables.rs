//! Tables (ordinary, partitioned, partitions, unlogged) and their columns.

use super::namespaces::read_grants;
use super::sql::{collation, comment, grants, not_extension_member};
use super::{bad_row, Ctx, Reader, Row};
use std::collections::HashMap;
use strata_core::DriverError;
use strata_schema::{Column, Identity, PartitionOf, QualifiedName, Table};

/// The condition that picks the tables strata reports (`c` is the `pg_class` row, `n` its
/// schema).
pub(crate) fn table_condition(ctx: &Ctx) -> String {
    format!(
        "c.relkind IN ('r', 'p') AND {ok} AND {member}",
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = not_extension_member("pg_class", "c.oid"),
    )
}

pub(crate) fn tables_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, {comment}, {grants}, c.relpersistence = 'u', \
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, \
         (SELECT json_build_array(pn.nspname, pc.relname) FROM pg_inherits i \
           JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
           WHERE i.inhrelid = c.oid AND c.relispartition)::text, \
         CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, \
         (SELECT coalesce(json_agg(json_build_array(pn.nspname, pc.relname) ORDER BY i.inhseqno), '[]') \
           FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent \
           JOIN pg_namespace pn ON pn.oid = pc.relnamespace \
           WHERE i.inhrelid = c.oid AND NOT c.relispartition)::text, \
         coalesce(array_to_json(c.reloptions), '[]')::text, c.relrowsecurity, c.relforcerowsecurity \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {cond} ORDER BY 1, 2",
        comment = comment("pg_class", "c.oid", "0"),
        grants = grants("c.relacl", 'r', "c.relowner", "pg_class", "c.oid"),
        cond = table_condition(ctx),
    )
}

pub(crate) fn read_tables(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut t = Table::new(QualifiedName::new(r.text(0), r.text(1)));
        t.comment = r.opt(2);
        t.grants = read_grants(&r, 3)?;
        t.unlogged = r.flag(4);
        t.partition_key = r.opt(5);
        if let Some((ns, name)) = r.json::<Option<(String, String)>>(6)? {
            let mut p = PartitionOf::default();
            p.parent = QualifiedName::new(ns, name);
            p.bound = r.text(7);
            t.partition_of = Some(p);
        }
        let parents: Vec<(String, String)> = r.json(8)?;
        t.inherits = parents
            .into_iter()
            .map(|(s, n)| QualifiedName::new(s, n))
            .collect();
        t.options = r.json(9)?;
        t.row_security = r.flag(10);
        t.force_row_security = r.flag(11);
        schema.tables.push(t);
    }
    Ok(())
}

/// Columns the tables define themselves (not those inherited from a parent or partitioned
/// table), with the options of the sequence behind identity columns.
pub(crate) fn columns_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), \
         a.attnotnull, pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated, {coll}, \
         {comment}, \
         CASE WHEN a.attidentity <> '' THEN (SELECT json_build_array(s.seqstart, s.seqincrement, \
           s.seqmin, s.seqmax, s.seqcache, s.seqcycle) FROM pg_depend d \
           JOIN pg_sequence s ON s.seqrelid = d.objid WHERE d.classid = 'pg_class'::regclass \
           AND d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND d.deptype = 'i')::text END \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type ty ON ty.oid = a.atttypid \
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
         WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attislocal AND {cond} \
         ORDER BY 1, 2, a.attnum",
        coll = collation("a.attcollation", "ty.typcollation"),
        comment = comment("pg_class", "c.oid", "a.attnum"),
        cond = table_condition(ctx),
    )
}

pub(crate) fn read_columns(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    let index: HashMap<QualifiedName, usize> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    for r in rows {
        let table = QualifiedName::new(r.text(0), r.text(1));
        let Some(&i) = index.get(&table) else {
            return Err(bad_row(format!("a column of unknown table {table}")));
        };
        let mut c = Column::new(r.text(2), r.text(3));
        c.not_null = r.flag(4);
        let expression = r.opt(5);
        let identity = r.text(6);
        if r.text(7) == "s" {
            c.generated = expression;
        } else {
            c.default = expression;
        }
        c.collation = r.opt(8);
        c.comment = r.opt(9);
        if !identity.is_empty() {
            let mut id = Identity::new(identity == "a", &c.data_type);
            if let Some((start, inc, min, max, cache, cycle)) =
                r.json::<Option<(i64, i64, i64, i64, i64, bool)>>(10)?
            {
                id.start = start;
                id.increment = inc;
                id.min_value = min;
                id.max_value = max;
                id.cache = cache;
                id.cycle = cycle;
            }
            c.identity = Some(id);
        }
        schema.tables[i].columns.push(c);
    }
    Ok(())
}
