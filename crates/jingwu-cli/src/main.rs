//! `jingwu`: the server and the operator's command line.

mod config;
mod load_bench;
mod ops;
mod road_network;
mod routing_cmd;
mod serve;
mod simulate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "jingwu",
    version,
    about = "Jingwu (警务): public-security online services and real-time command"
)]
struct Cli {
    /// Configuration file (default: ./jingwu.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
    /// Run the server with the demo city loaded (created on first start) and print the demo logins.
    Demo(serve::ServeArgs),
    /// Apply database migrations and exit.
    Migrate(config::DbArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(ops::UserCommand),
    /// Manage the jurisdiction tree.
    #[command(subcommand)]
    Org(ops::OrgCommand),
    /// Inspect the tamper-evident audit log.
    #[command(subcommand)]
    Audit(ops::AuditCommand),
    /// Drive simulated terminals and incidents against a server on this machine; report push latency.
    Simulate(simulate::SimulateArgs),
    #[command(flatten)]
    Routing(routing_cmd::RoutingCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap renders them.
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        // Usage errors: one line saying what was wrong and where (clap's first paragraph,
        // without the usage and tips that follow it).
        Err(e) => {
            let rendered = e.to_string();
            let first: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            eprintln!("{}", first.join(" "));
            return ExitCode::from(2);
        }
    };
    match run(cli.config.as_deref(), cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::FAILURE
        }
    }
}

fn run(config_file: Option<&std::path::Path>, cmd: Command) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cmd {
            Command::Serve(args) => serve::run(config_file, args, false).await,
            Command::Demo(args) => serve::run(config_file, args, true).await,
            Command::Migrate(db) => ops::migrate(config_file, db).await,
            Command::User(c) => ops::user(config_file, c).await,
            Command::Org(c) => ops::org(config_file, c).await,
            Command::Audit(c) => ops::audit(config_file, c).await,
            Command::Simulate(a) => simulate::run(a).await,
            // `bench push` and `bench avl` load a server on this machine from the runtime.
            Command::Routing(routing_cmd::RoutingCommand::Bench(b)) => match *b {
                routing_cmd::BenchCommand::Push(a) => load_bench::push(a).await,
                routing_cmd::BenchCommand::Avl(a) => load_bench::avl(a).await,
                other => routing_cmd::run(routing_cmd::RoutingCommand::Bench(Box::new(other)))
                    .map(|()| ExitCode::SUCCESS),
            },
            // Synchronous and CPU-bound; nothing else runs on the runtime meanwhile.
            Command::Routing(c) => routing_cmd::run(c).map(|()| ExitCode::SUCCESS),
        }
    })
}

/// An error and its causes on one line, each fact once. Many error types (ours and sqlx's)
/// put their cause's text into their own message *and* return it as `source()`, so `{:#}`
/// would say a PostgreSQL error three times; a cause whose text is already on the line is
/// left out.
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(text.as_str()) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_said_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = anyhow::Error::new(jingwu_store::StoreError::Sqlx(sqlx::Error::Io(io)))
            .context("cannot open the database postgres://h/db");
        let line = error_chain(&e);
        assert_eq!(line.matches("refused").count(), 1, "{line}");
        assert!(line.starts_with("cannot open the database postgres://h/db: "), "{line}");
        // Causes that add something are kept.
        let e = anyhow::anyhow!("disk full").context("cannot write x.csv");
        assert_eq!(error_chain(&e), "cannot write x.csv: disk full");
    }
}
