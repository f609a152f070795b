//! Planner tests for `down` and `redo`.

use super::fixtures::*;
use crate::{Action, Direction, MigrationKind, Policy, Problem, Script, Target};

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

fn down_to(version: &str) -> Target {
    Target::DownTo(v(version))
}

/// Four migrations, all applied: 1 and 2 in batch 1, 3 and 4 in batch 2.
fn four() -> (Vec<crate::Migration>, Vec<crate::AppliedMigration>) {
    let local = vec![mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = vec![
        batch(row(&local[0]), 1),
        batch(row(&local[1]), 1),
        batch(row(&local[2]), 2),
        batch(row(&local[3]), 2),
    ];
    (local, applied)
}

#[test]
fn down_one_reverts_the_highest_version_with_its_local_down_script() {
    let (local, applied) = four();
    let p = ok(&local, &applied, Target::DownCount(1));
    assert_eq!(p.direction, Direction::Down);
    assert_eq!(summary(&p), s(&["revert 4_d"]));
    let step = &p.steps[0];
    assert_eq!(step.action, Action::Revert);
    assert_eq!(step.version, Some(v("4")));
    assert_eq!(step.kind, MigrationKind::Versioned);
    assert_eq!(Some(&step.script), local[3].down.as_ref());
    assert_eq!(step.migration.as_ref(), Some(&local[3]));
    assert_eq!(step.applied.as_ref(), Some(&applied[3]));
    assert_eq!(p.batch, 3);
    assert!(p.warnings.is_empty());
}

#[test]
fn down_n_reverts_the_n_highest_newest_first() {
    let (local, applied) = four();
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownCount(3))),
        s(&["revert 4_d", "revert 3_c", "revert 2_b"])
    );
}

#[test]
fn down_zero_is_an_empty_plan() {
    let (local, applied) = four();
    let p = ok(&local, &applied, Target::DownCount(0));
    assert_eq!(p.direction, Direction::Down);
    assert!(p.steps.is_empty());
}

#[test]
fn down_more_than_applied_reverts_everything() {
    let (local, applied) = four();
    let p = ok(&local, &applied, Target::DownCount(99));
    assert_eq!(
        summary(&p),
        s(&["revert 4_d", "revert 3_c", "revert 2_b", "revert 1_a"])
    );
    assert!(ok(&local, &[], Target::DownCount(1)).steps.is_empty());
}

#[test]
fn down_only_reverts_applied_versioned_rows_in_any_input_order() {
    let local = [
        mig("3", "c"),
        mig("1", "a"),
        mig("2", "b"),
        rep("views", "select 1;"),
    ];
    // 3 is pending and the repeatable is applied: neither is a candidate.
    let applied = [row(&local[3]), row(&local[2]), row(&local[1])];
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownCount(5))),
        s(&["revert 2_b", "revert 1_a"])
    );
}

#[test]
fn down_to_a_version_reverts_everything_above_it() {
    let (local, applied) = four();
    assert_eq!(
        summary(&ok(&local, &applied, down_to("2"))),
        s(&["revert 4_d", "revert 3_c"])
    );
    assert!(ok(&local, &applied, down_to("4")).steps.is_empty());
}

#[test]
fn down_to_zero_reverts_everything() {
    let (local, applied) = four();
    let all = s(&["revert 4_d", "revert 3_c", "revert 2_b", "revert 1_a"]);
    assert_eq!(summary(&ok(&local, &applied, down_to("0"))), all);
    assert_eq!(summary(&ok(&local, &applied, down_to("0000"))), all);
    assert!(ok(&[], &[], down_to("0")).steps.is_empty());
}

#[test]
fn down_to_a_pending_local_version_is_known() {
    let (mut local, applied) = four();
    local.push(mig("5", "e"));
    let applied = &applied[..2];
    assert!(ok(&local, applied, down_to("5")).steps.is_empty());
    assert_eq!(
        summary(&ok(&local, applied, down_to("1"))),
        s(&["revert 2_b"])
    );
}

#[test]
fn down_to_an_unknown_version_is_refused() {
    let (local, applied) = four();
    assert_eq!(err(&local, &applied, down_to("5")), vec![unknown("5")]);
    assert_eq!(err(&local, &applied, down_to("2.5")), vec![unknown("2.5")]);
}

#[test]
fn down_batch_reverts_the_highest_batch() {
    let (local, applied) = four();
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownBatch)),
        s(&["revert 4_d", "revert 3_c"])
    );
    // Batches need not follow versions (an out-of-order apply).
    let applied = [
        batch(row(&local[0]), 1),
        batch(row(&local[1]), 3),
        batch(row(&local[2]), 2),
    ];
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownBatch)),
        s(&["revert 2_b"])
    );
    assert!(ok(&local, &[], Target::DownBatch).steps.is_empty());
}

#[test]
fn down_never_reverts_a_baseline_or_what_it_covers() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = [
        batch(row(&local[0]), 1),
        batch(baseline("2"), 2),
        batch(row(&local[2]), 1),
        batch(row(&local[3]), 1),
    ];
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownCount(10))),
        s(&["revert 4_d", "revert 3_c"])
    );
    assert_eq!(
        summary(&ok(&local, &applied, down_to("0"))),
        s(&["revert 4_d", "revert 3_c"])
    );
    // A covered version is a known target; going below the baseline stops at it.
    assert_eq!(
        summary(&ok(&local, &applied, down_to("1"))),
        s(&["revert 4_d", "revert 3_c"])
    );
    assert_eq!(
        summary(&ok(&local, &applied, down_to("2"))),
        s(&["revert 4_d", "revert 3_c"])
    );
    // The baseline's batch is higher, but it is not a candidate.
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownBatch)),
        s(&["revert 4_d", "revert 3_c"])
    );
    assert!(ok(&local[..2], &applied[..2], Target::DownCount(1))
        .steps
        .is_empty());
}

#[test]
fn down_of_a_missing_file_uses_the_stored_down_script_without_any_flag() {
    let applied = [row_of("1", "a"), row_of("2", "b")];
    let p = ok(&[mig("1", "a")], &applied, Target::DownCount(1));
    assert_eq!(summary(&p), s(&["revert 2_b"]));
    let step = &p.steps[0];
    assert_eq!(step.script, Script::new(down_sql("b"), None, 0));
    assert_eq!(step.migration, None);
    assert_eq!(step.applied.as_ref(), Some(&applied[1]));
    assert_eq!(
        (step.version.clone(), step.name.as_str()),
        (Some(v("2")), "b")
    );
}

#[test]
fn down_of_a_file_without_down_falls_back_to_the_stored_script() {
    let local = [no_down(mig("1", "a"))];
    let applied = [row_of("1", "a")];
    let p = ok(&local, &applied, Target::DownCount(1));
    assert_eq!(p.steps[0].script, Script::new(down_sql("a"), None, 0));
    assert_eq!(p.steps[0].migration.as_ref(), Some(&local[0]));
}

#[test]
fn the_local_down_script_wins_over_the_stored_one() {
    let local = [mig("1", "a")];
    let applied = [row_of("1", "a").with_down_script(Some("drop table old_name;".into()))];
    let p = ok(&local, &applied, Target::DownCount(1));
    assert_eq!(Some(&p.steps[0].script), local[0].down.as_ref());
}

#[test]
fn down_without_any_down_script_is_irreversible_and_all_are_reported_in_version_order() {
    let local = [
        no_down(mig("1", "a")),
        no_down(mig("2", "b")),
        mig("3", "c"),
    ];
    let applied: Vec<_> = local
        .iter()
        .map(|m| row(m).with_down_script(None))
        .collect();
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownCount(1))),
        s(&["revert 3_c"])
    );
    assert_eq!(
        err(&local, &applied, Target::DownCount(3)),
        vec![irreversible("1", "a"), irreversible("2", "b")]
    );
    // A missing file with nothing stored either.
    assert_eq!(
        err(&[], &applied[..1], Target::DownCount(1)),
        vec![irreversible("1", "a")]
    );
}

#[test]
fn a_blank_down_script_reverts() {
    let local = [mig("1", "a").with_down(Some(Script::new("-- nothing to undo\n", None, 0)))];
    let p = ok(&local, &[row_of("1", "a")], Target::DownCount(1));
    assert_eq!(summary(&p), s(&["revert 1_a"]));
}

#[test]
fn a_modified_migration_is_reverted_with_its_local_down_without_complaint() {
    let local = [mig_sql("1", "a", "create table t_a (id bigint);\n")];
    let applied = [row_of("1", "a")];
    let p = ok(&local, &applied, Target::DownCount(1));
    assert_eq!(Some(&p.steps[0].script), local[0].down.as_ref());
    assert!(p.warnings.is_empty());
}

#[test]
fn problems_of_up_do_not_stop_down() {
    // 1 is missing, 2 is pending out of order, 3 is modified.
    let local = [mig("2", "b"), mig_sql("3", "c", "select 'edited';\n")];
    let applied = [row_of("1", "a"), row_of("3", "c")];
    let p = ok(&local, &applied, Target::DownCount(5));
    assert_eq!(summary(&p), s(&["revert 3_c", "revert 1_a"]));
}

#[test]
fn a_dirty_row_anywhere_refuses_down() {
    let (local, mut applied) = four();
    applied[1] = dirty(applied[1].clone(), 2);
    // 2 is not among the selected ones, but must be resolved first.
    assert_eq!(
        err(&local, &applied, Target::DownCount(1)),
        vec![dirty_problem("2", "b", 2)]
    );
    assert_eq!(
        err(&local, &applied, Target::DownBatch),
        vec![dirty_problem("2", "b", 2)]
    );
    assert_eq!(
        err(&local, &applied, down_to("3")),
        vec![dirty_problem("2", "b", 2)]
    );
    assert_eq!(
        err(&local, &applied, Target::DownCount(0)),
        vec![dirty_problem("2", "b", 2)]
    );
}

#[test]
fn a_selected_dirty_row_is_reported_once_and_not_as_irreversible() {
    let local = [mig("1", "a")];
    let applied = [
        row_of("1", "a"),
        dirty(row_of("2", "b").with_down_script(None), 1),
    ];
    assert_eq!(
        err(&local, &applied, Target::DownCount(2)),
        vec![dirty_problem("2", "b", 1)]
    );
}

#[test]
fn a_dirty_repeatable_refuses_down_too() {
    let r = rep("views", "select 1;");
    let applied = [row_of("1", "a"), dirty(row(&r), 0)];
    assert_eq!(
        err(&[mig("1", "a"), r], &applied, Target::DownCount(1)),
        vec![dirty_problem("", "views", 0)]
    );
}

#[test]
fn single_transaction_refuses_a_non_transactional_down_script() {
    let mut m = mig("2", "b");
    m.down = m
        .down
        .map(|d| d.with_transaction(crate::TransactionMode::None));
    let local = [mig("1", "a"), m];
    let applied = [row(&local[0]), row(&local[1])];
    let policy = Policy::default().single_transaction(true);
    assert_eq!(
        err_with(&local, &applied, Target::DownCount(2), &policy),
        vec![no_tx_problem("2", "b")]
    );
    assert_eq!(
        summary(&ok_with(&local, &applied, down_to("2"), &policy)),
        Vec::<String>::new()
    );
}

#[test]
fn down_matches_unpadded_rows_with_padded_files() {
    let local = [mig("0001", "a"), mig("0002", "b")];
    let applied = [row_of("1", "a"), row_of("2", "b").with_down_script(None)];
    let p = ok(&local, &applied, Target::DownCount(2));
    // The row's version as stored; the local down script.
    assert_eq!(summary(&p), s(&["revert 2_b", "revert 1_a"]));
    assert_eq!(Some(&p.steps[0].script), local[1].down.as_ref());
    assert_eq!(p.steps[0].migration.as_ref(), Some(&local[1]));
    assert_eq!(
        summary(&ok(&local, &applied, down_to("0001"))),
        s(&["revert 2_b"])
    );
}

#[test]
fn down_orders_flyway_versions_numerically() {
    let local = [
        mig("1.2", "b"),
        mig("1.10", "d"),
        mig("1.9", "c"),
        mig("1.1", "a"),
    ];
    let applied: Vec<_> = local.iter().map(row).collect();
    let p = ok(&local, &applied, Target::DownCount(3));
    assert_eq!(
        summary(&p),
        s(&["revert 1.10_d", "revert 1.9_c", "revert 1.2_b"])
    );
    assert_eq!(
        summary(&ok(&local, &applied, down_to("1.9"))),
        s(&["revert 1.10_d"])
    );
}

#[test]
fn redo_reverts_then_applies_the_highest_applied_migration() {
    let (mut local, applied) = four();
    local.push(mig("5", "e"));
    let p = ok(&local, &applied, Target::Redo);
    assert_eq!(p.direction, Direction::Down);
    assert_eq!(summary(&p), s(&["revert 4_d", "apply 4_d"]));
    assert_eq!(p.batch, 3);
    let (revert, apply) = (&p.steps[0], &p.steps[1]);
    assert_eq!(revert.applied.as_ref(), Some(&applied[3]));
    assert_eq!(Some(&revert.script), local[3].down.as_ref());
    assert_eq!(apply.action, Action::Apply);
    assert_eq!(apply.script, local[3].up);
    assert_eq!(apply.migration.as_ref(), Some(&local[3]));
    assert_eq!(apply.applied, None);
}

#[test]
fn redo_with_nothing_applied_has_nothing_to_do() {
    let problems = err(&[mig("1", "a")], &[], Target::Redo);
    assert!(
        matches!(&problems[..], [Problem::NothingToDo { reason }] if reason == "nothing to redo: no migration is applied")
    );
    let problems = err(&[mig("1", "a")], &[baseline("1")], Target::Redo);
    assert!(
        matches!(&problems[..], [Problem::NothingToDo { reason }] if reason.ends_with("above baseline 1"))
    );
}

#[test]
fn redo_needs_the_file_unchanged_and_a_down_script() {
    let applied = [row_of("1", "a"), row_of("2", "b")];
    assert_eq!(
        err(&[mig("1", "a")], &applied, Target::Redo),
        vec![missing("2", "b")]
    );
    let edited = mig_sql("2", "b", "select 'edited';\n");
    assert_eq!(
        err(std::slice::from_ref(&edited), &applied, Target::Redo),
        vec![modified(&edited, &applied[1])]
    );
    let bare = [no_down(mig("2", "b"))];
    let applied = [row_of("1", "a"), row(&bare[0])];
    assert_eq!(
        err(&bare, &applied, Target::Redo),
        vec![irreversible("2", "b")]
    );
}

#[test]
fn redo_of_a_missing_down_uses_the_stored_one() {
    let local = [no_down(mig("2", "b"))];
    let applied = [row_of("2", "b")];
    let p = ok(&local, &applied, Target::Redo);
    assert_eq!(summary(&p), s(&["revert 2_b", "apply 2_b"]));
    assert_eq!(p.steps[0].script, Script::new(down_sql("b"), None, 0));
}

#[test]
fn redo_refuses_a_dirty_history() {
    let local = [mig("1", "a"), mig("2", "b")];
    let applied = [row(&local[0]), dirty(row(&local[1]), 3)];
    assert_eq!(
        err(&local, &applied, Target::Redo),
        vec![dirty_problem("2", "b", 3)]
    );
}

#[test]
fn redo_in_one_transaction_reports_a_non_transactional_migration_once() {
    let mut m = no_tx(mig("1", "a"));
    m.down = m
        .down
        .map(|d| d.with_transaction(crate::TransactionMode::None));
    let applied = [row(&m)];
    let policy = Policy::default().single_transaction(true);
    assert_eq!(
        err_with(&[m], &applied, Target::Redo, &policy),
        vec![no_tx_problem("1", "a")]
    );
}

#[test]
fn redo_skips_baselines() {
    let local = [mig("3", "c")];
    let applied = [baseline("2"), row(&local[0])];
    assert_eq!(
        summary(&ok(&local, &applied, Target::Redo)),
        s(&["revert 3_c", "apply 3_c"])
    );
}

#[test]
fn a_stored_down_script_keeps_its_no_transaction_directive() {
    let applied = [row_of("1", "a").with_down_script(Some(
        "-- strata:no-transaction\nDROP INDEX CONCURRENTLY i;\n".into(),
    ))];
    let p = crate::plan(&[], &applied, &Target::DownCount(1), &Policy::default()).unwrap();
    assert_eq!(p.steps.len(), 1);
    assert_eq!(p.steps[0].transaction(), crate::TransactionMode::None);
    let applied = [row_of("1", "a").with_down_script(Some("DROP TABLE a;".into()))];
    let p = crate::plan(&[], &applied, &Target::DownCount(1), &Policy::default()).unwrap();
    assert_eq!(
        p.steps[0].transaction(),
        crate::TransactionMode::Transactional
    );
}

/// `four()` with 4 partly reverted: 2 statements of its down script done.
fn four_reverting() -> (Vec<crate::Migration>, Vec<crate::AppliedMigration>) {
    let (local, mut applied) = four();
    applied[3] = reverting(applied[3].clone(), 2);
    (local, applied)
}

#[test]
fn down_resumes_a_partly_reverted_migration_after_its_completed_statements() {
    let (local, applied) = four_reverting();
    let p = ok(&local, &applied, Target::DownCount(1));
    assert_eq!(summary(&p), s(&["resume-revert@2 4_d"]));
    let step = &p.steps[0];
    assert_eq!(step.action, Action::ResumeRevert { statements_done: 2 });
    assert!(step.action.is_revert());
    // The file's down script: the fixed one.
    assert_eq!(Some(&step.script), local[3].down.as_ref());
    assert_eq!(step.applied.as_ref(), Some(&applied[3]));
}

#[test]
fn the_resumed_revert_counts_as_one_of_down_n_and_comes_first() {
    let (local, applied) = four_reverting();
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownCount(3))),
        s(&["resume-revert@2 4_d", "revert 3_c", "revert 2_b"])
    );
    assert!(ok(&local, &applied, Target::DownCount(0)).steps.is_empty());
}

#[test]
fn the_resumed_revert_comes_first_whatever_the_target() {
    let (local, mut applied) = four_reverting();
    // Even below `--to` (possible after out-of-order applies): it is finished first.
    assert_eq!(
        summary(&ok(&local, &applied, down_to("3"))),
        s(&["resume-revert@2 4_d"])
    );
    assert_eq!(
        summary(&ok(&local, &applied, down_to("2"))),
        s(&["resume-revert@2 4_d", "revert 3_c"])
    );
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownBatch)),
        s(&["resume-revert@2 4_d", "revert 3_c"])
    );
    // In a lower batch than the rest, `--batch` still finishes it, and the highest batch.
    applied[3] = batch(applied[3].clone(), 1);
    assert_eq!(
        summary(&ok(&local, &applied, Target::DownBatch)),
        s(&["resume-revert@2 4_d", "revert 3_c"])
    );
}

#[test]
fn a_partly_reverted_migration_without_its_file_resumes_with_the_stored_down_script() {
    let (local, applied) = four_reverting();
    let p = ok(&local[..3], &applied, Target::DownCount(1));
    assert_eq!(summary(&p), s(&["resume-revert@2 4_d"]));
    assert_eq!(p.steps[0].script, Script::new(down_sql("d"), None, 0));
    assert_eq!(p.steps[0].migration, None);
}

#[test]
fn a_partly_reverted_migration_without_any_down_script_is_irreversible() {
    let (local, mut applied) = four_reverting();
    applied[3].down_script = None;
    assert_eq!(
        err(&local[..3], &applied, Target::DownCount(1)),
        vec![irreversible("4", "d")]
    );
}

#[test]
fn an_up_dirty_row_still_refuses_down_beside_a_partly_reverted_one() {
    let (local, mut applied) = four_reverting();
    applied[0] = dirty(applied[0].clone(), 1);
    assert_eq!(
        err(&local, &applied, Target::DownCount(1)),
        vec![dirty_problem("1", "a", 1)]
    );
}

#[test]
fn up_and_redo_refuse_a_partly_reverted_migration() {
    let (mut local, applied) = four_reverting();
    local.push(mig("5", "e"));
    let problems = err(&local, &applied, up());
    assert_eq!(problems, vec![reverting_problem("4", "d", 2)]);
    assert!(problems[0].help().contains("`strata down`"));
    assert!(problems[0].help().contains("`strata repair 4`"));
    assert!(problems[0].help().contains("`strata repair 4 --forget`"));
    assert_eq!(
        err(&local, &applied, Target::Redo),
        vec![reverting_problem("4", "d", 2)]
    );
    // Without its file too.
    assert_eq!(
        err(&local[..3], &applied, up()),
        vec![reverting_problem("4", "d", 2)]
    );
}
