//! Functions, procedures and window functions (aggregates are left for later).

use super::namespaces::read_grants;
use super::sql::{comment, grants, init_privs_join};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Function, FunctionKind, Parallel, QualifiedName, Volatility};

pub(crate) fn sql(ctx: &Ctx) -> String {
    // SQL-standard bodies (BEGIN ATOMIC / RETURN) exist from PostgreSQL 14.
    let sql_body = if ctx.version >= 140000 {
        "CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid) END"
    } else {
        "NULL"
    };
    format!(
        "SELECT n.nspname, p.proname, {comment}, {grants}, p.prokind, \
         pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid), \
         CASE WHEN p.prokind <> 'p' THEN pg_get_function_result(p.oid) END, l.lanname, \
         p.prosrc, {sql_body}, p.probin, p.provolatile, p.proisstrict, p.prosecdef, \
         p.proleakproof, p.proparallel, p.procost::text, p.prorows::text, \
         coalesce(array_to_json(p.proconfig), '[]')::text \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         JOIN pg_language l ON l.oid = p.prolang {init} \
         WHERE p.prokind IN ('f', 'p', 'w') AND {ok} AND {member}{share}",
        comment = comment("pg_proc", "p.oid", "0"),
        grants = grants("p.proacl", 'f', "p.proowner"),
        init = init_privs_join("pg_proc", "p.oid"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_proc", "p.oid"),
        share = ctx.share("p.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut f = Function::new(
            QualifiedName::new(r.text(0), r.text(1)),
            "",
            r.text(8),
            r.text(9),
        );
        f.comment = r.opt(2);
        f.grants = read_grants(&r, 3)?;
        f.kind = match r.text(4).as_str() {
            "p" => FunctionKind::Procedure,
            "w" => FunctionKind::Window,
            _ => FunctionKind::Function,
        };
        f.arguments = r.text(5);
        f.identity_arguments = r.text(6);
        f.result = r.opt(7);
        f.sql_body = r.opt(10);
        if f.sql_body.is_some() {
            f.body = String::new();
        }
        f.library = r.opt(11).filter(|l| !l.is_empty());
        f.volatility = match r.text(12).as_str() {
            "i" => Volatility::Immutable,
            "s" => Volatility::Stable,
            _ => Volatility::Volatile,
        };
        f.strict = r.flag(13);
        f.security_definer = r.flag(14);
        f.leakproof = r.flag(15);
        f.parallel = match r.text(16).as_str() {
            "s" => Parallel::Safe,
            "r" => Parallel::Restricted,
            _ => Parallel::Unsafe,
        };
        f.cost = r.text(17);
        f.rows = r.text(18);
        f.config = r.json(19)?;
        schema.functions.push(f);
    }
    Ok(())
}
