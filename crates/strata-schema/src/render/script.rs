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
use crate::flatten::flatten_with;
use crate::object::{Object, ObjectKind};
use crate::order::{requirements, topological};
use crate::{QualifiedName, Schema};
use std::collections::{HashMap, HashSet};

/// The lines every script starts with: function bodies are not checked while objects they use
/// may not exist yet, strings are standard, and every name in the script is qualified.
pub const HEADER: &str = "SET check_function_bodies = false;\n\
SET standard_conforming_strings = on;\n\
SELECT pg_catalog.set_config('search_path', '', false);";

/// [`HEADER`] with a `search_path` of `pg_catalog` then `schemas` (`public` first if present,
/// the others in order) instead of an empty one. Every name the script writes stays qualified,
/// so the path only matters where the engine reads code it did not print: a generated column or
/// an index expression that calls a `LANGUAGE sql` function is planned while it is created, and
/// the function's body, inlined there, resolves its unqualified names with the current path.
/// `pg_catalog` comes first, as it implicitly does when a path does not name it, so a function
/// of a dumped schema never takes the place of a built-in one.
pub fn header<'a>(schemas: impl IntoIterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = schemas.into_iter().filter(|s| *s != "pg_catalog").collect();
    names.sort_by_key(|s| (*s != "public", *s));
    names.dedup();
    let mut path = String::from("pg_catalog");
    for n in names {
        path.push_str(", ");
        path.push_str(&super::ident(n));
    }
    format!(
        "SET check_function_bodies = false;\n\
         SET standard_conforming_strings = on;\n\
         SELECT pg_catalog.set_config('search_path', {}, false);",
        super::literal(&path)
    )
}

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
    let drop_keys: Vec<String> = drops.iter().map(|d| d.0.key()).collect();
    let create_keys: Vec<String> = creates.iter().map(|c| c.0.key()).collect();
    let drops = drops
        .into_iter()
        .zip(&drop_keys)
        .map(|((o, last), k)| (o, last, k.as_str()))
        .collect();
    let creates = creates
        .into_iter()
        .zip(&create_keys)
        .map(|((o, sql), k)| (o, sql, k.as_str()))
        .collect();
    plan(drops, creates)
}

/// From how many objects the statements are built on a second thread (below, starting the
/// thread costs more than it saves).
const PARALLEL: usize = 2000;

/// Orders and renders drops `(object, in the last phase, key)` and creates `(object, in-place
/// alter, key)`.
fn plan(
    drops: Vec<(&Object, bool, &str)>,
    creates: Vec<(&Object, Option<Vec<String>>, &str)>,
) -> Vec<String> {
    // Relation names to keys, for the owners of indexes and triggers (tables or views).
    let mut relations: HashMap<&QualifiedName, &str> = HashMap::new();
    let all = drops
        .iter()
        .map(|d| (d.0, d.2))
        .chain(creates.iter().map(|c| (c.0, c.2)));
    for (o, key) in all {
        match o {
            Object::Table(t) => relations.insert(&t.name, key),
            Object::View(v) => relations.insert(&v.name, key),
            _ => None,
        };
    }
    let relation_key = |n: &QualifiedName| match relations.get(n) {
        Some(k) => k.to_string(),
        None => format!("TABLE {}", super::qname(n)),
    };
    let dropped: HashSet<&str> = drops.iter().map(|d| d.2).collect();
    let created: HashSet<&str> = creates
        .iter()
        .filter(|c| c.1.is_none())
        .map(|c| c.2)
        .collect();
    let mut first: Vec<(&Object, &str)> = Vec::new();
    let mut last: Vec<(&Object, &str)> = Vec::new();
    for &(o, at_end, key) in &drops {
        if o.owner(&relation_key)
            .is_some_and(|k| dropped.contains(k.as_str()))
        {
            continue;
        }
        if at_end { &mut last } else { &mut first }.push((o, key));
    }
    let kept: Vec<&(&Object, Option<Vec<String>>, &str)> = creates
        .iter()
        .filter(|(o, sql, _)| {
            !(sql.is_none()
                && o.inline_in_table()
                && o.owner(&relation_key)
                    .is_some_and(|k| created.contains(k.as_str())))
        })
        .collect();

    let mut out = Vec::new();
    for i in ordered(&first, true) {
        out.extend(drop(first[i].0));
    }
    let objects: Vec<(&Object, &str)> = kept.iter().map(|c| (c.0, c.2)).collect();
    // The statements that create each object do not depend on the order: with many objects,
    // they are built on a second thread while this one orders the objects.
    let created = |objects: &[(&Object, &str)]| -> Vec<Vec<String>> {
        objects
            .iter()
            .zip(&kept)
            .map(|((o, _), c)| if c.1.is_some() { Vec::new() } else { create(o) })
            .collect()
    };
    let (order, mut texts) = if objects.len() >= PARALLEL {
        std::thread::scope(|s| {
            let texts = s.spawn(|| created(&objects));
            let order = ordered(&objects, false);
            (
                order,
                texts
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            )
        })
    } else {
        (ordered(&objects, false), created(&objects))
    };
    for i in order {
        match &kept[i].1 {
            Some(sql) => out.extend(sql.iter().cloned()),
            None => out.append(&mut texts[i]),
        }
    }
    for i in ordered(&last, true) {
        out.extend(drop(last[i].0));
    }
    out
}

/// The order to carry out `objects` (with their keys) in.
fn ordered(objects: &[(&Object, &str)], reverse: bool) -> Vec<usize> {
    let refs: Vec<&Object> = objects.iter().map(|o| o.0).collect();
    let keys: Vec<&str> = objects.iter().map(|o| o.1).collect();
    let requires = requirements(&refs, &keys);
    let nodes: Vec<(u8, &str)> = objects.iter().map(|(o, k)| (o.rank(), *k)).collect();
    topological(&nodes, &requires, reverse)
}

/// A runnable script: [`HEADER`], then each statement followed by `;` and a blank line.
pub fn script(statements: &[String]) -> String {
    script_with(HEADER, statements)
}

/// [`script`] with another header (see [`header`]).
pub fn script_with(header: &str, statements: &[String]) -> String {
    let mut out = String::from(header);
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
///
/// The same statements as [`changes_sql`] of the [`crate::diff`] from an empty schema, without
/// building the diff: every object is created, once per key (the last one flattened, as in
/// the diff), and the parts that `CREATE TABLE` holds are never made objects of their own.
pub fn dump_sql(schema: &Schema) -> String {
    let objects = flatten_with(schema, false);
    let keys: Vec<String> = objects.iter().map(Object::key).collect();
    // Positions rather than the objects themselves are sorted (objects are large). For each
    // key, the last object flattened is kept: sorted by key, the last flattened first.
    let mut kept: Vec<usize> = (0..objects.len()).collect();
    kept.sort_unstable_by(|&a, &b| keys[a].cmp(&keys[b]).then(b.cmp(&a)));
    kept.dedup_by(|a, b| keys[*a] == keys[*b]);
    let kinds: Vec<ObjectKind> = objects.iter().map(Object::kind).collect();
    kept.sort_unstable_by(|&a, &b| (kinds[a], &keys[a]).cmp(&(kinds[b], &keys[b])));
    let creates = kept
        .iter()
        .map(|&i| (&objects[i], None, keys[i].as_str()))
        .collect();
    let mut out = String::from("-- strata schema dump\n");
    let schemas = schema.schemas.iter().map(|s| s.name.as_str());
    out.push_str(&script_with(&header(schemas), &plan(Vec::new(), creates)));
    out
}
