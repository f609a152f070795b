//! Native introspection: the schema of a PostgreSQL database read from its catalogs into the
//! engine-neutral [`strata_schema::Schema`], without pg_dump.
//!
//! Why it is fast: one query per object family for the whole database (never one per table),
//! all sent as one simple-protocol batch inside a read-only repeatable-read transaction, so the
//! whole schema costs two round trips (the server version, then the batch) and is read from one
//! snapshot. The session's `search_path` is empty while it runs, so the server prints every
//! name outside `pg_catalog` schema-qualified: dumps do not depend on anyone's search path, and
//! `strata-schema` finds dependencies by those qualified names.
//!
//! One file per object family: each has the SQL of its query and the code that reads its rows.

mod constraints;
mod functions;
mod indexes;
mod namespaces;
mod policies;
mod sequences;
mod sql;
mod tables;
mod triggers;
mod types;
mod views;

use crate::conn::Connector;
use crate::error;
use strata_core::{DriverError, DriverErrorKind};
use strata_schema::{Filter, Schema};
use tokio_postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

pub(crate) use sql::Ctx;

/// Reads the schema of the database at `url` (a `postgres://` URL; gaps filled from the `PG*`
/// environment variables), limited by `filter`.
pub async fn introspect(url: &str, filter: &Filter) -> Result<Schema, DriverError> {
    let params = crate::url::parse(url, &crate::url::process_env)?;
    let client = Connector::new(params)?.open(None).await?;
    introspect_client(&client, filter).await
}

/// Reads the schema through an open connection.
pub(crate) async fn introspect_client(
    client: &Client,
    filter: &Filter,
) -> Result<Schema, DriverError> {
    let version = crate::conn::rows(client, "SHOW server_version_num").await?;
    let version_num = version
        .first()
        .and_then(|r| r.get(0))
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(0);
    if version_num < 120000 {
        return Err(DriverError::new(
            DriverErrorKind::Other,
            format!(
                "schema introspection needs PostgreSQL 12 or later (the server is {version_num})"
            ),
        ));
    }
    let ctx = Ctx::new(filter, version_num)?;
    let families: Vec<Family> = vec![
        (attributes_sql(), read_attributes),
        (namespaces::schemas_sql(&ctx), namespaces::read_schemas),
        (
            namespaces::extensions_sql(&ctx),
            namespaces::read_extensions,
        ),
        (types::enums_sql(&ctx), types::read_enums),
        (types::composites_sql(&ctx), types::read_composites),
        (types::domains_sql(&ctx), types::read_domains),
        (sequences::sql(&ctx), sequences::read),
        (tables::tables_sql(&ctx), tables::read_tables),
        (tables::columns_sql(&ctx), tables::read_columns),
        (constraints::sql(&ctx), constraints::read),
        (indexes::sql(&ctx), indexes::read),
        (views::sql(&ctx), views::read),
        (functions::sql(&ctx), functions::read),
        (triggers::sql(&ctx), triggers::read),
        (policies::sql(&ctx), policies::read),
    ];
    let mut batch = String::from(
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSET LOCAL search_path = '';\n\
         SET LOCAL max_parallel_workers_per_gather = 0;\nSET LOCAL jit = off;\n",
    );
    for (sql, _) in &families {
        batch.push_str(sql);
        batch.push_str(";\n");
    }
    batch.push_str("COMMIT");
    let messages = match client.simple_query(&batch).await {
        Ok(m) => m,
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK").await;
            let mut err = error::map(&e);
            err.message = format!("reading the schema failed: {}", err.message);
            return Err(err);
        }
    };
    // Parallel workers and JIT compilation cost more than they save on catalog queries: a
    // worker starts with cold caches, and JIT compiles for plans the planner misjudges.
    // Result sets in order: BEGIN and the four SETs complete without rows, then one per family.
    let mut sets: Vec<Vec<SimpleQueryRow>> = vec![Vec::new()];
    for m in messages {
        match m {
            SimpleQueryMessage::Row(r) => sets.last_mut().expect("one set").push(r),
            SimpleQueryMessage::CommandComplete(_) => sets.push(Vec::new()),
            _ => {}
        }
    }
    let mut reader = Reader::default();
    for (i, (_, read)) in families.iter().enumerate() {
        let rows = sets.get(i + 4).map(Vec::as_slice).unwrap_or(&[]);
        read(rows.iter().map(Row).collect(), &mut reader)?;
    }
    let mut schema = reader.schema;
    finish(&mut schema, filter);
    Ok(schema)
}

/// The SQL of one object family and the function that reads its rows.
type Family = (
    String,
    fn(Vec<Row<'_>>, &mut Reader) -> Result<(), DriverError>,
);

/// What the readers fill, and the column names of every relation, so that the other queries
/// can return attribute numbers (`conkey`, `indkey`, `tgattr`) instead of looking names up row
/// by row on the server, which costs more than the rest of the query.
#[derive(Default)]
pub(crate) struct Reader {
    pub schema: Schema,
    attributes: std::collections::HashMap<(String, i64), String>,
}

impl Reader {
    /// The names of columns `numbers` (`{1,2}` or `1 2`, as the server prints `int2[]` and
    /// `int2vector`) of relation `oid`; `skip` leading numbers are left out.
    pub fn column_names(&self, oid: &str, numbers: &str, skip: usize) -> Vec<String> {
        numbers
            .trim_matches(|c| c == '{' || c == '}')
            .split([',', ' '])
            .filter_map(|n| n.parse::<i64>().ok())
            .skip(skip)
            .filter_map(|n| self.attributes.get(&(oid.to_string(), n)).cloned())
            .collect()
    }
}

fn attributes_sql() -> String {
    "SELECT a.attrelid::text, a.attnum, a.attname FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f') AND a.attnum > 0 AND NOT a.attisdropped"
        .into()
}

fn read_attributes(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    reader.attributes.reserve(rows.len());
    for r in rows {
        reader.attributes.insert((r.text(0), r.int(1)?), r.text(2));
    }
    Ok(())
}

/// Sorts everything, and hides the schema of an excluded table (strata's own history schema)
/// when nothing else is in it.
fn finish(schema: &mut Schema, filter: &Filter) {
    schema.normalize();
    let hidden: Vec<&str> = filter
        .exclude_tables
        .iter()
        .map(|t| t.schema.as_str())
        .filter(|s| *s != "public")
        .collect();
    if hidden.is_empty() {
        return;
    }
    let used = |s: &str| {
        schema.tables.iter().any(|t| t.name.schema == s)
            || schema.views.iter().any(|v| v.name.schema == s)
            || schema.functions.iter().any(|f| f.name.schema == s)
            || schema.sequences.iter().any(|x| x.name.schema == s)
            || schema.enums.iter().any(|x| x.name.schema == s)
            || schema.composites.iter().any(|x| x.name.schema == s)
            || schema.domains.iter().any(|x| x.name.schema == s)
            || schema.extensions.iter().any(|x| x.schema == s)
    };
    let keep: Vec<bool> = schema
        .schemas
        .iter()
        .map(|n| !hidden.contains(&n.name.as_str()) || used(&n.name))
        .collect();
    let mut k = keep.into_iter();
    schema.schemas.retain(|_| k.next().unwrap_or(true));
}

/// One row of a result, with typed accessors for the text the simple protocol returns.
pub(crate) struct Row<'a>(&'a SimpleQueryRow);

impl Row<'_> {
    /// A column as text (empty for null).
    pub fn text(&self, i: usize) -> String {
        self.0.get(i).unwrap_or("").to_string()
    }

    /// A nullable column.
    pub fn opt(&self, i: usize) -> Option<String> {
        self.0.get(i).map(str::to_string)
    }

    /// A boolean column (`t`).
    pub fn flag(&self, i: usize) -> bool {
        self.0.get(i) == Some("t")
    }

    /// An integer column.
    pub fn int(&self, i: usize) -> Result<i64, DriverError> {
        let v = self.0.get(i).unwrap_or("");
        v.parse()
            .map_err(|_| bad_row(format!("`{v}` is not an integer")))
    }

    /// A column holding JSON.
    pub fn json<T: serde::de::DeserializeOwned + Default>(
        &self,
        i: usize,
    ) -> Result<T, DriverError> {
        match self.0.get(i) {
            None => Ok(T::default()),
            Some(v) => serde_json::from_str(v)
                .map_err(|e| bad_row(format!("unexpected catalog JSON `{v}`: {e}"))),
        }
    }
}

pub(crate) fn bad_row(message: String) -> DriverError {
    DriverError::new(
        DriverErrorKind::Other,
        format!("reading the schema: {message}"),
    )
}
