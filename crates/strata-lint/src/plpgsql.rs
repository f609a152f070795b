//! The static SQL inside a `DO` block, which runs when the migration runs.
//!
//! PL/pgSQL's own parser (through libpg_query) lists the body's statements; the plain SQL ones
//! (`ALTER TABLE ...`, `UPDATE ...`) are linted like top-level statements, in the DO block's
//! transaction, and so is dynamic SQL whose text is a constant (`EXECUTE 'CREATE INDEX ...'`,
//! `EXECUTE $sql$...$sql$`). Dynamic SQL built at run time (`EXECUTE format(...)`, `'...' || x`)
//! is not: its text is only known when it runs. Function bodies are not linted either: they run
//! when called, not when the migration runs.

use serde_json::Value;
use std::ops::Range;

/// Keywords that start a statement some rule looks at; a body without any is not parsed.
const INTERESTING: &[&str] = &[
    "alter", "create", "drop", "update", "delete", "insert", "truncate", "lock", "refresh",
    "vacuum", "cluster", "reindex",
];

/// SQL a `DO` block runs: where it is in the file, and its text when that differs from the
/// file's (a string constant with doubled quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Embedded {
    /// Byte range in the file: the statement, or the inside of the string constant.
    pub range: Range<usize>,
    /// The SQL text when it is not `&sql[range]` (quotes undoubled).
    pub unescaped: Option<String>,
}

/// SQL a `DO` block runs, parsed: what the linter checks in the block's transaction.
#[derive(Debug)]
pub(crate) struct DoSql {
    /// Where it is and its text.
    pub embedded: Embedded,
    /// Its statements.
    pub stmts: Vec<pg_query::NodeEnum>,
}

impl DoSql {
    /// The text the statements were parsed from (the file, or the constant's value), and
    /// their range in it.
    pub fn text<'a>(&'a self, sql: &'a str) -> (&'a str, Range<usize>) {
        match &self.embedded.unescaped {
            Some(value) => (value.as_str(), 0..value.len()),
            None => (sql, self.embedded.range.clone()),
        }
    }
}

/// [`do_statements`], each parsed; SQL that does not parse is left out.
pub(crate) fn do_sql(sql: &str, span: Range<usize>) -> Vec<DoSql> {
    do_statements(sql, span)
        .into_iter()
        .filter_map(|embedded| {
            let (text, own) = match &embedded.unescaped {
                Some(value) => (value.as_str(), 0..value.len()),
                None => (sql, embedded.range.clone()),
            };
            let tree = crate::ffi::parse(&text[own]).ok()?;
            let stmts = tree
                .stmts
                .into_iter()
                .filter_map(|raw| raw.stmt.and_then(|n| n.node))
                .collect();
            Some(DoSql { embedded, stmts })
        })
        .collect()
}

/// The static SQL statements, and the constant strings run by `EXECUTE`, in the `DO` statement
/// at `span`, in order. Empty when the block is not PL/pgSQL or does not parse.
pub(crate) fn do_statements(sql: &str, span: Range<usize>) -> Vec<Embedded> {
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
    for (q, dynamic) in queries {
        let Some(at) = text[cursor..].find(q.as_str()) else {
            continue;
        };
        let start = span.start + cursor + at;
        cursor += at + q.len();
        if !dynamic {
            out.push(Embedded {
                range: start..start + q.len(),
                unescaped: None,
            });
        } else if let Some((inside, unescaped)) = string_constant(&q) {
            out.push(Embedded {
                range: start + inside.start..start + inside.end,
                unescaped,
            });
        }
    }
    out
}

/// The inside of a string constant written as `'...'` or `$tag$...$tag$`, and its value when
/// that differs from the text (doubled quotes). `None` for anything else (an escape string,
/// a concatenation, a function call).
fn string_constant(expr: &str) -> Option<(Range<usize>, Option<String>)> {
    let expr = expr.trim_end();
    if let Some(body) = expr.strip_prefix('\'') {
        let body = body.strip_suffix('\'')?;
        let mut value = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '\'' && chars.next() != Some('\'') {
                return None;
            }
            value.push(c);
        }
        let unescaped = (value.len() != body.len()).then_some(value);
        return Some((1..1 + body.len(), unescaped));
    }
    let rest = expr.strip_prefix('$')?;
    let tag_len = rest.find('$')?;
    if !rest[..tag_len]
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    let tag = &expr[..tag_len + 2];
    let body = expr.strip_prefix(tag)?.strip_suffix(tag)?;
    if body.contains(tag) {
        return None;
    }
    Some((tag.len()..tag.len() + body.len(), None))
}

/// The `query` of every `PLpgSQL_stmt_execsql` (`false`) and `PLpgSQL_stmt_dynexecute`
/// (`true`), depth first, in document order.
fn collect(v: &Value, out: &mut Vec<(String, bool)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let (pointer, dynamic) = match k.as_str() {
                    "PLpgSQL_stmt_execsql" => ("/sqlstmt/PLpgSQL_expr/query", false),
                    "PLpgSQL_stmt_dynexecute" => ("/query/PLpgSQL_expr/query", true),
                    _ => {
                        collect(child, out);
                        continue;
                    }
                };
                if let Some(q) = child.pointer(pointer).and_then(Value::as_str) {
                    out.push((q.to_string(), dynamic));
                }
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
    fn finds_static_statements_and_constant_dynamic_ones() {
        let sql = "DO $$ BEGIN\n  ALTER TABLE t ADD COLUMN a int;\n  IF true THEN\n    UPDATE t SET a = 1;\n  END IF;\n  EXECUTE 'DROP TABLE t';\n  EXECUTE $q$CREATE INDEX i ON t (a)$q$;\n  EXECUTE format('DROP TABLE %I', 'x');\n  EXECUTE 'DROP TABLE ' || quote_ident('y');\n  PERFORM 1;\nEND $$";
        let found: Vec<&str> = do_statements(sql, 0..sql.len())
            .into_iter()
            .map(|e| {
                assert_eq!(e.unescaped, None);
                &sql[e.range]
            })
            .collect();
        assert_eq!(
            found,
            [
                "ALTER TABLE t ADD COLUMN a int",
                "UPDATE t SET a = 1",
                "DROP TABLE t",
                "CREATE INDEX i ON t (a)"
            ]
        );
        let sql = "DO $$ BEGIN EXECUTE 'UPDATE t SET a = ''x'''; EXECUTE E'DROP TABLE t'; END $$";
        let found = do_statements(sql, 0..sql.len());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].unescaped.as_deref(), Some("UPDATE t SET a = 'x'"));
        assert_eq!(&sql[found[0].range.clone()], "UPDATE t SET a = ''x''");
        assert!(do_statements("DO $$ BEGIN PERFORM 1; END $$", 0..29).is_empty());
        assert!(do_statements("DO LANGUAGE plperl $$ 1 $$", 0..26).is_empty());
    }
}
