//! `-- strata:ignore` and `-- strata:ignore-file`, and configured levels.

use crate::testing::*;
use crate::{Linter, Severity};

fn rules(linter: &Linter, sql: &str) -> Vec<&'static str> {
    linter
        .lint(sql, &cx())
        .into_iter()
        .map(|v| v.rule)
        .collect()
}

#[test]
fn ignore_applies_to_the_next_statement_only() {
    let sql = "SET lock_timeout = '1s';\n-- strata:ignore drop-column\nALTER TABLE a DROP COLUMN x;\nALTER TABLE b DROP COLUMN y;";
    let found = lint(sql, &cx());
    assert_eq!(found.len(), 1);
    assert_eq!(&sql[found[0].span.clone()], "ALTER TABLE b DROP COLUMN y");
}

#[test]
fn ignore_takes_several_ids_and_a_reason() {
    let sql =
        "-- strata:ignore drop-table, missing-lock-timeout -- archived in 2023\nDROP TABLE old;";
    assert!(lint(sql, &cx()).is_empty());
    let sql = "-- STRATA:IGNORE drop-table missing-lock-timeout\nDROP TABLE old;";
    assert!(lint(sql, &cx()).is_empty());
}

#[test]
fn ignore_file_applies_everywhere() {
    let sql =
        "SET lock_timeout = '1s';\nDROP TABLE a;\n-- strata:ignore-file drop-table\nDROP TABLE b;";
    assert!(lint(sql, &cx()).is_empty());
}

#[test]
fn comments_inside_statements_do_not_suppress() {
    let sql = "SET lock_timeout = '1s';\nDROP TABLE a -- strata:ignore drop-table\n;";
    assert_eq!(rules(&Linter::new(), sql), ["drop-table"]);
}

#[test]
fn levels_override_and_turn_rules_off() {
    let sql = "SET lock_timeout = '1s'; DROP TABLE a; CREATE TABLE t (c char(2));";
    let mut linter = Linter::new();
    linter.set_level("drop-table", None).unwrap();
    linter
        .set_level("avoid-char-type", Some(Severity::Error))
        .unwrap();
    let found = linter.lint(sql, &cx());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "avoid-char-type");
    assert_eq!(found[0].severity, Severity::Error);
    assert!(linter.set_level("no-such-rule", None).is_err());
}
