//! `identifier-too-long`: names PostgreSQL truncates to 63 bytes.

use crate::ast::{as_column, as_constraint, cmds, svals};
use crate::rule::{Findings, Rule, Scope, Statement};
use crate::text::identifier_at;
use crate::{RuleMeta, Severity, Violation};
use pg_query::NodeEnum;

/// The rule's metadata.
pub(crate) static META: RuleMeta = RuleMeta {
    id: "identifier-too-long",
    severity: Severity::Warning,
    summary: "An identifier longer than 63 bytes, which PostgreSQL silently truncates",
};

/// PostgreSQL's NAMEDATALEN - 1.
const MAX: usize = 63;

/// See the module documentation.
pub(crate) struct IdentifierTooLong;

impl Rule for IdentifierTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, stmt: &Statement<'_>, _: &Scope<'_>, out: &mut Findings) {
        // The parser has already truncated long names; a name of 60 to 63 bytes may be one.
        let candidates: Vec<&str> = names(stmt.node)
            .into_iter()
            .filter(|n| n.len() >= MAX - 3)
            .collect();
        if candidates.is_empty() {
            return;
        }
        let lower = stmt.text().to_ascii_lowercase();
        let mut seen = Vec::new();
        for name in candidates {
            let needle = name.to_ascii_lowercase();
            let mut from = 0;
            while let Some(i) = lower[from..].find(&needle).map(|i| i + from) {
                from = i + needle.len();
                let at = stmt.span.start + i;
                let quoted = i > 0 && lower.as_bytes()[i - 1] == b'"';
                let Some((range, len)) = identifier_at(stmt.sql, if quoted { at - 1 } else { at })
                else {
                    continue;
                };
                if len <= MAX || seen.contains(&range.start) {
                    continue;
                }
                seen.push(range.start);
                out.push(
                    Violation::new(
                        &META,
                        range,
                        format!(
                            "this identifier is {len} bytes long: PostgreSQL silently truncates it to its first 63 bytes ({name})"
                        ),
                    )
                    .help("shorten it: the stored name differs from the one in the migration, and two names that share their first 63 bytes collide"),
                );
            }
        }
    }
}

/// The names a statement gives to new objects.
fn names(node: &NodeEnum) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    match node {
        NodeEnum::CreateStmt(s) => {
            out.extend(s.relation.as_ref().map(|r| r.relname.as_str()));
            elements(&s.table_elts, &mut out);
        }
        NodeEnum::AlterTableStmt(s) => {
            for c in cmds(s) {
                if let Some(def) = c.def.as_deref() {
                    elements(std::slice::from_ref(def), &mut out);
                }
            }
        }
        NodeEnum::IndexStmt(s) => out.push(&s.idxname),
        NodeEnum::RenameStmt(s) => out.push(&s.newname),
        NodeEnum::ViewStmt(s) => out.extend(s.view.as_ref().map(|r| r.relname.as_str())),
        NodeEnum::CreateTableAsStmt(s) => out.extend(
            s.into
                .as_ref()
                .and_then(|i| i.rel.as_ref())
                .map(|r| r.relname.as_str()),
        ),
        NodeEnum::CreateSeqStmt(s) => out.extend(s.sequence.as_ref().map(|r| r.relname.as_str())),
        NodeEnum::CreateEnumStmt(s) => out.extend(svals(&s.type_name).last().copied()),
        NodeEnum::CreateFunctionStmt(s) => out.extend(svals(&s.funcname).last().copied()),
        NodeEnum::CreatePolicyStmt(s) => out.push(&s.policy_name),
        NodeEnum::CreateTrigStmt(s) => out.push(&s.trigname),
        NodeEnum::CreateSchemaStmt(s) => out.push(&s.schemaname),
        NodeEnum::CompositeTypeStmt(s) => {
            out.extend(s.typevar.as_ref().map(|r| r.relname.as_str()));
            elements(&s.coldeflist, &mut out);
        }
        _ => {}
    }
    out
}

/// Column and constraint names among table elements.
fn elements<'a>(nodes: &'a [pg_query::Node], out: &mut Vec<&'a str>) {
    for n in nodes {
        if let Some(c) = as_column(n) {
            out.push(&c.colname);
            out.extend(
                c.constraints
                    .iter()
                    .filter_map(as_constraint)
                    .map(|k| k.conname.as_str()),
            );
        } else if let Some(k) = as_constraint(n) {
            out.push(&k.conname);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;

    const ID: &str = "identifier-too-long";

    #[test]
    fn flags_names_over_63_bytes() {
        let long = "a".repeat(64);
        let quoted = format!("\"{}\"", "B".repeat(70));
        flags(
            ID,
            &[
                &format!("CREATE TABLE {long} (id int);"),
                &format!("CREATE TABLE t ({long} int);"),
                &format!("CREATE INDEX {long} ON t (a);"),
                &format!("ALTER TABLE t ADD CONSTRAINT {long} CHECK (a > 0) NOT VALID;"),
                &format!("CREATE TABLE {quoted} (id int);"),
                &format!("ALTER TABLE t RENAME COLUMN a TO {long};"),
            ],
        );
    }

    #[test]
    fn passes_names_up_to_63_bytes() {
        let ok = "a".repeat(63);
        passes(
            ID,
            &[
                &format!("CREATE TABLE {ok} (id int);"),
                &format!("SELECT '{}';", "x".repeat(100)),
                &format!("CREATE TABLE t (id int); -- {}", "y".repeat(100)),
            ],
        );
    }
}
