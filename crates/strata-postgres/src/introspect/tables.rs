//! Tables (ordinary, partitioned, partitions, unlogged) and their columns.

use super::namespaces::read_grants;
use super::sql::{column_collation, grants, init_privs_join};
use super::{bad_row, Attribute, Catalog, Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Column, Identity, PartitionOf, QualifiedName, Table};

/// The condition that picks the tables strata reports (`c` is the `pg_class` row, `n` its
/// schema), whoever reads them.
pub(crate) fn table_scope(ctx: &Ctx) -> String {
    format!(
        "c.relkind IN ('r', 'p') AND {ok} AND {member}",
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
    )
}

/// [`table_scope`], in this connection's share.
pub(crate) fn table_condition(ctx: &Ctx) -> String {
    format!("{}{}", table_scope(ctx), ctx.share("c.oid"))
}

pub(crate) fn tables_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, c.oid::text, {grants}, c.relpersistence = 'u', \
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
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace {init} \
         WHERE {cond}",
        grants = grants("c.relacl", 'r', "c.relowner"),
        init = init_privs_join("pg_class", "c.oid"),
        cond = table_condition(ctx),
    )
}

pub(crate) fn read_tables(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let mut t = Table::new(QualifiedName::new(r.text(0), r.text(1)));
        let oid = r.oid(2)?;
        t.comment = reader.comment(Catalog::Class, oid, 0);
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
        reader.tables.insert(oid, reader.schema.tables.len());
        reader.schema.tables.push(t);
    }
    Ok(())
}

/// Every column of the tables, with what the other queries need to name and print them; the
/// columns a table inherits from a parent or partitioned table (`attislocal` false) are the
/// parent's and only named. Rows come in no order (sorting them costs the server more than
/// it costs here).
///
/// A default cannot use a column, so it is printed without the table as context
/// (`pg_get_expr(..., 0)`): with one, the server opens the table first, which costs more than
/// printing the expression. Generation expressions use columns and keep the table.
pub(crate) fn columns_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT a.attrelid::text, a.attnum, a.attname, quote_ident(a.attname), \
         a.atttypid::text, a.attcollation::text, a.attislocal, \
         CASE WHEN a.attislocal THEN format_type(a.atttypid, a.atttypmod) END, a.attnotnull, \
         CASE WHEN a.attislocal THEN pg_get_expr(ad.adbin, CASE WHEN a.attgenerated = '' THEN 0 \
         ELSE ad.adrelid END) END, a.attidentity, a.attgenerated, {coll} \
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum \
         WHERE a.attnum > 0 AND NOT a.attisdropped AND {cond}",
        coll = column_collation(),
        cond = table_condition(ctx),
    )
}

pub(crate) fn read_columns(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let mut columns: Vec<(usize, i64, Column)> = Vec::with_capacity(rows.len());
    for r in rows {
        let relation = r.oid(0)?;
        let number = r.int(1)?;
        let name = r.text(2);
        reader.add_attribute(
            relation,
            number,
            Attribute {
                name: name.clone(),
                quoted: r.text(3),
                type_oid: r.oid(4)?,
                collation: r.oid(5)?,
            },
        );
        if !r.flag(6) {
            continue;
        }
        let Some(&i) = reader.tables.get(&relation) else {
            return Err(bad_row(format!("a column of unknown table {relation}")));
        };
        let mut c = Column::new(name, r.text(7));
        c.not_null = r.flag(8);
        let expression = r.opt(9);
        let identity = r.text(10);
        if r.text(11) == "s" {
            c.generated = expression;
        } else {
            c.default = expression;
        }
        c.collation = r.opt(12);
        c.comment = reader.comment(Catalog::Class, relation, number);
        if !identity.is_empty() {
            let mut id = Identity::new(identity == "a", &c.data_type);
            if let Some(&(start, increment, min, max, cache, cycle)) =
                reader.identities.get(&(relation, number))
            {
                id.start = start;
                id.increment = increment;
                id.min_value = min;
                id.max_value = max;
                id.cache = cache;
                id.cycle = cycle;
            }
            c.identity = Some(id);
        }
        columns.push((i, number, c));
    }
    columns.sort_unstable_by_key(|c| (c.0, c.1));
    for (i, _, c) in columns {
        reader.schema.tables[i].columns.push(c);
    }
    Ok(())
}

/// The options of the sequence behind each identity column.
pub(crate) fn identities_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT d.refobjid::text, d.refobjsubid, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, \
         s.seqcache, s.seqcycle FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid \
         WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass \
         AND d.deptype = 'i' AND d.refobjsubid > 0{share}",
        share = ctx.share("d.refobjid"),
    )
}

pub(crate) fn read_identities(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        reader.identities.insert(
            (r.oid(0)?, r.int(1)?),
            (
                r.int(2)?,
                r.int(3)?,
                r.int(4)?,
                r.int(5)?,
                r.int(6)?,
                r.flag(7),
            ),
        );
    }
    Ok(())
}
