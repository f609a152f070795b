//! Owners and default privileges, relative to the role that reads the schema (see
//! [`strata_schema::Owner`]): owners other than it, and default privileges that differ from the
//! built-in ones.

use super::{Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::render::{ident, qname};
use strata_schema::{DefaultPrivilege, Owner, QualifiedName};

/// One row per object not owned by the current role: (kind, schema, name, identity arguments,
/// owner). The `public` schema's owner from `initdb` (the bootstrap superuser, or
/// `pg_database_owner` from PostgreSQL 15) is every new database's and left out.
pub(crate) fn owners_sql(ctx: &Ctx) -> String {
    let me = "(SELECT oid FROM pg_roles WHERE rolname = current_user)";
    let ok = ctx.schema_ok("n.nspname");
    let member = |catalog: &str, oid: &str| ctx.not_member(catalog, oid);
    format!(
        "SELECT 'SCHEMA', n.nspname, NULL, NULL, pg_get_userbyid(n.nspowner) FROM pg_namespace n \
         WHERE n.nspowner <> {me} AND {ok} AND {m_ns} \
         AND NOT (n.nspname = 'public' AND n.nspowner IN (10, 6171)) \
         UNION ALL \
         SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' \
           WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, n.nspname, c.relname, NULL, \
           pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relowner <> {me} AND {rel} AND {m_rel} \
         AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend sd \
           WHERE sd.classid = 'pg_class'::regclass AND sd.objid = c.oid \
           AND sd.refclassid = 'pg_class'::regclass AND sd.deptype IN ('a', 'i'))) \
         UNION ALL \
         SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' \
           ELSE 'FUNCTION' END, n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), \
           pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE p.proowner <> {me} AND {ok} AND {m_proc} \
         UNION ALL \
         SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname, NULL, \
           pg_get_userbyid(t.typowner) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typowner <> {me} AND {ok} AND {m_type} AND (t.typtype IN ('e', 'd') \
           OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')) \
         UNION ALL \
         SELECT 'COLLATION', n.nspname, c.collname, NULL, pg_get_userbyid(c.collowner) \
         FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace \
         WHERE c.oid >= 16384 AND c.collowner <> {me} AND {ok} AND {m_coll} \
         UNION ALL \
         SELECT 'TEXT SEARCH DICTIONARY', n.nspname, d.dictname, NULL, pg_get_userbyid(d.dictowner) \
         FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace \
         WHERE d.oid >= 16384 AND d.dictowner <> {me} AND {ok} AND {m_dict} \
         UNION ALL \
         SELECT 'TEXT SEARCH CONFIGURATION', n.nspname, c.cfgname, NULL, pg_get_userbyid(c.cfgowner) \
         FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace \
         WHERE c.oid >= 16384 AND c.cfgowner <> {me} AND {ok} AND {m_cfg}",
        rel = ctx.relation_ok("n.nspname", "c.relname"),
        m_ns = member("pg_namespace", "n.oid"),
        m_rel = member("pg_class", "c.oid"),
        m_proc = member("pg_proc", "p.oid"),
        m_type = member("pg_type", "t.oid"),
        m_coll = member("pg_collation", "c.oid"),
        m_dict = member("pg_ts_dict", "d.oid"),
        m_cfg = member("pg_ts_config", "c.oid"),
    )
}

pub(crate) fn read_owners(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let kind = r.text(0);
        let key = if kind == "SCHEMA" {
            format!("SCHEMA {}", ident(&r.text(1)))
        } else {
            let name = qname(&QualifiedName::new(r.text(1), r.text(2)));
            match r.opt(3) {
                Some(args) if kind == "AGGREGATE" && args.is_empty() => format!("{kind} {name}(*)"),
                Some(args) => format!("{kind} {name}({args})"),
                None => format!("{kind} {name}"),
            }
        };
        reader.schema.owners.push(Owner::new(key, r.text(4)));
    }
    Ok(())
}

/// Default privileges as rows of (role, schema, object type, grantee, privilege, grantable,
/// revoked). An entry for every schema replaces the built-in defaults (`acldefault`), so what
/// differs from them is read: extra grants and defaults taken away. An entry for one schema adds
/// to them. The role is null when it is the current one; grants of a role to itself are left
/// out (an owner holds every privilege).
pub(crate) fn default_privileges_sql(ctx: &Ctx) -> String {
    let explode = |acl: &str| {
        format!(
            "SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END AS grantee, \
             x.privilege_type AS privilege, x.is_grantable AS grantable \
             FROM aclexplode({acl}) x WHERE x.grantee <> d.defaclrole"
        )
    };
    let given = explode("d.defaclacl");
    let builtin = format!(
        "{} AND d.defaclnamespace = 0",
        explode(
            "acldefault(CASE d.defaclobjtype WHEN 'r' THEN 'r' WHEN 'S' THEN 's' \
             WHEN 'f' THEN 'f' WHEN 'T' THEN 'T' ELSE 'n' END::\"char\", d.defaclrole)"
        )
    );
    format!(
        "SELECT CASE WHEN d.defaclrole <> (SELECT oid FROM pg_roles WHERE rolname = current_user) \
           THEN pg_get_userbyid(d.defaclrole) END, \
         (SELECT nspname FROM pg_namespace WHERE oid = d.defaclnamespace), \
         CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' \
           WHEN 'f' THEN 'FUNCTIONS' WHEN 'T' THEN 'TYPES' ELSE 'SCHEMAS' END, \
         e.grantee, e.privilege, e.grantable, e.revoked FROM pg_default_acl d \
         CROSS JOIN LATERAL (\
           (SELECT g.*, false AS revoked FROM ({given}) g EXCEPT SELECT b.*, false FROM ({builtin}) b) \
           UNION ALL \
           (SELECT b.*, true FROM ({builtin}) b WHERE NOT EXISTS (SELECT 1 FROM ({given}) g \
             WHERE g.grantee = b.grantee AND g.privilege = b.privilege))) e \
         WHERE d.defaclnamespace = 0 OR {ok}",
        ok = ctx.schema_ok("(SELECT nspname FROM pg_namespace WHERE oid = d.defaclnamespace)"),
    )
}

pub(crate) fn read_default_privileges(
    rows: Vec<Row<'_>>,
    reader: &mut Reader,
) -> Result<(), DriverError> {
    for r in rows {
        let mut p = DefaultPrivilege::new(r.text(2), r.text(3), r.text(4));
        p.role = r.opt(0);
        p.schema = r.opt(1);
        p.grantable = r.flag(5);
        p.revoked = r.flag(6);
        reader.schema.default_privileges.push(p);
    }
    Ok(())
}
