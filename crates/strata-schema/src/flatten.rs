//! A [`Schema`] as a list of [`Object`]s.

use crate::model::*;
use crate::object::Object;
use crate::render::{ident, prefixed_qname, qname};

/// Every object of a schema, comments and grants as objects of their own.
pub(crate) fn flatten(schema: &Schema) -> Vec<Object> {
    flatten_with(schema, true)
}

/// [`flatten`], with the columns and the constraints that `CREATE TABLE` holds as objects of
/// their own only when `parts` (a dump creates them with their table).
pub(crate) fn flatten_with(schema: &Schema, parts: bool) -> Vec<Object> {
    let mut out = Vec::new();
    let mut extras = Extras::default();
    for s in &schema.schemas {
        extras.named(
            format!("SCHEMA {}", ident(&s.name)),
            format!("schema {}", s.name),
            &s.comment,
            &s.grants,
        );
        out.push(Object::Schema(Namespace::new(&s.name)));
    }
    for e in &schema.extensions {
        out.push(Object::Extension(e.clone()));
    }
    for t in &schema.enums {
        extras.named(
            prefixed_qname("TYPE ", &t.name),
            format!("type {}", t.name),
            &t.comment,
            &t.grants,
        );
        out.push(Object::Enum(EnumType::new(
            t.name.clone(),
            t.labels.clone(),
        )));
    }
    for t in &schema.composites {
        extras.named(
            prefixed_qname("TYPE ", &t.name),
            format!("type {}", t.name),
            &t.comment,
            &t.grants,
        );
        out.push(Object::Composite(CompositeType::new(
            t.name.clone(),
            t.attributes.clone(),
        )));
    }
    for d in &schema.domains {
        extras.named(
            prefixed_qname("DOMAIN ", &d.name),
            format!("domain {}", d.name),
            &d.comment,
            &d.grants,
        );
        let mut d = d.clone();
        d.comment = None;
        d.grants.clear();
        out.push(Object::Domain(d));
    }
    for c in &schema.collations {
        let mut c = c.clone();
        let comment = c.comment.take();
        push_with_comment(Object::Collation(c), comment, &mut out, &mut extras);
    }
    for d in &schema.text_search_dictionaries {
        let mut d = d.clone();
        let comment = d.comment.take();
        push_with_comment(
            Object::TextSearchDictionary(d),
            comment,
            &mut out,
            &mut extras,
        );
    }
    for c in &schema.text_search_configs {
        let mut c = c.clone();
        let comment = c.comment.take();
        push_with_comment(Object::TextSearchConfig(c), comment, &mut out, &mut extras);
    }
    for a in &schema.aggregates {
        let mut a = a.clone();
        let (comment, grants) = (a.comment.take(), std::mem::take(&mut a.grants));
        // `GRANT ... ON FUNCTION` names aggregates too.
        let grant_on = format!(
            "FUNCTION {}({})",
            qname(&a.name),
            a.identity_arguments.replace(" ORDER BY ", ", ")
        );
        let object = Object::Aggregate(a);
        let key = object.key();
        extras.add(&key, &grant_on, &object.describe(), &comment, &grants);
        out.push(object);
    }
    for s in &schema.sequences {
        extras.named(
            prefixed_qname("SEQUENCE ", &s.name),
            format!("sequence {}", s.name),
            &s.comment,
            &s.grants,
        );
        let mut s = s.clone();
        s.comment = None;
        s.grants.clear();
        if let Some((table, column)) = s.owned_by.take() {
            out.push(Object::SequenceOwner {
                sequence: s.name.clone(),
                table,
                column,
            });
        }
        out.push(Object::Sequence(s));
    }
    for f in &schema.functions {
        let mut f = f.clone();
        let (comment, grants) = (f.comment.take(), std::mem::take(&mut f.grants));
        let object = Object::Function(f);
        extras.named(object.key(), object.describe(), &comment, &grants);
        out.push(object);
    }
    for t in &schema.tables {
        flatten_table(t, parts, &mut out, &mut extras);
    }
    for v in &schema.views {
        let mut v = v.clone();
        let (comment, grants) = (v.comment.take(), std::mem::take(&mut v.grants));
        let object = Object::View(v);
        let key = object.key();
        let on = object.describe();
        let grant_on = prefixed_qname("TABLE ", &view_name(&object));
        extras.add(&key, &grant_on, &on, &comment, &grants);
        out.push(object);
    }
    for i in &schema.indexes {
        let mut i = i.clone();
        let comment = i.comment.take();
        push_with_comment(Object::Index(i), comment, &mut out, &mut extras);
    }
    for t in &schema.triggers {
        let mut t = t.clone();
        let comment = t.comment.take();
        push_with_comment(Object::Trigger(t), comment, &mut out, &mut extras);
    }
    for r in &schema.rules {
        let mut r = r.clone();
        let comment = r.comment.take();
        push_with_comment(Object::Rule(r), comment, &mut out, &mut extras);
    }
    for p in &schema.policies {
        let mut p = p.clone();
        let comment = p.comment.take();
        push_with_comment(Object::Policy(p), comment, &mut out, &mut extras);
    }
    out.append(&mut extras.objects);
    // Owners of objects the schema holds (an owner of an object left out has nothing to own).
    if !schema.owners.is_empty() {
        let described: std::collections::HashMap<String, String> =
            out.iter().map(|o| (o.key(), o.describe())).collect();
        for o in &schema.owners {
            if let Some(on) = described.get(&o.object) {
                out.push(Object::Owner {
                    target: o.object.clone(),
                    on: on.clone(),
                    role: o.role.clone(),
                });
            }
        }
    }
    out.extend(
        schema
            .default_privileges
            .iter()
            .cloned()
            .map(Object::DefaultPrivilege),
    );
    out
}

/// Adds `object` and its comment.
fn push_with_comment(
    object: Object,
    comment: Option<String>,
    out: &mut Vec<Object>,
    extras: &mut Extras,
) {
    extras.add(&object.key(), "", &object.describe(), &comment, &[]);
    out.push(object);
}

fn view_name(o: &Object) -> QualifiedName {
    match o {
        Object::View(v) => v.name.clone(),
        _ => QualifiedName::default(),
    }
}

fn flatten_table(t: &Table, parts: bool, out: &mut Vec<Object>, extras: &mut Extras) {
    extras.named(
        prefixed_qname("TABLE ", &t.name),
        format!("table {}", t.name),
        &t.comment,
        &t.grants,
    );
    let mut table = t.clone();
    table.comment = None;
    table.grants.clear();
    table.row_security = false;
    table.force_row_security = false;
    for c in &mut table.columns {
        if let Some(text) = c.comment.take() {
            let ckey = format!("COLUMN {}.{}", qname(&t.name), ident(&c.name));
            let on = format!("column {}.{}", t.name, c.name);
            extras.add(&ckey, "", &on, &Some(text), &[]);
        }
        if parts {
            out.push(Object::Column {
                table: t.name.clone(),
                column: c.clone(),
            });
        }
    }
    for c in &mut table.constraints {
        if let Some(text) = c.comment.take() {
            let ckey = format!("CONSTRAINT {} ON {}", ident(&c.name), qname(&t.name));
            let on = format!("constraint {} on {}", c.name, t.name);
            extras.add(&ckey, "", &on, &Some(text), &[]);
        }
        if parts || c.is_deferred_to_alter() {
            out.push(Object::Constraint {
                table: t.name.clone(),
                constraint: c.clone(),
            });
        }
    }
    if t.row_security || t.force_row_security {
        out.push(Object::RowSecurity {
            table: t.name.clone(),
            forced: t.force_row_security,
        });
    }
    out.push(Object::Table(table));
}

/// Comments and grants collected while flattening.
#[derive(Default)]
struct Extras {
    objects: Vec<Object>,
}

impl Extras {
    /// [`Extras::add`] for an object whose grants name it by its key.
    fn named(&mut self, key: String, on: String, comment: &Option<String>, grants: &[Grant]) {
        self.add(&key, &key, &on, comment, grants);
    }

    fn add(
        &mut self,
        target: &str,
        grant_on: &str,
        on: &str,
        comment: &Option<String>,
        grants: &[Grant],
    ) {
        if let Some(text) = comment {
            self.objects.push(Object::Comment {
                target: target.to_string(),
                on: on.to_string(),
                text: text.clone(),
            });
        }
        for g in grants {
            self.objects.push(Object::Grant {
                target: target.to_string(),
                grant_on: grant_on.to_string(),
                on: on.to_string(),
                grant: g.clone(),
            });
        }
    }
}
