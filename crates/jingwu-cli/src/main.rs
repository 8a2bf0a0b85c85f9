//! `jingwu`: the server and the operator's command line.

mod audit_bench;
mod audit_cmd;
mod bench_db;
mod bench_stats;
mod cases_bench;
mod command_cmd;
mod config;
mod geocode_bench;
mod hazmat_bench;
mod hazmat_cmd;
mod load_bench;
mod ops;
mod permits_bench;
mod road_network;
mod routing_cmd;
mod serve;
mod simulate;
mod tiles_bench;
mod traffic_bench;
mod traffic_cmd;

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "jingwu",
    version,
    about = "Jingwu (警务): public-security online services and real-time command"
)]
struct Cli {
    /// Configuration file (JINGWU_* variables and flags override it) [default: ./jingwu.toml
    /// when present].
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
    #[command(
        mut_arg("database", |a| a.help(config::database_help(config::DEMO_DATABASE))),
        mut_arg("road_network", |a| a.help(serve::road_network_help(serve::DEMO_ROAD_NETWORK)))
    )]
    Demo(serve::ServeArgs),
    /// Apply database migrations and exit.
    Migrate(config::DbArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(ops::UserCommand),
    /// Manage the jurisdiction tree.
    #[command(subcommand)]
    Org(ops::OrgCommand),
    /// 110 command: set up a bureau from files (sites, posts, units, shifts, key sites, areas).
    #[command(subcommand, name = "command")]
    Setup110(command_cmd::CommandCommand),
    /// The tamper-evident audit log: verify it, sign checkpoints, prove entries, export it.
    #[command(subcommand)]
    Audit(audit_cmd::AuditCommand),
    /// Hazmat models: plume and puff concentrations, threat zones (GeoJSON), CAP 1.2 alerts.
    #[command(subcommand)]
    Hazmat(hazmat_cmd::HazmatCommand),
    /// Traffic services: the late-fee rule, reconciliation of a payment channel's bill.
    #[command(subcommand)]
    Traffic(traffic_cmd::TrafficCommand),
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
        // No subcommand given (clap's derive asks for help then): the whole help with the list
        // of subcommands, on stderr, not the one-line form below.
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
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
            Command::Setup110(c) => command_cmd::run(config_file, c).await,
            Command::Audit(c) => audit_cmd::run(config_file, c).await,
            Command::Hazmat(c) => hazmat_cmd::run(c).map(|()| ExitCode::SUCCESS),
            Command::Traffic(c) => traffic_cmd::run(config_file, c).await,
            Command::Simulate(a) => simulate::run(a).await,
            // `bench push` and `bench avl` load a server on this machine from the runtime.
            Command::Routing(routing_cmd::RoutingCommand::Bench(b)) => match *b {
                routing_cmd::BenchCommand::Push(a) => load_bench::push(a).await,
                routing_cmd::BenchCommand::Avl(a) => load_bench::avl(a).await,
                routing_cmd::BenchCommand::AuditWrites(a) => audit_bench::writes(a).await,
                routing_cmd::BenchCommand::AuditLog(a) => audit_bench::log(a).await,
                routing_cmd::BenchCommand::HazmatZones(a) => hazmat_bench::zones(a).await,
                routing_cmd::BenchCommand::Traffic(a) => traffic_bench::run(a).await,
                routing_cmd::BenchCommand::Permits(a) => permits_bench::run(a).await,
                routing_cmd::BenchCommand::Cases(a) => cases_bench::run(a).await,
                routing_cmd::BenchCommand::Geocode(a) => geocode_bench::run(a).await,
                routing_cmd::BenchCommand::Tiles(a) => tiles_bench::run(a).await,
                other => routing_cmd::run(routing_cmd::RoutingCommand::Bench(Box::new(other)))
                    .map(|()| ExitCode::SUCCESS),
            },
            // Synchronous and CPU-bound; nothing else runs on the runtime meanwhile.
            Command::Routing(c) => routing_cmd::run(c).map(|()| ExitCode::SUCCESS),
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every subcommand with the path of names leading to it.
    fn walk<'a>(cmd: &'a clap::Command, path: &str, out: &mut Vec<(String, &'a clap::Command)>) {
        out.push((path.to_string(), cmd));
        // clap's own `help` subcommand mirrors the tree; it is not ours to document.
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    /// What a newcomer could not learn from `--help`, and how many arguments were looked at.
    fn undocumented(root: &clap::Command) -> (Vec<String>, usize) {
        let mut cmds = Vec::new();
        walk(root, root.get_name(), &mut cmds);
        let mut problems = Vec::new();
        let mut args_seen = 0;
        for (path, cmd) in &cmds {
            if cmd.get_about().is_none() && path != root.get_name() {
                problems.push(format!("{path}: subcommand without a description"));
            }
            if cmd.has_subcommands() && !cmd.is_arg_required_else_help_set() {
                problems.push(format!(
                    "{path}: without a subcommand it must list its subcommands"
                ));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                args_seen += 1;
                let name = arg
                    .get_long()
                    .map_or_else(|| format!("<{id}>"), |l| format!("--{l}"));
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                if help.trim().is_empty() {
                    problems.push(format!("{path} {name}: no description"));
                    continue;
                }
                // A switch is off unless given, and a required value has no default; any
                // other value shows its default, from clap or written as `[default: …]`.
                let takes_value = arg.get_num_args().is_none_or(|n| n.takes_values());
                if takes_value
                    && !arg.is_required_set()
                    && arg.get_default_values().is_empty()
                    && !help.contains("[default: ")
                {
                    problems.push(format!("{path} {name}: the help does not show the default"));
                }
            }
        }
        (problems, args_seen)
    }

    /// Future flags stay documented: an argument without a description, or an optional value
    /// whose default the help does not show, fails here.
    #[test]
    fn every_argument_says_what_it_is_and_its_default() {
        let mut root = Cli::command();
        // Fills in the global `--config` on every subcommand, as parsing does.
        root.build();
        let (problems, args_seen) = undocumented(&root);
        assert!(args_seen > 100, "the walk saw only {args_seen} arguments");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The check above is not vacuous: each rule catches its violation.
    #[test]
    fn the_walk_catches_what_help_does_not_say() {
        #[derive(Debug, Parser)]
        #[command(name = "bad")]
        struct Bad {
            #[command(subcommand)]
            cmd: BadCommand,
        }
        #[derive(Debug, clap::Subcommand)]
        enum BadCommand {
            /// Documented, but its flags are not.
            Run {
                #[arg(long)]
                quiet: bool,
                /// Where to write.
                #[arg(long)]
                out: Option<String>,
            },
            // Optional, so clap would not list the subcommands when none is given.
            Nested {
                #[command(subcommand)]
                cmd: Option<NestedCommand>,
            },
        }
        #[derive(Debug, clap::Subcommand)]
        enum NestedCommand {
            /// Documented leaf.
            Leaf,
        }
        let mut cmd = Bad::command();
        cmd.build();
        let (problems, _) = undocumented(&cmd);
        let text = problems.join("\n");
        assert!(text.contains("bad run --quiet: no description"), "{text}");
        assert!(
            text.contains("bad run --out: the help does not show the default"),
            "{text}"
        );
        assert!(
            text.contains("bad nested: subcommand without a description"),
            "{text}"
        );
        assert!(text.contains("bad nested: without a subcommand"), "{text}");
        assert_eq!(problems.len(), 4, "{text}");
    }

    #[test]
    fn a_cause_already_said_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = anyhow::Error::new(jingwu_store::StoreError::Sqlx(sqlx::Error::Io(io)))
            .context("cannot open the database postgres://h/db");
        let line = error_chain(&e);
        assert_eq!(line.matches("refused").count(), 1, "{line}");
        assert!(
            line.starts_with("cannot open the database postgres://h/db: "),
            "{line}"
        );
        // Causes that add something are kept.
        let e = anyhow::anyhow!("disk full").context("cannot write x.csv");
        assert_eq!(error_chain(&e), "cannot write x.csv: disk full");
    }
}
