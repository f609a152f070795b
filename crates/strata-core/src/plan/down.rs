//! Planning `down [N | --to V | --batch]` and `redo`.

use super::{modified, revert_step, up_step, Action, Problems, Step};
use crate::status::{Analysis, Item, Order};
use crate::{AppliedKind, AppliedStatus, MigrationKind, MigrationState, Problem, Script, Version};

/// Which candidates a `down` reverts.
#[derive(Debug, Clone, Copy)]
pub(super) enum Select<'a> {
    /// The `n` highest.
    Count(usize),
    /// Every one above this version (`0`: all).
    To(&'a Version),
    /// Every one in the highest batch among them.
    Batch,
}

/// The reverts of a `down`, highest version first; refusals go to `problems`.
pub(super) fn plan_down<'a>(
    analysis: &Analysis<'a>,
    select: Select<'a>,
    problems: &mut Problems<'a>,
) -> Vec<Step> {
    refuse_dirty(analysis, problems, false);
    let candidates = candidates(analysis);
    // A down script that stopped part-way is finished first, whatever the target says; it
    // counts as one of a `down N`.
    let highest_batch = candidates
        .iter()
        .filter_map(|i| i.row.map(|r| r.batch))
        .max();
    let (mut resumes, candidates): (Vec<&Item<'a>>, Vec<&Item<'a>>) =
        candidates.into_iter().partition(|i| i.reverting());
    if let Select::Count(n) = select {
        // `down 0` reverts nothing.
        resumes.truncate(n);
    }
    let selected: Vec<&Item<'a>> = match select {
        Select::Count(n) => candidates
            .into_iter()
            .take(n.saturating_sub(resumes.len()))
            .collect(),
        Select::To(to) => {
            let known = analysis
                .items
                .iter()
                .any(|i| i.kind() != MigrationKind::Repeatable && i.version() == Some(to));
            if !to.is_zero() && !known {
                problems.push(
                    Order::Versioned(Some(to)),
                    Problem::UnknownTarget {
                        version: to.as_str().to_string(),
                    },
                );
                return Vec::new();
            }
            candidates
                .into_iter()
                .filter(|i| i.version().is_some_and(|v| v > to))
                .collect()
        }
        Select::Batch => candidates
            .into_iter()
            .filter(|i| i.row.map(|r| r.batch) == highest_batch)
            .collect(),
    };
    resumes
        .into_iter()
        .chain(selected)
        .filter_map(|item| revert(item, problems))
        .collect()
}

/// A `redo`: the revert of the highest candidate, then the apply of its (unchanged) file.
pub(super) fn plan_redo<'a>(analysis: &Analysis<'a>, problems: &mut Problems<'a>) -> Vec<Step> {
    refuse_dirty(analysis, problems, true);
    let Some(item) = candidates(analysis).into_iter().next() else {
        let reason = match analysis.highest_baseline {
            Some(b) => format!("nothing to redo: no migration is applied above baseline {b}"),
            None => "nothing to redo: no migration is applied".to_string(),
        };
        problems.push(Order::Versioned(None), Problem::NothingToDo { reason });
        return Vec::new();
    };
    if item.state == MigrationState::Dirty {
        // Already reported; `up` resumes it.
        return Vec::new();
    }
    let Some(m) = item.local else {
        problems.push(
            item.order(),
            Problem::Missing {
                version: item.version_str().to_string(),
                name: item.name().to_string(),
            },
        );
        return Vec::new();
    };
    if item.state == MigrationState::Modified {
        problems.push(item.order(), modified(item));
    }
    match revert(item, problems) {
        Some(revert) => vec![revert, up_step(Action::Apply, m, None)],
        None => Vec::new(),
    }
}

/// Applied versioned rows above the highest baseline (baselines are never reverted), highest
/// version first, each with its local migration when there is one.
fn candidates<'i, 'a>(analysis: &'i Analysis<'a>) -> Vec<&'i Item<'a>> {
    let above_baseline = |v: &Version| {
        analysis
            .highest_baseline
            .is_none_or(|baseline| v > baseline)
    };
    analysis
        .items
        .iter()
        .filter(|i| {
            i.row.is_some_and(|r| {
                r.kind == AppliedKind::Versioned && r.version.as_ref().is_some_and(above_baseline)
            })
        })
        .rev()
        .collect()
}

/// A dirty row anywhere must be resolved (resumed by `up`, or repaired) before going down. A
/// row whose down script stopped part-way is resumed by `down`, and refused by `redo`
/// (`reverting` is true).
fn refuse_dirty<'a>(analysis: &Analysis<'a>, problems: &mut Problems<'a>, reverting: bool) {
    for item in &analysis.items {
        let Some(statements_done) = item.statements_done() else {
            continue;
        };
        if item.reverting() {
            if reverting {
                problems.push(
                    item.order(),
                    Problem::Reverting {
                        version: item.version_str().to_string(),
                        name: item.name().to_string(),
                        statements_done,
                    },
                );
            }
        } else {
            problems.push(
                item.order(),
                Problem::Dirty {
                    version: item.version_str().to_string(),
                    name: item.name().to_string(),
                    statements_done,
                },
            );
        }
    }
}

/// The revert of one candidate: the local down script, else the one stored with the row. A
/// row whose down script stopped part-way resumes after its completed statements (the file's
/// down script is the fixed one). Dirty rows get no step (they are refused by
/// [`refuse_dirty`]).
fn revert<'a>(item: &Item<'a>, problems: &mut Problems<'a>) -> Option<Step> {
    let row = item.row?;
    let action = match row.status {
        AppliedStatus::Applied => Action::Revert,
        AppliedStatus::Reverting { statements_done } => Action::ResumeRevert { statements_done },
        _ => return None,
    };
    // A stored script keeps its own directives: a `-- strata:no-transaction` down (e.g. a
    // `DROP INDEX CONCURRENTLY`) still runs outside a transaction when its file is gone, and
    // its timeouts still apply.
    let stored = || {
        row.down_script
            .as_ref()
            .map(|sql| Script::stored(sql.clone()))
    };
    match item.local.and_then(|m| m.down.clone()).or_else(stored) {
        Some(script) => Some(revert_step(action, row, item.local, script)),
        None => {
            problems.push(
                item.order(),
                Problem::Irreversible {
                    version: item.version_str().to_string(),
                    name: item.name().to_string(),
                },
            );
            None
        }
    }
}
