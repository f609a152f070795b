//! Matching local migrations with history rows: the one analysis that [`status`](super::status)
//! and the planner share, so they can never disagree about the state of a migration.

use crate::{AppliedKind, AppliedMigration, Migration, MigrationKind, MigrationState, Version};
use std::collections::{BTreeMap, VecDeque};

/// Where an item sorts: versioned (and baseline) entries by version, then repeatables by name.
/// A versioned history row without a version (which a driver should never produce) sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Order<'a> {
    /// A versioned migration or a baseline row.
    Versioned(Option<&'a Version>),
    /// A repeatable migration.
    Repeatable(&'a str),
}

/// One local migration, or one history row without a local migration, with its state.
#[derive(Debug, Clone)]
pub(crate) struct Item<'a> {
    /// The local migration, when there is one.
    pub local: Option<&'a Migration>,
    /// Its own history row (matched, or the row alone when no local migration matches it).
    pub row: Option<&'a AppliedMigration>,
    /// For a local versioned migration without a row of its own: the baseline covering it.
    pub baseline: Option<&'a AppliedMigration>,
    /// The state.
    pub state: MigrationState,
    /// `covered by baseline V`, `changed since applied` or `baseline`.
    pub note: Option<String>,
}

impl<'a> Item<'a> {
    /// The version: the local one when there is a local migration, else the row's.
    pub fn version(&self) -> Option<&'a Version> {
        match (self.local, self.row) {
            (Some(m), _) => m.version.as_ref(),
            (None, Some(r)) => r.version.as_ref(),
            (None, None) => None,
        }
    }

    /// The version as written (`""` for repeatables).
    pub fn version_str(&self) -> &'a str {
        match (self.local, self.row) {
            (Some(m), _) => m.version_str(),
            (None, Some(r)) => r.version_str(),
            (None, None) => "",
        }
    }

    /// The name: the local one when there is a local migration, else the row's.
    pub fn name(&self) -> &'a str {
        match (self.local, self.row) {
            (Some(m), _) => &m.name,
            (None, Some(r)) => &r.name,
            (None, None) => "",
        }
    }

    /// Versioned, or repeatable; baseline rows count as versioned.
    pub fn kind(&self) -> MigrationKind {
        match (self.local, self.row) {
            (Some(m), _) => m.kind,
            (None, Some(r)) if r.kind == AppliedKind::Repeatable => MigrationKind::Repeatable,
            _ => MigrationKind::Versioned,
        }
    }

    /// Where it sorts.
    pub fn order(&self) -> Order<'a> {
        match self.kind() {
            MigrationKind::Repeatable => Order::Repeatable(self.name()),
            _ => Order::Versioned(self.version()),
        }
    }

    /// Statements done, when its row is dirty: of its up script, or of its down script when
    /// it is [reverting](Self::reverting).
    pub fn statements_done(&self) -> Option<u32> {
        self.row.and_then(|r| r.status.statements_done())
    }

    /// True when its down script stopped part-way.
    pub fn reverting(&self) -> bool {
        self.row.is_some_and(AppliedMigration::is_reverting)
    }
}

/// Every local migration and every history row, matched and classified.
#[derive(Debug, Clone)]
pub(crate) struct Analysis<'a> {
    /// Sorted: versioned by version, then repeatables by name. At one version, a local
    /// migration comes before a history row that has no local migration (a baseline row at
    /// the version of a file it covers).
    pub items: Vec<Item<'a>>,
    /// The highest version among versioned and baseline rows (dirty ones included).
    pub highest_applied: Option<&'a Version>,
    /// The highest baseline version.
    pub highest_baseline: Option<&'a Version>,
}

fn is_versioned_local(m: &Migration) -> bool {
    m.kind != MigrationKind::Repeatable && m.version.is_some()
}

/// Matches `local` with `applied` and classifies each. Deterministic whatever the order of
/// either slice: both are sorted first, and each row matches at most one local migration (and
/// the other way round), so duplicates fall out as a pending file and a missing row.
pub(crate) fn analyze<'a>(local: &'a [Migration], applied: &'a [AppliedMigration]) -> Analysis<'a> {
    // History rows, by kind.
    let mut versioned_rows: BTreeMap<&Version, VecDeque<&AppliedMigration>> = BTreeMap::new();
    let mut repeatable_rows: BTreeMap<&str, VecDeque<&AppliedMigration>> = BTreeMap::new();
    let mut baselines: Vec<&AppliedMigration> = Vec::new();
    let mut orphans: Vec<&AppliedMigration> = Vec::new();
    let mut sorted_rows: Vec<&AppliedMigration> = applied.iter().collect();
    sorted_rows.sort_by(|a, b| {
        (&a.version, a.version_str(), &a.name).cmp(&(&b.version, b.version_str(), &b.name))
    });
    for row in sorted_rows {
        match (row.kind, &row.version) {
            (AppliedKind::Repeatable, _) => {
                repeatable_rows.entry(&row.name).or_default().push_back(row)
            }
            (AppliedKind::Baseline, Some(_)) => baselines.push(row),
            (AppliedKind::Versioned, Some(v)) => {
                versioned_rows.entry(v).or_default().push_back(row)
            }
            _ => orphans.push(row),
        }
    }
    // Versions equal as numbers (`1`, `01`) may be written differently: the text breaks ties
    // so the version reported does not depend on the order of the rows.
    let highest = |rows: &mut dyn Iterator<Item = &'a AppliedMigration>| {
        rows.filter_map(|r| r.version.as_ref())
            .max_by(|a, b| a.cmp(b).then_with(|| a.as_str().cmp(b.as_str())))
    };
    let highest_baseline = highest(&mut baselines.iter().copied());
    let highest_applied = highest(
        &mut applied
            .iter()
            .filter(|r| matches!(r.kind, AppliedKind::Versioned | AppliedKind::Baseline)),
    );

    // Local migrations, sorted so that matching does not depend on their order.
    let mut sorted_local: Vec<&Migration> = local.iter().collect();
    sorted_local.sort_by(|a, b| {
        let key = |m: &'a Migration| {
            (
                m.kind == MigrationKind::Repeatable,
                &m.version,
                m.version_str(),
                &m.name,
                m.path(),
            )
        };
        key(a).cmp(&key(b))
    });

    // A row matches the local migration whose version is written the same way first (diesel
    // keeps `0` and `00` as two migrations); only then one whose version has the same value.
    let mut exact: Vec<Option<&AppliedMigration>> = sorted_local
        .iter()
        .map(|m| {
            if !is_versioned_local(m) {
                return None;
            }
            let rows = versioned_rows.get_mut(m.version.as_ref()?)?;
            let i = rows
                .iter()
                .position(|r| r.version_str() == m.version_str())?;
            rows.remove(i)
        })
        .collect();
    let mut items = Vec::with_capacity(local.len() + applied.len());
    for (m, exact) in sorted_local.into_iter().zip(exact.iter_mut()) {
        let row = if is_versioned_local(m) {
            exact.take().or_else(|| {
                m.version
                    .as_ref()
                    .and_then(|v| versioned_rows.get_mut(v))
                    .and_then(VecDeque::pop_front)
            })
        } else if m.kind == MigrationKind::Repeatable {
            repeatable_rows
                .get_mut(m.name.as_str())
                .and_then(VecDeque::pop_front)
        } else {
            None
        };
        items.push(classify_local(m, row, &baselines, highest_applied));
    }
    orphans.extend(versioned_rows.into_values().flatten());
    orphans.extend(repeatable_rows.into_values().flatten());
    orphans.extend(baselines.iter().copied());
    for row in orphans {
        let (state, note) = match row.status {
            _ if row.is_dirty() => (MigrationState::Dirty, None),
            _ if row.kind == AppliedKind::Baseline => {
                (MigrationState::Applied, Some("baseline".to_string()))
            }
            _ => (MigrationState::Missing, None),
        };
        items.push(Item {
            local: None,
            row: Some(row),
            baseline: None,
            state,
            note,
        });
    }

    items.sort_by(|a, b| {
        let key = |i: &Item<'a>| (i.order(), i.local.is_none(), i.version_str(), i.name());
        key(a).cmp(&key(b))
    });
    Analysis {
        items,
        highest_applied,
        highest_baseline,
    }
}

fn classify_local<'a>(
    m: &'a Migration,
    row: Option<&'a AppliedMigration>,
    baselines: &[&'a AppliedMigration],
    highest_applied: Option<&'a Version>,
) -> Item<'a> {
    let item = |state, note: Option<&str>, baseline| Item {
        local: Some(m),
        row,
        baseline,
        state,
        note: note.map(str::to_string),
    };
    if let Some(r) = row {
        let same = r.checksum.as_ref().is_none_or(|c| *c == m.checksum);
        return match (r.is_dirty(), same, m.kind) {
            (true, _, _) => item(MigrationState::Dirty, None, None),
            (false, true, _) => item(MigrationState::Applied, None, None),
            (false, false, MigrationKind::Repeatable) => {
                item(MigrationState::Pending, Some("changed since applied"), None)
            }
            (false, false, _) => item(MigrationState::Modified, None, None),
        };
    }
    let Some(version) = m.version.as_ref().filter(|_| is_versioned_local(m)) else {
        return item(MigrationState::Pending, None, None);
    };
    // Baselines are sorted by version: the first at or above this version is the one that
    // covers it most narrowly.
    let covering = baselines
        .iter()
        .copied()
        .find(|b| b.version.as_ref().is_some_and(|bv| bv >= version));
    if let Some(b) = covering {
        let note = format!("covered by baseline {}", b.version_str());
        return Item {
            note: Some(note),
            ..item(MigrationState::Applied, None, Some(b))
        };
    }
    if highest_applied.is_some_and(|h| version < h) {
        item(MigrationState::OutOfOrder, None, None)
    } else {
        item(MigrationState::Pending, None, None)
    }
}
