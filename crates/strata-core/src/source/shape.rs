//! Detecting the shape of a migrations directory: its layout, how its versions are numbered,
//! and whether its single files use dbmate sections.

use super::layout::{classify, FileName};
use super::{Entry, Layout, Shape, Versioning};
use crate::{SourceError, SourceErrorKind, Version};

/// Versions with at least this many digits are timestamps (`YYYYMMDDHHMM` and longer).
const TIMESTAMP_DIGITS: usize = 12;

pub(crate) fn detect_shape(entries: &[Entry], layout: Layout) -> Result<Shape, SourceError> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.relative.cmp(&b.relative));
    let mut ups: Vec<(FileName, &Entry)> = Vec::new();
    for entry in sorted {
        let file = classify(&entry.relative, layout).map_err(|u| {
            SourceError::new(
                SourceErrorKind::UnrecognizedFile,
                vec![entry.display.clone()],
                u.message,
            )
            .help(u.help)
        })?;
        if let Some(file) = file.filter(|f| f.role.is_up()) {
            ups.push((file, entry));
        }
    }
    let layout = match layout {
        Layout::Auto => most_common(&ups),
        explicit => explicit,
    };
    let highest = ups.iter().filter_map(|(f, _)| f.version.as_ref()).max();
    let versioning = match (layout, highest) {
        (Layout::Diesel, _) => Versioning::Timestamp,
        (Layout::Flyway, None) => Versioning::Sequence,
        (_, None) => Versioning::Timestamp,
        (_, Some(v)) if digits(v) >= TIMESTAMP_DIGITS => Versioning::Timestamp,
        (_, Some(_)) => Versioning::Sequence,
    };
    let sections = layout == Layout::Single
        && ups
            .iter()
            .filter(|(f, _)| f.role.layout() == Layout::Single)
            .max_by(|a, b| a.0.version.cmp(&b.0.version))
            .is_some_and(|(_, entry)| uses_sections(&entry.bytes));
    Ok(Shape {
        layout,
        versioning,
        sections,
    })
}

/// The layout most migrations use; a tie goes to the layout of the newest migration, and an
/// empty directory gets pairs.
fn most_common(ups: &[(FileName, &Entry)]) -> Layout {
    let candidates = [
        Layout::Pairs,
        Layout::Single,
        Layout::Diesel,
        Layout::Flyway,
    ];
    candidates
        .into_iter()
        .map(|layout| {
            let mine = ups.iter().filter(|(f, _)| f.role.layout() == layout);
            let count = mine.clone().count();
            let newest = mine.filter_map(|(f, _)| f.version.as_ref()).max();
            (count, newest, layout)
        })
        .filter(|(count, _, _)| *count > 0)
        .max_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
        .map_or(Layout::Pairs, |(_, _, layout)| layout)
}

fn digits(v: &Version) -> usize {
    v.as_str().bytes().filter(u8::is_ascii_digit).count()
}

/// Whether a file has a dbmate `-- migrate:up` marker line (dbmate allows spaces after `--`).
fn uses_sections(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes).lines().any(|line| {
        line.trim_start()
            .strip_prefix("--")
            .is_some_and(|rest| rest.trim_start().starts_with("migrate:up"))
    })
}
