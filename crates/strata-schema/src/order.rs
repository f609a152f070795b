//! Dependencies between objects, and ordering by them.

use crate::object::Object;
use crate::refs::{scan, Found};
use crate::render::{ident, qname};
use crate::QualifiedName;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// For each object of `objects`, the indexes of the objects in the same list it needs first.
pub(crate) fn requirements(objects: &[&Object]) -> Vec<Vec<usize>> {
    let mut by_key: HashMap<String, usize> = HashMap::with_capacity(objects.len());
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut unique_indexes: HashMap<&QualifiedName, Vec<usize>> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        by_key.insert(o.key(), i);
        let name = match o {
            Object::Table(t) => Some(&t.name),
            Object::View(v) => Some(&v.name),
            Object::Sequence(s) => Some(&s.name),
            Object::Enum(t) => Some(&t.name),
            Object::Composite(t) => Some(&t.name),
            Object::Domain(d) => Some(&d.name),
            Object::Function(f) => Some(&f.name),
            Object::Index(ix) => {
                if ix.unique {
                    unique_indexes.entry(&ix.table).or_default().push(i);
                }
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
    objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let deps = o.dependencies();
            let mut out: Vec<usize> = deps
                .keys
                .iter()
                .filter_map(|k| by_key.get(k).copied())
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
                let mut found = Found::default();
                for t in &deps.texts {
                    scan(t, &mut found);
                }
                for (s, n) in &found.qualified {
                    if let Some(v) = by_name.get(&(s.as_str(), n.as_str())) {
                        out.extend(v);
                    }
                }
                if let Some(table) = o.column_scope() {
                    let prefix = format!("COLUMN {}.", qname(table));
                    for id in &found.identifiers {
                        if let Some(&j) = by_key.get(&format!("{prefix}{}", ident(id))) {
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
    nodes: &[(u8, String)],
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
    let priority = |i: usize| {
        let rank = if reverse {
            u8::MAX - nodes[i].0
        } else {
            nodes[i].0
        };
        Reverse((rank, nodes[i].1.clone(), i))
    };
    let mut ready: BinaryHeap<_> = (0..n).filter(|&i| pending[i] == 0).map(priority).collect();
    let mut done = vec![false; n];
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let next = match ready.pop() {
            Some(Reverse((_, _, i))) => i,
            None => {
                // A cycle: take the first remaining node in priority order.
                let i = (0..n)
                    .filter(|&i| !done[i])
                    .min_by_key(|&i| priority(i).0)
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
                ready.push(priority(w));
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
        let nodes = vec![
            (5, "b".to_string()),
            (5, "a".to_string()),
            (1, "z".to_string()),
        ];
        // a needs b.
        let requires = vec![vec![], vec![0], vec![]];
        assert_eq!(topological(&nodes, &requires, false), vec![2, 0, 1]);
        assert_eq!(topological(&nodes, &requires, true), vec![1, 0, 2]);
    }

    #[test]
    fn cycles_are_broken_deterministically() {
        let nodes = vec![(1, "a".to_string()), (1, "b".to_string())];
        let requires = vec![vec![1], vec![0]];
        assert_eq!(topological(&nodes, &requires, false), vec![0, 1]);
    }
}
