//! What the context changes: transaction mode, version, and earlier migrations.

use crate::testing::*;
use crate::{learn, LintContext, Linter};

#[test]
fn objects_from_earlier_files_are_existing_tables() {
    let mut cx = LintContext::default();
    learn("CREATE TABLE users (id int, email text);", &mut cx);
    let found = Linter::new().lint("CREATE INDEX i ON users (email);", &cx);
    assert!(found.iter().any(|v| v.rule == "create-index-nonconcurrent"));
    assert!(cx.catalog.has_table("users"));
}

#[test]
fn lint_and_learn_carries_the_catalog_forward() {
    let linter = Linter::new();
    let mut cx = LintContext::default();
    linter.lint_and_learn(
        "CREATE TABLE users (name varchar(50)); CREATE POLICY p ON users USING (true);",
        &mut cx,
    );
    let found = linter.lint_and_learn(
        "SET lock_timeout = '1s'; ALTER TABLE users ALTER COLUMN name TYPE text; ALTER TABLE users ENABLE ROW LEVEL SECURITY;",
        &mut cx,
    );
    let rules: Vec<&str> = found.iter().map(|v| v.rule).collect();
    assert!(
        !rules.contains(&"column-type-rewrite") && !rules.contains(&"rls-without-policy"),
        "{rules:?}"
    );
}

#[test]
fn renamed_new_tables_stay_new() {
    passes(
        "create-index-nonconcurrent",
        &["CREATE TABLE a (x int); ALTER TABLE a RENAME TO b; CREATE INDEX i ON b (x);"],
    );
}

#[test]
fn version_numbers_in_server_form_are_accepted() {
    assert_eq!(LintContext::default().pg_version(150004).pg_version, 15);
    assert_eq!(LintContext::default().pg_version(11).pg_version, 11);
}

#[test]
fn a_clean_migration_has_no_findings() {
    let sql = "SET lock_timeout = '5s';\nCREATE TABLE posts (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  title text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX posts_created ON posts (created_at);\nALTER TABLE comments ADD COLUMN post_id bigint;\nALTER TABLE comments ADD CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) NOT VALID;";
    let found = lint(sql, &cx());
    assert!(found.is_empty(), "{found:#?}");
    let found = lint(sql, &no_tx());
    assert!(found.is_empty(), "{found:#?}");
}
