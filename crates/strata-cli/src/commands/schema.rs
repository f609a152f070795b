//! `strata schema dump` and `strata schema diff`.

use super::connect_options;
use crate::args::{Format, SchemaArgs, SchemaCommand};
use crate::config::Config;
use crate::{EXIT_FINDINGS, EXIT_OK};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use strata::schema::{Filter, Schema};

pub async fn run(config: &Config, command: SchemaCommand) -> Result<i32> {
    match command {
        SchemaCommand::Dump { schemas, output } => dump(config, &schemas, output).await,
        SchemaCommand::Diff { from, to, schemas } => diff(config, &schemas, &from, &to).await,
    }
}

/// The schema filter of the arguments (strata's history table is always left out).
pub(crate) fn filter(config: &Config, args: &SchemaArgs) -> Filter {
    let f = Filter::new()
        .include_schemas(args.include_schemas.iter().cloned())
        .exclude_schemas(args.exclude_schemas.iter().cloned());
    strata::schema::without_history(f, &connect_options(config))
}

/// The server scratch databases are created on (see [`Config::scratch_server`]).
pub(crate) fn scratch_server(config: &Config, args: &SchemaArgs) -> Result<String> {
    config.scratch_server(args.shadow_url.as_deref())
}

async fn dump(config: &Config, args: &SchemaArgs, output: Option<PathBuf>) -> Result<i32> {
    let url = config.url()?;
    let schema = strata::schema::introspect(&url, &filter(config, args))
        .await
        .with_context(|| format!("cannot read the schema of {}", strata::redact_url(&url)))?;
    let text = match config.format {
        Format::Json => serde_json::to_string_pretty(&schema)? + "\n",
        _ => strata::schema::render::dump_sql(&schema),
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            if !config.quiet {
                let counts: Vec<String> = schema
                    .counts()
                    .into_iter()
                    .map(|(kind, n)| format!("{n} {kind}"))
                    .collect();
                eprintln!("wrote {} ({})", path.display(), counts.join(", "));
            }
        }
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    // The process ends right after the command: freeing a large schema's model and text one
    // allocation at a time (some 20 ms for 2,000 tables) would only delay the exit.
    std::mem::forget((schema, text));
    Ok(EXIT_OK)
}

/// One side of a diff: its label for messages and its schema.
async fn side(config: &Config, args: &SchemaArgs, spec: &str) -> Result<(String, Schema)> {
    if strata::postgres::is_postgres_url(spec) {
        let schema = strata::schema::introspect(spec, &filter(config, args))
            .await
            .with_context(|| format!("cannot read the schema of {}", strata::redact_url(spec)))?;
        return Ok((strata::redact_url(spec), schema));
    }
    let dir = match spec.strip_prefix("dir:") {
        Some(d) => PathBuf::from(d),
        None if spec == "migrations" => config.dir.clone(),
        None if std::path::Path::new(spec).is_dir() => PathBuf::from(spec),
        None => bail!(
            "`{spec}` is neither a postgres:// URL nor a migrations directory (use dir:PATH, a directory, or `migrations`)"
        ),
    };
    let migrations = strata::source::load_dir(&dir, config.layout)?;
    let server = scratch_server(config, args)?;
    let schema = strata::schema::build(
        &server,
        &migrations,
        &connect_options(config),
        &filter(config, args),
    )
    .await
    .with_context(|| {
        format!(
            "cannot build the schema of {} in a scratch database on {}",
            dir.display(),
            strata::redact_url(&server)
        )
    })?;
    Ok((format!("migrations in {}", dir.display()), schema))
}

async fn diff(config: &Config, args: &SchemaArgs, from: &str, to: &str) -> Result<i32> {
    let (from_label, a) = side(config, args, from).await?;
    let (to_label, b) = side(config, args, to).await?;
    let changes: Vec<_> = strata::schema::diff(&a, &b);
    let sql = strata::schema::render::changes_sql(&changes);
    // The search_path a dump's reload uses (see `render::header`), over both sides' schemas:
    // SQL functions inlined while a statement is planned resolve their bodies with it.
    let header =
        strata::schema::render::header(a.schemas.iter().chain(&b.schemas).map(|n| n.name.as_str()));
    crate::report::schema::diff(config, &from_label, &to_label, &changes, &sql, &header)?;
    let differs = changes.iter().any(|c| c.is_difference());
    Ok(if differs { EXIT_FINDINGS } else { EXIT_OK })
}
