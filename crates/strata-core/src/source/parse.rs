//! Turning entries into migrations: pairing ups with their downs, verify files and diesel
//! metadata, and checking for duplicates, orphans and unwritten up scripts.
//!
//! Errors come in a stable order: entries are visited sorted by path, and each is checked on
//! its own (name, UTF-8, directives, unwritten up, duplicate version) as it is met; then downs,
//! verify files and metadata are matched to their migrations, again in path order.

use super::layout::{classify, FileName, Role};
use super::par::parallel_map;
use super::read::decode;
use super::sections::{split_parts, Part, Parts};
use super::{Entry, Layout};
use crate::{Checksum, Migration, Script, SourceError, SourceErrorKind, TransactionMode, Version};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A file holding an up script, with what has been attached to it so far.
struct Slot<'a> {
    file: FileName,
    entry: &'a Entry,
    up: Script,
    /// The up script's checksum, computed with the rest of the file's own work.
    checksum: Checksum,
    down: Option<Script>,
    /// The file the down came from, when it is a separate file.
    down_entry: Option<&'a Entry>,
    verify: Option<Script>,
    /// Where the verify came from: a separate file, or the line of a `-- strata:verify` marker.
    verify_from: Option<VerifyFrom<'a>>,
    /// Diesel `metadata.toml` said `run_in_transaction = false`.
    metadata_no_transaction: bool,
}

enum VerifyFrom<'a> {
    File(&'a Entry),
    Section(usize),
}

/// A down, verify or metadata file, matched to its migration once all ups are known.
struct Companion<'a> {
    file: FileName,
    entry: &'a Entry,
    kind: CompanionKind,
}

enum CompanionKind {
    Down(Script),
    Verify(Script),
    /// A down, undo or verify file matched by name only: its contents were not read
    /// ([`Scope::Ups`]).
    Unread,
    /// Diesel `metadata.toml`: whether the scripts run in a transaction.
    Metadata {
        run_in_transaction: bool,
    },
}

/// What one entry turned out to be, before matching it with the others.
enum Parsed<'a> {
    /// Not a migration file (e.g. a stray file the layout ignores).
    Skip,
    /// An up script (boxed: a slot holds several scripts).
    Up(Box<Slot<'a>>),
    /// A down, verify or metadata file.
    Companion(Box<Companion<'a>>),
}

/// Which files' contents a parse reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every file.
    All,
    /// Up scripts and diesel metadata; down, undo and verify files are matched by name only.
    Ups,
}

/// Whether a file is one that [`Scope::Ups`] leaves unread: a down, undo or verify file (by
/// its name, under `layout`).
pub(crate) fn companion_script(relative: &str, layout: Layout) -> bool {
    matches!(classify(relative, layout), Ok(Some(f)) if holds_companion_script(f.role))
}

fn holds_companion_script(role: Role) -> bool {
    matches!(
        role,
        Role::PairDown | Role::DieselDown | Role::FlywayUndo | Role::Verify
    )
}

pub(crate) fn parse_entries(
    entries: &[Entry],
    layout: Layout,
    scope: Scope,
) -> Result<Vec<Migration>, SourceError> {
    parse(entries, layout, scope, None)
}

/// Like [`parse_entries`], but a problem with one file leaves that file out instead of failing:
/// the migrations that could be read, and every problem found, in path order (`strata status`).
pub(crate) fn parse_entries_lenient(
    entries: &[Entry],
    layout: Layout,
) -> (Vec<Migration>, Vec<SourceError>) {
    let mut problems = Vec::new();
    let migrations = parse(entries, layout, Scope::All, Some(&mut problems)).unwrap_or_default();
    (migrations, problems)
}

/// Parses entries; with `lenient`, problems are collected there and the files they concern are
/// left out, else the first one is returned.
fn parse(
    entries: &[Entry],
    layout: Layout,
    scope: Scope,
    mut lenient: Option<&mut Vec<SourceError>>,
) -> Result<Vec<Migration>, SourceError> {
    let mut report = |e: SourceError| match lenient.as_deref_mut() {
        Some(problems) => {
            problems.push(e);
            Ok(())
        }
        None => Err(e),
    };
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|a, b| a.relative.cmp(&b.relative));

    // Each entry on its own (name, UTF-8, directives, empty up): independent of the others, so
    // large directories do this on several threads. The results are then taken in path order,
    // so the first problem in path order is still the one reported.
    let parsed = parallel_map(sorted.clone(), |entry| parse_one(entry, layout, scope));

    // Keyed by version value: diesel keeps versions as text, so there `0` and `00` are two
    // migrations (ordered by value, then text); everywhere else they are one version, and two
    // files with it are refused. Slots are boxed: they are large, and a map moves its values
    // as it grows.
    let mut versioned: Versioned = BTreeMap::new();
    let mut repeatable: BTreeMap<String, Box<Slot>> = BTreeMap::new();
    let mut companions = Vec::new();
    // Up files left out because of a problem (lenient only): their companions go with them.
    let mut broken: Vec<FileName> = Vec::new();
    for (parsed, entry) in parsed.into_iter().zip(&sorted) {
        let parsed = match parsed {
            Ok(p) => p,
            Err(e) => {
                report(e)?;
                if let Ok(Some(f)) = classify(&entry.relative, layout) {
                    broken.push(f);
                }
                continue;
            }
        };
        let slot = match parsed {
            Parsed::Skip => continue,
            Parsed::Companion(c) => {
                companions.push(*c);
                continue;
            }
            Parsed::Up(slot) => slot,
        };
        let existing = match &slot.file.version {
            Some(v) => same_value(&versioned, v).find(|(text, other)| {
                let both_diesel =
                    slot.file.role == Role::DieselUp && other.file.role == Role::DieselUp;
                *text == v.as_str() || !both_diesel
            }),
            None => repeatable.get(&slot.file.name).map(|s| ("", &**s)),
        };
        if let Some((_, existing)) = existing {
            report(duplicate(existing, &slot))?;
            broken.push(slot.file);
            continue;
        }
        match slot.file.version.clone() {
            Some(v) => {
                let same = versioned.entry(v).or_default();
                let at = same.partition_point(|other| text(other) < text(&slot));
                same.insert(at, slot);
            }
            None => {
                repeatable.insert(slot.file.name.clone(), slot);
            }
        }
    }

    for c in companions {
        let file = c.file.clone();
        if let Err(e) = attach(&mut versioned, c) {
            if !broken.iter().any(|up| belongs(&file, up)) {
                report(e)?;
            }
        }
    }

    // Checksums were computed with each file's own work: what is left only moves values.
    let slots: Vec<Box<Slot>> = versioned
        .into_values()
        .flatten()
        .chain(repeatable.into_values())
        .collect();
    Ok(slots.into_iter().map(build).collect())
}

/// Classifies, decodes and splits one entry.
fn parse_one(entry: &Entry, layout: Layout, scope: Scope) -> Result<Parsed<'_>, SourceError> {
    let file = classify(&entry.relative, layout).map_err(|u| {
        SourceError::new(
            SourceErrorKind::UnrecognizedFile,
            vec![entry.display.clone()],
            u.message,
        )
        .help(u.help)
    })?;
    let Some(file) = file else {
        return Ok(Parsed::Skip);
    };
    if scope == Scope::Ups && holds_companion_script(file.role) {
        return Ok(Parsed::Companion(Box::new(Companion {
            file,
            entry,
            kind: CompanionKind::Unread,
        })));
    }
    if file.role == Role::DieselMetadata {
        let run_in_transaction = read_metadata(entry)?;
        return Ok(Parsed::Companion(Box::new(Companion {
            file,
            entry,
            kind: CompanionKind::Metadata { run_in_transaction },
        })));
    }
    let text = decode(entry)?;
    if file.role.layout() == Layout::Flyway {
        refuse_placeholders(entry, &text)?;
    }
    let parts = split_parts(entry, &text, file.role == Role::Single)?;
    if !file.role.is_up() {
        return Ok(Parsed::Companion(Box::new(companion(
            file, entry, &text, &parts,
        )?)));
    }
    Ok(Parsed::Up(Box::new(up_slot(file, entry, &text, &parts)?)))
}

/// Reads the up script (and any down or verify section) of a file that holds one.
fn up_slot<'a>(
    file: FileName,
    entry: &'a Entry,
    text: &str,
    parts: &Parts,
) -> Result<Slot<'a>, SourceError> {
    let mode = if parts.no_transaction {
        TransactionMode::None
    } else {
        TransactionMode::Transactional
    };
    let up = script(entry, text, &parts.main)
        .with_transaction(mode)
        .with_timeouts(parts.timeouts);
    // An up script without statements is a valid no-op migration (golang-migrate, sqlx and
    // dbmate apply such files too), unless it is still the template `strata new` wrote: a
    // migration created and not yet written must never be recorded as applied.
    if up.is_blank() && super::new::is_unwritten(&up.sql) {
        let mut err = SourceError::new(
            SourceErrorKind::EmptyUp,
            vec![entry.display.clone()],
            "the up script is still the template `strata new` wrote (it is refused until written, so that a migration not yet written is never recorded as applied)",
        )
        .help("write the migration, or delete the file; a migration meant to do nothing may hold any other comment, or nothing at all");
        if parts.markers {
            err = err.at(parts.main.line_offset.max(1), 1);
        }
        return Err(err);
    }
    // In a single file the no-transaction and timeout directives cover both scripts.
    let down = parts.down.as_ref().map(|p| {
        script(entry, text, p)
            .with_transaction(mode)
            .with_timeouts(parts.timeouts)
    });
    let verify = parts.verify.as_ref().map(|p| script(entry, text, p));
    let verify_from = parts
        .verify
        .as_ref()
        .map(|p| VerifyFrom::Section(p.line_offset));
    Ok(Slot {
        file,
        entry,
        checksum: Checksum::of(&up.sql),
        up,
        down,
        down_entry: None,
        verify,
        verify_from,
        metadata_no_transaction: false,
    })
}

/// Reads a down or verify file.
fn companion<'a>(
    file: FileName,
    entry: &'a Entry,
    text: &str,
    parts: &Parts,
) -> Result<Companion<'a>, SourceError> {
    let mode = if parts.no_transaction {
        TransactionMode::None
    } else {
        TransactionMode::Transactional
    };
    let kind = if file.role == Role::Verify {
        // The whole file is the verify script; a marker in it changes nothing.
        let whole = Part {
            range: 0..text.len(),
            line_offset: 0,
        };
        CompanionKind::Verify(script(entry, text, &whole).with_transaction(mode))
    } else {
        if let Some(verify) = &parts.verify {
            return Err(SourceError::new(
                SourceErrorKind::BadDirective,
                vec![entry.display.clone()],
                "a `-- strata:verify` section in a down script",
            )
            .at(verify.line_offset.max(1), 1)
            .help("move the verify section into the up script"));
        }
        CompanionKind::Down(
            script(entry, text, &parts.main)
                .with_transaction(mode)
                .with_timeouts(parts.timeouts),
        )
    };
    Ok(Companion { file, entry, kind })
}

/// Refuses a Flyway placeholder: Flyway replaces `${...}` before it runs a file, strata does not,
/// so the statement would run with the placeholder as written (and fail, or worse, not).
fn refuse_placeholders(entry: &Entry, text: &str) -> Result<(), SourceError> {
    let Some(p) = strata_sql::find_placeholders(text, strata_sql::Dialect::Postgres)
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let at = strata_sql::line_col(text, p.span.start);
    let name = &p.name;
    let value = match name.as_str() {
        "flyway:defaultSchema" => "the schema Flyway was configured with, usually `public`",
        "flyway:user" => "the user Flyway connected as",
        "flyway:database" => "the database's name",
        "flyway:table" => "Flyway's history table, usually `flyway_schema_history`",
        "flyway:filename" => "this file's name",
        "flyway:timestamp" => "the time Flyway ran it",
        _ => "the value Flyway's configuration gives it",
    };
    Err(SourceError::new(
        SourceErrorKind::Placeholder,
        vec![entry.display.clone()],
        format!("Flyway placeholder `${{{name}}}`: strata does not replace Flyway placeholders, so the statement would run with it as written"),
    )
    .at(at.line, at.column)
    .help(format!(
        "write the value itself in its place ({value}), or keep running this directory with Flyway"
    )))
}

fn script(entry: &Entry, text: &str, part: &Part) -> Script {
    Script::new(
        &text[part.range.clone()],
        Some(entry.display.clone()),
        part.line_offset,
    )
}

/// Versioned migrations by version value. Diesel keeps versions as text, so there `0` and `00`
/// are two migrations sharing a value: they share an entry, in order of their text.
type Versioned<'a> = BTreeMap<Version, Vec<Box<Slot<'a>>>>;

/// A slot's version as written.
fn text<'s>(slot: &'s Slot) -> &'s str {
    slot.file
        .version
        .as_ref()
        .map(Version::as_str)
        .unwrap_or("")
}

/// The migrations whose version has the value of `v` (however it is written), with its text.
fn same_value<'m, 'a>(
    versioned: &'m Versioned<'a>,
    v: &Version,
) -> impl Iterator<Item = (&'m str, &'m Slot<'a>)> {
    versioned
        .get(v)
        .into_iter()
        .flatten()
        .map(|slot| (text(slot), &**slot))
}

/// Attaches a down, verify or metadata file to its migration: the one whose version is written
/// the same way, else one with the same version value (`1_a.down.sql` belongs to `01_a.up.sql`).
fn attach<'a>(versioned: &mut Versioned<'a>, c: Companion<'a>) -> Result<(), SourceError> {
    let version = c.file.version.as_ref().expect("companions have versions");
    let at = {
        let mut fitting = same_value(versioned, version)
            .enumerate()
            .filter(|(_, (_, s))| belongs(&c.file, &s.file))
            .map(|(i, (text, _))| (i, text));
        let first = fitting.next();
        let exact = first
            .into_iter()
            .chain(fitting)
            .find(|(_, text)| *text == version.as_str());
        exact.or(first).map(|(i, _)| i)
    };
    let Some(slot) = at.and_then(|i| versioned.get_mut(version)?.get_mut(i)) else {
        let other = same_value(versioned, version).next().map(|(_, s)| s.entry);
        return Err(orphan(&c, other));
    };
    // An unread file is checked like a read one, and attaches no script. Its role says what
    // it is (a read verify file holds a `Verify`, a read down or undo file a `Down`).
    let script = match c.kind {
        CompanionKind::Down(s) | CompanionKind::Verify(s) => Some(s),
        CompanionKind::Unread => None,
        CompanionKind::Metadata { run_in_transaction } => {
            slot.metadata_no_transaction = !run_in_transaction;
            return Ok(());
        }
    };
    match c.file.role {
        Role::Verify => {
            match slot.verify_from {
                Some(VerifyFrom::File(first)) => {
                    return Err(duplicate_file(first, c.entry, &c.file))
                }
                Some(VerifyFrom::Section(line)) => {
                    return Err(SourceError::new(
                        SourceErrorKind::BadDirective,
                        vec![slot.entry.display.clone(), c.entry.display.clone()],
                        format!(
                            "the migration has both a `-- strata:verify` section and a verify file `{}`",
                            c.entry.relative
                        ),
                    )
                    .at(line.max(1), 1)
                    .help("keep one of them"));
                }
                None => {}
            }
            slot.verify = script;
            slot.verify_from = Some(VerifyFrom::File(c.entry));
        }
        _ => {
            if let Some(first) = slot.down_entry {
                return Err(duplicate_file(first, c.entry, &c.file));
            }
            slot.down = script;
            slot.down_entry = Some(c.entry);
        }
    }
    Ok(())
}

/// Whether a companion file belongs to the migration holding `up`.
fn belongs(companion: &FileName, up: &FileName) -> bool {
    match companion.role {
        Role::PairDown => up.role == Role::PairUp && up.name == companion.name,
        Role::Verify => matches!(up.role, Role::PairUp | Role::Single) && up.name == companion.name,
        Role::FlywayUndo => up.role == Role::FlywayVersioned,
        Role::DieselDown | Role::DieselMetadata => {
            up.role == Role::DieselUp && up.dir == companion.dir
        }
        _ => false,
    }
}

fn orphan(c: &Companion, other: Option<&Entry>) -> SourceError {
    let v = c
        .file
        .version
        .as_ref()
        .map(Version::as_str)
        .unwrap_or_default();
    let name = &c.file.name;
    let (kind, message, help) = match c.file.role {
        Role::PairDown => (
            SourceErrorKind::DownWithoutUp,
            format!("down script without its up script `{v}_{name}.up.sql`"),
            "add the up script, or rename or remove the down script".to_string(),
        ),
        Role::Verify => (
            SourceErrorKind::DownWithoutUp,
            format!("verify script without its migration `{v}_{name}.up.sql` or `{v}_{name}.sql`"),
            "rename the verify file after its migration, or remove it".to_string(),
        ),
        Role::FlywayUndo => (
            SourceErrorKind::DownWithoutUp,
            format!("undo script without its versioned migration `V{v}__*.sql`"),
            "add the versioned migration, or remove the undo script".to_string(),
        ),
        Role::DieselMetadata => (
            SourceErrorKind::Layout,
            format!(
                "diesel migration directory `{}` has no up.sql",
                c.file.dir.as_deref().unwrap_or_default()
            ),
            "write the up script in up.sql, or remove the directory".to_string(),
        ),
        _ => (
            SourceErrorKind::DownWithoutUp,
            format!(
                "diesel migration directory `{}` has a down.sql but no up.sql",
                c.file.dir.as_deref().unwrap_or_default()
            ),
            "write the up script in up.sql, or remove the directory".to_string(),
        ),
    };
    let mut paths = vec![c.entry.display.clone()];
    let mut message = message;
    let mut help = help;
    if let Some(other) = other {
        message.push_str(&format!(" (version {v} is `{}`)", other.relative));
        paths.push(other.display.clone());
        if c.file.role == Role::PairDown && other.relative.ends_with(&format!("{v}_{name}.sql")) {
            help = "a single-file migration keeps its down script in a `-- migrate:down` section"
                .into();
        }
    }
    SourceError::new(kind, paths, message).help(help)
}

/// Two migrations with the same version (or repeatables with the same name). The message
/// names neither file: the error's paths are both, shown first and as `(also ...)`.
fn duplicate(first: &Slot, second: &Slot) -> SourceError {
    let message = match (&first.file.version, &second.file.version) {
        (Some(a), Some(b)) if a.as_str() == b.as_str() => {
            format!("version {a} is used by two migrations")
        }
        (Some(a), Some(b)) => format!(
            "version {a} is used by two migrations (the other writes it {b}; versions compare as numbers)"
        ),
        _ => format!("two repeatable migrations are named `{}`", second.file.name),
    };
    SourceError::new(
        SourceErrorKind::DuplicateVersion,
        vec![first.entry.display.clone(), second.entry.display.clone()],
        message,
    )
    .help("give one of them another version (versions compare as numbers: `1` and `0001` are the same)")
}

/// Two down or verify files for one migration.
fn duplicate_file(first: &Entry, second: &Entry, file: &FileName) -> SourceError {
    let what = match file.role {
        Role::Verify => "verify",
        _ => "down",
    };
    SourceError::new(
        SourceErrorKind::DuplicateVersion,
        vec![first.display.clone(), second.display.clone()],
        format!(
            "two {what} scripts for version {}",
            file.version
                .as_ref()
                .map(Version::as_str)
                .unwrap_or_default()
        ),
    )
    .help("keep one of them")
}

fn build(slot: Box<Slot>) -> Migration {
    let Slot {
        file,
        mut up,
        checksum,
        mut down,
        verify,
        metadata_no_transaction,
        ..
    } = *slot;
    if metadata_no_transaction {
        up.transaction = TransactionMode::None;
        if let Some(down) = &mut down {
            down.transaction = TransactionMode::None;
        }
    }
    Migration::with_checksum(file.version, file.name, up, checksum)
        .with_down(down)
        .with_verify(verify)
}

/// Reads a diesel `metadata.toml`: only `run_in_transaction` matters (other keys are diesel's).
fn read_metadata(entry: &Entry) -> Result<bool, SourceError> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        run_in_transaction: Option<bool>,
    }
    let text = decode(entry)?;
    match toml::from_str::<Metadata>(&text) {
        Ok(m) => Ok(m.run_in_transaction.unwrap_or(true)),
        Err(e) => {
            let paths: Vec<PathBuf> = vec![entry.display.clone()];
            let mut err = SourceError::new(
                SourceErrorKind::BadMetadata,
                paths,
                format!("cannot read diesel metadata: {}", e.message()),
            )
            .help("diesel's metadata.toml holds `run_in_transaction = true` or `false`");
            if let Some(span) = e.span() {
                let lc = strata_sql::line_col(&text, span.start);
                err = err.at(lc.line, lc.column);
            }
            Err(err)
        }
    }
}
