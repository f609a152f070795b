//! SQL fragments shared by the catalog queries, and text helpers for what the server prints.

use crate::sql::literal;
use strata_core::DriverError;
use strata_schema::Filter;

/// What every query needs: the filter as SQL conditions, the server version, whether objects
/// may belong to extensions, and which share of the objects this connection reads.
#[derive(Clone)]
pub(crate) struct Ctx {
    /// Condition on a schema name column, with `{}` for the column.
    schema_condition: String,
    /// `(schema, table)` literal pairs of excluded tables.
    excluded: Vec<(String, String)>,
    /// `150004` for 15.4.
    pub version: u32,
    /// False when no extension owns any object created after `initdb`: then no query needs
    /// to look for extension members (a scan of `pg_depend` each).
    pub members: bool,
    /// `(k, n)`: this query reads the objects whose OID is `k` modulo `n`.
    pub part: (usize, usize),
}

impl Ctx {
    pub fn new(filter: &Filter, version: u32, members: bool) -> Result<Ctx, DriverError> {
        let mut c = String::from(
            "{} NOT IN ('pg_catalog', 'information_schema') \
             AND {} !~ '^pg_(toast|temp_|toast_temp_)'",
        );
        if !filter.include_schemas.is_empty() {
            c.push_str(&format!(
                " AND {{}} IN ({})",
                list(&filter.include_schemas)?
            ));
        }
        if !filter.exclude_schemas.is_empty() {
            c.push_str(&format!(
                " AND {{}} NOT IN ({})",
                list(&filter.exclude_schemas)?
            ));
        }
        let excluded = filter
            .exclude_tables
            .iter()
            .map(|t| Ok((literal(&t.schema)?, literal(&t.name)?)))
            .collect::<Result<_, DriverError>>()?;
        Ok(Ctx {
            schema_condition: c,
            excluded,
            version,
            members,
            part: (0, 1),
        })
    }

    /// The same context for share `k` of `n`.
    pub fn part_of(&self, k: usize, n: usize) -> Ctx {
        Ctx {
            part: (k, n),
            ..self.clone()
        }
    }

    /// ` AND` the condition that picks this share's objects by `oid` (empty when one
    /// connection reads everything). Shares go by a hash of the OID, not the OID itself:
    /// objects created in a regular pattern (every tenth table with row-level security and its
    /// policies, every twentieth with a view) get OIDs in a regular pattern too, and a plain
    /// modulo gave them all to one connection, which then worked a third longer than the other.
    pub fn share(&self, oid: &str) -> String {
        match self.part {
            (_, 1) => String::new(),
            (k, n) => format!(" AND (hashoid({oid})::int8 & 2147483647) % {n} = {k}"),
        }
    }

    /// True when the object is not a member of an extension (its objects are the
    /// extension's).
    pub fn not_member(&self, catalog: &str, oid: &str) -> String {
        if !self.members {
            return "true".into();
        }
        format!(
            "NOT EXISTS (SELECT 1 FROM pg_depend dx WHERE dx.classid = '{catalog}'::regclass \
             AND dx.objid = {oid} AND dx.deptype = 'e')"
        )
    }

    /// The filter's condition on a schema name.
    pub fn schema_ok(&self, column: &str) -> String {
        format!("({})", self.schema_condition.replace("{}", column))
    }

    /// The filter's condition on a relation (schema name and relation name columns).
    pub fn relation_ok(&self, schema: &str, name: &str) -> String {
        let mut c = self.schema_ok(schema);
        for (s, t) in &self.excluded {
            c.push_str(&format!(" AND NOT ({schema} = {s} AND {name} = {t})"));
        }
        c
    }
}

fn list(items: &[String]) -> Result<String, DriverError> {
    Ok(items
        .iter()
        .map(|s| literal(s))
        .collect::<Result<Vec<_>, _>>()?
        .join(", "))
}

/// The comment on an object (`subid` > 0: on a column). A lookup per row rather than a join:
/// the planner misjudges how many rows catalog queries return, and a join it plans as a
/// nested loop costs far more than the lookups.
pub(crate) fn comment(catalog: &str, oid: &str, subid: &str) -> String {
    format!(
        "(SELECT ds.description FROM pg_description ds WHERE ds.objoid = {oid} \
         AND ds.classoid = '{catalog}'::regclass AND ds.objsubid = {subid})"
    )
}

/// A join that brings the initial privileges of each row's object as `ip.initprivs`, for
/// [`grants`].
pub(crate) fn init_privs_join(catalog: &str, oid: &str) -> String {
    format!(
        "LEFT JOIN pg_init_privs ip ON ip.objoid = {oid} \
         AND ip.classoid = '{catalog}'::regclass AND ip.objsubid = 0"
    )
}

/// A collation's qualified name when it differs from the type's default, else null.
pub(crate) fn collation(coll: &str, type_coll: &str) -> String {
    format!(
        "CASE WHEN {coll} <> 0 AND {coll} <> {type_coll} THEN (SELECT quote_ident(cn.nspname) \
         || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn \
         ON cn.oid = co.collnamespace WHERE co.oid = {coll}) END"
    )
}

/// [`collation`] for a column (`a` is its `pg_attribute` row), looking its type up only
/// when needed: a `text`, `varchar` or `char` column with the default collation (100) has its
/// type's collation, and most columns are either that or not collatable at all.
pub(crate) fn column_collation() -> String {
    collation(
        "a.attcollation",
        "CASE WHEN a.attcollation = 100 AND a.atttypid IN (25, 1042, 1043) THEN 100 \
         ELSE (SELECT ty.typcollation FROM pg_type ty WHERE ty.oid = a.atttypid) END",
    )
}

/// The privileges on an object that differ from its defaults, as a JSON array of
/// `[grantee, privilege, grantable, revoked]`. The defaults are the initial privileges recorded
/// for the object when there are any (the `public` schema), else the built-in defaults for its
/// kind (`kind`: `r` relation, `s` sequence, `f` function, `n` schema, `T` type). Privileges
/// held by the owner are left out: owners are not part of the model. The query joins
/// [`init_privs_join`].
pub(crate) fn grants(acl: &str, kind: char, owner: &str) -> String {
    let init = "ip.initprivs";
    let explode = |acl: &str| {
        format!(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS g, \
             a.privilege_type AS p, a.is_grantable AS o FROM aclexplode({acl}) a \
             WHERE a.grantee <> {owner}"
        )
    };
    let actual = format!("coalesce({acl}, acldefault('{kind}', {owner}))");
    let base = format!("coalesce({init}, acldefault('{kind}', {owner}))");
    format!(
        "CASE WHEN {acl} IS NULL AND {init} IS NULL THEN '[]' ELSE (SELECT coalesce(json_agg(\
         json_build_array(x.g, x.p, x.o, x.r) ORDER BY x.g, x.p), '[]')::text FROM (\
         (SELECT *, false AS r FROM ({} EXCEPT {}) y) UNION ALL \
         (SELECT *, true AS r FROM ({} EXCEPT {}) z)) x) END",
        explode(&actual),
        explode(&base),
        explode(&base),
        explode(&actual),
    )
}

/// The text inside the parentheses that open at byte `open` of `text` (which must be `(`),
/// and the byte just after the closing one. Quoted identifiers and strings are skipped.
pub(crate) fn balanced(text: &str, open: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = open;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => {
                if bytes.get(i + 1) == Some(&q) {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match b {
                b'\'' | b'"' => quote = Some(b),
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some((&text[open + 1..i], i + 1));
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Splits a list at commas that are outside parentheses, brackets and quotes.
pub(crate) fn split_top_level(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                current.push(c);
                if chars.peek() == Some(&q) {
                    current.push(chars.next().unwrap_or(q));
                } else {
                    quote = None;
                }
                continue;
            }
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(current.trim().to_string());
                    current.clear();
                    continue;
                }
                _ => {}
            },
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_parentheses_skip_quotes() {
        let t = r#"USING btree (lower(a), (x || ')'), "we(ird") INCLUDE (p)"#;
        let open = t.find('(').unwrap();
        let (inner, end) = balanced(t, open).unwrap();
        assert_eq!(inner, r#"lower(a), (x || ')'), "we(ird""#);
        assert_eq!(&t[end..], " INCLUDE (p)");
        assert_eq!(
            split_top_level(inner),
            vec!["lower(a)", "(x || ')')", r#""we(ird""#]
        );
        assert_eq!(
            split_top_level("a DESC NULLS LAST, COALESCE(b, ','::text)"),
            vec!["a DESC NULLS LAST", "COALESCE(b, ','::text)"]
        );
    }
}
