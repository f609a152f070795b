//! Enums, composite types and domains.

use super::namespaces::read_grants;
use super::sql::{collation, comment, grants, init_privs_join};
use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Attribute, CompositeType, Domain, DomainCheck, EnumType, QualifiedName};

fn type_sql(ctx: &Ctx, columns: &str, condition: &str) -> String {
    format!(
        "SELECT n.nspname, t.typname, {comment}, {grants}, {columns} FROM pg_type t \
         JOIN pg_namespace n ON n.oid = t.typnamespace {init} \
         WHERE {condition} AND {ok} AND {member}",
        comment = comment("pg_type", "t.oid", "0"),
        grants = grants("t.typacl", 'T', "t.typowner"),
        init = init_privs_join("pg_type", "t.oid"),
        ok = ctx.schema_ok("n.nspname"),
        member = ctx.not_member("pg_type", "t.oid"),
    )
}

pub(crate) fn enums_sql(ctx: &Ctx) -> String {
    type_sql(
        ctx,
        "(SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e \
         WHERE e.enumtypid = t.oid)::text",
        "t.typtype = 'e'",
    )
}

pub(crate) fn read_enums(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let labels: Vec<String> = r.json(4)?;
        let mut e = EnumType::new(QualifiedName::new(r.text(0), r.text(1)), labels);
        e.comment = r.opt(2);
        e.grants = read_grants(&r, 3)?;
        schema.enums.push(e);
    }
    Ok(())
}

pub(crate) fn composites_sql(ctx: &Ctx) -> String {
    let attributes = format!(
        "(SELECT coalesce(json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod), \
         {coll}) ORDER BY a.attnum), '[]')::text FROM pg_attribute a JOIN pg_type at \
         ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 \
         AND NOT a.attisdropped)",
        coll = collation("a.attcollation", "at.typcollation"),
    );
    type_sql(
        ctx,
        &attributes,
        "t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid \
         AND c.relkind = 'c')",
    )
}

pub(crate) fn read_composites(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let raw: Vec<(String, String, Option<String>)> = r.json(4)?;
        let attributes = raw
            .into_iter()
            .map(|(name, ty, coll)| {
                let mut a = Attribute::new(name, ty);
                a.collation = coll;
                a
            })
            .collect();
        let mut c = CompositeType::new(QualifiedName::new(r.text(0), r.text(1)), attributes);
        c.comment = r.opt(2);
        c.grants = read_grants(&r, 3)?;
        schema.composites.push(c);
    }
    Ok(())
}

pub(crate) fn domains_sql(ctx: &Ctx) -> String {
    let columns = format!(
        "format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, {coll}, \
         (SELECT coalesce(json_agg(json_build_array(c.conname, pg_get_constraintdef(c.oid), \
         c.convalidated) ORDER BY c.conname), '[]')::text FROM pg_constraint c \
         WHERE c.contypid = t.oid AND c.contype = 'c')",
        coll = collation(
            "t.typcollation",
            "(SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)"
        ),
    );
    type_sql(ctx, &columns, "t.typtype = 'd'")
}

pub(crate) fn read_domains(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    let schema = &mut reader.schema;
    for r in rows {
        let mut d = Domain::new(QualifiedName::new(r.text(0), r.text(1)), r.text(4));
        d.comment = r.opt(2);
        d.grants = read_grants(&r, 3)?;
        d.not_null = r.flag(5);
        d.default = r.opt(6);
        d.collation = r.opt(7);
        let checks: Vec<(String, String, bool)> = r.json(8)?;
        d.checks = checks
            .into_iter()
            .map(|(name, def, valid)| {
                let mut c = DomainCheck::new(name, check_expression(&def));
                c.valid = valid;
                c
            })
            .collect();
        schema.domains.push(d);
    }
    Ok(())
}

/// The condition of `CHECK (cond) [NOT VALID]` as `pg_get_constraintdef` prints it.
fn check_expression(def: &str) -> String {
    let def = def.strip_suffix(" NOT VALID").unwrap_or(def);
    def.strip_prefix("CHECK (")
        .and_then(|d| d.strip_suffix(')'))
        .unwrap_or(def)
        .to_string()
}
