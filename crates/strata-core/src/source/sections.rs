//! Splitting one file's text into its up, down and verify parts using its directives.

use super::Entry;
use crate::{SourceError, SourceErrorKind, Timeouts};
use std::ops::Range;
use strata_sql::{Directives, Section};

/// A part of a file: its byte range and the lines of the file before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// Byte range in the normalized text.
    pub range: Range<usize>,
    /// Lines before the part starts.
    pub line_offset: usize,
}

/// The parts of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    /// The main script: the whole file, the text before a `-- strata:verify` marker, or the
    /// dbmate `-- migrate:up` section.
    pub main: Part,
    /// The dbmate `-- migrate:down` section.
    pub down: Option<Part>,
    /// The `-- strata:verify` section.
    pub verify: Option<Part>,
    /// The file uses dbmate markers.
    pub markers: bool,
    /// The file says it must not run in a transaction.
    pub no_transaction: bool,
    /// The timeouts the file sets for its statements.
    pub timeouts: Timeouts,
}

/// Parses the directives of `text` (the entry's normalized text) into parts.
///
/// `markers_allowed` is true for single-file migrations only: elsewhere dbmate's
/// `-- migrate:up`/`-- migrate:down` markers are refused, since the file's role already says
/// whether it is an up or a down script.
pub(crate) fn split_parts(
    entry: &Entry,
    text: &str,
    markers_allowed: bool,
) -> Result<Parts, SourceError> {
    let d = strata_sql::parse_directives(text).map_err(|e| {
        SourceError::new(SourceErrorKind::BadDirective, vec![entry.display.clone()], e.message)
            .at(e.line, e.column)
            .help("strata understands `-- strata:no-transaction`, `-- strata:verify`, `-- strata:lock-timeout 30s` and `-- strata:statement-timeout 5min` (and `-- no-transaction`, `-- migrate:up`, `-- migrate:down`, `transaction:false` from sqlx and dbmate)")
    })?;
    let Directives {
        no_transaction,
        lock_timeout,
        statement_timeout,
        up,
        down,
        verify,
        ..
    } = d;
    // Without dbmate markers the parser may describe the text before `-- strata:verify` as an
    // up section starting at line 0; only a real `-- migrate:up` marker counts here.
    let up = up.filter(|s| s.line_offset > 0);
    let bad = |section: &Section, message: &str| {
        SourceError::new(
            SourceErrorKind::BadDirective,
            vec![entry.display.clone()],
            message,
        )
        .at(section.line_offset.max(1), 1)
    };
    let markers = up.is_some() || down.is_some();
    if markers && !markers_allowed {
        let first = up.iter().chain(down.iter()).min_by_key(|s| s.range.start);
        return Err(bad(
            first.expect("a marker"),
            "`-- migrate:up` and `-- migrate:down` sections belong in single-file migrations (`{version}_{name}.sql`)",
        )
        .help("remove the marker: this file's name already says which script it holds"));
    }
    // Where each marker line starts: a section ends at the next marker, whatever its kind.
    let starts: Vec<usize> = [&up, &down, &verify]
        .into_iter()
        .flatten()
        .map(|s| marker_start(text, s))
        .collect();
    let part = |s: &Section| {
        let end = starts
            .iter()
            .copied()
            .filter(|&m| m >= s.range.start)
            .min()
            .unwrap_or(text.len())
            .min(s.range.end.max(s.range.start));
        Part {
            range: s.range.start..end,
            line_offset: s.line_offset,
        }
    };
    let first_marker = starts.iter().copied().min().unwrap_or(text.len());
    let main = if markers {
        let Some(up) = &up else {
            let down = down.as_ref().expect("a marker");
            return Err(bad(
                down,
                "a `-- migrate:down` section without a `-- migrate:up` section",
            )
            .help("start the file with `-- migrate:up` followed by the up script"));
        };
        if !strata_sql::is_blank(&text[..first_marker]) {
            return Err(SourceError::new(
                SourceErrorKind::BadDirective,
                vec![entry.display.clone()],
                "SQL before the first `-- migrate:` marker would never run",
            )
            .at(1, 1)
            .help("move it into the `-- migrate:up` section"));
        }
        part(up)
    } else {
        Part {
            range: 0..first_marker,
            line_offset: 0,
        }
    };
    Ok(Parts {
        main,
        down: down.as_ref().map(part),
        verify: verify.as_ref().map(part),
        markers,
        no_transaction,
        timeouts: Timeouts::new(lock_timeout, statement_timeout),
    })
}

/// The byte offset where a section's marker line starts. A section's body starts on the line
/// after its marker, so the marker is the line that ends just before the body (or, for a marker
/// on the last line without a newline, the line the body's empty range sits on).
fn marker_start(text: &str, section: &Section) -> usize {
    let body = section.range.start.min(text.len());
    let end = if body > 0 && text.as_bytes()[body - 1] == b'\n' {
        body - 1
    } else {
        body
    };
    text[..end].rfind('\n').map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_lines_are_found_from_section_bodies() {
        let text = "select 1;\n-- strata:verify\nselect 2;\n";
        let body = text.find("select 2").unwrap();
        let s = Section {
            range: body..text.len(),
            line_offset: 2,
        };
        assert_eq!(marker_start(text, &s), text.find("-- strata").unwrap());
        let text = "select 1;\n-- strata:verify";
        let s = Section {
            range: text.len()..text.len(),
            line_offset: 2,
        };
        assert_eq!(marker_start(text, &s), text.find("-- strata").unwrap());
        let text = "-- migrate:up\nselect 1;\n";
        let s = Section {
            range: 14..text.len(),
            line_offset: 1,
        };
        assert_eq!(marker_start(text, &s), 0);
    }
}
