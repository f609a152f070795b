use super::*;
use crate::plan::fixtures::*;

/// `version name kind state [note]` per entry.
fn lines(entries: &[StatusEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            let mut line = format!(
                "{} {} {} {}",
                e.version,
                e.name,
                e.kind.as_str(),
                e.status.as_str()
            );
            if let Some(n) = &e.statements_done {
                line.push_str(&format!(" @{n}"));
            }
            if let Some(n) = &e.note {
                line.push_str(&format!(" ({n})"));
            }
            line
        })
        .collect()
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|i| i.to_string()).collect()
}

#[test]
fn nothing_is_an_empty_status() {
    assert!(status(&[], &[]).is_empty());
}

#[test]
fn every_state_sorted_versioned_by_version_then_repeatables_by_name() {
    let local = [
        rep("views", "create view v as select 2;\n"),
        mig("7", "g"),
        mig("5", "e"),
        mig_sql("2", "b", "select 'edited';\n"),
        mig("1", "a"),
        rep("funcs", "select 1;\n"),
        no_tx(mig_sql("4", "d", "select 'fixed';\n")),
        rep("aaa", "select 0;\n"),
    ];
    let applied = [
        row_of("1", "a"),
        row_of("2", "b"),
        row_of("3", "c"),
        dirty(row_of("4", "d"), 2),
        dirty(row_of("6", "f"), 5),
        row(&rep("views", "create view v as select 1;\n")),
        row(&rep("aaa", "select 0;\n")),
        row(&rep("old", "select 0;\n")),
    ];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&[
            "1 a versioned applied",
            "2 b versioned modified",
            "3 c versioned missing",
            "4 d versioned dirty @2",
            "5 e versioned out-of-order",
            "6 f versioned dirty @5",
            "7 g versioned pending",
            " aaa repeatable applied",
            " funcs repeatable pending",
            " old repeatable missing",
            " views repeatable pending (changed since applied)",
        ])
    );
}

#[test]
fn entries_carry_the_row_and_the_file() {
    let local = [mig("1", "a"), mig("2", "b")];
    let mut r = batch(row(&local[0]), 3);
    r.applied_by = "bob@host".into();
    let entries = status(&local, &[r]);
    let applied = &entries[0];
    assert_eq!(applied.batch, Some(3));
    assert_eq!(applied.applied_at.as_deref(), Some("at 1a"));
    assert_eq!(applied.applied_by.as_deref(), Some("bob@host"));
    assert_eq!(applied.path.as_deref(), Some(up_path("1", "a").as_path()));
    assert_eq!(applied.statements_done, None);
    assert_eq!(applied.note, None);
    let pending = &entries[1];
    assert_eq!(
        (
            pending.batch,
            pending.applied_at.as_deref(),
            pending.applied_by.as_deref()
        ),
        (None, None, None)
    );
    assert_eq!(pending.path.as_deref(), Some(up_path("2", "b").as_path()));
}

#[test]
fn a_missing_entry_has_its_row_but_no_path() {
    let entries = status(&[], &[batch(row_of("1", "a"), 2)]);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, MigrationState::Missing);
    assert_eq!(entries[0].batch, Some(2));
    assert_eq!(entries[0].applied_at.as_deref(), Some("at 1a"));
    assert_eq!(entries[0].path, None);
}

#[test]
fn dirty_is_dirty_with_or_without_the_file_and_changed_or_not() {
    let local = [
        no_tx(mig("1", "a")),
        no_tx(mig_sql("2", "b", "select 'fixed';\n")),
    ];
    let applied = [
        dirty(row_of("1", "a"), 0),
        dirty(row_of("2", "b"), 1),
        dirty(row_of("3", "c"), 2),
    ];
    let entries = status(&local, &applied);
    assert_eq!(
        lines(&entries),
        s(&[
            "1 a versioned dirty @0",
            "2 b versioned dirty @1",
            "3 c versioned dirty @2"
        ])
    );
    assert!(entries[1].path.is_some());
    assert_eq!(entries[2].path, None);
}

#[test]
fn a_row_without_checksum_counts_as_matching() {
    let local = [mig("1", "a")];
    assert_eq!(
        lines(&status(&local, &[row_unchecked("1", "a")])),
        s(&["1 a versioned applied"])
    );
}

#[test]
fn the_rows_own_note_shows_when_strata_has_none() {
    let local = [mig("1", "a"), mig("2", "b")];
    let mut one = row_unchecked("1", "a");
    one.note = Some("marked applied".into());
    let mut gone = row_of("3", "c");
    gone.note = Some("repaired by alice: fixed by hand".into());
    let mut base = baseline("0");
    base.note = Some("adopted from flyway".into());
    assert_eq!(
        lines(&status(&local, &[one, gone, base])),
        s(&[
            "0 << baseline >> versioned applied (baseline)",
            "1 a versioned applied (marked applied)",
            "2 b versioned out-of-order",
            "3 c versioned missing (repaired by alice: fixed by hand)",
        ])
    );
}

#[test]
fn a_baseline_covers_the_versions_at_or_below_it() {
    let local = [
        mig("1", "a"),
        mig("2", "b"),
        mig("3", "c"),
        mig("5", "e"),
        mig("6", "f"),
    ];
    let applied = [
        batch(baseline("5"), 1),
        batch(row_of("2", "b"), 2),
        row_of("6", "f").with_batch(3),
    ];
    let entries = status(&local, &applied);
    assert_eq!(
        lines(&entries),
        s(&[
            "1 a versioned applied (covered by baseline 5)",
            "2 b versioned applied",
            "3 c versioned applied (covered by baseline 5)",
            "5 e versioned applied (covered by baseline 5)",
            "5 << baseline >> versioned applied (baseline)",
            "6 f versioned applied",
        ])
    );
    // A covered file: its own path, the baseline's batch and time.
    assert_eq!(entries[0].batch, Some(1));
    assert_eq!(entries[0].applied_at.as_deref(), Some("at baseline 5"));
    assert_eq!(entries[0].applied_by.as_deref(), Some("ops"));
    assert_eq!(
        entries[0].path.as_deref(),
        Some(up_path("1", "a").as_path())
    );
    // The baseline row itself: no file.
    assert_eq!(entries[4].path, None);
    assert_eq!(entries[4].batch, Some(1));
}

#[test]
fn the_narrowest_baseline_covers_a_version() {
    let local = [mig("1", "a"), mig("3", "c"), mig("5", "e")];
    let applied = [baseline("4"), baseline("2")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&[
            "1 a versioned applied (covered by baseline 2)",
            "2 << baseline >> versioned applied (baseline)",
            "3 c versioned applied (covered by baseline 4)",
            "4 << baseline >> versioned applied (baseline)",
            "5 e versioned pending",
        ])
    );
}

#[test]
fn out_of_order_is_measured_against_the_highest_versioned_row() {
    let local = [mig("1", "a"), mig("2", "b"), mig("3", "c"), mig("4", "d")];
    let applied = [baseline("1"), row_of("3", "c")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&[
            "1 a versioned applied (covered by baseline 1)",
            "1 << baseline >> versioned applied (baseline)",
            "2 b versioned out-of-order",
            "3 c versioned applied",
            "4 d versioned pending",
        ])
    );
}

#[test]
fn unpadded_rows_match_padded_files_and_keep_the_file_version() {
    let local = [mig("0001", "a"), mig("0002", "b")];
    let applied = [row_of("1", "a"), row_of("02", "renamed")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&["0001 a versioned applied", "0002 b versioned modified"])
    );
}

#[test]
fn flyway_versions_sort_numerically() {
    let local = [
        mig("1.10", "d"),
        mig("1.9", "c"),
        mig("1_2", "b"),
        mig("1", "a"),
        mig("10", "e"),
    ];
    let applied = [row_of("1.1", "x")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&[
            "1 a versioned out-of-order",
            "1.1 x versioned missing",
            "1_2 b versioned pending",
            "1.9 c versioned pending",
            "1.10 d versioned pending",
            "10 e versioned pending",
        ])
    );
}

#[test]
fn a_dirty_repeatable_is_dirty() {
    let r = no_tx(rep("views", "select 2;\n"));
    let applied = [dirty(row(&rep("views", "select 1;\n")), 1)];
    let entries = status(&[r], &applied);
    assert_eq!(lines(&entries), s(&[" views repeatable dirty @1"]));
    assert_eq!(entries[0].kind, MigrationKind::Repeatable);
}

#[test]
fn status_does_not_depend_on_input_order() {
    let local = [
        mig("1", "a"),
        mig("2", "b"),
        mig("3", "c"),
        rep("r", "select 1;"),
        rep("q", "select 1;"),
    ];
    let applied = [
        row_of("1", "a"),
        baseline("1"),
        row_of("4", "d"),
        row(&rep("r", "select 0;")),
    ];
    let first = status(&local, &applied);
    let mut l = local.to_vec();
    l.reverse();
    let mut a = applied.to_vec();
    a.reverse();
    assert_eq!(status(&l, &a), first);
    assert_eq!(first.len(), 7);
}

#[test]
fn status_and_plan_agree() {
    // What status calls pending or out-of-order is exactly what an allowed up applies.
    let local = [
        mig("1", "a"),
        mig("2", "b"),
        mig("3", "c"),
        mig("5", "e"),
        rep("r", "select 1;"),
    ];
    let applied = [row_of("1", "a"), row_of("4", "d")];
    let entries = status(&local, &applied);
    let to_apply: Vec<String> = entries
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                MigrationState::Pending | MigrationState::OutOfOrder
            )
        })
        .map(|e| {
            if e.version.is_empty() {
                format!("apply R__{}", e.name)
            } else {
                format!("apply {}_{}", e.version, e.name)
            }
        })
        .collect();
    let policy = crate::Policy::default()
        .allow_missing(true)
        .allow_out_of_order(true);
    assert_eq!(summary(&ok_with(&local, &applied, up(), &policy)), to_apply);
    assert_eq!(to_apply.len(), 4);
}

#[test]
fn versions_written_differently_match_their_own_rows_first() {
    // Diesel keeps `00000000000000` and `000000000000000` as two migrations (Lemmy has both);
    // only the second is applied: it must not be taken for the first.
    let (fourteen, fifteen) = ("0".repeat(14), "0".repeat(15));
    let local = [
        mig(&fourteen, "diesel_initial_setup"),
        mig(&fifteen, "forbid_diesel_cli"),
    ];
    let applied = [row_of(&fifteen, "forbid_diesel_cli")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&[
            &format!("{fourteen} diesel_initial_setup versioned pending"),
            &format!("{fifteen} forbid_diesel_cli versioned applied"),
        ])
    );
    // A row written otherwise still matches the only migration with its value.
    let local = [mig("0001", "a")];
    let applied = [row_of("1", "a")];
    assert_eq!(
        lines(&status(&local, &applied)),
        s(&["0001 a versioned applied"])
    );
}

#[test]
fn a_partly_reverted_migration_is_dirty_and_reverting() {
    let local = [mig("1", "a")];
    let applied = [reverting(row(&local[0]), 1)];
    let entries = status(&local, &applied);
    assert_eq!(entries[0].status, MigrationState::Dirty);
    assert_eq!(entries[0].statements_done, Some(1));
    assert!(entries[0].reverting);
    // Up-dirty rows are not reverting.
    let entries = status(&local, &[dirty(row(&local[0]), 1)]);
    assert!(!entries[0].reverting);
    // Without its file it is dirty too.
    let entries = status(&[], &applied);
    assert_eq!(entries[0].status, MigrationState::Dirty);
    assert!(entries[0].reverting);
}
