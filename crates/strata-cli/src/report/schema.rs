//! Output of the schema commands: `schema diff`, `check drift`, `check roundtrip`, `verify`.

use crate::args::Format;
use crate::commands::print_json;
use crate::config::Config;
use anyhow::Result;
use serde_json::{json, Value};
use std::io::Write;
use strata::schema::{Change, DriftReport, RoundtripPhase, RoundtripReport};
use strata::{VerifyOutcome, VerifyReport};

fn change_json(c: &Change) -> Value {
    let (action, detail) = match c {
        Change::Create { .. } => ("create", Value::Null),
        Change::Drop { .. } => ("drop", Value::Null),
        Change::Alter { .. } => (
            "alter",
            c.details()
                .into_iter()
                .map(|(field, from, to)| json!({ "field": field, "from": from, "to": to }))
                .collect(),
        ),
        _ => ("recreate", Value::Null),
    };
    json!({
        "action": action,
        "kind": c.kind().as_str(),
        "name": c.object().name(),
        "summary": c.summary(),
        "changes": detail,
    })
}

/// Field-level differences under a change, indented.
fn details(out: &mut dyn Write, c: &Change, indent: &str) -> std::io::Result<()> {
    for (field, from, to) in c.details() {
        if from.contains('\n') || to.contains('\n') || from.len() + to.len() > 60 {
            writeln!(out, "{indent}{field}:")?;
            writeln!(
                out,
                "{indent}  was: {}",
                from.replace('\n', &format!("\n{indent}       "))
            )?;
            writeln!(
                out,
                "{indent}  now: {}",
                to.replace('\n', &format!("\n{indent}       "))
            )?;
        } else {
            writeln!(out, "{indent}{field}: {from} -> {to}")?;
        }
    }
    Ok(())
}

/// `schema diff`: the changes as SQL comments, then the script (text); or JSON.
pub fn diff(
    config: &Config,
    from: &str,
    to: &str,
    changes: &[Change],
    sql: &[String],
    header: &str,
) -> Result<()> {
    let real: Vec<&Change> = changes.iter().filter(|c| c.is_difference()).collect();
    if config.format == Format::Json {
        return print_json(&json!({
            "from": from,
            "to": to,
            "differences": real.iter().map(|c| change_json(c)).collect::<Vec<_>>(),
            "sql": sql,
        }));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if real.is_empty() {
        writeln!(out, "-- no differences from {from} to {to}")?;
        return Ok(out.flush()?);
    }
    writeln!(out, "-- {} difference(s) from {from} to {to}:", real.len())?;
    for c in &real {
        writeln!(out, "--   {}", c.summary())?;
    }
    writeln!(out)?;
    out.write_all(strata::schema::render::script_with(header, sql).as_bytes())?;
    Ok(out.flush()?)
}

/// How a drift difference reads: the migrations are the expectation.
fn drift_line(c: &Change) -> String {
    match c {
        Change::Create { object } => format!("only in the database: {}", object.describe()),
        Change::Drop { object } => format!("missing from the database: {}", object.describe()),
        Change::Alter { to, .. } => format!("changed in the database: {}", to.describe()),
        other => other.object().describe(),
    }
}

/// `check drift`.
pub fn drift(config: &Config, report: &DriftReport) -> Result<()> {
    if config.format == Format::Json {
        return print_json(&json!({
            "drifted": report.drifted(),
            "compared_migrations": report.compared,
            "missing_files": report.missing_files,
            "differences": report.differences.iter().map(|c| {
                let mut v = change_json(c);
                v["message"] = json!(drift_line(c));
                v
            }).collect::<Vec<_>>(),
            "repair_sql": report.repair_sql,
        }));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for m in &report.missing_files {
        writeln!(
            out,
            "warning: {m} is applied but its file is missing; what it created shows as drift"
        )?;
    }
    if !report.drifted() {
        writeln!(
            out,
            "no drift: the database matches its {} applied migration(s)",
            report.compared
        )?;
        return Ok(out.flush()?);
    }
    writeln!(
        out,
        "drift: the database differs from its {} applied migration(s) in {} place(s):",
        report.compared,
        report.differences.len()
    )?;
    for c in &report.differences {
        writeln!(out, "  {}", drift_line(c))?;
        details(&mut out, c, "      ")?;
    }
    writeln!(
        out,
        "\nSQL that makes the database match the migrations again:"
    )?;
    for s in &report.repair_sql {
        writeln!(out, "  {};", s.replace('\n', "\n  "))?;
    }
    Ok(out.flush()?)
}

/// `check roundtrip`.
pub fn roundtrip(config: &Config, report: &RoundtripReport) -> Result<()> {
    if config.format == Format::Json {
        return print_json(&json!({
            "ok": report.failure.is_none(),
            "steps": report.steps,
            "failure": report.failure.as_ref().map(|f| json!({
                "version": f.version,
                "name": f.name,
                "phase": f.phase,
                "differences": f.changes.iter().map(change_json).collect::<Vec<_>>(),
                "error": f.error.as_ref().map(super::json::execute_error),
            })),
        }));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for s in &report.steps {
        let mark = match s.outcome {
            "passed" => "ok     ",
            "failed" => "FAILED ",
            "no-down" => "no down",
            _ => "applied",
        };
        writeln!(out, "{mark} {}_{}", s.version, s.name)?;
    }
    match &report.failure {
        None => writeln!(out, "round trip passed: every down restored the schema")?,
        Some(f) => {
            if let Some(e) = &f.error {
                let what = match f.phase {
                    RoundtripPhase::UpFailed => "its up failed on a fresh database",
                    RoundtripPhase::DownFailed => "its down failed",
                    _ => "applying it again after its down failed",
                };
                writeln!(out, "\n{}_{}: {what}:", f.version, f.name)?;
                super::text::execute_error(e, &mut out)?;
                return Ok(out.flush()?);
            }
            let (what, created, dropped) = match f.phase {
                RoundtripPhase::Down => (
                    "its down does not restore the schema from before its up",
                    "left behind by the down",
                    "removed by the down",
                ),
                _ => (
                    "applying it again after its down gives a different schema",
                    "only after the second up",
                    "missing after the second up",
                ),
            };
            writeln!(out, "\n{}_{}: {what}:", f.version, f.name)?;
            for c in &f.changes {
                let line = match c {
                    Change::Create { object } => format!("{created}: {}", object.describe()),
                    Change::Drop { object } => format!("{dropped}: {}", object.describe()),
                    other => format!("changed: {}", other.object().describe()),
                };
                writeln!(out, "  {line}")?;
                details(&mut out, c, "      ")?;
            }
        }
    }
    Ok(out.flush()?)
}

/// `verify`.
pub fn verify(config: &Config, report: &VerifyReport) -> Result<()> {
    if config.format == Format::Json {
        return print_json(&json!({
            "passed": report.passed(),
            "failed": report.failed(),
            "migrations": report.results,
        }));
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut without = 0;
    for r in &report.results {
        let label = format!("{}_{}", r.version, r.name);
        match &r.outcome {
            VerifyOutcome::Passed { statements } => {
                writeln!(out, "ok      {label} ({statements} statement(s))")?
            }
            VerifyOutcome::Failed {
                statement,
                location,
                message,
                code,
                detail,
            } => {
                let code = code
                    .as_deref()
                    .map(|c| format!(" [{c}]"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "FAILED  {label}: statement {statement} at {location}: {message}{code}"
                )?;
                if let Some(d) = detail {
                    writeln!(out, "        {}", d.replace('\n', "\n        "))?;
                }
            }
            VerifyOutcome::NotApplied => {
                writeln!(out, "pending {label} (not applied, not verified)")?
            }
            VerifyOutcome::NoScript => without += 1,
            _ => {}
        }
    }
    writeln!(
        out,
        "verify: {} passed, {} failed, {without} without a verify script",
        report.passed(),
        report.failed()
    )?;
    Ok(out.flush()?)
}
