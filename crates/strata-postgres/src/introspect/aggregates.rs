//! Aggregate functions (`pg_aggregate`). Moving-aggregate support functions (`MSFUNC`, ...)
//! are not read.

use super::namespaces::read_grants;
use super::sql::{comment, grants, init_privs_join};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Aggregate, AggregateKind, Parallel, QualifiedName};

pub(crate) fn sql(ctx: &Ctx) -> String {
    // A support function as `regproc` prints it: qualified unless `pg_catalog` has it.
    let function = |f: &str| format!("CASE WHEN {f} <> 0 THEN {f}::regproc::text END");
    format!(
        "SELECT n.nspname, p.proname, {comment}, {grants}, a.aggkind, \
         pg_get_function_arguments(p.oid), pg_get_function_identity_arguments(p.oid), \
         a.aggtransfn::regproc::text, format_type(a.aggtranstype, NULL), a.aggtransspace, \
         {final_fn}, a.aggfinalextra, a.aggfinalmodify, {combine}, {serial}, {deserial}, \
         a.agginitval, CASE WHEN a.aggsortop <> 0 THEN (SELECT 'OPERATOR(' \
           || quote_ident(opn.nspname) || '.' || o.oprname || ')' FROM pg_operator o \
           JOIN pg_namespace opn ON opn.oid = o.oprnamespace WHERE o.oid = a.aggsortop) END, \
         p.proparallel \
         FROM pg_proc p JOIN pg_aggregate a ON a.aggfnoid = p.oid \
         JOIN pg_namespace n ON n.oid = p.pronamespace {init} \
         WHERE p.prokind = 'a' AND {ok} AND {member}",
        comment = comment("pg_proc", "p.oid", "0"),
        grants = grants("p.proacl", 'f', "p.proowner"),
        final_fn = function("a.aggfinalfn"),
        combine = function("a.aggcombinefn"),
        serial = function("a.aggserialfn"),
        deserial = function("a.aggdeserialfn"),
        init = init_privs_join("pg_proc", "p.oid"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_proc", "p.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let mut a = Aggregate::new(
            QualifiedName::new(r.text(0), r.text(1)),
            r.text(5),
            r.text(7),
            r.text(8),
        );
        a.comment = r.opt(2);
        a.grants = read_grants(&r, 3)?;
        a.kind = match r.text(4).as_str() {
            "o" => AggregateKind::OrderedSet,
            "h" => AggregateKind::Hypothetical,
            _ => AggregateKind::Normal,
        };
        a.identity_arguments = r.text(6);
        a.state_space = r.int(9)?;
        a.final_function = r.opt(10);
        a.final_extra = r.flag(11);
        // The default is read-only for normal aggregates, read-write for ordered-set ones.
        let default_modify = if a.kind == AggregateKind::Normal {
            "r"
        } else {
            "w"
        };
        a.final_modify = match r.text(12).as_str() {
            m if m == default_modify => None,
            "r" => Some("read_only".into()),
            "s" => Some("shareable".into()),
            "w" => Some("read_write".into()),
            _ => None,
        };
        a.combine_function = r.opt(13);
        a.serial_function = r.opt(14);
        a.deserial_function = r.opt(15);
        a.initial_value = r.opt(16);
        a.sort_operator = r.opt(17);
        a.parallel = match r.text(18).as_str() {
            "s" => Parallel::Safe,
            "r" => Parallel::Restricted,
            _ => Parallel::Unsafe,
        };
        reader.schema.aggregates.push(a);
    }
    Ok(())
}
