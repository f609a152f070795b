//! Ordering the statements of a set of changes.
//!
//! Three phases: (1) drops, dependents before what they depend on, except (3) drops of
//! schemas, extensions, types, sequences and functions, which wait until the end because
//! columns may use them until they are altered; (2) creates and alters in between, each after
//! what it needs. Objects dropped with their owner (the indexes of a dropped table) are not
//! dropped again, and the parts that `CREATE TABLE` holds (columns, most constraints) are not
//! added again.

use super::alter::{alter, drop};
use super::create::create;
use crate::change::Change;
use crate::object::Object;
use crate::order::{requirements, topological};
use crate::{diff, QualifiedName, Schema};
use std::collections::{HashMap, HashSet};

/// The lines every script starts with: function bodies are not checked while objects they use
/// may not exist yet, strings are standard, and every name in the script is qualified.
pub const HEADER: &str = "SET check_function_bodies = false;\n\
SET standard_conforming_strings = on;\n\
SELECT pg_catalog.set_config('search_path', '', false);";

/// The statements (without trailing semicolons) that carry out `changes`, in order.
pub fn changes_sql(changes: &[Change]) -> Vec<String> {
    let mut drops: Vec<(&Object, bool)> = Vec::new(); // (object, last phase)
    let mut creates: Vec<(&Object, Option<Vec<String>>)> = Vec::new(); // (object, in-place alter)
    for c in changes {
        match c {
            Change::Create { object } => creates.push((object, None)),
            Change::Drop { object } => drops.push((object, object.dropped_last())),
            Change::Alter { from, to, recreate } => {
                match (!recreate).then(|| alter(from, to)).flatten() {
                    Some(sql) => creates.push((to, Some(sql))),
                    None => {
                        drops.push((from, false));
                        creates.push((to, None));
                    }
                }
            }
            Change::Recreate { object, .. } => {
                drops.push((object, false));
                creates.push((object, None));
            }
        }
    }
    // Relation names to keys, for the owners of indexes and triggers (tables or views).
    let mut relations: HashMap<QualifiedName, String> = HashMap::new();
    for o in drops.iter().map(|d| d.0).chain(creates.iter().map(|c| c.0)) {
        match o {
            Object::Table(t) => relations.insert(t.name.clone(), o.key()),
            Object::View(v) => relations.insert(v.name.clone(), o.key()),
            _ => None,
        };
    }
    let relation_key = |n: &QualifiedName| {
        relations
            .get(n)
            .cloned()
            .unwrap_or_else(|| format!("TABLE {}", super::qname(n)))
    };
    let dropped: HashSet<String> = drops.iter().map(|d| d.0.key()).collect();
    let created: HashSet<String> = creates
        .iter()
        .filter(|c| c.1.is_none())
        .map(|c| c.0.key())
        .collect();
    drops.retain(|(o, _)| !o.owner(&relation_key).is_some_and(|k| dropped.contains(&k)));
    creates.retain(|(o, sql)| {
        !(sql.is_none()
            && o.inline_in_table()
            && o.owner(&relation_key).is_some_and(|k| created.contains(&k)))
    });

    let mut out = Vec::new();
    let (last, first): (Vec<_>, Vec<_>) = drops.into_iter().partition(|d| d.1);
    let first: Vec<&Object> = first.into_iter().map(|d| d.0).collect();
    for i in ordered(&first, true) {
        out.extend(drop(first[i]));
    }
    let objects: Vec<&Object> = creates.iter().map(|c| c.0).collect();
    for i in ordered(&objects, false) {
        match &creates[i].1 {
            Some(sql) => out.extend(sql.iter().cloned()),
            None => out.extend(create(creates[i].0)),
        }
    }
    let last: Vec<&Object> = last.into_iter().map(|d| d.0).collect();
    for i in ordered(&last, true) {
        out.extend(drop(last[i]));
    }
    out
}

fn ordered(objects: &[&Object], reverse: bool) -> Vec<usize> {
    let requires = requirements(objects);
    let nodes: Vec<(u8, String)> = objects.iter().map(|o| (o.rank(), o.key())).collect();
    topological(&nodes, &requires, reverse)
}

/// A runnable script: [`HEADER`], then each statement followed by `;` and a blank line.
pub fn script(statements: &[String]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for s in statements {
        out.push('\n');
        out.push_str(s);
        out.push_str(";\n");
    }
    out
}

/// The whole schema as a script that creates it in an empty database: deterministic (the same
/// schema always gives the same text) and ordered so that it reloads.
pub fn dump_sql(schema: &Schema) -> String {
    let changes = diff(&Schema::default(), schema);
    let mut out = String::from("-- strata schema dump\n");
    out.push_str(&script(&changes_sql(&changes)));
    out
}
