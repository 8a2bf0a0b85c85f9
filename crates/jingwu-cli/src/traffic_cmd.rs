//! `jingwu traffic …`: the late-fee rule of traffic.md §3 (no database) and the daily
//! reconciliation of a payment channel's bill against the orders in a database. A stable
//! contract: JSON on stdout; bad input is one line on stderr and a non-zero exit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jingwu_payments::Fen;

use crate::config::DbArgs;

#[derive(Debug, clap::Subcommand)]
pub enum TrafficCommand {
    /// The late fee of a fine: prints {"deadline","days_late","surcharge_fen","amount_due_fen"}.
    /// 3% of the fine per calendar day after the 15-day deadline (the day of service not
    /// counted), capped at the fine.
    LateFee(LateFeeArgs),
    /// Compare a payment channel's bill (CSV: trade_no,out_trade_no,amount,status) with our
    /// orders; prints the mismatches as a JSON array (empty when all agree).
    Reconcile(ReconcileArgs),
}

#[derive(Debug, clap::Args)]
pub struct LateFeeArgs {
    /// The fine in fen (¥200 = 20000).
    #[arg(long, allow_negative_numbers = true)]
    fine_fen: i64,
    /// The date the penalty decision was served, YYYY-MM-DD.
    #[arg(long)]
    served_on: String,
    /// The date of payment, YYYY-MM-DD.
    #[arg(long)]
    paid_on: String,
}

#[derive(Debug, clap::Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The channel's statement (CSV with a header line).
    #[arg(long)]
    bill: PathBuf,
    /// The channel the bill is from.
    #[arg(long, default_value = "sandbox")]
    channel: String,
    /// Compare the orders made on this date (YYYY-MM-DD, Asia/Shanghai) [default: the days
    /// of the orders the bill names].
    #[arg(long)]
    date: Option<String>,
}

fn date(flag: &str, s: &str) -> anyhow::Result<jiff::civil::Date> {
    s.parse()
        .with_context(|| format!("--{flag}: {s:?} is not a date as YYYY-MM-DD"))
}

pub async fn run(file: Option<&Path>, c: TrafficCommand) -> anyhow::Result<ExitCode> {
    match c {
        TrafficCommand::LateFee(a) => {
            anyhow::ensure!(a.fine_fen >= 0, "--fine-fen: a fine is not negative");
            let served = date("served-on", &a.served_on)?;
            let paid = date("paid-on", &a.paid_on)?;
            let fee = jingwu_traffic::late_fee(Fen(a.fine_fen), served, paid);
            println!("{}", serde_json::to_string(&fee)?);
            Ok(ExitCode::SUCCESS)
        }
        TrafficCommand::Reconcile(a) => {
            let day = a.date.as_deref().map(|d| date("date", d)).transpose()?;
            let bill = std::fs::read_to_string(&a.bill)
                .with_context(|| format!("--bill: cannot read {}", a.bill.display()))?;
            let app = crate::ops::open(file, &a.db).await?;
            let system = app.foundation().system_principal().await?;
            let found = app
                .payments()
                .reconcile(&system, &a.channel, day, &bill)
                .await
                .map_err(crate::ops::describe)?;
            println!("{}", serde_json::to_string_pretty(&found)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}
