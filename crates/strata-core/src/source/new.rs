//! Creating the files of a new migration (`strata new NAME`).

use super::layout::classify;
use super::{detect_shape, read_dir, Layout, Shape, Versioning};
use crate::{SourceError, SourceErrorKind, Version};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The up script of a new migration: one comment line. An up script that holds nothing but this
/// line is refused (see `parse.rs`), so a migration created and not yet written is never
/// recorded as applied; any other up script without statements is a valid no-op migration.
pub(crate) const UP_TEMPLATE: &str =
    "-- Write the migration here. strata refuses to apply it while this line is all it holds.\n";

/// The body of a new dbmate-style single file.
fn dbmate_template() -> String {
    format!("-- migrate:up\n{UP_TEMPLATE}\n-- migrate:down\n\n")
}

/// Whether an up script (or a dbmate `-- migrate:up` section) is still the unedited template.
pub(crate) fn is_unwritten(up: &str) -> bool {
    up.trim() == UP_TEMPLATE.trim()
}

/// Width of a new sequence number in a directory without migrations (`0001`).
const FIRST_SEQUENCE_WIDTH: usize = 4;

/// Digits of a `YYYYMMDDHHMMSS` timestamp.
const TIMESTAMP_WIDTH: usize = 14;

pub(crate) fn create_migration(
    dir: &Path,
    name: &str,
    shape: Shape,
    now_unix: u64,
) -> Result<Vec<PathBuf>, SourceError> {
    let name = sanitize(name).ok_or_else(|| {
        SourceError::new(
            SourceErrorKind::UnrecognizedFile,
            vec![dir.to_path_buf()],
            format!("the migration name `{name}` has no letters or digits"),
        )
        .help("give the migration a name such as `add_users`")
    })?;
    fs::create_dir_all(dir).map_err(|e| {
        SourceError::new(
            SourceErrorKind::Io,
            vec![dir.to_path_buf()],
            format!("cannot create the migrations directory: {e}"),
        )
    })?;
    let entries = read_dir(dir)?;
    let shape = match shape.layout {
        Layout::Auto => detect_shape(&entries, Layout::Auto)?,
        _ => shape,
    };
    // Every recognisable version counts, whatever its layout, so the new one is above them all.
    let highest = entries
        .iter()
        .filter_map(|e| classify(&e.relative, Layout::Auto).ok().flatten())
        .filter_map(|f| f.version)
        .max();
    let version = next_version(shape, highest.as_ref(), now_unix);

    let dbmate = dbmate_template();
    let (new_dir, files): (Option<PathBuf>, Vec<(PathBuf, &str)>) = match shape.layout {
        Layout::Diesel => {
            let sub = dir.join(format!("{}_{name}", diesel_version(&version)));
            let files = vec![
                (sub.join("up.sql"), UP_TEMPLATE),
                (sub.join("down.sql"), ""),
            ];
            (Some(sub), files)
        }
        Layout::Flyway => (
            None,
            vec![(dir.join(format!("V{version}__{name}.sql")), UP_TEMPLATE)],
        ),
        Layout::Single => {
            let body = if shape.sections {
                dbmate.as_str()
            } else {
                UP_TEMPLATE
            };
            (
                None,
                vec![(dir.join(format!("{version}_{name}.sql")), body)],
            )
        }
        _ => (
            None,
            vec![
                (dir.join(format!("{version}_{name}.up.sql")), UP_TEMPLATE),
                (dir.join(format!("{version}_{name}.down.sql")), ""),
            ],
        ),
    };
    let taken = new_dir
        .iter()
        .chain(files.iter().map(|(p, _)| p))
        .find(|p| p.exists());
    if let Some(taken) = taken {
        return Err(SourceError::new(
            SourceErrorKind::Io,
            vec![taken.clone()],
            "already exists; strata never overwrites a file",
        )
        .help("choose another name, or remove the existing file"));
    }
    if let Some(sub) = &new_dir {
        fs::create_dir(sub).map_err(|e| io_error(sub, e))?;
    }
    let mut created = Vec::new();
    for (path, body) in files {
        // `create_new` refuses an existing file even if one appeared since the check above.
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error(&path, e))?;
        file.write_all(body.as_bytes())
            .map_err(|e| io_error(&path, e))?;
        created.push(path);
    }
    Ok(created)
}

fn io_error(path: &Path, e: std::io::Error) -> SourceError {
    SourceError::new(
        SourceErrorKind::Io,
        vec![path.to_path_buf()],
        format!("cannot create: {e}"),
    )
}

/// Lowercases a name and turns anything but `[a-z0-9]` into `_`, without doubled, leading or
/// trailing underscores. `None` when nothing is left.
pub(crate) fn sanitize(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    (!out.is_empty()).then_some(out)
}

/// The version of the next migration, as digits.
pub(crate) fn next_version(shape: Shape, highest: Option<&Version>, now_unix: u64) -> String {
    let major = highest.map(major);
    match shape.versioning {
        Versioning::Timestamp => {
            let mut stamp = timestamp(now_unix);
            // A directory whose timestamps carry extra digits (diesel's `-0000`) gets as many,
            // so the new version compares above the old ones by its date.
            if let Some((digits, _)) = &major {
                if digits.len() > stamp.len() && highest.is_some_and(|v| v.part_count() == 1) {
                    stamp.push_str(&"0".repeat(digits.len() - stamp.len()));
                }
            }
            match (highest, &major) {
                (Some(h), Some((digits, n))) if Version::parse(&stamp).is_ok_and(|s| s <= *h) => {
                    format!("{:0width$}", n + 1, width = digits.len())
                }
                _ => stamp,
            }
        }
        _ => {
            let (width, n) = match &major {
                Some((digits, n)) => (digits.len(), *n),
                None if shape.layout == Layout::Flyway => (1, 0),
                None => (FIRST_SEQUENCE_WIDTH, 0),
            };
            format!("{:0width$}", n + 1)
        }
    }
}

/// The first part of a version, as written and as a number (saturating on absurd lengths).
fn major(v: &Version) -> (String, u128) {
    let digits = v
        .as_str()
        .split(['.', '_'])
        .next()
        .unwrap_or_default()
        .to_string();
    let n = digits.parse().unwrap_or(u128::MAX - 1);
    (digits, n)
}

/// A diesel directory version: `YYYY-MM-DD-HHMMSS`, with any further digits after a `-`.
pub(crate) fn diesel_version(digits: &str) -> String {
    if digits.len() < TIMESTAMP_WIDTH || !digits.is_ascii() {
        return digits.to_string();
    }
    let mut out = format!(
        "{}-{}-{}-{}",
        &digits[..4],
        &digits[4..6],
        &digits[6..8],
        &digits[8..TIMESTAMP_WIDTH]
    );
    if digits.len() > TIMESTAMP_WIDTH {
        out.push('-');
        out.push_str(&digits[TIMESTAMP_WIDTH..]);
    }
    out
}

/// UTC `YYYYMMDDHHMMSS` of a Unix time.
pub(crate) fn timestamp(unix: u64) -> String {
    let (days, secs) = (unix / 86_400, unix % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01.
pub(crate) fn civil_from_days(days: u64) -> (u64, u32, u32) {
    // The calendar repeats every 400 years, which hold 146,097 days; skip whole cycles, then
    // walk years and months (at most 400 + 12 steps).
    const DAYS_PER_400_YEARS: u64 = 146_097;
    let mut year = 1970 + 400 * (days / DAYS_PER_400_YEARS);
    let mut days = days % DAYS_PER_400_YEARS;
    loop {
        let len = if is_leap(year) { 366 } else { 365 };
        if days < len {
            break;
        }
        days -= len;
        year += 1;
    }
    let february = if is_leap(year) { 29 } else { 28 };
    let lengths = [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 1;
    for len in lengths {
        if days < len {
            break;
        }
        days -= len;
        month += 1;
    }
    (year, month, days as u32 + 1)
}

fn is_leap(year: u64) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}
