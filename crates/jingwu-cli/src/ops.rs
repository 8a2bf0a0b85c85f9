//! Operator commands: migrate, user, org, audit.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use jingwu_app::{NewOrg, NewUser, RequestCtx};

use crate::config::{self, Config, DbArgs};

pub(crate) async fn open(file: Option<&Path>, db: &DbArgs) -> anyhow::Result<jingwu_app::App> {
    let cfg = config::load(file, Config::default(), db)?;
    config::open_app(&cfg).await
}

pub async fn migrate(file: Option<&Path>, db: DbArgs) -> anyhow::Result<ExitCode> {
    open(file, &db).await?.close().await;
    println!("database is up to date");
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// Login name, e.g. li.na.
        #[arg(long)]
        username: String,
        /// Name shown in pages and the audit log, e.g. 李娜.
        #[arg(long)]
        display_name: String,
        /// admin, dispatcher, officer, traffic_clerk, permit_clerk, case_handler,
        /// legal_supervisor, evidence_custodian, fire_commander or citizen.
        #[arg(long)]
        role: String,
        /// Org unit code or id.
        #[arg(long)]
        org: String,
    },
    /// Revoke every session of an account at once.
    Revoke {
        #[command(flatten)]
        db: DbArgs,
        /// Username or id.
        user: String,
        /// Also disable the account.
        #[arg(long)]
        disable: bool,
    },
    /// Let a disabled account sign in again (audited as user.enable).
    Enable {
        #[command(flatten)]
        db: DbArgs,
        /// Username or id.
        user: String,
    },
}

pub async fn user(file: Option<&Path>, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        UserCommand::Add {
            db,
            username,
            display_name,
            role,
            org,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let app = open(file, &db).await?;
            let system = app.foundation().system_principal().await?;
            let n = NewUser {
                username,
                display_name,
                role,
                org,
                password,
            };
            let u = app
                .foundation()
                .create_user(&system, n, &RequestCtx::cli())
                .await
                .map_err(describe)?;
            app.close().await;
            println!(
                "created {} ({}) in {} — id {}",
                u.user.username,
                u.user.role.as_str(),
                u.org.name_zh,
                u.user.id
            );
        }
        UserCommand::Revoke { db, user, disable } => {
            let app = open(file, &db).await?;
            let system = app.foundation().system_principal().await?;
            let n = app
                .foundation()
                .revoke_user(&system, &user, disable, &RequestCtx::cli())
                .await
                .map_err(describe)?;
            app.close().await;
            println!(
                "revoked {n} session(s) of {user}{}",
                if disable { "; account disabled" } else { "" }
            );
        }
        UserCommand::Enable { db, user } => {
            let app = open(file, &db).await?;
            let system = app.foundation().system_principal().await?;
            let u = app
                .foundation()
                .enable_user(&system, &user, &RequestCtx::cli())
                .await
                .map_err(describe)?;
            app.close().await;
            println!("enabled {} ({})", u.user.username, u.user.id);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Add an org unit: the city first (no --parent), then bureaus and stations.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// city, district or station.
        #[arg(long)]
        kind: String,
        /// Unique code, e.g. the administrative division code 330200.
        #[arg(long)]
        code: String,
        /// Chinese name, e.g. 宁波市公安局.
        #[arg(long)]
        name_zh: String,
        /// English name, e.g. "Ningbo PSB".
        #[arg(long)]
        name_en: String,
        /// Parent code or id; required for bureaus and stations [default: none, for the city].
        #[arg(long)]
        parent: Option<String>,
    },
}

pub async fn org(file: Option<&Path>, cmd: OrgCommand) -> anyhow::Result<ExitCode> {
    let OrgCommand::Add {
        db,
        kind,
        code,
        name_zh,
        name_en,
        parent,
    } = cmd;
    let app = open(file, &db).await?;
    let system = if kind == "city" {
        None
    } else {
        Some(app.foundation().system_principal().await?)
    };
    let n = NewOrg {
        kind,
        code,
        name_zh,
        name_en,
        parent,
    };
    let o = app
        .foundation()
        .create_org(system.as_ref(), n, &RequestCtx::cli())
        .await
        .map_err(describe)?;
    app.close().await;
    println!(
        "created {} {} ({}) — id {}",
        o.kind.as_str(),
        o.code,
        o.name_zh,
        o.id
    );
    Ok(ExitCode::SUCCESS)
}

/// Use-case errors with their field-level reasons, for the terminal.
pub fn describe(e: jingwu_app::AppError) -> anyhow::Error {
    match &e {
        jingwu_app::AppError::Validation(fields) => {
            let lines: Vec<String> = fields
                .iter()
                .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.reason))
                .collect();
            anyhow::anyhow!("{}", lines.join("; "))
        }
        _ => anyhow::anyhow!("{e}"),
    }
}
