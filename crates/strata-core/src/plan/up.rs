//! Planning `up [--to V]`.

use super::{modified, up_step, Action, Policy, Problems, Step};
use crate::status::{Analysis, Order};
use crate::{MigrationKind, MigrationState, Problem, Version};

/// The steps of an `up` and the warnings the policy allowed; refusals go to `problems`.
///
/// Resumes of dirty migrations come first, then pending versioned migrations in version order
/// (out-of-order ones among them when allowed), then new or changed repeatables by name (only
/// when no `to` is given, since `to` names a point in the versioned sequence).
pub(super) fn plan_up<'a>(
    analysis: &Analysis<'a>,
    to: Option<&'a Version>,
    policy: &Policy,
    problems: &mut Problems<'a>,
) -> (Vec<Step>, Vec<Problem>) {
    let mut warnings = Problems::default();
    if let Some(to) = to {
        let known = analysis
            .items
            .iter()
            .any(|i| i.kind() != MigrationKind::Repeatable && i.version() == Some(to));
        if !known {
            problems.push(
                Order::Versioned(Some(to)),
                Problem::UnknownTarget {
                    version: to.as_str().to_string(),
                },
            );
        }
    }

    let mut resumes = Vec::new();
    let mut versioned = Vec::new();
    let mut repeatables = Vec::new();
    for item in &analysis.items {
        let order = item.order();
        let version = item.version_str().to_string();
        let name = item.name().to_string();
        match (item.state, item.local) {
            (MigrationState::Applied, _) => {}
            // Its down script stopped part-way: `down` finishes it, or `repair` resolves it.
            (MigrationState::Dirty, _) if item.reverting() => {
                problems.push(
                    order,
                    Problem::Reverting {
                        version,
                        name,
                        statements_done: item.statements_done().unwrap_or(0),
                    },
                );
            }
            // Resumed also when its file changed: that is how the failing statement is fixed.
            (MigrationState::Dirty, Some(m)) => {
                let statements_done = item.statements_done().unwrap_or(0);
                resumes.push(up_step(Action::Resume { statements_done }, m, item.row));
            }
            (MigrationState::Dirty, None) => {
                let statements_done = item.statements_done().unwrap_or(0);
                problems.push(
                    order,
                    Problem::Dirty {
                        version,
                        name,
                        statements_done,
                    },
                );
            }
            (MigrationState::Modified, Some(_)) => problems.push(order, modified(item)),
            (MigrationState::Missing, _) => {
                let list = if policy.allow_missing {
                    &mut warnings
                } else {
                    &mut *problems
                };
                list.push(order, Problem::Missing { version, name });
            }
            (MigrationState::Pending | MigrationState::OutOfOrder, Some(m))
                if m.kind == MigrationKind::Repeatable =>
            {
                if to.is_none() {
                    let action = if item.row.is_some() {
                        Action::Reapply
                    } else {
                        Action::Apply
                    };
                    repeatables.push(up_step(action, m, item.row));
                }
            }
            (MigrationState::Pending | MigrationState::OutOfOrder, Some(m)) => {
                if to.is_some_and(|to| m.version.as_ref().is_some_and(|v| v > to)) {
                    continue;
                }
                if item.state == MigrationState::OutOfOrder {
                    let highest_applied = analysis
                        .highest_applied
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default();
                    let list = if policy.allow_out_of_order {
                        &mut warnings
                    } else {
                        &mut *problems
                    };
                    list.push(
                        order,
                        Problem::OutOfOrder {
                            version,
                            name,
                            highest_applied,
                        },
                    );
                }
                versioned.push(up_step(Action::Apply, m, None));
            }
            // Modified and pending states always have a local migration.
            (
                MigrationState::Modified | MigrationState::Pending | MigrationState::OutOfOrder,
                None,
            ) => {}
        }
    }
    resumes.extend(versioned);
    resumes.extend(repeatables);
    (resumes, warnings.finish())
}
