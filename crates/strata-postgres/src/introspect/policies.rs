//! Row-level security policies.

use super::sql::comment;
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Policy, PolicyCommand, QualifiedName};

pub(crate) fn sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, c.relname, p.polname, p.polpermissive, p.polcmd, \
         (SELECT coalesce(json_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r.oid) END \
           ORDER BY 1), '[]') FROM unnest(p.polroles) r(oid))::text, \
         pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), \
         {comment} FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {ok}{share}",
        comment = comment("pg_policy", "p.oid", "0"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        share = ctx.share("c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut p = Policy::new(r.text(2), QualifiedName::new(r.text(0), r.text(1)));
        p.permissive = r.flag(3);
        p.command = match r.text(4).as_str() {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        p.roles = r.json(5)?;
        p.using = r.opt(6);
        p.with_check = r.opt(7);
        p.comment = r.opt(8);
        schema.policies.push(p);
    }
    Ok(())
}
