//! Indexes that are not part of a constraint.
//!
//! The server prints an index with `pg_get_indexdef`, which looks up the operator class of
//! every key column and opens the table: most of the cost of reading a schema with thousands
//! of indexes. The common index, btree over plain columns with their default operator class
//! and collation, is printed here instead from the same catalog fields, exactly as the server
//! prints it (quoted column name, then `DESC` / `NULLS FIRST` / `NULLS LAST`). Any other
//! index (expressions, other methods, operator class options) is printed by the server in the
//! same query; one whose operator class or collation is not the column's default is printed
//! by the server in a second query (see [`Reader::pending_indexes`]).

use super::sql::{balanced, split_top_level};
use super::{bad_row, Catalog, Ctx, Reader, Row};
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
    // Operator class options (PostgreSQL 13) are stored as the index column's options. An
    // aggregate, so that the server looks them up index by index rather than reading all of
    // `pg_attribute` to build a hash table.
    let options = if ctx.version >= 130000 {
        " WHEN (SELECT bool_or(ia.attoptions IS NOT NULL) FROM pg_attribute ia \
         WHERE ia.attrelid = i.oid) THEN pg_get_indexdef(i.oid)"
    } else {
        ""
    };
    format!(
        "SELECT n.nspname, i.relname, c.relname, x.indisunique, am.amname, \
         CASE WHEN x.indexprs IS NOT NULL OR am.amname <> 'btree' \
         THEN pg_get_indexdef(i.oid){options} END, x.indrelid::text, x.indkey::text, x.indnkeyatts, \
         pg_get_expr(x.indpred, x.indrelid), {nulls}, \
         coalesce(array_to_json(i.reloptions), '[]')::text, i.oid::text, \
         x.indclass::text, x.indcollation::text, x.indoption::text \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_am am ON am.oid = i.relam \
         WHERE c.relkind IN ('r', 'p', 'm') AND NOT i.relispartition AND {ok} AND {member} \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid \
           AND k.conrelid = c.oid AND k.contype IN ('p', 'u', 'x')){share}",
        ok = ctx.relation_ok("n.nspname", "c.relname"),
        member = ctx.not_member("pg_class", "c.oid"),
        share = ctx.share("c.oid"),
    )
}

/// The default btree operator class of each type that has one (`opcintype`, class), for
/// [`plain_elements`]. Domains are left out: the server looks up the class of a domain's base
/// type, so an index on a domain column goes the slow way.
pub(crate) fn opclasses_sql(_ctx: &Ctx) -> String {
    "SELECT o.opcintype::text, o.oid::text FROM pg_opclass o \
     JOIN pg_am m ON m.oid = o.opcmethod JOIN pg_type t ON t.oid = o.opcintype \
     WHERE m.amname = 'btree' AND o.opcdefault AND t.typtype <> 'd'"
        .into()
}

pub(crate) fn read_opclasses(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let (Ok(ty), Ok(class)) = (r.text(0).parse::<u32>(), r.text(1).parse::<u32>()) else {
            continue;
        };
        // Two defaults for one type would make the server's lookup fail: take neither.
        reader
            .default_opclasses
            .entry(ty)
            .and_modify(|c| *c = 0)
            .or_insert(class);
    }
    Ok(())
}

pub(crate) fn read(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    for r in rows {
        let name = QualifiedName::new(r.text(0), r.text(1));
        let table = QualifiedName::new(r.text(0), r.text(2));
        let method = r.text(4);
        let relation = r.text(6);
        let keys = r.text(7);
        let key_count = r.int(8)? as usize;
        let elements =
            match r.opt(5) {
                Some(def) => Some(key_elements(&def, &method).ok_or_else(|| {
                    bad_row(format!("cannot read the key of index {name}: {def}"))
                })?),
                None => plain_elements(
                    reader,
                    &relation,
                    &keys,
                    key_count,
                    &r.text(13),
                    &r.text(14),
                    &r.text(15),
                ),
            };
        if elements.is_none() {
            reader
                .pending_indexes
                .push((reader.schema.indexes.len(), r.text(12)));
        }
        let mut ix = Index::new(name, table, elements.unwrap_or_default());
        ix.unique = r.flag(3);
        ix.method = method;
        ix.include = reader.column_names(&relation, &keys, key_count);
        ix.predicate = r.opt(9);
        ix.nulls_not_distinct = r.flag(10);
        ix.options = r.json(11)?;
        ix.comment = reader.comment(Catalog::Class, r.oid(12)?, 0);
        reader.schema.indexes.push(ix);
    }
    Ok(())
}

/// The key elements of a btree index over plain columns as `pg_get_indexdef` prints them, or
/// `None` when a column's operator class or collation is not its default one (the server
/// then prints it).
fn plain_elements(
    reader: &Reader,
    relation: &str,
    keys: &str,
    key_count: usize,
    classes: &str,
    collations: &str,
    options: &str,
) -> Option<Vec<String>> {
    let relation: u32 = relation.parse().ok()?;
    let numbers = |text: &str| -> Option<Vec<i64>> {
        text.split(' ')
            .map(|n| n.parse::<i64>().ok())
            .take(key_count)
            .collect()
    };
    let (keys, classes, collations, options) = (
        numbers(keys)?,
        numbers(classes)?,
        numbers(collations)?,
        numbers(options)?,
    );
    if [&keys, &classes, &collations, &options]
        .iter()
        .any(|v| v.len() != key_count)
    {
        return None;
    }
    let mut out = Vec::with_capacity(key_count);
    for k in 0..key_count {
        let column = reader.attribute(relation, keys[k])?;
        let default_class = *reader.default_opclasses.get(&column.type_oid)?;
        if default_class == 0 || i64::from(default_class) != classes[k] {
            return None;
        }
        if collations[k] != 0 && collations[k] != i64::from(column.collation) {
            return None;
        }
        // INDOPTION_DESC = 1, INDOPTION_NULLS_FIRST = 2; NULLS FIRST is the default for DESC.
        let order = match (options[k] & 1 != 0, options[k] & 2 != 0) {
            (true, true) => " DESC",
            (true, false) => " DESC NULLS LAST",
            (false, true) => " NULLS FIRST",
            (false, false) => "",
        };
        out.push(format!("{}{order}", column.quoted));
    }
    Some(out)
}

/// The SQL that prints the indexes [`read`] could not, by OID.
pub(crate) fn definitions_sql(oids: &[&str]) -> String {
    format!(
        "SELECT i::text, pg_get_indexdef(i) FROM unnest('{{{}}}'::oid[]) i",
        oids.join(",")
    )
}

/// The key elements of `CREATE INDEX ... USING method (elements) ...` as the server prints it,
/// each with its operator class, collation and ordering.
pub(crate) fn key_elements(def: &str, method: &str) -> Option<Vec<String>> {
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
