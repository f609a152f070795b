//! JSON output. Field names are part of the interface: add, never rename.

use serde_json::{json, Value};
use strata::{ExecuteError, Report, StatusEntry, StepOutcome};

pub fn run_report(report: &Report) -> Value {
    let plan = report.plan.as_ref();
    let steps: Vec<Value> = report
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut v = json!({
                "version": s.version,
                "name": s.name,
                "action": s.action,
                "outcome": s.outcome,
                "millis": s.millis,
            });
            if report.verify {
                v["verify"] = json!(s.verify);
            }
            if report.dry_run {
                if let Some(step) = plan.and_then(|p| p.steps.get(i)) {
                    v["sql"] = json!(step.script.sql);
                    v["transaction"] = json!(step.transaction());
                    if report.verify && !step.action.is_revert() {
                        let script = step.migration.as_ref().and_then(|m| m.verify.as_ref());
                        v["verify_sql"] = json!(script.map(|s| &s.sql));
                    }
                }
            }
            v
        })
        .collect();
    let mut doc = json!({
        "direction": report.direction,
        "dry_run": report.dry_run,
        "batch": plan.map(|p| p.batch),
        "done": report.steps.iter().filter(|s| s.outcome == StepOutcome::Done).count(),
        "steps": steps,
        "warnings": plan.map(|p| p.warnings.iter().map(|w| json!({
            "message": w.to_string(), "help": w.help(), "detail": w,
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "error": report.error.as_ref().map(execute_error),
    });
    if report.verify {
        doc["verify"] = json!(true);
    }
    doc
}

pub fn status(entries: &[StatusEntry]) -> Value {
    let count = |s: &str| entries.iter().filter(|e| e.status.as_str() == s).count();
    json!({
        "migrations": entries,
        "summary": {
            "applied": count("applied"),
            "pending": count("pending"),
            "modified": count("modified"),
            "missing": count("missing"),
            "dirty": count("dirty"),
            "out_of_order": count("out-of-order"),
        },
    })
}

pub fn execute_error(e: &ExecuteError) -> Value {
    let mut v = json!({ "message": e.to_string(), "help": e.help() });
    match e {
        ExecuteError::Source(s) => {
            v["kind"] = json!("source");
            v["files"] = json!(s.paths);
            v["line"] = json!(s.position.map(|p| p.0));
            v["column"] = json!(s.position.map(|p| p.1));
        }
        ExecuteError::Plan(p) => {
            v["kind"] = json!("plan");
            v["problems"] = json!(p
                .problems
                .iter()
                .map(|x| json!({ "message": x.to_string(), "help": x.help(), "detail": x }))
                .collect::<Vec<_>>());
        }
        ExecuteError::Preflight { location, .. } => {
            v["kind"] = json!("preflight");
            v["location"] = json!(location);
        }
        ExecuteError::Driver(d) => {
            v["kind"] = json!("database");
            v["code"] = json!(d.code);
            v["detail"] = json!(d.detail);
            v["hint"] = json!(d.hint);
        }
        ExecuteError::Migration(m) => {
            let strata::MigrationFailure {
                label,
                direction,
                location,
                statement,
                sql,
                source,
                ..
            } = m.as_ref();
            v["kind"] = json!(if *direction == "verify" {
                "verify"
            } else {
                "migration"
            });
            v["migration"] = json!(label);
            v["direction"] = json!(direction);
            v["location"] = json!(location);
            v["statement"] = json!(statement);
            v["sql"] = json!(sql);
            v["code"] = json!(source.code);
            v["detail"] = json!(source.detail);
            v["hint"] = json!(source.hint);
        }
        _ => v["kind"] = json!("other"),
    }
    v
}

pub fn error(e: &anyhow::Error) -> Value {
    if let Some(x) = e.downcast_ref::<ExecuteError>() {
        return execute_error(x);
    }
    if let Some(s) = e.downcast_ref::<strata::SourceError>() {
        return execute_error(&ExecuteError::Source(s.clone()));
    }
    let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    let hint = e
        .chain()
        .find_map(|c| c.downcast_ref::<strata::DriverError>())
        .and_then(|d| d.hint.clone());
    json!({ "kind": "error", "message": chain.join(": "), "help": hint })
}
