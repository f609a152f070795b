//! `rename-table`: renaming a table (or view), or moving it to another schema, while running
//! code may still use the old name.

use crate::ast::{object_type, rel_name};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::{RuleMeta, Severity, Violation};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "rename-table",
    severity: Severity::Warning,
    summary: "Renaming an existing table or view, or moving it to another schema, breaks code that still uses the old name",
};

/// See the module documentation.
pub(crate) struct RenameTable;

impl Rule for RenameTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, scope: &Scope<'_>, out: &mut Findings) {
        let (kind, rv, to) = match stmt.node {
            NodeEnum::RenameStmt(s) => (s.rename_type, &s.relation, s.newname.clone()),
            NodeEnum::AlterObjectSchemaStmt(s) => (
                s.object_type,
                &s.relation,
                s.relation
                    .as_ref()
                    .map(|rv| format!("{}.{}", s.newschema, rv.relname))
                    .unwrap_or_default(),
            ),
            _ => return,
        };
        let what = match object_type(kind) {
            ObjectType::ObjectTable => "table",
            ObjectType::ObjectView => "view",
            ObjectType::ObjectMatview => "materialized view",
            _ => return,
        };
        let Some(rv) = rv else { return };
        if scope.is_new(rv) || keeps_old_name(stmt, &rv.relname) {
            return;
        }
        out.push(
            Violation::new(
                &META,
                stmt.span.clone(),
                format!(
                    "renaming {what} {} to {to} is not backward compatible: instances running the previous release fail as soon as they query the old name",
                    rel_name(rv),
                ),
            )
            .help("create the new name alongside (for example a view with the old name over the renamed table) until no running code uses the old one"),
        );
    }
}

/// Whether a view with the old name is created right after the rename (within the next few
/// statements): the compatibility view that keeps running code working.
fn keeps_old_name(stmt: &Statement<'_>, old: &str) -> bool {
    let rest = &stmt.sql[stmt.span.end..];
    let mut window = rest.len().min(2048);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let lower = rest[..window].to_ascii_lowercase();
    let old = old.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("view ") {
        let before = lower[..from + at].trim_end();
        let after = &lower[from + at + "view ".len()..];
        from += at + 1;
        if !(before.ends_with("create") || before.ends_with("replace")) {
            continue;
        }
        let after = after.trim_start();
        let after = after
            .strip_prefix("if not exists")
            .map_or(after, str::trim_start);
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '$'))
            .collect();
        let name = name.replace('"', "");
        if name.rsplit('.').next() == Some(old.as_str()) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "rename-table";

    #[test]
    fn flags_renaming_existing_tables() {
        flags(
            ID,
            &[
                "ALTER TABLE users RENAME TO accounts;",
                "ALTER TABLE IF EXISTS app.users RENAME TO people;",
                "ALTER TABLE reports SET SCHEMA archive;",
                "ALTER VIEW active_users RENAME TO current_users;",
                "ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users_v AS SELECT * FROM accounts;",
            ],
        );
    }

    #[test]
    fn passes_new_tables_and_other_renames() {
        passes(
            ID,
            &[
                "CREATE TABLE users_new (id int); ALTER TABLE users_new RENAME TO users2;",
                "ALTER INDEX users_idx RENAME TO users_email_idx;",
                "ALTER TABLE users RENAME CONSTRAINT a TO b;",
                "CREATE TABLE r (a int); ALTER TABLE r SET SCHEMA archive;",
                "ALTER FUNCTION f() SET SCHEMA archive;",
                "CREATE VIEW v AS SELECT 1; ALTER VIEW v RENAME TO w;",
                // The old name stays as a compatibility view.
                "ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;",
                "ALTER TABLE app.users RENAME TO accounts;\nCREATE OR REPLACE VIEW app.\"users\" AS SELECT * FROM app.accounts;",
            ],
        );
    }
}
