//! Dependencies between objects, and ordering by them.

use crate::object::Object;
use crate::refs::{scan, Found};
use crate::QualifiedName;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// For each object of `objects` (whose keys are `keys`), the indexes of the objects in the same
/// list it needs first.
pub(crate) fn requirements(objects: &[&Object], keys: &[&str]) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(objects.len());
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut unique_indexes: HashMap<&QualifiedName, Vec<usize>> = HashMap::new();
    // Columns by (schema, table, column): what `COLUMN "schema"."table"."column"` keys name.
    let mut columns: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        by_key.insert(keys[i], i);
        let name = match o {
            Object::Table(t) => Some(&t.name),
            Object::View(v) => Some(&v.name),
            Object::Sequence(s) => Some(&s.name),
            Object::Enum(t) => Some(&t.name),
            Object::Composite(t) => Some(&t.name),
            Object::Domain(d) => Some(&d.name),
            Object::Function(f) => Some(&f.name),
            Object::Aggregate(a) => Some(&a.name),
            Object::Collation(c) => Some(&c.name),
            Object::TextSearchDictionary(t) => Some(&t.name),
            Object::TextSearchConfig(c) => Some(&c.name),
            Object::Index(ix) => {
                if ix.unique {
                    unique_indexes.entry(&ix.table).or_default().push(i);
                }
                None
            }
            Object::Column { table, column } => {
                columns.insert(
                    (
                        table.schema.as_str(),
                        table.name.as_str(),
                        column.name.as_str(),
                    ),
                    i,
                );
                None
            }
            _ => None,
        };
        if let Some(n) = name {
            by_name
                .entry((n.schema.as_str(), n.name.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut found = Found::default();
    objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let deps = o.dependencies();
            let mut out: Vec<usize> = deps
                .keys
                .iter()
                .filter_map(|k| by_key.get(k.as_str()).copied())
                .collect();
            for n in &deps.names {
                if let Some(v) = by_name.get(&(n.schema.as_str(), n.name.as_str())) {
                    out.extend(v);
                }
            }
            if let Some(t) = deps.unique_keys_of {
                out.extend(unique_indexes.get(t).into_iter().flatten());
            }
            if !deps.texts.is_empty() {
                let scope = o.column_scope();
                found.clear();
                for t in &deps.texts {
                    scan(t, &mut found, scope.is_some());
                }
                for (s, n) in &found.qualified {
                    if let Some(v) = by_name.get(&(s.as_ref(), n.as_ref())) {
                        out.extend(v);
                    }
                }
                if let Some(table) = scope {
                    for id in &found.identifiers {
                        let column = (table.schema.as_str(), table.name.as_str(), id.as_ref());
                        if let Some(&j) = columns.get(&column) {
                            out.push(j);
                        }
                    }
                }
            }
            out.sort_unstable();
            out.dedup();
            out.retain(|&j| j != i);
            out
        })
        .collect()
}

/// Orders `nodes` (rank, key) so that each comes after the nodes it requires (`requires[i]`),
/// or, with `reverse`, before them (the order to drop in). Among nodes free to go, the lowest
/// rank goes first (the highest when reversed), then the smallest key, so the order is
/// deterministic. A cycle is broken at its smallest node.
pub(crate) fn topological(
    nodes: &[(u8, &str)],
    requires: &[Vec<usize>],
    reverse: bool,
) -> Vec<usize> {
    let n = nodes.len();
    // edges[a] = nodes that wait for a.
    let mut waiting: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for (i, reqs) in requires.iter().enumerate() {
        for &j in reqs {
            if reverse {
                waiting[i].push(j);
                pending[j] += 1;
            } else {
                waiting[j].push(i);
                pending[i] += 1;
            }
        }
    }
    // Every node's place in priority order, computed once: (rank, key, index).
    let rank = |i: usize| {
        if reverse {
            u8::MAX - nodes[i].0
        } else {
            nodes[i].0
        }
    };
    let mut by_priority: Vec<usize> = (0..n).collect();
    by_priority.sort_unstable_by(|&a, &b| (rank(a), nodes[a].1, a).cmp(&(rank(b), nodes[b].1, b)));
    let mut place = vec![0usize; n];
    for (p, &i) in by_priority.iter().enumerate() {
        place[i] = p;
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..n)
        .filter(|&i| pending[i] == 0)
        .map(|i| Reverse(place[i]))
        .collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = match ready.pop() {
            Some(Reverse(p)) => by_priority[p],
            None => {
                // A cycle: take the first remaining node in priority order.
                let i = by_priority
                    .iter()
                    .copied()
                    .find(|&i| !done[i])
                    .expect("nodes remain");
                pending[i] = 0;
                i
            }
        };
        if done[next] {
            continue;
        }
        done[next] = true;
        out.push(next);
        for &w in &waiting[next] {
            if done[w] {
                continue;
            }
            pending[w] = pending[w].saturating_sub(1);
            if pending[w] == 0 {
                ready.push(Reverse(place[w]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_first_then_rank_then_key() {
        let nodes = vec![(5, "b"), (5, "a"), (1, "z")];
        // a needs b.
        let requires = vec![vec![], vec![0], vec![]];
        assert_eq!(topological(&nodes, &requires, false), vec![2, 0, 1]);
        assert_eq!(topological(&nodes, &requires, true), vec![1, 0, 2]);
    }

    #[test]
    fn cycles_are_broken_deterministically() {
        let nodes = vec![(1, "a"), (1, "b")];
        let requires = vec![vec![1], vec![0]];
        assert_eq!(topological(&nodes, &requires, false), vec![0, 1]);
    }
}
