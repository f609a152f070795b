//! Turning a file into parsed statements with byte spans, in parallel, without ever failing:
//! text the parser rejects becomes an error item with the parser's message and position.

use crate::ffi::{self, ParseError};
use crate::plpgsql;
use crate::text::{chunk_ends, content_end, skip_trivia};
use pg_query::protobuf::ParseResult;
use pg_query::NodeEnum;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Files smaller than this are parsed in one call.
const PARALLEL_MIN: usize = 64 * 1024;
/// Chunk size for larger files: small enough to stay in cache, large enough to amortize a call.
const CHUNK: usize = 16 * 1024;
/// How many following pieces a statement the parser finds unfinished may absorb (a `BEGIN
/// ATOMIC` body or a rule's action list has `;` inside).
const MAX_MERGE: usize = 64;
/// How many following chunks a chunk whose last statement is unfinished may absorb.
const MAX_MERGE_CHUNKS: usize = 8;
/// Parsed chunks per worker that may wait to be handed over.
const IN_FLIGHT_PER_THREAD: usize = 4;

/// One statement of a file, or a stretch the parser rejected.
#[derive(Debug)]
pub(crate) struct Item {
    /// What was parsed.
    pub kind: ItemKind,
    /// Offset to add to locations inside the tree (the start of the text it was parsed from).
    pub base: usize,
    /// The statement's text: first token to last (the `;` excluded).
    pub span: Range<usize>,
    /// For a `DO` block: the SQL it runs, parsed (see [`plpgsql::do_sql`]).
    pub embedded: Vec<plpgsql::DoSql>,
}

/// A parsed statement or a syntax error.
#[derive(Debug)]
pub(crate) enum ItemKind {
    /// A statement's tree.
    Statement(Box<NodeEnum>),
    /// Text the parser rejected, with its message and the byte offset it pointed at.
    Error { message: String, at: usize },
}

/// Parses a whole file and hands each item, in order, to `emit`.
///
/// Large files are cut into chunks that worker threads parse (and turn into items, the SQL of
/// `DO` blocks included) while this thread hands the finished ones over in order, so the
/// caller's work overlaps the parsing. Each chunk's trees are freed once used, by a thread of
/// their own: memory holds the trees of the chunks in flight, not of the whole file (a parse
/// tree takes about a hundred times the bytes of its text).
pub(crate) fn parse_file(sql: &str, mut emit: impl FnMut(&Item)) {
    let ends = if sql.len() < PARALLEL_MIN {
        vec![sql.len()]
    } else {
        chunk_ends(sql, CHUNK)
    };
    let ranges: Vec<Range<usize>> = ends
        .iter()
        .scan(0, |start, &end| {
            let r = *start..end;
            *start = end;
            Some(r)
        })
        .collect();
    let workers = threads().min(ranges.len().saturating_sub(1));
    if workers == 0 {
        assemble(
            sql,
            &ranges,
            |i| items_of(sql, ranges[i].clone()),
            |items| {
                items.iter().for_each(&mut emit);
            },
        );
        return;
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::sync_channel(workers * IN_FLIGHT_PER_THREAD);
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, ranges) = (&next, &ranges);
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(r) = ranges.get(i) else { break };
                if tx.send((i, items_of(sql, r.clone()))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Freeing a chunk's trees takes about as long as using them: not on this thread.
        let (used, freed) = mpsc::sync_channel::<Vec<Item>>(IN_FLIGHT_PER_THREAD);
        s.spawn(move || freed.into_iter().for_each(drop));
        let mut arrived: HashMap<usize, Result<Vec<Item>, ParseError>> = HashMap::new();
        let take = |i: usize| loop {
            if let Some(r) = arrived.remove(&i) {
                return r;
            }
            match rx.recv() {
                // Results of chunks already absorbed into a merged parse are dropped.
                Ok((j, r)) if j >= i => {
                    arrived.insert(j, r);
                }
                Ok(_) => {}
                // A worker panicked: parse here.
                Err(_) => return items_of(sql, ranges[i].clone()),
            }
        };
        assemble(sql, &ranges, take, |items| {
            items.iter().for_each(&mut emit);
            if let Err(mpsc::SendError(items)) = used.send(items) {
                drop(items);
            }
        });
        drop(used);
    });
}

/// The items of a chunk that parses, or the parser's error.
fn items_of(sql: &str, range: Range<usize>) -> Result<Vec<Item>, ParseError> {
    let tree = ffi::parse(&sql[range.clone()])?;
    let mut items = Vec::new();
    push_tree(sql, range, tree, &mut items);
    Ok(items)
}

/// Hands over the items of each chunk in order, given each chunk's items or parse error
/// (`result(i)` is called once per chunk, in increasing order, skipping chunks absorbed by a
/// merge).
fn assemble(
    sql: &str,
    ranges: &[Range<usize>],
    mut result: impl FnMut(usize) -> Result<Vec<Item>, ParseError>,
    mut emit: impl FnMut(Vec<Item>),
) {
    let mut i = 0;
    while i < ranges.len() {
        let first = i;
        let mut range = ranges[i].clone();
        let mut parsed = result(i);
        // A statement cut in two by a chunk boundary: parse the chunks together.
        while matches!(&parsed, Err(e) if at_end(e, &sql[range.clone()]))
            && i + 1 < ranges.len()
            && i - first < MAX_MERGE_CHUNKS
        {
            i += 1;
            range = range.start..ranges[i].end;
            parsed = items_of(sql, range.clone());
        }
        let items = parsed.unwrap_or_else(|_| {
            let mut items = Vec::new();
            parse_pieces(sql, range, &mut items);
            items
        });
        emit(items);
        i += 1;
    }
}

/// How many threads parse.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Whether the parser stopped at the end of the text (the statement is unfinished, not wrong).
fn at_end(e: &ParseError, text: &str) -> bool {
    e.message.ends_with("at end of input") || e.offset.is_some_and(|o| o >= text.trim_end().len())
}

/// Adds the statements of a tree parsed from `range`.
fn push_tree(sql: &str, range: Range<usize>, tree: ParseResult, items: &mut Vec<Item>) {
    let base = range.start;
    for raw in tree.stmts {
        let Some(node) = raw.stmt.and_then(|n| n.node) else {
            continue;
        };
        let start = base + usize::try_from(raw.stmt_location).unwrap_or(0);
        let start = skip_trivia(sql, start, range.end);
        let end = match usize::try_from(raw.stmt_len) {
            Ok(len) if len > 0 => {
                let raw_start = base + usize::try_from(raw.stmt_location).unwrap_or(0);
                trim_end(sql, start, (raw_start + len).min(range.end))
            }
            _ => content_end(sql, start, range.end),
        };
        let span = start..end.max(start);
        let embedded = match &node {
            NodeEnum::DoStmt(_) => plpgsql::do_sql(sql, span.clone()),
            _ => Vec::new(),
        };
        items.push(Item {
            kind: ItemKind::Statement(Box::new(node)),
            base,
            span,
            embedded,
        });
    }
}

/// Parses a stretch the parser rejected piece by piece (split by PostgreSQL's scanner), so one
/// bad statement does not hide the others.
fn parse_pieces(sql: &str, range: Range<usize>, items: &mut Vec<Item>) {
    let text = &sql[range.clone()];
    let pieces: Vec<Range<usize>> = match pg_query::split_with_scanner(text) {
        Ok(pieces) => pieces
            .iter()
            .map(|p| {
                let start = range.start + (p.as_ptr() as usize - text.as_ptr() as usize);
                start..start + p.len()
            })
            .filter(|p| skip_trivia(sql, p.start, p.end) < p.end)
            .collect(),
        // The scanner stops at an unterminated quote or comment: cut at the `;` before it.
        Err(_) => {
            let mut start = range.start;
            chunk_ends(text, 1)
                .into_iter()
                .map(|end| {
                    let r = start..range.start + end;
                    start = r.end;
                    r
                })
                .collect()
        }
    };
    let pieces = if pieces.is_empty() {
        vec![range]
    } else {
        pieces
    };
    let mut j = 0;
    while j < pieces.len() {
        let first = pieces[j].clone();
        let mut k = j;
        let mut result = ffi::parse(&sql[first.clone()]);
        let first_error = result.as_ref().err().cloned();
        while matches!(&result, Err(e) if at_end(e, &sql[pieces[j].start..pieces[k].end]))
            && k + 1 < pieces.len()
            && k - j < MAX_MERGE
        {
            k += 1;
            result = ffi::parse(&sql[first.start..pieces[k].end]);
        }
        match (result, first_error) {
            (Ok(tree), _) => push_tree(sql, first.start..pieces[k].end, tree, items),
            (Err(_), Some(e)) => {
                k = j;
                let start = skip_trivia(sql, first.start, first.end);
                let end = content_end(sql, start, first.end);
                let at = e.offset.map_or(start, |o| first.start + o);
                items.push(Item {
                    kind: ItemKind::Error {
                        message: e.message,
                        at: at.clamp(start, end.max(start)),
                    },
                    base: first.start,
                    span: start..end.max(start),
                    embedded: Vec::new(),
                });
            }
            (Err(e), None) => {
                let start = skip_trivia(sql, first.start, first.end);
                items.push(Item {
                    kind: ItemKind::Error {
                        message: e.message,
                        at: start,
                    },
                    base: first.start,
                    span: start..content_end(sql, start, pieces[k].end),
                    embedded: Vec::new(),
                });
            }
        }
        j = k + 1;
    }
}

/// `end` moved back over trailing whitespace.
fn trim_end(sql: &str, start: usize, end: usize) -> usize {
    start + sql[start..end].trim_end().len()
}
