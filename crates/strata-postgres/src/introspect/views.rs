//! Views and materialized views.

use super::namespaces::read_grants;
use super::sql::{grants, init_privs_join};
use super::{Catalog, Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{QualifiedName, View};

pub(crate) fn sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, c.oid::text, {grants}, c.relkind = 'm', \
         pg_get_viewdef(c.oid, true), coalesce(array_to_json(c.reloptions), '[]')::text \
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace {init} \
         WHERE c.relkind IN ('v', 'm') AND {ok} AND {member}{share}",
        grants = grants("c.relacl", 'r', "c.relowner"),
        init = init_privs_join("pg_class", "c.oid"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
        share = ctx.share("c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let definition = r.text(5);
        let definition = definition.trim_end().trim_end_matches(';').trim_end();
        let mut v = View::new(QualifiedName::new(r.text(0), r.text(1)), definition);
        v.comment = reader.comment(Catalog::Class, r.oid(2)?, 0);
        v.grants = read_grants(&r, 3)?;
        v.materialized = r.flag(4);
        v.options = r.json(6)?;
        reader.schema.views.push(v);
    }
    Ok(())
}
