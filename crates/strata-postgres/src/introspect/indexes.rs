//! Indexes that are not part of a constraint.

use super::sql::{balanced, comment, not_extension_member, split_top_level};
use super::{bad_row, Ctx, Reader, Row};
use strata_core::DriverError;
use strata_schema::{Index, QualifiedName};

/// Indexes of covered tables and materialized views, except those behind a primary key,
/// unique or exclusion constraint (they are the constraint) and the partitions of a
/// partitioned table's index (creating the parent's index creates them).
pub(crate) fn sql(ctx: &Ctx) -> String {
    let nulls = if ctx.version >= 150000 {
        "x.indnullsnotdistinct"
    } else {
        "false"
    };
    format!(
        "SELECT n.nspname, i.relname, c.relname, x.indisunique, am.amname, \
         pg_get_indexdef(i.oid), x.indrelid::text, x.indkey::text, x.indnkeyatts, \
         pg_get_expr(x.indpred, x.indrelid), {nulls}, \
         coalesce(array_to_json(i.reloptions), '[]')::text, {comment} \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_am am ON am.oid = i.relam \
         WHERE c.relkind IN ('r', 'p', 'm') AND NOT i.relispartition AND {ok} AND {member} \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid \
           AND k.conrelid = c.oid AND k.contype IN ('p', 'u', 'x')) \
         ORDER BY 1, 2",
        comment = comment("pg_class", "i.oid", "0"),
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = not_extension_member("pg_class", "c.oid"),
    )
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let name = QualifiedName::new(r.text(0), r.text(1));
        let table = QualifiedName::new(r.text(0), r.text(2));
        let method = r.text(4);
        let def = r.text(5);
        let elements = key_elements(&def, &method)
            .ok_or_else(|| bad_row(format!("cannot read the key of index {name}: {def}")))?;
        let mut ix = Index::new(name, table, elements);
        ix.unique = r.flag(3);
        ix.method = method;
        let key_count = r.int(8)? as usize;
        ix.include = reader.column_names(&r.text(6), &r.text(7), key_count);
        ix.predicate = r.opt(9);
        ix.nulls_not_distinct = r.flag(10);
        ix.options = r.json(11)?;
        ix.comment = r.opt(12);
        reader.schema.indexes.push(ix);
    }
    Ok(())
}

/// The key elements of `CREATE INDEX ... USING method (elements) ...` as the server prints it,
/// each with its operator class, collation and ordering.
fn key_elements(def: &str, method: &str) -> Option<Vec<String>> {
    let marker = format!(" USING {method} (");
    let open = def.find(&marker)? + marker.len() - 1;
    let (inner, _) = balanced(def, open)?;
    Some(split_top_level(inner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_with_opclass_and_order() {
        let def = "CREATE INDEX t_idx ON ONLY public.t USING btree (lower(a) text_pattern_ops DESC NULLS LAST, b) INCLUDE (p) WHERE (p > (1)::numeric)";
        assert_eq!(
            key_elements(def, "btree").unwrap(),
            vec!["lower(a) text_pattern_ops DESC NULLS LAST", "b"]
        );
    }
}
