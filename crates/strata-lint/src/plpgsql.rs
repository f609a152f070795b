//! The static SQL inside a `DO` block, which runs when the migration runs.
//!
//! PL/pgSQL's own parser (through libpg_query) lists the body's statements; the plain SQL ones
//! (`ALTER TABLE ...`, `UPDATE ...`) are linted like top-level statements, in the DO block's
//! transaction. Dynamic SQL (`EXECUTE 'text'`) is not: its text is only known when it runs.
//! Function bodies are not linted either: they run when called, not when the migration runs.

use serde_json::Value;
use std::ops::Range;

/// Keywords that start a statement some rule looks at; a body without any is not parsed.
const INTERESTING: &[&str] = &[
    "alter", "create", "drop", "update", "delete", "insert", "truncate", "lock", "refresh",
    "vacuum", "cluster", "reindex",
];

/// Byte ranges (in `sql`) of the static SQL statements in the `DO` statement at `span`, in
/// order. Empty when the block is not PL/pgSQL or does not parse.
pub(crate) fn do_statements(sql: &str, span: Range<usize>) -> Vec<Range<usize>> {
    let text = &sql[span.clone()];
    let lower = text.to_ascii_lowercase();
    if !INTERESTING.iter().any(|k| lower.contains(k)) {
        return Vec::new();
    }
    let Ok(tree) = pg_query::parse_plpgsql(text) else {
        return Vec::new();
    };
    let mut queries = Vec::new();
    collect(&tree, &mut queries);
    let mut out = Vec::new();
    let mut cursor = 0;
    for q in queries {
        if let Some(at) = text[cursor..].find(q.as_str()) {
            let start = cursor + at;
            cursor = start + q.len();
            out.push(span.start + start..span.start + cursor);
        }
    }
    out
}

/// The `query` of every `PLpgSQL_stmt_execsql`, depth first, in document order.
fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "PLpgSQL_stmt_execsql" {
                    if let Some(q) = child
                        .pointer("/sqlstmt/PLpgSQL_expr/query")
                        .and_then(Value::as_str)
                    {
                        out.push(q.to_string());
                    }
                    continue;
                }
                collect(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_static_statements_but_not_dynamic_ones() {
        let sql = "DO $$ BEGIN\n  ALTER TABLE t ADD COLUMN a int;\n  IF true THEN\n    UPDATE t SET a = 1;\n  END IF;\n  EXECUTE 'DROP TABLE t';\n  PERFORM 1;\nEND $$";
        let found: Vec<&str> = do_statements(sql, 0..sql.len())
            .into_iter()
            .map(|r| &sql[r])
            .collect();
        assert_eq!(
            found,
            ["ALTER TABLE t ADD COLUMN a int", "UPDATE t SET a = 1"]
        );
        assert!(do_statements("DO $$ BEGIN PERFORM 1; END $$", 0..29).is_empty());
        assert!(do_statements("DO LANGUAGE plperl $$ 1 $$", 0..26).is_empty());
    }
}
