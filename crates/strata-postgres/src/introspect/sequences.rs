//! Sequences (not the ones behind identity columns, which belong to their column).

use super::namespaces::read_grants;
use super::sql::{grants, init_privs_join};
use super::{Catalog, Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, Sequence};

pub(crate) fn sql(ctx: &Ctx) -> String {
    // The owning column is looked up only for the sequences that remain: joining it first
    // would look it up for every identity sequence too. The identity sequences (most of them,
    // in a database of identity columns) are left out first, from `pg_sequence` and before
    // any join (`OFFSET 0` keeps the planner from starting from all of `pg_class` instead,
    // which took twice as long).
    format!(
        "SELECT n.nspname, c.relname, c.oid::text, {grants}, format_type(s.seqtypid, NULL), \
         s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, \
         (SELECT json_build_array(tn.nspname, tc.relname, ta.attname) FROM pg_depend d \
           JOIN pg_class tc ON tc.oid = d.refobjid \
           JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
           JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid \
           WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjsubid > 0 \
           LIMIT 1)::text \
         FROM (SELECT s.* FROM pg_sequence s WHERE NOT EXISTS (SELECT 1 FROM pg_depend i \
           WHERE i.classid = 'pg_class'::regclass AND i.objid = s.seqrelid AND i.deptype = 'i')\
           {share} OFFSET 0) s \
         JOIN pg_class c ON c.oid = s.seqrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace {init} \
         WHERE {ok} AND {member}",
        grants = grants("c.relacl", 's', "c.relowner"),
        init = init_privs_join("pg_class", "c.oid"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
        share = ctx.share("s.seqrelid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let mut s = Sequence::new(QualifiedName::new(r.text(0), r.text(1)));
        s.comment = reader.comment(Catalog::Class, r.oid(2)?, 0);
        s.grants = read_grants(&r, 3)?;
        s.data_type = r.text(4);
        s.start = r.int(5)?;
        s.increment = r.int(6)?;
        s.min_value = r.int(7)?;
        s.max_value = r.int(8)?;
        s.cache = r.int(9)?;
        s.cycle = r.flag(10);
        if let Some((ns, t, c)) = r.json::<Option<(String, String, String)>>(11)? {
            s.owned_by = Some((QualifiedName::new(ns, t), c));
        }
        reader.schema.sequences.push(s);
    }
    Ok(())
}
