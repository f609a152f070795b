//! `DROP` for each kind of object, and `ALTER` in place where the engine allows it.

use super::create::{
    column, domain_check, function, grant_sql, identity_options, roles, trigger_enabled,
    SequenceOptions,
};
use super::{ident, literal, qname};
use crate::model::*;
use crate::object::Object;

/// The statements that drop `o`. Relations, types and functions are dropped `IF EXISTS`: one
/// may already be gone with its owner (a sequence owned by a dropped table's column).
pub(crate) fn drop(o: &Object) -> Vec<String> {
    let s = match o {
        Object::Schema(s) => format!("DROP SCHEMA IF EXISTS {}", ident(&s.name)),
        Object::Extension(e) => format!("DROP EXTENSION IF EXISTS {}", ident(&e.name)),
        Object::Enum(t) => format!("DROP TYPE IF EXISTS {}", qname(&t.name)),
        Object::Composite(t) => format!("DROP TYPE IF EXISTS {}", qname(&t.name)),
        Object::Domain(d) => format!("DROP DOMAIN IF EXISTS {}", qname(&d.name)),
        Object::Sequence(s) => format!("DROP SEQUENCE IF EXISTS {}", qname(&s.name)),
        Object::SequenceOwner { sequence, .. } => {
            format!("ALTER SEQUENCE {} OWNED BY NONE", qname(sequence))
        }
        Object::Function(f) => format!(
            "DROP {} IF EXISTS {}({})",
            if f.kind == FunctionKind::Procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            },
            qname(&f.name),
            f.identity_arguments
        ),
        Object::Collation(c) => format!("DROP COLLATION IF EXISTS {}", qname(&c.name)),
        // Not recorded: owned by the role that reads the schema.
        Object::Owner { target, .. } => format!("ALTER {target} OWNER TO CURRENT_USER"),
        Object::DefaultPrivilege(p) => super::catalog::default_privilege(p, true),
        Object::TextSearchDictionary(d) => {
            format!("DROP TEXT SEARCH DICTIONARY IF EXISTS {}", qname(&d.name))
        }
        Object::TextSearchConfig(c) => {
            format!(
                "DROP TEXT SEARCH CONFIGURATION IF EXISTS {}",
                qname(&c.name)
            )
        }
        Object::Aggregate(a) => super::catalog::drop_aggregate(a),
        Object::Table(t) => format!("DROP TABLE IF EXISTS {}", qname(&t.name)),
        Object::Column { table, column } => format!(
            "ALTER TABLE {} DROP COLUMN IF EXISTS {}",
            qname(table),
            ident(&column.name)
        ),
        Object::Constraint { table, constraint } => format!(
            "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
            qname(table),
            ident(&constraint.name)
        ),
        Object::Index(i) => format!("DROP INDEX IF EXISTS {}", qname(&i.name)),
        Object::View(v) if v.materialized => {
            format!("DROP MATERIALIZED VIEW IF EXISTS {}", qname(&v.name))
        }
        Object::View(v) => format!("DROP VIEW IF EXISTS {}", qname(&v.name)),
        Object::Trigger(t) => format!(
            "DROP TRIGGER IF EXISTS {} ON {}",
            ident(&t.name),
            qname(&t.table)
        ),
        Object::Rule(r) => format!(
            "DROP RULE IF EXISTS {} ON {}",
            ident(&r.name),
            qname(&r.table)
        ),
        Object::RowSecurity { table, forced } => {
            let mut out = Vec::new();
            if *forced {
                out.push(format!(
                    "ALTER TABLE {} NO FORCE ROW LEVEL SECURITY",
                    qname(table)
                ));
            }
            out.push(format!(
                "ALTER TABLE {} DISABLE ROW LEVEL SECURITY",
                qname(table)
            ));
            return out;
        }
        Object::Policy(p) => format!(
            "DROP POLICY IF EXISTS {} ON {}",
            ident(&p.name),
            qname(&p.table)
        ),
        Object::Comment { target, .. } => format!("COMMENT ON {target} IS NULL"),
        Object::Grant {
            grant_on, grant, ..
        } => grant_sql(grant_on, grant, !grant.revoked),
    };
    vec![s]
}

/// True when `from` can only become `to` by dropping and creating it.
pub(crate) fn recreated_by_alter(from: &Object, to: &Object) -> bool {
    alter(from, to).is_none()
}

/// Statements that change `from` into `to` in place, or `None` when it must be dropped and
/// created.
pub(crate) fn alter(from: &Object, to: &Object) -> Option<Vec<String>> {
    match (from, to) {
        (Object::Extension(_), Object::Extension(b)) => Some(vec![format!(
            "ALTER EXTENSION {} SET SCHEMA {}",
            ident(&b.name),
            ident(&b.schema)
        )]),
        (Object::Enum(a), Object::Enum(b)) => enum_values(a, b),
        (Object::Composite(a), Object::Composite(b)) => composite(a, b),
        (Object::Domain(a), Object::Domain(b)) => domain(a, b),
        (Object::Sequence(a), Object::Sequence(b)) => sequence(a, b),
        (Object::SequenceOwner { .. }, o @ Object::SequenceOwner { .. }) => {
            Some(super::create::create(o))
        }
        (Object::Function(a), Object::Function(b)) => {
            (a.kind == b.kind && a.result == b.result && a.arguments == b.arguments)
                .then(|| vec![function(b, true)])
        }
        (Object::Owner { .. }, o @ Object::Owner { .. }) => Some(super::create::create(o)),
        (Object::Aggregate(a), Object::Aggregate(b)) => {
            (a.kind == b.kind && a.arguments == b.arguments && a.state_type == b.state_type)
                .then(|| vec![super::catalog::aggregate(b, true)])
        }
        (Object::TextSearchConfig(a), Object::TextSearchConfig(b)) => {
            super::catalog::alter_text_search_config(a, b)
        }
        (Object::Table(a), Object::Table(b)) => table(a, b),
        (Object::Column { table, column: a }, Object::Column { column: b, .. }) => {
            column_alter(table, a, b)
        }
        (
            Object::Constraint {
                table,
                constraint: a,
            },
            Object::Constraint { constraint: b, .. },
        ) => {
            let mut validated = a.clone();
            validated.valid = true;
            (!a.valid && b.valid && &validated == b).then(|| {
                vec![format!(
                    "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                    qname(table),
                    ident(&b.name)
                )]
            })
        }
        (Object::Trigger(a), Object::Trigger(b)) => {
            let mut same = a.clone();
            same.enabled = b.enabled.clone();
            (&same == b).then(|| {
                vec![trigger_enabled(b).unwrap_or_else(|| {
                    format!(
                        "ALTER TABLE {} ENABLE TRIGGER {}",
                        qname(&b.table),
                        ident(&b.name)
                    )
                })]
            })
        }
        (Object::RowSecurity { table, .. }, Object::RowSecurity { forced, .. }) => {
            Some(vec![format!(
                "ALTER TABLE {} {}FORCE ROW LEVEL SECURITY",
                qname(table),
                if *forced { "" } else { "NO " }
            )])
        }
        (Object::Policy(a), Object::Policy(b)) => policy(a, b),
        (Object::Comment { .. }, c @ Object::Comment { .. }) => Some(super::create::create(c)),
        (g1 @ Object::Grant { .. }, g2 @ Object::Grant { .. }) => {
            let mut out = drop(g1);
            out.extend(super::create::create(g2));
            Some(out)
        }
        _ => None,
    }
}

/// New labels only added, old ones kept in order: `ALTER TYPE ... ADD VALUE`.
fn enum_values(a: &EnumType, b: &EnumType) -> Option<Vec<String>> {
    let kept: Vec<&String> = b.labels.iter().filter(|l| a.labels.contains(l)).collect();
    if kept.len() != a.labels.len() || kept.iter().zip(&a.labels).any(|(x, y)| *x != y) {
        return None;
    }
    let mut out = Vec::new();
    for (i, label) in b.labels.iter().enumerate() {
        if a.labels.contains(label) {
            continue;
        }
        // Place it before the next old label, or after the previous label.
        let position = match b.labels[i + 1..].iter().find(|l| a.labels.contains(l)) {
            Some(next) => format!(" BEFORE {}", literal(next)),
            None if i > 0 => format!(" AFTER {}", literal(&b.labels[i - 1])),
            None => String::new(),
        };
        out.push(format!(
            "ALTER TYPE {} ADD VALUE {}{position}",
            qname(&b.name),
            literal(label)
        ));
    }
    Some(out)
}

/// Attributes added at the end, dropped, or retyped: `ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE`.
fn composite(a: &CompositeType, b: &CompositeType) -> Option<Vec<String>> {
    let old: Vec<&str> = a.attributes.iter().map(|x| x.name.as_str()).collect();
    let kept: Vec<&str> = b
        .attributes
        .iter()
        .map(|x| x.name.as_str())
        .filter(|n| old.contains(n))
        .collect();
    let still: Vec<&str> = old.iter().copied().filter(|n| kept.contains(n)).collect();
    let added_at_end = b
        .attributes
        .iter()
        .skip_while(|x| old.contains(&x.name.as_str()))
        .all(|x| !old.contains(&x.name.as_str()));
    if kept != still || !added_at_end {
        return None;
    }
    let mut out = Vec::new();
    let t = qname(&b.name);
    for x in &a.attributes {
        match b.attributes.iter().find(|y| y.name == x.name) {
            None => out.push(format!("ALTER TYPE {t} DROP ATTRIBUTE {}", ident(&x.name))),
            Some(y) if y != x => out.push(format!(
                "ALTER TYPE {t} ALTER ATTRIBUTE {} TYPE {}{}",
                ident(&y.name),
                y.data_type,
                y.collation
                    .as_ref()
                    .map(|c| format!(" COLLATE {c}"))
                    .unwrap_or_default()
            )),
            Some(_) => {}
        }
    }
    for y in b
        .attributes
        .iter()
        .filter(|y| !old.contains(&y.name.as_str()))
    {
        out.push(format!(
            "ALTER TYPE {t} ADD ATTRIBUTE {} {}{}",
            ident(&y.name),
            y.data_type,
            y.collation
                .as_ref()
                .map(|c| format!(" COLLATE {c}"))
                .unwrap_or_default()
        ));
    }
    Some(out)
}

fn domain(a: &Domain, b: &Domain) -> Option<Vec<String>> {
    if a.data_type != b.data_type || a.collation != b.collation {
        return None;
    }
    let d = qname(&b.name);
    let mut out = Vec::new();
    if a.default != b.default {
        out.push(match &b.default {
            Some(x) => format!("ALTER DOMAIN {d} SET DEFAULT {x}"),
            None => format!("ALTER DOMAIN {d} DROP DEFAULT"),
        });
    }
    if a.not_null != b.not_null {
        out.push(format!(
            "ALTER DOMAIN {d} {} NOT NULL",
            if b.not_null { "SET" } else { "DROP" }
        ));
    }
    for c in &a.checks {
        match b.checks.iter().find(|x| x.name == c.name) {
            Some(x) if x.expression == c.expression && x.valid == c.valid => {}
            Some(x) if x.expression == c.expression && x.valid => out.push(format!(
                "ALTER DOMAIN {d} VALIDATE CONSTRAINT {}",
                ident(&x.name)
            )),
            _ => out.push(format!(
                "ALTER DOMAIN {d} DROP CONSTRAINT {}",
                ident(&c.name)
            )),
        }
    }
    for x in &b.checks {
        let same = a.checks.iter().find(|c| c.name == x.name);
        if same.is_none_or(|c| c.expression != x.expression || (c.valid && !x.valid)) {
            out.push(domain_check(&b.name, x));
        }
    }
    Some(out)
}

fn sequence(a: &Sequence, b: &Sequence) -> Option<Vec<String>> {
    let mut o = Vec::new();
    if a.data_type != b.data_type {
        o.push(format!("AS {}", b.data_type));
    }
    o.extend(SequenceOptions::of_sequence(b).changed_from(&SequenceOptions::of_sequence(a)));
    Some(vec![format!(
        "ALTER SEQUENCE {} {}",
        qname(&b.name),
        o.join(" ")
    )])
}

fn table(a: &Table, b: &Table) -> Option<Vec<String>> {
    if a.partition_key != b.partition_key
        || a.partition_of != b.partition_of
        || a.inherits != b.inherits
    {
        return None;
    }
    let t = qname(&b.name);
    let mut out = Vec::new();
    if a.unlogged != b.unlogged {
        out.push(format!(
            "ALTER TABLE {t} SET {}",
            if b.unlogged { "UNLOGGED" } else { "LOGGED" }
        ));
    }
    if a.options != b.options {
        let key = |o: &String| o.split('=').next().unwrap_or(o).to_string();
        let gone: Vec<String> = a
            .options
            .iter()
            .map(key)
            .filter(|k| !b.options.iter().any(|o| &key(o) == k))
            .collect();
        if !gone.is_empty() {
            out.push(format!("ALTER TABLE {t} RESET ({})", gone.join(", ")));
        }
        if !b.options.is_empty() {
            out.push(format!("ALTER TABLE {t} SET ({})", b.options.join(", ")));
        }
    }
    Some(out)
}

fn column_alter(table: &QualifiedName, a: &Column, b: &Column) -> Option<Vec<String>> {
    if a.generated != b.generated {
        // A generated column is derived from the others: dropping it loses nothing.
        return None;
    }
    let t = qname(table);
    let c = ident(&b.name);
    let mut out = Vec::new();
    let retyped = a.data_type != b.data_type || a.collation != b.collation;
    let redefault = a.default != b.default;
    if redefault && a.default.is_some() {
        out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT"));
    }
    if retyped {
        out.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} TYPE {}{} USING {c}::{}",
            b.data_type,
            b.collation
                .as_ref()
                .map(|x| format!(" COLLATE {x}"))
                .unwrap_or_default(),
            b.data_type
        ));
    }
    if redefault {
        if let Some(d) = &b.default {
            out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {d}"));
        }
    }
    match (&a.identity, &b.identity) {
        (Some(_), None) => out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP IDENTITY")),
        (None, Some(_)) => {
            // `column()` renders ` GENERATED ... AS IDENTITY (...)` after the type.
            let def = column(&Column {
                not_null: false,
                default: None,
                collation: None,
                ..b.clone()
            });
            let clause = def
                .split_once(" GENERATED ")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or_default();
            out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {c} ADD GENERATED {clause}"
            ));
        }
        (Some(x), Some(y)) if x != y => {
            let mut parts = Vec::new();
            if x.always != y.always {
                parts.push(format!(
                    "SET GENERATED {}",
                    if y.always { "ALWAYS" } else { "BY DEFAULT" }
                ));
            }
            parts.extend(
                identity_options(y, x)
                    .into_iter()
                    .map(|o| format!("SET {o}")),
            );
            out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {c} {}",
                parts.join(" ")
            ));
        }
        _ => {}
    }
    if a.not_null != b.not_null && !(b.identity.is_some() && b.not_null) {
        out.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} {} NOT NULL",
            if b.not_null { "SET" } else { "DROP" }
        ));
    }
    Some(out)
}

/// `ALTER POLICY` when the command and kind stay, and no clause goes away.
fn policy(a: &Policy, b: &Policy) -> Option<Vec<String>> {
    if a.command != b.command
        || a.permissive != b.permissive
        || (a.using.is_some() && b.using.is_none())
        || (a.with_check.is_some() && b.with_check.is_none())
    {
        return None;
    }
    let mut s = format!("ALTER POLICY {} ON {}", ident(&b.name), qname(&b.table));
    if a.roles != b.roles {
        s.push_str(&format!(" TO {}", roles(&b.roles)));
    }
    if a.using != b.using {
        if let Some(u) = &b.using {
            s.push_str(&format!("\n    USING ({u})"));
        }
    }
    if a.with_check != b.with_check {
        if let Some(w) = &b.with_check {
            s.push_str(&format!("\n    WITH CHECK ({w})"));
        }
    }
    Some(vec![s])
}
