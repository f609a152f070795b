//! Native introspection: the schema of a PostgreSQL database read from its catalogs into the
//! engine-neutral [`strata_schema::Schema`], without pg_dump.
//!
//! Why it is fast: one query per object family for the whole database (never one per table),
//! all sent as one simple-protocol batch inside a read-only repeatable-read transaction. The
//! first round trip opens that transaction and reads the server version, the size of the
//! database and whether extensions own any objects (when none do, no query looks for extension
//! members). A large database is then read over two connections at once: the first exports its
//! snapshot (`pg_export_snapshot`), the other imports it (`SET TRANSACTION SNAPSHOT`) so that
//! both see the same state, and each reads the objects whose OID hashes to its share (the
//! small families go whole to the other connection): the server prints expressions and
//! definitions on two cores, and every table is opened (to print its expressions) by one
//! connection only. The session's `search_path` is empty while it runs, so the
//! server prints every name outside `pg_catalog` schema-qualified: dumps do not depend on
//! anyone's search path, and `strata-schema` finds dependencies by those qualified names.
//!
//! One file per object family: each has the SQL of its query and the code that reads its rows.

mod aggregates;
mod collations;
mod constraints;
mod functions;
mod indexes;
mod namespaces;
mod owners;
mod policies;
mod rules;
mod sequences;
mod sql;
mod tables;
mod text_search;
mod triggers;
mod types;
mod views;

use crate::conn::Connector;
use crate::error;
use std::collections::HashMap;
use strata_core::{DriverError, DriverErrorKind};
use strata_schema::{Filter, Schema};
use tokio_postgres::{Client, SimpleQueryMessage, SimpleQueryRow};

pub(crate) use sql::Ctx;

/// How many connections read a large database at once: two, for the common case of a server
/// with few cores shared with other work (more connections each warm up their own catalog
/// caches, which costs more than the third share saves).
const CONNECTIONS: usize = 2;

/// Relations (of any kind, created after `initdb`) from which a database counts as large: below
/// it, opening more connections costs more than it saves.
const LARGE: i64 = 1500;

/// Reads the schema of the database at `url` (a `postgres://` URL; gaps filled from the `PG*`
/// environment variables), limited by `filter`. A large database is read over several
/// connections that share one snapshot.
pub async fn introspect(url: &str, filter: &Filter) -> Result<Schema, DriverError> {
    introspect_with(url, filter, None).await
}

/// [`introspect`] over exactly `connections` connections (`None`: decided by the size of the
/// database). The result is the same whatever the number.
pub async fn introspect_with(
    url: &str,
    filter: &Filter,
    connections: Option<usize>,
) -> Result<Schema, DriverError> {
    let params = crate::url::parse(url, &crate::url::process_env)?;
    let connector = Connector::new(params)?;
    let client = connector.open(None).await?;
    let result = read(&connector, &client, filter, connections).await;
    if result.is_err() {
        let _ = client.batch_execute("ROLLBACK").await;
    }
    result
}

/// The transaction every connection runs in, and the settings the catalog queries need:
/// parallel workers and JIT compilation cost more than they save on catalog queries (a worker
/// starts with cold caches, and JIT compiles for plans the planner misjudges).
const BEGIN: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
const SETTINGS: [&str; 3] = [
    "SET LOCAL search_path = ''",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    "SET LOCAL jit = off",
];

/// The first round trip: the server version, whether extensions own objects, how many
/// relations there are, and (when more connections may help) the exported snapshot.
const START: &str = "SELECT current_setting('server_version_num'), \
     EXISTS (SELECT 1 FROM pg_depend WHERE refclassid = 'pg_extension'::regclass \
     AND deptype = 'e' AND objid >= 16384), \
     (SELECT count(*) FROM pg_class WHERE oid >= 16384)";

async fn read(
    connector: &Connector,
    client: &Client,
    filter: &Filter,
    connections: Option<usize>,
) -> Result<Schema, DriverError> {
    let failed = |e: tokio_postgres::Error| {
        let mut err = error::map(&e);
        err.message = format!("reading the schema failed: {}", err.message);
        err
    };
    let start = client
        .simple_query(&format!("{BEGIN}; {START}"))
        .await
        .map_err(failed)?;
    let first = start.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => Some(r),
        _ => None,
    });
    let field = |i: usize| first.and_then(|r| r.get(i)).unwrap_or("");
    let version: u32 = field(0).parse().unwrap_or(0);
    if version < 120000 {
        return Err(DriverError::new(
            DriverErrorKind::Other,
            format!("schema introspection needs PostgreSQL 12 or later (the server is {version})"),
        ));
    }
    let members = field(1) == "t";
    let relations: i64 = field(2).parse().unwrap_or(0);
    let mut parts = connections
        .unwrap_or(if relations >= LARGE { CONNECTIONS } else { 1 })
        .max(1);
    let ctx = Ctx::new(filter, version, members)?;
    let mut snapshot = None;
    if parts > 1 {
        // A server that cannot export a snapshot (a standby before PostgreSQL 10's rules, a
        // pooler that forbids it) is read over this connection alone.
        match client.simple_query("SELECT pg_export_snapshot()").await {
            Ok(m) => {
                snapshot = m.iter().find_map(|m| match m {
                    SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                    _ => None,
                })
            }
            Err(_) => {
                client
                    .simple_query(&format!("ROLLBACK; {BEGIN}"))
                    .await
                    .map_err(failed)?;
            }
        }
        if snapshot.is_none() {
            parts = 1;
        }
    }
    // The other connections connect and read their shares while this one reads the first.
    // Each family is read here as soon as every connection has returned its rows, while the
    // server still works on the next ones.
    let batches: Vec<Batch> = (0..parts)
        .map(|k| {
            Batch::new(
                &ctx.part_of(k, parts),
                snapshot.as_deref().filter(|_| k > 0),
            )
        })
        .collect();
    let mut shares: Vec<Share> = Vec::with_capacity(parts);
    let mut helpers = Vec::new();
    let (first_tx, first_rx) = tokio::sync::mpsc::unbounded_channel();
    shares.push(Share::new(0, &batches[0], first_rx));
    for (k, batch) in batches.iter().enumerate().skip(1) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        shares.push(Share::new(k, batch, rx));
        let connector = connector.clone();
        let batch = batch.clone();
        helpers.push(tokio::spawn(async move {
            let client = connector.open(None).await?;
            batch.stream(&client, tx).await
        }));
    }
    let first = async {
        batches[0].stream(client, first_tx).await.map_err(|mut e| {
            e.message = format!("reading the schema failed: {}", e.message);
            e
        })
    };
    let reading = async {
        let mut reader = Reader::default();
        for (f, family) in FAMILIES.iter().enumerate() {
            let mut results = Vec::with_capacity(shares.len());
            for share in shares.iter_mut() {
                results.push(share.take(f, &ctx, parts, client).await?);
            }
            let rows: Vec<Row<'_>> = results.iter().flatten().map(Row).collect();
            (family.read)(rows, &mut reader)?;
        }
        Ok::<Reader, DriverError>(reader)
    };
    let (first, reading) = futures_util::future::join(first, reading).await;
    first?;
    let mut reader = reading?;
    for helper in helpers {
        let _ = helper.await;
    }
    if !reader.pending_indexes.is_empty() {
        let oids: Vec<&str> = reader
            .pending_indexes
            .iter()
            .map(|(_, oid)| oid.as_str())
            .collect();
        let rows = crate::conn::rows(client, &indexes::definitions_sql(&oids)).await?;
        let definitions: HashMap<&str, &str> = rows
            .iter()
            .filter_map(|r| Some((r.get(0)?, r.get(1)?)))
            .collect();
        for (i, oid) in &reader.pending_indexes {
            let ix = &mut reader.schema.indexes[*i];
            let def = definitions.get(oid.as_str()).copied().unwrap_or("");
            ix.elements = indexes::key_elements(def, &ix.method).ok_or_else(|| {
                bad_row(format!("cannot read the key of index {}: {def}", ix.name))
            })?;
        }
    }
    client.batch_execute("COMMIT").await.map_err(failed)?;
    let mut schema = reader.schema;
    finish(&mut schema, filter);
    Ok(schema)
}

/// One object family: the SQL of its query, the function that reads its rows, and whether its
/// objects are shared out among the connections (small families are read whole by the last
/// connection: the first also opened the transaction and exported the snapshot, and finished
/// last when it read them too).
struct Family {
    sql: fn(&Ctx) -> String,
    read: for<'a> fn(Vec<Row<'a>>, &mut Reader) -> Result<(), DriverError>,
    shared: bool,
}

/// The families in the order they are read: tables before their columns and constraints, the
/// column names and operator classes before what refers to them.
const FAMILIES: &[Family] = &[
    Family {
        sql: attributes_sql,
        read: read_attributes,
        shared: true,
    },
    Family {
        sql: comments_sql,
        read: read_comments,
        shared: true,
    },
    Family {
        sql: indexes::opclasses_sql,
        read: indexes::read_opclasses,
        shared: false,
    },
    Family {
        sql: namespaces::schemas_sql,
        read: namespaces::read_schemas,
        shared: false,
    },
    Family {
        sql: namespaces::extensions_sql,
        read: namespaces::read_extensions,
        shared: false,
    },
    Family {
        sql: types::enums_sql,
        read: types::read_enums,
        shared: false,
    },
    Family {
        sql: types::composites_sql,
        read: types::read_composites,
        shared: false,
    },
    Family {
        sql: types::domains_sql,
        read: types::read_domains,
        shared: false,
    },
    Family {
        sql: sequences::sql,
        read: sequences::read,
        shared: true,
    },
    Family {
        sql: tables::tables_sql,
        read: tables::read_tables,
        shared: true,
    },
    Family {
        sql: tables::identities_sql,
        read: tables::read_identities,
        shared: true,
    },
    Family {
        sql: tables::columns_sql,
        read: tables::read_columns,
        shared: true,
    },
    Family {
        sql: constraints::sql,
        read: constraints::read,
        shared: true,
    },
    Family {
        sql: indexes::sql,
        read: indexes::read,
        shared: true,
    },
    Family {
        sql: views::sql,
        read: views::read,
        shared: true,
    },
    Family {
        sql: functions::sql,
        read: functions::read,
        shared: true,
    },
    Family {
        sql: triggers::sql,
        read: triggers::read,
        shared: true,
    },
    Family {
        sql: policies::sql,
        read: policies::read,
        shared: true,
    },
    Family {
        sql: collations::sql,
        read: collations::read,
        shared: false,
    },
    Family {
        sql: aggregates::sql,
        read: aggregates::read,
        shared: false,
    },
    Family {
        sql: text_search::dictionaries_sql,
        read: text_search::read_dictionaries,
        shared: false,
    },
    Family {
        sql: text_search::configs_sql,
        read: text_search::read_configs,
        shared: false,
    },
    Family {
        sql: rules::sql,
        read: rules::read,
        shared: false,
    },
    Family {
        sql: owners::owners_sql,
        read: owners::read_owners,
        shared: false,
    },
    Family {
        sql: owners::default_privileges_sql,
        read: owners::read_default_privileges,
        shared: false,
    },
];

/// The queries of one connection's share, as one simple-protocol batch.
#[derive(Clone)]
struct Batch {
    sql: String,
    /// Statements before the first query (they return no rows).
    prefix: usize,
    /// For each family, whether this batch reads it.
    families: Vec<bool>,
}

impl Batch {
    /// The batch for `ctx`'s share. With `snapshot`, it runs in a transaction of its own that
    /// imports the snapshot; without, in the transaction already open on the connection.
    fn new(ctx: &Ctx, snapshot: Option<&str>) -> Batch {
        let mut statements: Vec<String> = Vec::new();
        if let Some(id) = snapshot {
            statements.push(BEGIN.into());
            statements.push(format!(
                "SET TRANSACTION SNAPSHOT '{}'",
                id.replace('\'', "")
            ));
        }
        statements.extend(SETTINGS.iter().map(|s| s.to_string()));
        let prefix = statements.len();
        let families: Vec<bool> = FAMILIES
            .iter()
            .map(|f| f.shared || ctx.part.0 + 1 == ctx.part.1)
            .collect();
        for (f, read) in FAMILIES.iter().zip(&families) {
            if *read {
                statements.push((f.sql)(ctx));
            }
        }
        if snapshot.is_some() {
            statements.push("COMMIT".into());
        }
        Batch {
            sql: statements.join(";\n"),
            prefix,
            families,
        }
    }

    /// Runs it, sending the rows of each family it reads (with the family's index) as soon as
    /// its query is complete.
    async fn stream(
        &self,
        client: &Client,
        tx: tokio::sync::mpsc::UnboundedSender<(usize, Vec<SimpleQueryRow>)>,
    ) -> Result<(), DriverError> {
        use futures_util::StreamExt;
        let mut read = self
            .families
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(f, _)| f);
        let messages = client
            .simple_query_raw(&self.sql)
            .await
            .map_err(|e| error::map(&e))?;
        let mut messages = std::pin::pin!(messages);
        let mut statement = 0;
        let mut rows = Vec::new();
        while let Some(m) = messages.next().await {
            match m.map_err(|e| error::map(&e))? {
                SimpleQueryMessage::Row(r) => rows.push(r),
                SimpleQueryMessage::CommandComplete(_) => {
                    let done = std::mem::take(&mut rows);
                    if statement >= self.prefix {
                        if let Some(f) = read.next() {
                            // The reader stops listening only when it has failed.
                            let _ = tx.send((f, done));
                        }
                    }
                    statement += 1;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Runs it: the rows of each family (empty for those it does not read).
    async fn run(&self, client: &Client) -> Result<Vec<Vec<SimpleQueryRow>>, DriverError> {
        let messages = client
            .simple_query(&self.sql)
            .await
            .map_err(|e| error::map(&e))?;
        // One result per statement, each ended by its CommandComplete.
        let mut results: Vec<Vec<SimpleQueryRow>> = vec![Vec::new()];
        for m in messages {
            match m {
                SimpleQueryMessage::Row(r) => results.last_mut().expect("one result").push(r),
                SimpleQueryMessage::CommandComplete(_) => results.push(Vec::new()),
                _ => {}
            }
        }
        let mut results = results.into_iter().skip(self.prefix);
        Ok(self
            .families
            .iter()
            .map(|read| {
                if *read {
                    results.next().unwrap_or_default()
                } else {
                    Vec::new()
                }
            })
            .collect())
    }
}

/// The rows of one connection's share as they arrive.
struct Share {
    /// Which share it is.
    k: usize,
    /// For each family, whether this share reads it.
    reads: Vec<bool>,
    rx: tokio::sync::mpsc::UnboundedReceiver<(usize, Vec<SimpleQueryRow>)>,
    /// Rows received and not yet read, by family.
    received: Vec<Option<Vec<SimpleQueryRow>>>,
    /// Whether the share has been read again over the first connection.
    again: bool,
}

impl Share {
    fn new(
        k: usize,
        batch: &Batch,
        rx: tokio::sync::mpsc::UnboundedReceiver<(usize, Vec<SimpleQueryRow>)>,
    ) -> Share {
        Share {
            k,
            reads: batch.families.clone(),
            rx,
            received: (0..FAMILIES.len()).map(|_| None).collect(),
            again: false,
        }
    }

    /// The rows of family `f` in this share (none when it does not read it), waiting for them.
    /// When another connection ends without them (it could not be opened, could not import
    /// the snapshot, or failed), its share is read again over the first connection, in the
    /// same snapshot.
    async fn take(
        &mut self,
        f: usize,
        ctx: &Ctx,
        parts: usize,
        client: &Client,
    ) -> Result<Vec<SimpleQueryRow>, DriverError> {
        if !self.reads[f] {
            return Ok(Vec::new());
        }
        loop {
            if let Some(rows) = self.received[f].take() {
                return Ok(rows);
            }
            match self.rx.recv().await {
                Some((g, rows)) => self.received[g] = Some(rows),
                None if self.k > 0 && !self.again => {
                    self.again = true;
                    let all = Batch::new(&ctx.part_of(self.k, parts), None)
                        .run(client)
                        .await?;
                    for (g, rows) in all.into_iter().enumerate() {
                        if self.reads[g] && self.received[g].is_none() && g >= f {
                            self.received[g] = Some(rows);
                        }
                    }
                }
                None => {
                    return Err(bad_row(format!(
                        "the rows of query {f} did not arrive from connection {}",
                        self.k + 1
                    )))
                }
            }
        }
    }
}

/// Start, increment, minimum, maximum, cache and cycle of a sequence.
pub(crate) type SequenceOptions = (i64, i64, i64, i64, i64, bool);

/// The catalogs whose objects' comments are read in bulk.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Catalog {
    Class,
    Constraint,
}

/// A column of a relation, as the other queries refer to it by number.
pub(crate) struct Attribute {
    pub name: String,
    /// The name as the server prints it in a definition (`quote_ident`).
    pub quoted: String,
    /// Its type's OID.
    pub type_oid: u32,
    /// Its collation's OID (0: none).
    pub collation: u32,
}

/// What the readers fill, and the columns of every relation, so that the other queries can
/// return attribute numbers (`conkey`, `indkey`, `tgattr`) instead of looking names up row by
/// row on the server, which costs more than the rest of the query.
#[derive(Default)]
pub(crate) struct Reader {
    pub schema: Schema,
    attributes: HashMap<(u32, i64), Attribute>,
    /// The default btree operator class of each type (0: ambiguous).
    pub default_opclasses: HashMap<u32, u32>,
    /// Indexes whose key the server is to print: (position in `schema.indexes`, OID).
    pub pending_indexes: Vec<(usize, String)>,
    /// Tables by OID: their position in `schema.tables`.
    pub tables: HashMap<u32, usize>,
    /// The options of the sequence of each identity column, by (table, column number).
    pub identities: HashMap<(u32, i64), SequenceOptions>,
    /// Comments on relations, their columns and constraints, by (catalog, OID, column).
    comments: HashMap<(Catalog, u32, i64), String>,
}

impl Reader {
    /// The names of columns `numbers` (`{1,2}` or `1 2`, as the server prints `int2[]` and
    /// `int2vector`) of relation `oid`; `skip` leading numbers are left out.
    pub fn column_names(&self, oid: &str, numbers: &str, skip: usize) -> Vec<String> {
        let Ok(oid) = oid.parse::<u32>() else {
            return Vec::new();
        };
        numbers
            .trim_matches(|c| c == '{' || c == '}')
            .split([',', ' '])
            .filter_map(|n| n.parse::<i64>().ok())
            .skip(skip)
            .filter_map(|n| self.attributes.get(&(oid, n)).map(|a| a.name.clone()))
            .collect()
    }

    /// Column `number` of relation `oid`.
    pub fn attribute(&self, oid: u32, number: i64) -> Option<&Attribute> {
        self.attributes.get(&(oid, number))
    }

    /// Records column `number` of relation `oid`.
    pub fn add_attribute(&mut self, oid: u32, number: i64, attribute: Attribute) {
        self.attributes.insert((oid, number), attribute);
    }

    /// The comment on an object (`column` > 0: on that column of a relation), taken: each
    /// object is read once.
    pub fn comment(&mut self, catalog: Catalog, oid: u32, column: i64) -> Option<String> {
        self.comments.remove(&(catalog, oid, column))
    }
}

/// The columns of the relations whose columns the tables' query does not read: views,
/// materialized views, foreign tables, and tables out of the filter's scope that a foreign
/// key may reference.
///
/// Few relations qualify, so their columns are looked up relation by relation (`OFFSET 0`
/// keeps the server from reading all of `pg_attribute` to join it instead).
fn attributes_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT c.oid::text, a.attnum, a.attname, quote_ident(a.attname), \
         a.atttypid::text, a.attcollation::text FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         CROSS JOIN LATERAL (SELECT a.attnum, a.attname, a.atttypid, a.attcollation \
           FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 \
           AND NOT a.attisdropped OFFSET 0) a \
         WHERE c.relkind IN ('r', 'p', 'm', 'v', 'f') AND NOT ({tables}){share}",
        tables = tables::table_scope(ctx),
        share = ctx.share("c.oid"),
    )
}

fn read_attributes(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    reader.attributes.reserve(rows.len());
    for r in rows {
        let attribute = Attribute {
            name: r.text(2),
            quoted: r.text(3),
            type_oid: r.oid(4)?,
            collation: r.oid(5)?,
        };
        reader.attributes.insert((r.oid(0)?, r.int(1)?), attribute);
    }
    Ok(())
}

/// Comments on relations (and their columns) and on constraints, in one read of
/// `pg_description` rather than a lookup per row. Objects created by `initdb` are left out.
fn comments_sql(ctx: &Ctx) -> String {
    format!(
        "SELECT d.classoid = 'pg_constraint'::regclass, d.objoid::text, d.objsubid, \
         d.description FROM pg_description d \
         WHERE d.classoid IN ('pg_class'::regclass, 'pg_constraint'::regclass) \
         AND d.objoid >= 16384{share}",
        share = ctx.share("d.objoid"),
    )
}

fn read_comments(rows: Vec<Row<'_>>, reader: &mut Reader) -> Result<(), DriverError> {
    reader.comments.reserve(rows.len());
    for r in rows {
        let catalog = if r.flag(0) {
            Catalog::Constraint
        } else {
            Catalog::Class
        };
        reader
            .comments
            .insert((catalog, r.oid(1)?, r.int(2)?), r.text(3));
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

    /// An OID column.
    pub fn oid(&self, i: usize) -> Result<u32, DriverError> {
        let v = self.0.get(i).unwrap_or("");
        v.parse()
            .map_err(|_| bad_row(format!("`{v}` is not an OID")))
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
