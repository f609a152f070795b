//! Builders shared by the planner and status tests: migrations as a source would read them and
//! history rows as a driver would return them.

use crate::{
    plan, AppliedKind, AppliedMigration, AppliedStatus, Migration, Plan, Policy, Problem, Script,
    Step, Target, TransactionMode, Version,
};
use std::path::PathBuf;

pub(crate) fn v(s: &str) -> Version {
    Version::parse(s).unwrap()
}

pub(crate) fn up_sql(name: &str) -> String {
    format!("create table t_{name} (id int);\n")
}

pub(crate) fn down_sql(name: &str) -> String {
    format!("drop table t_{name};\n")
}

pub(crate) fn up_path(version: &str, name: &str) -> PathBuf {
    PathBuf::from(format!("migrations/{version}_{name}.up.sql"))
}

/// A versioned migration with the given up text and a down script, read from files.
pub(crate) fn mig_sql(version: &str, name: &str, sql: &str) -> Migration {
    let down_path = PathBuf::from(format!("migrations/{version}_{name}.down.sql"));
    let up = Script::new(sql, Some(up_path(version, name)), 0);
    Migration::versioned(v(version), name, up).with_down(Some(Script::new(
        down_sql(name),
        Some(down_path),
        0,
    )))
}

/// A versioned migration with an up and a down script, read from files.
pub(crate) fn mig(version: &str, name: &str) -> Migration {
    mig_sql(version, name, &up_sql(name))
}

/// The same migration without a down script.
pub(crate) fn no_down(m: Migration) -> Migration {
    m.with_down(None)
}

/// The same migration, its up script marked `-- strata:no-transaction`.
pub(crate) fn no_tx(mut m: Migration) -> Migration {
    m.up = m.up.with_transaction(TransactionMode::None);
    m
}

/// A repeatable migration.
pub(crate) fn rep(name: &str, sql: &str) -> Migration {
    let path = PathBuf::from(format!("migrations/R__{name}.sql"));
    Migration::repeatable(name, Script::new(sql, Some(path), 0))
}

/// The history row of a migration applied in batch 1, with its checksum and down script.
pub(crate) fn row(m: &Migration) -> AppliedMigration {
    let kind = match m.kind {
        crate::MigrationKind::Repeatable => AppliedKind::Repeatable,
        _ => AppliedKind::Versioned,
    };
    let mut r = AppliedMigration::new(m.version.clone(), m.name.clone(), kind)
        .with_checksum(m.checksum.clone())
        .with_down_script(m.down.as_ref().map(|d| d.sql.clone()));
    r.applied_at = format!("at {}{}", m.version_str(), m.name);
    r.applied_by = "alice".to_string();
    r
}

/// The history row of a versioned migration, as a driver would read it (version as stored).
pub(crate) fn row_of(version: &str, name: &str) -> AppliedMigration {
    row(&mig(version, name))
}

/// A row whose file was never seen (`mark-applied` without a file): no checksum.
pub(crate) fn row_unchecked(version: &str, name: &str) -> AppliedMigration {
    let mut r = row_of(version, name);
    r.checksum = None;
    r
}

pub(crate) fn batch(r: AppliedMigration, batch: i64) -> AppliedMigration {
    r.with_batch(batch)
}

pub(crate) fn dirty(r: AppliedMigration, statements_done: u32) -> AppliedMigration {
    r.with_status(AppliedStatus::Dirty { statements_done })
}

/// A row whose down script stopped after `statements_done` statements.
pub(crate) fn reverting(r: AppliedMigration, statements_done: u32) -> AppliedMigration {
    r.with_status(AppliedStatus::Reverting { statements_done })
}

pub(crate) fn baseline(version: &str) -> AppliedMigration {
    let mut r = AppliedMigration::new(Some(v(version)), "<< baseline >>", AppliedKind::Baseline);
    r.applied_at = format!("at baseline {version}");
    r.applied_by = "ops".to_string();
    r
}

pub(crate) fn up() -> Target {
    Target::Up { to: None }
}

pub(crate) fn up_to(version: &str) -> Target {
    Target::Up {
        to: Some(v(version)),
    }
}

pub(crate) fn ok(local: &[Migration], applied: &[AppliedMigration], target: Target) -> Plan {
    ok_with(local, applied, target, &Policy::default())
}

pub(crate) fn ok_with(
    local: &[Migration],
    applied: &[AppliedMigration],
    target: Target,
    policy: &Policy,
) -> Plan {
    match plan(local, applied, &target, policy) {
        Ok(p) => p,
        Err(e) => panic!("expected a plan, got {e}"),
    }
}

pub(crate) fn err(
    local: &[Migration],
    applied: &[AppliedMigration],
    target: Target,
) -> Vec<Problem> {
    err_with(local, applied, target, &Policy::default())
}

pub(crate) fn err_with(
    local: &[Migration],
    applied: &[AppliedMigration],
    target: Target,
    policy: &Policy,
) -> Vec<Problem> {
    match plan(local, applied, &target, policy) {
        Ok(p) => panic!("expected problems, got a plan: {:?}", summary(&p)),
        Err(e) => e.problems,
    }
}

/// `apply 0001_a`, `resume@2 0003_c`, `reapply R__views`, `revert 0002_b`.
pub(crate) fn summary(plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(step_summary).collect()
}

pub(crate) fn step_summary(step: &Step) -> String {
    let action = match step.action {
        crate::Action::Resume { statements_done } => format!("resume@{statements_done}"),
        crate::Action::ResumeRevert { statements_done } => {
            format!("resume-revert@{statements_done}")
        }
        a => a.as_str().to_string(),
    };
    format!("{action} {}", step.label())
}

pub(crate) fn missing(version: &str, name: &str) -> Problem {
    Problem::Missing {
        version: version.into(),
        name: name.into(),
    }
}

pub(crate) fn out_of_order(version: &str, name: &str, highest: &str) -> Problem {
    Problem::OutOfOrder {
        version: version.into(),
        name: name.into(),
        highest_applied: highest.into(),
    }
}

pub(crate) fn dirty_problem(version: &str, name: &str, statements_done: u32) -> Problem {
    Problem::Dirty {
        version: version.into(),
        name: name.into(),
        statements_done,
    }
}

pub(crate) fn reverting_problem(version: &str, name: &str, statements_done: u32) -> Problem {
    Problem::Reverting {
        version: version.into(),
        name: name.into(),
        statements_done,
    }
}

pub(crate) fn irreversible(version: &str, name: &str) -> Problem {
    Problem::Irreversible {
        version: version.into(),
        name: name.into(),
    }
}

pub(crate) fn unknown(version: &str) -> Problem {
    Problem::UnknownTarget {
        version: version.into(),
    }
}

pub(crate) fn no_tx_problem(version: &str, name: &str) -> Problem {
    Problem::NoTransactionInSingleTransaction {
        version: version.into(),
        name: name.into(),
    }
}

/// The problem for a file `m` whose applied row has `row`'s checksum.
pub(crate) fn modified(m: &Migration, row: &AppliedMigration) -> Problem {
    Problem::Modified {
        version: m.version_str().into(),
        name: m.name.clone(),
        path: m.path().map(Into::into),
        applied: row.checksum.as_ref().unwrap().as_str().into(),
        local: m.checksum.as_str().into(),
    }
}
