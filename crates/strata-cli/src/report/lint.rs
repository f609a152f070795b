//! `strata lint` output: text with code frames, JSON, and GitHub workflow annotations.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{IsTerminal, Write};
use strata::lint::{Severity, Violation};
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

/// Line starts of each source that has findings, so positions cost a binary search instead of
/// a scan from the top of the file (large files can have thousands of findings).
struct Lines(Vec<Option<Vec<usize>>>);

impl Lines {
    fn new(sources: &[Source<'_>], findings: &[Finding]) -> Lines {
        let mut starts: Vec<Option<Vec<usize>>> = sources.iter().map(|_| None).collect();
        for f in findings {
            starts[f.source].get_or_insert_with(|| {
                std::iter::once(0)
                    .chain(
                        sources[f.source]
                            .sql
                            .match_indices('\n')
                            .map(|(i, _)| i + 1),
                    )
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

/// Code frames on `out`, then a summary.
pub fn text(
    out: &mut dyn Write,
    sources: &[Source<'_>],
    findings: &[Finding],
    checked: usize,
) -> std::io::Result<()> {
    frames(out, sources, findings)?;
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
