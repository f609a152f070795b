//! Reading a migrations directory from disk, and decoding file bytes into normalized text.

use super::par::parallel_runs;
use super::Entry;
use crate::checksum::normalize;
use crate::{SourceError, SourceErrorKind};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The files of a diesel migration directory that are read.
const DIESEL_FILES: [&str; 3] = ["up.sql", "down.sql", "metadata.toml"];

/// Lists `dir` and reads its files, except those `skip` names (by relative path): they are
/// listed with no bytes.
pub(crate) fn read_dir(
    dir: &Path,
    skip: impl Fn(&str) -> bool + Sync,
) -> Result<Vec<Entry>, SourceError> {
    let meta = match fs::metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SourceError::new(
                SourceErrorKind::Io,
                vec![dir.to_path_buf()],
                "the migrations directory does not exist",
            )
            .help(
                "point at your migrations with `--dir`, or create the first migration with `strata new NAME`",
            ));
        }
        Err(e) => return Err(io_error(dir, "cannot read the migrations directory", e)),
    };
    if !meta.is_dir() {
        return Err(SourceError::new(
            SourceErrorKind::Io,
            vec![dir.to_path_buf()],
            "the migrations path is not a directory",
        )
        .help("point `--dir` at the directory that holds the migration files"));
    }
    // What to read, sorted by relative path (the order entries come in, and the order in which
    // a file that cannot be read is reported).
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (name, path, kind) in list(dir)? {
        if name.starts_with('.') {
            continue;
        }
        // Follow symbolic links: a linked file or directory is read like a real one. The type
        // comes with the directory listing; only links (and file systems that do not report
        // types) need a `stat`.
        let kind = match kind {
            Some(k) if !k.is_symlink() => k,
            _ => match fs::metadata(&path) {
                Ok(meta) => meta.file_type(),
                Err(_) => continue,
            },
        };
        if kind.is_file() && is_sql(&name) {
            files.push((name, path));
        } else if kind.is_dir() && name.starts_with(|c: char| c.is_ascii_digit()) {
            for file in DIESEL_FILES {
                let inner = path.join(file);
                if inner.is_file() {
                    files.push((format!("{name}/{file}"), inner));
                }
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    read_files(files, skip)
}

/// Reads files into entries, in the order given; the first file (in that order) that cannot be
/// read is the error. Large directories are read on several threads: with thousands of
/// migrations, the `open`/`read`/`close` per file are most of the cost of a no-op `status` or
/// `up`.
fn read_files(
    files: Vec<(String, PathBuf)>,
    skip: impl Fn(&str) -> bool + Sync,
) -> Result<Vec<Entry>, SourceError> {
    let total = files.len();
    let mut entries = Vec::with_capacity(total);
    for run in parallel_runs(files, |run| read_run(run, &skip)) {
        entries.extend(run?);
    }
    Ok(entries)
}

/// Reads files one after the other, through one buffer, stopping at the first error.
fn read_run(
    files: Vec<(String, PathBuf)>,
    skip: &impl Fn(&str) -> bool,
) -> Result<Vec<Entry>, SourceError> {
    let mut buf = vec![0; READ_BUFFER];
    files
        .into_iter()
        .map(|(relative, path)| {
            if skip(&relative) {
                return Ok(Entry {
                    display: path,
                    relative,
                    bytes: Vec::new(),
                });
            }
            read_file(relative, path, &mut buf)
        })
        .collect()
}

/// Whether a file name ends in `.sql`, in any case.
pub(crate) fn is_sql(name: &str) -> bool {
    let n = name.len();
    n >= 4 && name.is_char_boundary(n - 4) && name[n - 4..].eq_ignore_ascii_case(".sql")
}

/// The names and paths of a directory's children. A name that is not UTF-8 is an error when it
/// could be a migration (it cannot be recorded in a history table) and skipped otherwise.
/// The type is the one the listing reports (`None` when it could not), not followed through
/// links.
fn list(dir: &Path) -> Result<Vec<(String, PathBuf, Option<fs::FileType>)>, SourceError> {
    let read = fs::read_dir(dir).map_err(|e| io_error(dir, "cannot list the directory", e))?;
    let mut children = Vec::new();
    for child in read {
        let child = child.map_err(|e| io_error(dir, "cannot list the directory", e))?;
        let path = child.path();
        match child.file_name().into_string() {
            Ok(name) => children.push((name, path, child.file_type().ok())),
            Err(raw) => {
                if is_sql(&raw.to_string_lossy()) {
                    return Err(SourceError::new(
                        SourceErrorKind::UnrecognizedFile,
                        vec![path],
                        "the file name is not valid UTF-8",
                    )
                    .help("rename the file"));
                }
            }
        }
    }
    Ok(children)
}

/// Initial size of the read buffer: migrations are rarely larger, so most files are read with
/// one `read` plus the one that sees the end: `open`, `read`, `read`, `close`. (`fs::read` and
/// `read_to_end` add a `statx` and an `lseek` per file to size their buffer.)
const READ_BUFFER: usize = 64 * 1024;

/// Reads a file through `buf` (kept at its full length, grown for larger files) and returns
/// its bytes.
fn read_file(relative: String, path: PathBuf, buf: &mut Vec<u8>) -> Result<Entry, SourceError> {
    let read = |buf: &mut Vec<u8>| -> std::io::Result<Vec<u8>> {
        let mut file = fs::File::open(&path)?;
        let mut filled = 0;
        loop {
            if filled == buf.len() {
                buf.resize((buf.len() * 2).max(READ_BUFFER), 0);
            }
            match file.read(&mut buf[filled..]) {
                Ok(0) => return Ok(buf[..filled].to_vec()),
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    };
    let bytes = read(buf).map_err(|e| io_error(&path, "cannot read the file", e))?;
    // `path` is the directory joined with `relative`.
    Ok(Entry {
        display: path,
        relative,
        bytes,
    })
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> SourceError {
    SourceError::new(
        SourceErrorKind::Io,
        vec![path.to_path_buf()],
        format!("{what}: {e}"),
    )
}

/// The entry's text, decoded and normalized (byte-order mark stripped, CRLF turned into LF);
/// borrowed from the entry unless there were line endings to change.
pub(crate) fn decode(entry: &Entry) -> Result<std::borrow::Cow<'_, str>, SourceError> {
    match std::str::from_utf8(&entry.bytes) {
        Ok(text) => Ok(normalize(text)),
        Err(e) => {
            let valid = &entry.bytes[..e.valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let valid = valid.strip_prefix('\u{feff}').unwrap_or(valid);
            let line = valid.matches('\n').count() + 1;
            let column = valid
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            Err(SourceError::new(
                SourceErrorKind::InvalidUtf8,
                vec![entry.display.clone()],
                format!(
                    "the file is not valid UTF-8 (invalid byte at offset {}, line {line}, column {column})",
                    e.valid_up_to()
                ),
            )
            .at(line, column)
            .help("save the file as UTF-8"))
        }
    }
}
