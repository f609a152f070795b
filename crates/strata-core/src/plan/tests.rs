//! Planner tests for `up`; `down` and `redo` are in `tests_down.rs`.

use super::fixtures::*;
use crate::{plan, Action, Direction, MigrationKind, Policy, Problem, Target};

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

#[test]
fn nothing_local_nothing_applied_is_an_empty_up_plan() {
    let p = ok(&[], &[], up());
    assert_eq!(p.direction, Direction::Up);
    assert!(p.steps.is_empty());
    assert_eq!(p.batch, 1);
    assert!(p.warnings.is_empty());
}

#[test]
fn all_pending_are_applied_in_version_order_whatever_the_input_order() {
    let local = [mig("3", "c"), mig("1", "a"), mig("2", "b")];
    let p = ok(&local, &[], up());
    assert_eq!(summary(&p), s(&["apply 1_a", "apply 2_b", "apply 3_c"]));
    assert_eq!(p.batch, 1);
    let first = &p.steps[0];
    assert_eq!(first.action, Action::Apply);
    assert_eq!(first.version, Some(v("1")));
    assert_eq!(first.name, "a");
    assert_eq!(first.kind, MigrationKind::Versioned);
    assert_eq!(first.script, local[1].up);
    assert_eq!(first.migration.as_ref(), Some(&local[1]));
    assert_eq!(first.applied, None);
}

#[test]
fn all_applied_plans_nothing_and_the_next_batch_follows_the_highest() {
    let local = [mig("1", "a"), mig("2", "b")];
    let applied = [batch(row(&local[0]), 4), batch(row(&local[1]), 2)];
    let p = ok(&local, &applied, up());
    assert!(p.steps.is_empty());
    assert_eq!(p.batch, 5);
}

#[test]
fn only_the_pending_tail_is_applied() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = [row(&local[0]), row(&local[1])];
    let p = ok(&local, &applied, up());
    assert_eq!(summary(&p), s(&["apply 3_c", "apply 4_d"]));
    assert_eq!(p.batch, 2);
}

#[test]
fn up_to_a_known_local_version_stops_there() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c")];
    let p = ok(&local, &[row(&local[0])], up_to("2"));
    assert_eq!(summary(&p), s(&["apply 2_b"]));
}

#[test]
fn up_to_an_applied_version_plans_nothing() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c")];
    let applied = [row(&local[0]), row(&local[1])];
    assert!(ok(&local, &applied, up_to("1")).steps.is_empty());
    // Applied but missing locally is known too (and its absence is allowed here).
    let policy = Policy::default().allow_missing(true);
    let p = ok_with(&local[1..], &applied, up_to("1"), &policy);
    assert!(p.steps.is_empty());
    assert_eq!(p.warnings, vec![missing("1", "a")]);
}

#[test]
fn up_to_an_unknown_version_is_refused() {
    let local = [mig("1", "a"), mig("3", "c")];
    assert_eq!(err(&local, &[], up_to("2")), vec![unknown("2")]);
    assert_eq!(err(&local, &[], up_to("4")), vec![unknown("4")]);
    assert_eq!(err(&local, &[], up_to("0")), vec![unknown("0")]);
    assert_eq!(err(&[], &[], up_to("1")), vec![unknown("1")]);
}

#[test]
fn up_to_leaves_repeatables_alone() {
    let local = [
        mig("1", "a"),
        mig("2", "b"),
        rep("views", "create view v as select 1;"),
    ];
    assert_eq!(
        summary(&ok(&local, &[], up_to("2"))),
        s(&["apply 1_a", "apply 2_b"])
    );
    assert_eq!(summary(&ok(&local, &[], up_to("1"))), s(&["apply 1_a"]));
}

#[test]
fn a_modified_applied_migration_is_refused_with_both_checksums_and_its_path() {
    let edited = mig_sql("1", "a", "create table t_a (id bigint);\n");
    let applied = [row_of("1", "a")];
    let problems = err(std::slice::from_ref(&edited), &applied, up());
    assert_eq!(problems, vec![modified(&edited, &applied[0])]);
    match &problems[0] {
        Problem::Modified {
            path,
            applied: a,
            local,
            ..
        } => {
            assert_eq!(path.as_deref(), Some(up_path("1", "a").as_path()));
            assert_eq!(a, applied[0].checksum.as_ref().unwrap().as_str());
            assert_eq!(local, edited.checksum.as_str());
            assert_ne!(a, local);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_modified_migration_is_refused_whatever_the_policy_and_target() {
    let local = [mig_sql("1", "a", "select 'edited';\n"), mig("2", "b")];
    let applied = [row_of("1", "a")];
    let policy = Policy::default()
        .allow_missing(true)
        .allow_out_of_order(true);
    let want = vec![modified(&local[0], &applied[0])];
    assert_eq!(err_with(&local, &applied, up(), &policy), want);
    assert_eq!(err_with(&local, &applied, up_to("1"), &policy), want);
}

#[test]
fn a_row_without_checksum_matches_any_file() {
    let local = [mig("1", "a"), mig("2", "b")];
    let p = ok(&local, &[row_unchecked("1", "a")], up());
    assert_eq!(summary(&p), s(&["apply 2_b"]));
}

#[test]
fn a_dirty_migration_with_its_file_is_resumed_before_anything_else() {
    let local = [
        mig("1", "a"),
        no_tx(mig("2", "b")),
        mig("3", "c"),
        rep("v", "select 1;"),
    ];
    let applied = [row(&local[0]), dirty(batch(row(&local[1]), 7), 3)];
    let p = ok(&local, &applied, up());
    assert_eq!(summary(&p), s(&["resume@3 2_b", "apply 3_c", "apply R__v"]));
    let resume = &p.steps[0];
    assert_eq!(resume.action, Action::Resume { statements_done: 3 });
    assert_eq!(resume.applied.as_ref(), Some(&applied[1]));
    assert_eq!(resume.migration.as_ref(), Some(&local[1]));
    assert_eq!(resume.script, local[1].up);
    assert_eq!(p.batch, 8);
}

#[test]
fn a_dirty_migration_whose_file_changed_is_resumed_not_refused_as_modified() {
    let fixed = no_tx(mig_sql(
        "2",
        "b",
        "create index concurrently i on t_b (id);\n",
    ));
    let applied = [row_of("1", "a"), dirty(row_of("2", "b"), 1)];
    let local = [mig("1", "a"), fixed.clone()];
    let p = ok(&local, &applied, up());
    assert_eq!(summary(&p), s(&["resume@1 2_b"]));
    assert_eq!(p.steps[0].script.sql, fixed.up.sql);
}

#[test]
fn a_dirty_migration_is_resumed_even_above_the_target() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c")];
    let applied = [row(&local[0]), dirty(row(&local[1]), 2)];
    assert_eq!(
        summary(&ok(&local, &applied, up_to("1"))),
        s(&["resume@2 2_b"])
    );
}

#[test]
fn a_dirty_migration_without_its_file_is_refused() {
    let applied = [row_of("1", "a"), dirty(row_of("2", "b"), 4)];
    let local = [mig("1", "a"), mig("3", "c")];
    assert_eq!(
        err(&local, &applied, up()),
        vec![dirty_problem("2", "b", 4)]
    );
    // allow_missing does not cover a dirty migration.
    let policy = Policy::default().allow_missing(true);
    assert_eq!(
        err_with(&local, &applied, up(), &policy),
        vec![dirty_problem("2", "b", 4)]
    );
}

#[test]
fn a_missing_file_is_refused() {
    let applied = [row_of("1", "a"), row_of("2", "b")];
    let local = [mig("2", "b"), mig("3", "c")];
    assert_eq!(err(&local, &applied, up()), vec![missing("1", "a")]);
}

#[test]
fn a_missing_file_allowed_by_policy_is_a_warning() {
    let applied = [row_of("1", "a"), row_of("2", "b")];
    let local = [mig("2", "b"), mig("3", "c")];
    let p = ok_with(
        &local,
        &applied,
        up(),
        &Policy::default().allow_missing(true),
    );
    assert_eq!(summary(&p), s(&["apply 3_c"]));
    assert_eq!(p.warnings, vec![missing("1", "a")]);
}

#[test]
fn a_missing_repeatable_is_treated_like_a_missing_versioned_file() {
    let applied = [row(&rep("views", "select 1;"))];
    assert_eq!(err(&[], &applied, up()), vec![missing("", "views")]);
    let p = ok_with(&[], &applied, up(), &Policy::default().allow_missing(true));
    assert!(p.steps.is_empty());
    assert_eq!(p.warnings, vec![missing("", "views")]);
}

#[test]
fn an_out_of_order_pending_migration_is_refused() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = [row(&local[0]), row(&local[2])];
    assert_eq!(
        err(&local, &applied, up()),
        vec![out_of_order("2", "b", "3")]
    );
}

#[test]
fn out_of_order_allowed_by_policy_applies_in_version_order_with_a_warning() {
    let local = [mig("4", "d"), mig("2", "b"), mig("3", "c"), mig("1", "a")];
    let applied = [row(&local[3]), row(&local[2])];
    let p = ok_with(
        &local,
        &applied,
        up(),
        &Policy::default().allow_out_of_order(true),
    );
    assert_eq!(summary(&p), s(&["apply 2_b", "apply 4_d"]));
    assert_eq!(p.warnings, vec![out_of_order("2", "b", "3")]);
}

#[test]
fn out_of_order_above_the_target_is_not_applied_nor_reported() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("5", "e")];
    let applied = [row(&local[0]), row(&local[3])];
    // 2 and 3 are both out of order; only 2 is within the target.
    assert_eq!(
        err(&local, &applied, up_to("2")),
        vec![out_of_order("2", "b", "5")]
    );
    let policy = Policy::default().allow_out_of_order(true);
    let p = ok_with(&local, &applied, up_to("2"), &policy);
    assert_eq!(summary(&p), s(&["apply 2_b"]));
    assert_eq!(p.warnings, vec![out_of_order("2", "b", "5")]);
}

#[test]
fn a_dirty_row_counts_as_the_highest_applied_version() {
    let local = [mig("1", "a"), mig("2", "b")];
    let applied = [dirty(row(&local[1]), 1)];
    assert_eq!(
        err(&local, &applied, up()),
        vec![out_of_order("1", "a", "2")]
    );
}

#[test]
fn versions_at_or_below_a_baseline_are_applied_not_pending_nor_out_of_order() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = [batch(baseline("2"), 3)];
    let p = ok(&local, &applied, up());
    assert_eq!(summary(&p), s(&["apply 3_c", "apply 4_d"]));
    assert_eq!(p.batch, 4);
    // A covered file has no row of its own, so editing it is not a modification.
    let edited = [mig_sql("1", "a", "select 'rewritten';\n"), mig("3", "c")];
    assert_eq!(summary(&ok(&edited, &applied, up())), s(&["apply 3_c"]));
}

#[test]
fn a_baseline_version_is_a_known_target() {
    let local = [mig("3", "c"), mig("4", "d")];
    let applied = [baseline("2")];
    assert!(ok(&local, &applied, up_to("2")).steps.is_empty());
    assert_eq!(
        summary(&ok(&local, &applied, up_to("3"))),
        s(&["apply 3_c"])
    );
}

#[test]
fn a_baseline_row_is_never_missing() {
    let applied = [baseline("20240101000000")];
    let p = ok(&[mig("20240202000000", "x")], &applied, up());
    assert_eq!(summary(&p), s(&["apply 20240202000000_x"]));
    assert!(p.warnings.is_empty());
}

#[test]
fn repeatables_run_after_versioned_ones_new_applied_changed_reapplied_unchanged_skipped() {
    let views = rep("views", "create view v as select 2;\n");
    let funcs = rep(
        "funcs",
        "create function f() returns int as 'select 1' language sql;\n",
    );
    let same = rep("aaa_same", "select 1;\n");
    let old_views = row(&rep("views", "create view v as select 1;\n"));
    let applied = [row(&mig("1", "a")), old_views.clone(), row(&same)];
    let local = [
        views.clone(),
        same,
        funcs.clone(),
        mig("2", "b"),
        mig("1", "a"),
    ];
    let p = ok(&local, &applied, up());
    assert_eq!(
        summary(&p),
        s(&["apply 2_b", "apply R__funcs", "reapply R__views"])
    );
    let (new, changed) = (&p.steps[1], &p.steps[2]);
    assert_eq!(
        (new.kind, new.version.as_ref(), new.applied.as_ref()),
        (MigrationKind::Repeatable, None, None)
    );
    assert_eq!(new.migration.as_ref(), Some(&funcs));
    assert_eq!(changed.action, Action::Reapply);
    assert_eq!(changed.applied.as_ref(), Some(&old_views));
    assert_eq!(changed.script, views.up);
}

#[test]
fn a_repeatable_marked_applied_without_checksum_is_not_rerun() {
    let mut r = row(&rep("views", "select 1;"));
    r.checksum = None;
    assert!(ok(&[rep("views", "select 2;")], &[r], up())
        .steps
        .is_empty());
}

#[test]
fn single_transaction_refuses_a_non_transactional_step() {
    let local = [mig("1", "a"), no_tx(mig("2", "b")), mig("3", "c")];
    let policy = Policy::default().single_transaction(true);
    assert_eq!(
        err_with(&local, &[], up(), &policy),
        vec![no_tx_problem("2", "b")]
    );
    // Without single_transaction it is planned as usual.
    assert_eq!(
        summary(&ok(&local, &[], up())),
        s(&["apply 1_a", "apply 2_b", "apply 3_c"])
    );
    // Up to the version before it, single_transaction is fine.
    assert_eq!(
        summary(&ok_with(&local, &[], up_to("1"), &policy)),
        s(&["apply 1_a"])
    );
}

#[test]
fn single_transaction_refuses_a_resume_and_a_non_transactional_repeatable() {
    let local = [no_tx(mig("1", "a")), no_tx(rep("r", "select 1;"))];
    let applied = [dirty(row(&local[0]), 1)];
    let policy = Policy::default().single_transaction(true);
    assert_eq!(
        err_with(&local, &applied, up(), &policy),
        vec![no_tx_problem("1", "a"), no_tx_problem("", "r")]
    );
}

#[test]
fn single_transaction_with_transactional_steps_is_planned() {
    let local = [mig("1", "a"), mig("2", "b")];
    let p = ok_with(
        &local,
        &[],
        up(),
        &Policy::default().single_transaction(true),
    );
    assert_eq!(summary(&p), s(&["apply 1_a", "apply 2_b"]));
}

#[test]
fn unpadded_and_padded_versions_are_the_same_migration() {
    let local = [mig("0001", "a"), mig("0002", "b")];
    let applied = [row_of("1", "a")];
    let p = ok(&local, &applied, up());
    assert_eq!(summary(&p), s(&["apply 0002_b"]));
    assert_eq!(
        summary(&ok(&local, &applied, up_to("2"))),
        s(&["apply 0002_b"])
    );
    assert!(ok(&local, &applied, up_to("01")).steps.is_empty());
}

#[test]
fn flyway_dotted_versions_are_applied_in_numeric_part_order() {
    let local = [
        mig("1.10", "e"),
        mig("2", "f"),
        mig("1.2", "b"),
        mig("1.1", "a"),
        mig("1_9", "d"),
        mig("1.3", "c"),
    ];
    let p = ok(&local, &[], up());
    assert_eq!(
        summary(&p),
        s(&[
            "apply 1.1_a",
            "apply 1.2_b",
            "apply 1.3_c",
            "apply 1_9_d",
            "apply 1.10_e",
            "apply 2_f"
        ])
    );
    assert_eq!(
        summary(&ok(&local, &[], up_to("1.3"))),
        s(&["apply 1.1_a", "apply 1.2_b", "apply 1.3_c"])
    );
}

#[test]
fn every_problem_is_reported_in_version_order() {
    let local = [
        no_tx(mig("7", "g")),
        mig_sql("2", "b", "select 'edited';\n"),
        mig("4", "d"),
        mig("1", "a"),
        mig_sql("6", "f", "select 'edited too';\n"),
    ];
    let applied = [
        row_of("1", "a"),
        row_of("2", "b"),
        row_of("3", "c"),
        dirty(row_of("5", "e"), 2),
        row_of("6", "f"),
        row(&rep("gone", "select 1;")),
    ];
    let policy = Policy::default().single_transaction(true);
    let problems = err_with(&local, &applied, up(), &policy);
    assert_eq!(
        problems,
        vec![
            modified(&local[1], &applied[1]),
            missing("3", "c"),
            out_of_order("4", "d", "6"),
            dirty_problem("5", "e", 2),
            modified(&local[4], &applied[4]),
            no_tx_problem("7", "g"),
            missing("", "gone"),
        ]
    );
    // The same with an unknown target: it takes its place by version.
    let problems = err_with(&local, &applied, up_to("4.5"), &Policy::default());
    assert_eq!(problems[3], unknown("4.5"));
    assert_eq!(problems.len(), 7);
}

#[test]
fn the_same_inputs_in_any_order_give_the_same_plan() {
    let local = [
        mig("1", "a"),
        mig("2", "b"),
        mig("3", "c"),
        rep("x", "select 1;"),
        rep("w", "select 2;"),
    ];
    let applied = [
        row(&local[0]),
        dirty(row(&local[1]), 1),
        baseline("0"),
        row(&rep("x", "select 0;")),
    ];
    let first = ok(&local, &applied, up());
    assert_eq!(
        summary(&first),
        s(&["resume@1 2_b", "apply 3_c", "apply R__w", "reapply R__x"])
    );
    let mut local_rev = local.to_vec();
    local_rev.reverse();
    let mut applied_rev = applied.to_vec();
    applied_rev.reverse();
    assert_eq!(ok(&local_rev, &applied_rev, up()), first);
    let mut local_rot = local.to_vec();
    local_rot.rotate_left(2);
    assert_eq!(ok(&local_rot, &applied, up()), first);
}

#[test]
fn plan_error_lists_problems_and_their_help() {
    let applied = [row_of("1", "a")];
    let e = plan(&[], &applied, &Target::Up { to: None }, &Policy::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "migration 1 (a) is applied but its file is missing"
    );
    assert!(e.problems[0].help().contains("--allow-missing"));
}
