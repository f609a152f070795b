//! `set-not-null-scan`: SET NOT NULL on an existing table without a validated CHECK to prove it.

use crate::ast::{cmd_type, cmds, rel_key, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::AlterTableType;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "set-not-null-scan",
    severity: Severity::Warning,
    summary: "ALTER COLUMN ... SET NOT NULL scans an existing table under an ACCESS EXCLUSIVE lock",
};

/// See the module documentation.
pub(crate) struct SetNotNullScan;

impl Rule for SetNotNullScan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let Some((alter, rv)) = super::alter_existing(stmt, scope) else {
            return;
        };
        let modern = scope.pg_version() >= 12;
        for cmd in cmds(alter) {
            if cmd_type(cmd) != AlterTableType::AtSetNotNull {
                continue;
            }
            if modern
                && scope
                    .catalog
                    .has_valid_not_null_check(&rel_key(rv), &cmd.name)
            {
                continue;
            }
            if modern {
                if let Some(name) = named_check(stmt, scope, &rel_key(rv), &cmd.name) {
                    out.push(
                        Violation::new(
                            &META,
                            stmt.span.clone(),
                            format!(
                                "SET NOT NULL on {}.{} skips its scan only if constraint {name} is a validated CHECK ({} IS NOT NULL), as its name suggests; the linter did not see its definition",
                                rel_name(rv),
                                cmd.name,
                                cmd.name
                            ),
                        )
                        .severity(Severity::Hint),
                    );
                    continue;
                }
            }
            let help = if modern {
                format!(
                    "first ADD CONSTRAINT {0}_not_null CHECK ({0} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then SET NOT NULL (PostgreSQL 12+ uses the valid check and skips the scan) and drop the check",
                    cmd.name
                )
            } else {
                "before PostgreSQL 12 every SET NOT NULL scans the table: run it when the table is quiet, or keep a validated CHECK (col IS NOT NULL) instead".to_string()
            };
            out.push(
                Violation::new(
                    &META,
                    stmt.span.clone(),
                    format!(
                        "SET NOT NULL on {}.{} reads every row to prove it while holding an ACCESS EXCLUSIVE lock",
                        rel_name(rv),
                        cmd.name
                    ),
                )
                .help(help),
            );
        }
    }
}

/// A constraint whose name says it is the `CHECK (column IS NOT NULL)` of the safe recipe
/// (`users_email_not_null`, `email_nn`), validated earlier in this file or dropped right after
/// this statement (the recipe's last step), when the linter did not see its definition (it was
/// added by a migration it did not read).
fn named_check(
    stmt: &Statement<'_>,
    scope: &Scope<'_>,
    table: &str,
    column: &str,
) -> Option<String> {
    let column = column.to_ascii_lowercase();
    let fits = |name: &str| {
        let name = name.to_ascii_lowercase();
        name.contains(&column)
            && (name.contains("null") || name.ends_with("_nn") || name.contains("_nn_"))
    };
    if let Some(name) = scope
        .file
        .validated
        .get(table)
        .and_then(|names| names.iter().find(|name| fits(name)))
    {
        return Some(name.clone());
    }
    // The statements just after this one: `ALTER TABLE t DROP CONSTRAINT name`.
    let rest = &stmt.sql[stmt.span.end..];
    let mut window = rest.len().min(1024);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let lower = rest[..window].to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("drop constraint") {
        let after = &lower[from + at + "drop constraint".len()..];
        let after = after.trim_start();
        let after = after
            .strip_prefix("if exists")
            .map_or(after, str::trim_start);
        let name: String = after
            .trim_start_matches('"')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        if fits(&name) {
            return Some(name);
        }
        from += at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::LintContext;

    const ID: &str = "set-not-null-scan";

    #[test]
    fn flags_set_not_null_without_a_valid_check() {
        flags(
            ID,
            &[
                "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (name IS NOT NULL); ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            ],
        );
        flags_in(
            ID,
            &LintContext::default().pg_version(11),
            &["ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL); ALTER TABLE users ALTER COLUMN email SET NOT NULL;"],
        );
    }

    #[test]
    fn a_check_named_for_the_column_makes_it_a_hint() {
        // A constraint added by an earlier migration the linter did not read, named for the
        // column: validated here, or dropped right after (the recipe's last step).
        for sql in [
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT IF EXISTS \"users_email_nn\";",
        ] {
            let found: Vec<_> = lint(sql, &cx()).into_iter().filter(|v| v.rule == ID).collect();
            assert_eq!(found.len(), 1, "{sql}");
            assert_eq!(found[0].severity, crate::Severity::Hint, "{sql}");
        }
        let found = lint(
            "ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
            &LintContext::default().pg_version(11),
        );
        assert!(found
            .iter()
            .any(|v| v.rule == ID && v.severity == crate::Severity::Warning));
    }

    #[test]
    fn passes_with_a_validated_check_or_a_new_table() {
        passes(
            ID,
            &[
                "ALTER TABLE users VALIDATE CONSTRAINT c;",
                "CREATE TABLE users (email text); ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;",
            ],
        );
        flags(
            ID,
            &[
                "ALTER TABLE users VALIDATE CONSTRAINT users_email_check;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
                "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_format;",
            ],
        );
        let mut earlier = LintContext::default();
        crate::learn(
            "ALTER TABLE users ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT c;",
            &mut earlier,
        );
        passes_in(
            ID,
            &earlier,
            &["ALTER TABLE users ALTER COLUMN email SET NOT NULL;"],
        );
    }
}
