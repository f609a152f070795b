//! `strata`: the command-line tool. Each command parses its arguments, calls one library
//! operation, and renders the result as text or JSON.

mod args;
mod commands;
mod config;
mod report;

use clap::Parser;
use std::io::Write;

/// Exit codes: 0 ok, 1 findings, 2 errors.
pub const EXIT_OK: i32 = 0;
/// Findings: `validate` problems, `status --check` with work to do.
pub const EXIT_FINDINGS: i32 = 1;
/// Errors, including a refused plan.
pub const EXIT_ERROR: i32 = 2;

fn main() {
    let cli = args::Cli::parse();
    let format = cli.format;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => {
            let result = rt.block_on(commands::run(cli));
            // The command has finished all its work (every connection it opened has been
            // released or closed by then). Dropping the runtime would still wait for its idle
            // blocking threads to stop, a millisecond or two on every run; the process exits
            // right below and the system reclaims all of it at once.
            std::mem::forget(rt);
            result
        }
        Err(e) => Err(anyhow::Error::from(e)),
    };
    let code = match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            let mut out = std::io::stdout().lock();
            let mut err = std::io::stderr().lock();
            report::error(&e, format, &mut out, &mut err);
            let _ = out.flush();
            EXIT_ERROR
        }
    };
    std::process::exit(code);
}

/// A closed pipe (`strata status | head`) ends the program quietly, like ripgrep.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
