//! `jingwu command import KIND FILE`: the 110 setup imports from the command line, as the
//! system principal (the city bureau's scope), audited like the API's.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jingwu_app::RequestCtx;
use jingwu_app::setup::{ImportKind, ImportOptions};

use crate::config::DbArgs;
use crate::ops::open;

#[derive(Debug, clap::Subcommand)]
pub enum CommandCommand {
    /// Import sites, posts, units, shifts or key sites (CSV) or station areas (GeoJSON with
    /// `properties.org_code`). Every bad row is printed with its line and field; nothing is
    /// imported unless every row is good (or --partial).
    Import {
        #[command(flatten)]
        db: DbArgs,
        /// sites, posts, units, shifts, key_sites, sources (cameras and other layer sources) or
        /// areas.
        kind: String,
        /// The CSV or GeoJSON file.
        file: PathBuf,
        /// Check every row and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some are bad.
        #[arg(long)]
        partial: bool,
    },
}

pub async fn run(file: Option<&std::path::Path>, cmd: CommandCommand) -> anyhow::Result<ExitCode> {
    let CommandCommand::Import {
        db,
        kind,
        file: path,
        dry_run,
        partial,
    } = cmd;
    let kind = ImportKind::parse(&kind).with_context(|| {
        let kinds: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown import {kind:?}; one of {}", kinds.join(", "))
    })?;
    let body = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let app = open(file, &db).await?;
    let system = app.foundation().system_principal().await?;
    let opts = ImportOptions { dry_run, partial };
    let out = app
        .command()
        .import_setup(&system, kind, &body, opts, &RequestCtx::cli())
        .await;
    app.close().await;
    match out {
        Ok(r) => {
            for e in &r.errors {
                eprintln!("line {}: {}: {} — {}", e.line, e.field, e.code, e.message);
            }
            println!(
                "{} rows, {} good, {} imported{}",
                r.rows,
                r.valid,
                r.imported,
                if dry_run { " (dry run)" } else { "" }
            );
            Ok(if r.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Err(jingwu_app::AppError::Validation(fields)) => {
            for f in &fields {
                eprintln!("{}: {} — {}", f.field, f.code, f.reason);
            }
            eprintln!(
                "nothing imported: {} bad field(s); fix them or pass --partial",
                fields.len()
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(crate::ops::describe(e)),
    }
}
