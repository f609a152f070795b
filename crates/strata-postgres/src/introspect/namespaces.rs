//! Schemas and extensions.

use super::sql::{comment, grants, init_privs_join};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Extension, Grant, Namespace};

pub(crate) fn schemas_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT n.nspname, {comment}, {grants} FROM pg_namespace n {init} \
         WHERE {ok} AND {member}",
        comment = comment("pg_namespace", "n.oid", "0"),
        grants = grants("n.nspacl", 'n', "n.nspowner"),
        init = init_privs_join("pg_namespace", "n.oid"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_namespace", "n.oid"),
    )
}

pub(crate) fn read_schemas(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut n = Namespace::new(r.text(0));
        n.comment = r.opt(1);
        n.grants = read_grants(&r, 2)?;
        schema.schemas.push(n);
    }
    Ok(())
}

/// Extensions in covered schemas. `plpgsql` is in every database and is left out; so are
/// other extensions installed into `pg_catalog` when only some schemas are asked for.
pub(crate) fn extensions_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT e.extname, n.nspname, e.extversion FROM pg_extension e \
         JOIN pg_namespace n ON n.oid = e.extnamespace \
         WHERE e.extname <> 'plpgsql' AND ({ok} OR (n.nspname = 'pg_catalog' AND {all}))",
        ok = ctx.schema_ok("n.nspname"),
        all = ctx.schema_ok("'public'"),
    )
}

pub(crate) fn read_extensions(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut e = Extension::new(r.text(0), r.text(1));
        e.version = r.text(2);
        schema.extensions.push(e);
    }
    Ok(())
}

/// Reads the JSON that [`super::sql::grants`] builds.
pub(crate) fn read_grants(r: &Row<'_>, i: usize) -> Result<Vec<Grant>, DriverError> {
    let raw: Vec<(String, String, bool, bool)> = r.json(i)?;
    Ok(raw
        .into_iter()
        .map(|(grantee, privilege, grantable, revoked)| {
            let mut g = Grant::new(grantee, privilege);
            g.grantable = grantable;
            g.revoked = revoked;
            g
        })
        .collect())
}
