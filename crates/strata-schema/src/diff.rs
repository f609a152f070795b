//! [`diff`]: how two schemas differ, object by object.

use crate::change::Change;
use crate::flatten::flatten;
use crate::object::{Object, ObjectKind};
use crate::order::requirements;
use crate::render::recreated_by_alter;
use crate::Schema;
use std::collections::{BTreeMap, BTreeSet};

/// The changes that turn `from` into `to`: one per object that differs, plus
/// [`Change::Recreate`] for unchanged objects that must be dropped and created again because
/// something they depend on is. Sorted by kind, then key; [`crate::render::changes_sql`]
/// orders the statements by dependency.
pub fn diff(from: &Schema, to: &Schema) -> Vec<Change> {
    let a = flatten(from);
    let b = flatten(to);
    let a_by_key: BTreeMap<String, &Object> = a.iter().map(|o| (o.key(), o)).collect();
    let b_by_key: BTreeMap<String, &Object> = b.iter().map(|o| (o.key(), o)).collect();
    let mut changes: BTreeMap<String, Change> = BTreeMap::new();
    // Objects dropped and created again; what depends on them must be too.
    let mut recreated: BTreeSet<String> = BTreeSet::new();
    // Tables with a column changing type: the views over them must be recreated.
    let mut retyped: BTreeSet<String> = BTreeSet::new();
    for (key, old) in &a_by_key {
        match b_by_key.get(key) {
            None => {
                changes.insert(
                    key.clone(),
                    Change::Drop {
                        object: (*old).clone(),
                    },
                );
            }
            Some(new) if !old.same_as(new) => {
                let recreate = recreated_by_alter(old, new);
                if recreate {
                    recreated.insert(key.clone());
                }
                if let (Object::Column { table, column: c1 }, Object::Column { column: c2, .. }) =
                    (old, new)
                {
                    if c1.data_type != c2.data_type || c1.collation != c2.collation {
                        retyped.insert(format!("TABLE {}", crate::render::qname(table)));
                    }
                }
                changes.insert(
                    key.clone(),
                    Change::Alter {
                        from: (*old).clone(),
                        to: (*new).clone(),
                        recreate,
                    },
                );
            }
            Some(_) => {}
        }
    }
    for (key, new) in &b_by_key {
        if !a_by_key.contains_key(key) {
            changes.insert(
                key.clone(),
                Change::Create {
                    object: (*new).clone(),
                },
            );
        }
    }
    propagate(&a, &b_by_key, &mut changes, recreated, retyped);
    let mut out: Vec<Change> = changes.into_values().collect();
    out.sort_by_cached_key(|c| (c.kind(), c.key()));
    out
}

/// Marks for recreation every unchanged object of A that depends on a recreated one (and, for
/// views, on a table with a retyped column), transitively.
fn propagate(
    a: &[Object],
    b_by_key: &BTreeMap<String, &Object>,
    changes: &mut BTreeMap<String, Change>,
    mut recreated: BTreeSet<String>,
    retyped: BTreeSet<String>,
) {
    if recreated.is_empty() && retyped.is_empty() {
        return;
    }
    let refs: Vec<&Object> = a.iter().collect();
    let keys: Vec<String> = refs.iter().map(|o| o.key()).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let requires = requirements(&refs, &key_refs);
    loop {
        let mut added = false;
        for (i, o) in refs.iter().enumerate() {
            if recreated.contains(&keys[i]) || !follows_dependencies(o.kind()) {
                continue;
            }
            let Some(new) = b_by_key.get(&keys[i]) else {
                continue;
            };
            let cause = requires[i].iter().map(|&j| &keys[j]).find(|k| {
                recreated.contains(*k)
                    || (retyped.contains(*k)
                        && matches!(o.kind(), ObjectKind::View | ObjectKind::MaterializedView))
            });
            let Some(cause) = cause.cloned() else {
                continue;
            };
            recreated.insert(keys[i].clone());
            added = true;
            changes
                .entry(keys[i].clone())
                .and_modify(|c| {
                    if let Change::Alter { recreate, .. } = c {
                        *recreate = true;
                    }
                })
                .or_insert_with(|| Change::Recreate {
                    object: (*new).clone(),
                    because: cause,
                });
        }
        if !added {
            break;
        }
    }
}

/// Kinds that are dropped and created again with what they depend on. Columns and tables never
/// are (that would lose data), nor functions (`CREATE OR REPLACE` keeps them).
fn follows_dependencies(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Index
            | ObjectKind::Trigger
            | ObjectKind::Rule
            | ObjectKind::Policy
            | ObjectKind::Constraint
            | ObjectKind::RowSecurity
            | ObjectKind::SequenceOwner
            | ObjectKind::Comment
            | ObjectKind::Grant
            | ObjectKind::Owner
    )
}
