//! `strata lint` output: text with code frames, JSON, and GitHub workflow annotations; with
//! `--measure`, what each statement did on the server beside them.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{IsTerminal, Write};
use strata::lint::{Severity, Violation};
use strata::measure::{
    mode_strength, NotMeasured, Outcome, RelationLock, ScriptMeasurement, StatementMeasurement,
};
use strata::sql::line_col;

/// A linted text: the file it came from, the script, and the lines of the file before it.
pub struct Source<'a> {
    /// The file, as shown.
    pub file: &'a str,
    /// The script that was linted (a whole file, or a section of it).
    pub sql: &'a str,
    /// Lines of the file before the script.
    pub line_offset: usize,
}

/// A violation in one of the sources.
pub struct Finding {
    /// Index into the sources.
    pub source: usize,
    /// What the linter found.
    pub violation: Violation,
}

/// What `--measure` found in one of the sources.
pub struct Measured {
    /// Index into the sources.
    pub source: usize,
    /// Its statements and what each did, or why it could not be measured (a migration before
    /// it failed to apply in the scratch database).
    pub script: Result<ScriptMeasurement, String>,
}

/// One entry of the measurements: a statement, or a source that could not be measured.
enum Entry<'a> {
    Statement(&'a StatementMeasurement),
    Blocked(&'a str),
}

/// Line starts of each source that has findings, so positions cost a binary search instead of
/// a scan from the top of the file (large files can have thousands of findings).
struct Lines(Vec<Option<Vec<usize>>>);

impl Lines {
    fn new(sources: &[Source<'_>], findings: &[Finding]) -> Lines {
        Lines::of(sources, findings.iter().map(|f| f.source))
    }

    /// Line starts of the sources `used`.
    fn of(sources: &[Source<'_>], used: impl Iterator<Item = usize>) -> Lines {
        let mut starts: Vec<Option<Vec<usize>>> = sources.iter().map(|_| None).collect();
        for source in used {
            starts[source].get_or_insert_with(|| {
                std::iter::once(0)
                    .chain(sources[source].sql.match_indices('\n').map(|(i, _)| i + 1))
                    .collect()
            });
        }
        Lines(starts)
    }

    /// 1-based line (in the file) and column (in characters) of a byte offset in a source.
    fn at(&self, sources: &[Source<'_>], source: usize, offset: usize) -> (usize, usize) {
        let src = &sources[source];
        let Some(starts) = &self.0[source] else {
            let lc = line_col(src.sql, offset);
            return (lc.line + src.line_offset, lc.column);
        };
        let mut offset = offset.min(src.sql.len());
        while !src.sql.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = starts.partition_point(|&s| s <= offset);
        let column = src.sql[starts[line - 1]..offset].chars().count() + 1;
        (line + src.line_offset, column)
    }

    /// Start and end positions of a finding.
    fn span(&self, sources: &[Source<'_>], f: &Finding) -> (usize, usize, usize, usize) {
        let (line, column) = self.at(sources, f.source, f.violation.span.start);
        let (end_line, end_column) = self.at(sources, f.source, f.violation.span.end);
        (line, column, end_line, end_column)
    }
}

/// Code frames on `out`, what `--measure` found, then a summary.
pub fn text(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    findings: &[Finding],
    measured: Option<&[Measured]>,
    checked: usize,
) -> std::io::Result<()> {
    frames(out, sources, findings)?;
    if let Some(measured) = measured {
        measurements_text(out, sources, measured)?;
    }
    writeln!(out, "{}", summary(findings, checked))
}

/// One code frame per finding.
pub fn frames(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    findings: &[Finding],
) -> std::io::Result<()> {
    let renderer = if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let lines = Lines::new(sources, findings);
    for f in findings {
        let src = &sources[f.source];
        let v = &f.violation;
        let level = match v.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Hint => Level::INFO.with_name("hint"),
        };
        // The frame: the lines the finding spans (at most a dozen), not the whole file.
        let first = src.sql[..v.span.start].rfind('\n').map_or(0, |i| i + 1);
        let mut end = v.span.end.max(v.span.start);
        if src.sql[first..end].lines().count() > 12 {
            end = src.sql[v.span.start..]
                .find('\n')
                .map_or(src.sql.len(), |i| v.span.start + i);
        }
        let last = src.sql[end..].find('\n').map_or(src.sql.len(), |i| end + i);
        let frame = &src.sql[first..last];
        let line = lines.at(sources, f.source, first).0;
        let span = (v.span.start - first)..(end - first).max(v.span.start - first + 1);
        let span = span.start.min(frame.len())..span.end.min(frame.len());
        let mut group = Group::with_title(level.primary_title(v.message.as_str()).id(v.rule))
            .element(
                Snippet::source(frame)
                    .line_start(line)
                    .path(src.file)
                    .annotation(AnnotationKind::Primary.span(span)),
            );
        if let Some(help) = &v.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    Ok(())
}

/// `Checked 3 file(s): 1 error, 2 warnings.`
pub fn summary(findings: &[Finding], checked: usize) -> String {
    let count = |s: Severity| {
        findings
            .iter()
            .filter(|f| f.violation.severity == s)
            .count()
    };
    let mut parts = Vec::new();
    for (s, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Hint, "hint", "hints"),
    ] {
        match count(s) {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            n => parts.push(format!("{n} {many}")),
        }
    }
    if parts.is_empty() {
        parts.push("no findings".into());
    }
    format!("Checked {checked} file(s): {}.", parts.join(", "))
}

/// `{"findings": [...]}`.
pub fn json(sources: &[Source<'_>], findings: &[Finding]) -> serde_json::Value {
    let lines = Lines::new(sources, findings);
    let items: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let src = &sources[f.source];
            let v = &f.violation;
            let (line, column, end_line, end_column) = lines.span(sources, f);
            serde_json::json!({
                "rule": v.rule,
                "file": src.file,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "severity": v.severity.as_str(),
                "message": v.message,
                "help": v.help,
            })
        })
        .collect();
    serde_json::json!({ "findings": items })
}

/// One GitHub workflow command per finding (`::warning file=...,line=...::message`).
pub fn github(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    findings: &[Finding],
) -> std::io::Result<()> {
    let lines = Lines::new(sources, findings);
    for f in findings {
        let src = &sources[f.source];
        let v = &f.violation;
        let (line, column, end_line, end_column) = lines.span(sources, f);
        let command = match v.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "notice",
        };
        let mut message = v.message.clone();
        if let Some(help) = &v.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
            property(src.file),
            property(&format!("strata lint: {}", v.rule)),
            data(&message)
        )?;
    }
    Ok(())
}

/// The statement's text on one line (whitespace collapsed), at most 60 characters.
fn head(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        return one_line;
    }
    let cut: String = one_line.chars().take(57).collect();
    format!("{}...", cut.trim_end())
}

/// `AccessExclusiveLock on public.t, public.t_pkey; ShareLock on public.t`: modes strongest
/// first.
fn locks_text(locks: &[RelationLock]) -> String {
    let mut modes: Vec<&str> = locks.iter().map(|l| l.mode.as_str()).collect();
    modes.sort_by_key(|m| std::cmp::Reverse(mode_strength(m)));
    modes.dedup();
    modes
        .iter()
        .map(|mode| {
            let relations: Vec<String> = locks
                .iter()
                .filter(|l| l.mode == *mode)
                .map(|l| {
                    let mut r = l.relation.clone();
                    if l.created_by_script {
                        r.push_str(" (created by this migration)");
                    }
                    if !l.granted {
                        r.push_str(" (not granted)");
                    }
                    r
                })
                .collect();
            format!("{mode} on {}", relations.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `public.t, index public.t_pkey`.
fn rewrites_text(rewrites: &[strata::measure::Rewrite]) -> String {
    rewrites
        .iter()
        .map(|r| {
            let kind = match r.kind {
                strata::measure::RelationKind::Table => String::new(),
                k => format!("{} ", k.as_str()),
            };
            let new = if r.created_by_script {
                " (created by this migration)"
            } else {
                ""
            };
            format!("{kind}{}{new}", r.relation)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every statement measured (and every source that could not be), in order of the sources.
fn entries<'a>(measured: &'a [Measured]) -> impl Iterator<Item = (usize, Entry<'a>)> + 'a {
    measured.iter().flat_map(|m| {
        let items: Vec<Entry<'a>> = match &m.script {
            Ok(script) => script.statements.iter().map(Entry::Statement).collect(),
            Err(e) => vec![Entry::Blocked(e)],
        };
        items.into_iter().map(move |e| (m.source, e))
    })
}

/// The server's version number, from `15.4 (Debian 15.4-1.pgdg120+2)`.
fn server_version(measured: &[Measured]) -> &str {
    measured
        .iter()
        .find_map(|m| m.script.as_ref().ok())
        .and_then(|s| s.server_version.split_whitespace().next())
        .unwrap_or("?")
}

/// The not-measured line of a source whose earlier migrations failed to apply.
fn blocked_text(error: &str) -> String {
    format!("not measured: a migration before it failed to apply in the scratch database: {error}")
}

/// What `--measure` found, one block per statement.
pub fn measurements_text(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    measured: &[Measured],
) -> std::io::Result<()> {
    if entries(measured).next().is_none() {
        return Ok(());
    }
    let lines = Lines::of(sources, measured.iter().map(|m| m.source));
    writeln!(
        out,
        "Measured on PostgreSQL {} in a scratch database, each statement in a transaction rolled back:",
        server_version(measured)
    )?;
    for (source, entry) in entries(measured) {
        let src = &sources[source];
        let st = match entry {
            Entry::Statement(st) => st,
            Entry::Blocked(error) => {
                writeln!(out, "{}\n    {}", src.file, blocked_text(error))?;
                continue;
            }
        };
        let (line, column) = lines.at(sources, source, st.span.start);
        writeln!(
            out,
            "{}:{line}:{column}  {}",
            src.file,
            head(&src.sql[st.span.clone()])
        )?;
        match &st.outcome {
            Outcome::Measured(o) => {
                if !o.locks.is_empty() {
                    writeln!(out, "    locks    {}", locks_text(&o.locks))?;
                } else {
                    // The strongest lock held on each relation that existed before the
                    // migration: the modes this statement may need without it showing.
                    let mut held: Vec<RelationLock> = Vec::new();
                    for l in o.held_before.iter().filter(|l| !l.created_by_script) {
                        match held.iter_mut().find(|h| h.relation == l.relation) {
                            Some(h) if mode_strength(&h.mode) >= mode_strength(&l.mode) => {}
                            Some(h) => *h = l.clone(),
                            None => held.push(l.clone()),
                        }
                    }
                    if held.is_empty() {
                        writeln!(out, "    locks    none on existing relations")?;
                    } else {
                        writeln!(
                            out,
                            "    locks    none new; held since earlier statements: {}",
                            locks_text(&held)
                        )?;
                    }
                }
                if !o.rewrites.is_empty() {
                    writeln!(out, "    rewrote  {}", rewrites_text(&o.rewrites))?;
                }
            }
            Outcome::NotMeasured(NotMeasured::CannotRunInTransaction { what, replayed }) => {
                let then = if *replayed {
                    "; replayed without CONCURRENTLY for the statements after it"
                } else {
                    ""
                };
                // `what` says it: `VACUUM cannot run inside a transaction block`.
                writeln!(out, "    not measured: {what}{then}")?;
            }
            Outcome::NotMeasured(NotMeasured::TransactionControl) => writeln!(
                out,
                "    not measured: transaction control is never run (everything measured is rolled back)"
            )?,
            Outcome::Failed(e) => {
                let code = e.code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
                let at = e
                    .position
                    .map(|p| {
                        let (l, c) = lines.at(sources, source, p);
                        format!(" at {}:{l}:{c}", src.file)
                    })
                    .unwrap_or_default();
                writeln!(out, "    failed   {}{code}{at}", e.message)?;
                if let Some(hint) = &e.hint {
                    writeln!(out, "    hint: {hint}")?;
                }
            }
            _ => writeln!(out, "    not measured")?,
        }
    }
    writeln!(out)
}

fn locks_json(locks: &[RelationLock]) -> serde_json::Value {
    locks
        .iter()
        .map(|l| {
            serde_json::json!({
                "relation": l.relation,
                "kind": l.kind.as_str(),
                "mode": l.mode,
                "granted": l.granted,
                "created_by_migration": l.created_by_script,
            })
        })
        .collect()
}

/// The `measurements` array of `--format json`: one object per statement.
pub fn measurements_json(sources: &[Source<'_>], measured: &[Measured]) -> serde_json::Value {
    let lines = Lines::of(sources, measured.iter().map(|m| m.source));
    let version = server_version(measured);
    entries(measured)
        .map(|(source, entry)| {
            let src = &sources[source];
            let st = match entry {
                Entry::Statement(st) => st,
                Entry::Blocked(error) => {
                    return serde_json::json!({
                        "file": src.file,
                        "line": null,
                        "column": null,
                        "statement": null,
                        "server_version": version,
                        "status": "not-measured",
                        "locks": [],
                        "rewrites": [],
                        "held_before": [],
                        "reason": {
                            "kind": "earlier-migration-failed",
                            "message": error,
                        },
                        "error": null,
                    })
                }
            };
            let (line, column) = lines.at(sources, source, st.span.start);
            let mut item = serde_json::json!({
                "file": src.file,
                "line": line,
                "column": column,
                "statement": head(&src.sql[st.span.clone()]),
                "server_version": version,
                "locks": [],
                "rewrites": [],
                "held_before": [],
                "reason": null,
                "error": null,
            });
            match &st.outcome {
                Outcome::Measured(o) => {
                    item["status"] = "measured".into();
                    item["locks"] = locks_json(&o.locks);
                    item["held_before"] = locks_json(&o.held_before);
                    item["rewrites"] = o
                        .rewrites
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "relation": r.relation,
                                "kind": r.kind.as_str(),
                                "created_by_migration": r.created_by_script,
                            })
                        })
                        .collect();
                }
                Outcome::NotMeasured(n) => {
                    item["status"] = "not-measured".into();
                    item["reason"] = match n {
                        NotMeasured::CannotRunInTransaction { what, replayed } => {
                            serde_json::json!({
                                "kind": "cannot-run-in-transaction",
                                "what": what,
                                "replayed_without_concurrently": replayed,
                            })
                        }
                        NotMeasured::TransactionControl => {
                            serde_json::json!({ "kind": "transaction-control" })
                        }
                        _ => serde_json::json!({ "kind": "other" }),
                    };
                }
                Outcome::Failed(e) => {
                    item["status"] = "failed".into();
                    let (line, column) = match e.position {
                        Some(p) => {
                            let (l, c) = lines.at(sources, source, p);
                            (Some(l), Some(c))
                        }
                        None => (None, None),
                    };
                    item["error"] = serde_json::json!({
                        "message": e.message,
                        "code": e.code,
                        "detail": e.detail,
                        "hint": e.hint,
                        "line": line,
                        "column": column,
                    });
                }
                _ => item["status"] = "not-measured".into(),
            }
            item
        })
        .collect()
}

/// `--measure` as workflow notices: statements that rewrote a relation or took a lock that
/// blocks writes (SHARE or stronger) on an existing one, and statements the server rejected.
pub fn measurements_github(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    measured: &[Measured],
) -> std::io::Result<()> {
    let lines = Lines::of(sources, measured.iter().map(|m| m.source));
    for (source, entry) in entries(measured) {
        let src = &sources[source];
        let Entry::Statement(st) = entry else {
            continue;
        };
        let message = match &st.outcome {
            Outcome::Measured(o) => {
                let blocking: Vec<RelationLock> = o
                    .locks
                    .iter()
                    .filter(|l| mode_strength(&l.mode) >= mode_strength("ShareLock"))
                    .cloned()
                    .collect();
                if blocking.is_empty() && o.rewrites.is_empty() {
                    continue;
                }
                let mut m = format!("took {}", locks_text(&blocking));
                if blocking.is_empty() {
                    m.clear();
                }
                if !o.rewrites.is_empty() {
                    if !m.is_empty() {
                        m.push_str("; ");
                    }
                    m.push_str(&format!("rewrote {}", rewrites_text(&o.rewrites)));
                }
                m
            }
            Outcome::Failed(e) => format!("failed in the scratch database: {}", e.message),
            _ => continue,
        };
        let (line, column) = lines.at(sources, source, st.span.start);
        writeln!(
            out,
            "::notice file={},line={line},col={column},title={}::{}",
            property(src.file),
            property("strata lint --measure"),
            data(&format!(
                "{}: {message} (PostgreSQL {}, rolled back)",
                head(&src.sql[st.span.clone()]),
                server_version(measured)
            ))
        )?;
    }
    Ok(())
}

/// Escapes a workflow command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escapes_properties_and_data() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
