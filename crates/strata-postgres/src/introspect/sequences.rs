//! Sequences (not the ones behind identity columns, which belong to their column).

use super::namespaces::read_grants;
use super::sql::{comment, grants, not_extension_member};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, Sequence};

pub(crate) fn sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, {comment}, {grants}, format_type(s.seqtypid, NULL), \
         s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle, \
         tn.nspname, tc.relname, ta.attname \
         FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid \
           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjsubid > 0 \
         LEFT JOIN pg_class tc ON tc.oid = d.refobjid \
         LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace \
         LEFT JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid \
         WHERE {ok} AND {member} AND NOT EXISTS (SELECT 1 FROM pg_depend i \
           WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i') \
         ORDER BY 1, 2",
        comment = comment("pg_class", "c.oid", "0"),
        grants = grants("c.relacl", 's', "c.relowner", "pg_class", "c.oid"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = not_extension_member("pg_class", "c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut s = Sequence::new(QualifiedName::new(r.text(0), r.text(1)));
        s.comment = r.opt(2);
        s.grants = read_grants(&r, 3)?;
        s.data_type = r.text(4);
        s.start = r.int(5)?;
        s.increment = r.int(6)?;
        s.min_value = r.int(7)?;
        s.max_value = r.int(8)?;
        s.cache = r.int(9)?;
        s.cycle = r.flag(10);
        if let (Some(ns), Some(t), Some(c)) = (r.opt(11), r.opt(12), r.opt(13)) {
            s.owned_by = Some((QualifiedName::new(ns, t), c));
        }
        schema.sequences.push(s);
    }
    Ok(())
}
