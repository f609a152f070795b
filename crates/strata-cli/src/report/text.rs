//! Text output for people.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::io::{IsTerminal, Write};
use strata::{Action, Direction, ExecuteError, Report, StatusEntry, StepOutcome};

pub fn run_report(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(plan) = &report.plan else {
        return Ok(());
    };
    for w in &plan.warnings {
        writeln!(out, "warning: {w}")?;
    }
    if report.dry_run {
        if plan.steps.is_empty() {
            return writeln!(out, "Nothing to do.");
        }
        writeln!(out, "Plan ({} step(s), nothing was run):", plan.steps.len())?;
        for step in &plan.steps {
            let mode = match step.transaction() {
                strata::TransactionMode::Transactional => "in a transaction",
                _ => "statement by statement, no transaction",
            };
            let mut extra = match step.action {
                Action::Resume { statements_done } => {
                    format!(", skipping {statements_done} completed statement(s)")
                }
                Action::ResumeRevert { statements_done } => {
                    format!(", skipping {statements_done} completed down statement(s)")
                }
                _ => String::new(),
            };
            let script = step.migration.as_ref().and_then(|m| m.verify.as_ref());
            if report.verify && !step.action.is_revert() {
                extra.push_str(match (script, step.transaction()) {
                    (None, _) => "; no verify script",
                    (Some(_), strata::TransactionMode::None) => "; then verified",
                    (Some(_), _) => "; verified before its commit",
                });
            }
            writeln!(
                out,
                "\n-- {} {} ({mode}{extra})",
                step.action.as_str(),
                step.label()
            )?;
            writeln!(out, "{}", step.script.sql.trim_end())?;
            if let (true, Some(v), false) = (report.verify, script, step.action.is_revert()) {
                let file = v
                    .path
                    .as_ref()
                    .map(|p| format!(" ({})", p.display()))
                    .unwrap_or_default();
                writeln!(out, "-- verify{file}\n{}", v.sql.trim_end())?;
            }
        }
        return Ok(());
    }
    let rolled_back = report
        .steps
        .iter()
        .filter(|s| s.outcome == StepOutcome::RolledBack)
        .count();
    let millis: u64 = report.steps.iter().map(|s| s.millis).sum();
    if report.steps.is_empty() {
        return writeln!(
            out,
            "{}",
            match report.direction {
                Direction::Up => "Nothing to apply: the database is up to date.",
                Direction::Down => "Nothing to revert.",
            }
        );
    }
    if rolled_back > 0 {
        return writeln!(
            out,
            "Rolled back: the run was one transaction; nothing was applied."
        );
    }
    let count = |revert: bool| {
        report
            .steps
            .iter()
            .zip(&plan.steps)
            .filter(|(r, s)| r.outcome == StepOutcome::Done && s.action.is_revert() == revert)
            .count()
    };
    let (reverted, applied) = (count(true), count(false));
    let mut parts = Vec::new();
    if reverted > 0 || report.direction == Direction::Down {
        parts.push(format!("Reverted {reverted}"));
    }
    if applied > 0 || report.direction == Direction::Up {
        parts.push(format!(
            "{} {applied}",
            if parts.is_empty() {
                "Applied"
            } else {
                "applied"
            }
        ));
    }
    if report.error.is_some() {
        write!(out, "Stopped by an error: ")?;
    }
    write!(
        out,
        "{} of {} step(s) in {millis} ms",
        parts.join(", "),
        report.steps.len()
    )?;
    // A resumed migration keeps the batch its row started in: name the batch only when new
    // rows went into it.
    let into_batch = report
        .steps
        .iter()
        .zip(&plan.steps)
        .filter(|(r, s)| {
            r.outcome == StepOutcome::Done && matches!(s.action, Action::Apply | Action::Reapply)
        })
        .count();
    if into_batch > 0 {
        write!(out, " (batch {})", plan.batch)?;
    }
    if report.verify {
        let count = |f: fn(&strata::VerifyOutcome) -> bool| {
            report
                .steps
                .iter()
                .filter(|s| s.verify.as_ref().is_some_and(f))
                .count()
        };
        let passed = count(|v| matches!(v, strata::VerifyOutcome::Passed { .. }));
        let none = count(|v| matches!(v, strata::VerifyOutcome::NoScript));
        let failed = count(|v| matches!(v, strata::VerifyOutcome::Failed { .. }));
        let mut parts = vec![format!("{passed} verified")];
        if failed > 0 {
            parts.push(format!("{failed} failed its verify script"));
        }
        if none > 0 {
            parts.push(format!("{none} without a verify script"));
        }
        write!(out, "; {}", parts.join(", "))?;
    }
    writeln!(out, ".")?;
    Ok(())
}

pub fn status(entries: &[StatusEntry], out: &mut dyn Write) -> anyhow::Result<()> {
    if entries.is_empty() {
        writeln!(out, "No migrations found and nothing applied.")?;
        return Ok(());
    }
    let vw = entries
        .iter()
        .map(|e| e.version.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let nw = entries
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0)
        .max(4);
    let states: Vec<String> = entries
        .iter()
        .map(|e| match e.statements_done {
            Some(n) if e.reverting => format!("{} (reverting, {n} down done)", e.status.as_str()),
            Some(n) => format!("{} ({n} done)", e.status.as_str()),
            None => e.status.as_str().to_string(),
        })
        .collect();
    let sw = states.iter().map(String::len).max().unwrap_or(0).max(12);
    writeln!(
        out,
        "{:vw$}  {:nw$}  {:sw$}  {:5}  APPLIED AT",
        "VERSION", "NAME", "STATUS", "BATCH"
    )?;
    for (e, state) in entries.iter().zip(&states) {
        let version = if e.version.is_empty() {
            "R"
        } else {
            &e.version
        };
        let batch = e.batch.map(|b| b.to_string()).unwrap_or_default();
        write!(
            out,
            "{version:vw$}  {:nw$}  {state:sw$}  {batch:5}  {}",
            e.name,
            e.applied_at.as_deref().unwrap_or("-")
        )?;
        if let Some(note) = &e.note {
            write!(out, "  ({note})")?;
        }
        writeln!(out)?;
    }
    let count = |s: &str| entries.iter().filter(|e| e.status.as_str() == s).count();
    let mut summary = vec![format!("{} applied", count("applied"))];
    for s in ["pending", "modified", "missing", "dirty", "out-of-order"] {
        if count(s) > 0 {
            summary.push(format!("{} {s}", count(s)));
        }
    }
    writeln!(out, "\n{}", summary.join(", "))?;
    // A partly reverted migration needs a decision; say which ones there are.
    for e in entries.iter().filter(|e| e.reverting) {
        let done = e.statements_done.unwrap_or(0);
        writeln!(
            out,
            "help: {v} ({name}) is partly reverted: {done} statement(s) of its down script completed and stay in effect. Fix its down script and run `strata down` to resume at down statement {next}, or `strata repair {v}` if you redid them by hand, or `strata repair {v} --forget` if you finished the revert by hand",
            v = e.version,
            name = e.name,
            next = done + 1,
        )?;
    }
    Ok(())
}

fn renderer() -> Renderer {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

/// A run's error, with a code frame when it points into a file.
pub fn execute_error(e: &ExecuteError, err: &mut dyn Write) -> std::io::Result<()> {
    match e {
        ExecuteError::Migration(m) => {
            let strata::MigrationFailure {
                label,
                direction,
                location,
                frame,
                source,
                help,
                statement,
                ..
            } = m.as_ref();
            let mut title = format!(
                "{label} ({direction}) failed at statement {statement}: {}",
                source.message
            );
            if let Some(code) = &source.code {
                title.push_str(&format!(" [{code}]"));
            }
            let path = location
                .rsplitn(3, ':')
                .nth(2)
                .unwrap_or(location)
                .to_string();
            let mut group = Group::with_title(Level::ERROR.primary_title(title.as_str()));
            if let Some((text, offset, line_offset)) = frame {
                let end = text[*offset..]
                    .find(|c: char| c.is_whitespace())
                    .map(|n| offset + n.max(1))
                    .unwrap_or(text.len())
                    .max((*offset + 1).min(text.len()));
                group = group.element(
                    Snippet::source(text.as_str())
                        .line_start(line_offset + 1)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(*offset..end)),
                );
            } else {
                group = group.element(Level::NOTE.message(format!("at {location}")));
            }
            if let Some(d) = &source.detail {
                group = group.element(Level::NOTE.message(format!("detail: {d}")));
            }
            if let Some(h) = &source.hint {
                group = group.element(Level::NOTE.message(format!("hint: {h}")));
            }
            group = group.element(Level::HELP.message(help.as_str()));
            writeln!(err, "{}", renderer().render(&[group]))
        }
        ExecuteError::Plan(p) => {
            for problem in &p.problems {
                writeln!(err, "error: {problem}")?;
                writeln!(err, "  help: {}", problem.help())?;
            }
            writeln!(err, "Nothing was run.")
        }
        ExecuteError::Preflight {
            location,
            message,
            help,
        } => {
            writeln!(
                err,
                "error: {location}: {message}\n  help: {help}\nNothing was run."
            )
        }
        other => {
            writeln!(err, "error: {other}")?;
            if let Some(h) = other.help() {
                writeln!(err, "  help: {h}")?;
            }
            Ok(())
        }
    }
}

/// An error that ended a command before or outside a run.
pub fn error(e: &anyhow::Error, err: &mut dyn Write) -> std::io::Result<()> {
    if let Some(x) = e.downcast_ref::<ExecuteError>() {
        return execute_error(x, err);
    }
    if let Some(s) = e.downcast_ref::<strata::SourceError>() {
        writeln!(err, "error: {s}")?;
        if let Some(h) = &s.help {
            writeln!(err, "  help: {h}")?;
        }
        return Ok(());
    }
    let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    writeln!(err, "error: {}", chain.join(": "))?;
    if let Some(h) = e
        .chain()
        .find_map(|c| c.downcast_ref::<strata::DriverError>())
        .and_then(|d| d.hint.clone())
    {
        writeln!(err, "  help: {h}")?;
    }
    Ok(())
}
