//! `jingwu bench traffic`: the payment notification path, the late fee and the points ledger,
//! each beside a peer measured in the same run (not a test; figures go to
//! docs/benchmarks.md).
//!
//! On a fresh database (SQLite in a temporary directory, or an empty PostgreSQL database) it
//! loads the demo city with its traffic records (48 citizens registered online) and, for each
//! timed batch, records `--orders` camera violations on those citizens' vehicles, has each
//! driver accept theirs and open a sandbox order (all through the public use cases), and signs
//! the sandbox channel's notification for every order. Then, per run and in turn:
//! - ours: `Payments::notify("sandbox", …)` settles the batch, one notification at a time and
//!   with `--concurrency` tasks; the same notifications sent again take the idempotent path;
//! - the peer: the same settlement without our service, in its best usual form with sqlx's
//!   native driver on the same database — verify the RSA2 signature, then in one transaction a
//!   conditional `UPDATE` of the order (`… WHERE status = 'pending' AND amount_fen = … AND
//!   expires_at >= … RETURNING subject_id`) and an `UPDATE` of the violation; a repeat finds no
//!   pending row and compares the trade number. No audit entry, no scoping, no kernel.
//!
//! After the runs every order's settlement is counted (paid once, by its own trade; one audit
//! entry per order ours settled). The pure figures follow: RSA2 verification alone, the late
//! fee against a reference written with `jiff` date arithmetic and f64 percent, and the points
//! ledger against a naive ledger that walks cycles from the first issue for every decision;
//! both peers' answers are compared with ours on every input and the mismatches printed.

use std::collections::{BTreeMap, HashSet};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, bail};
use jiff::civil::Date;
use jiff::{Span, ToSpan};
use jingwu_app::{App, NewViolation, NotifyOutcome, RequestCtx, SANDBOX};
use jingwu_core::Principal;
use jingwu_payments::channel::{RsaPrivateKey, RsaPublicKey};
use jingwu_routing::SplitMix64;
use jingwu_traffic::points::{Decision, PointsFacts, Reduction, ReductionMethod};
use jingwu_traffic::{Fen, LicenceStatus};
use tokio::time::Instant;

use crate::bench_stats::median_p95;

#[derive(Debug, clap::Args)]
pub struct TrafficArgs {
    /// Database to fill: a new SQLite file or an empty PostgreSQL database [default: a SQLite
    /// file in a temporary directory].
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
    /// Pending orders settled per run by each method (1..=5,000).
    #[arg(long, default_value_t = 500)]
    pub orders: usize,
    /// Concurrent tasks of the concurrent figures (1..=64).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Timed runs of each figure, after one warm-up run (1..=100).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Late-fee inputs per run (1..=10,000,000).
    #[arg(long, default_value_t = 200_000)]
    pub calls: usize,
    /// Drivers per run of the points figures, for each number of decisions (1..=1,000,000).
    #[arg(long, default_value_t = 2_000)]
    pub drivers: usize,
}

/// Median and 95th percentile (nearest rank).
/// One timed figure: batch (or pass) times in seconds, per-call latencies in seconds.
#[derive(Default)]
struct Figure {
    batches: Vec<f64>,
    latencies: Vec<f64>,
    /// `Busy` answers, each followed by the same notification again (counted in the time).
    busy: usize,
}

impl Figure {
    /// Calls per second at the median batch time, and at the 95th-percentile (slow) batch time.
    fn rate(&self, per_batch: usize) -> (f64, f64) {
        let (m, p) = median_p95(self.batches.clone());
        (per_batch as f64 / m, per_batch as f64 / p)
    }
}

/// Awaits `$call` again while the kernel answers `Busy` (on PostgreSQL: a serializable
/// transaction that lost to concurrent ones at every one of its attempts), counting the
/// answers in `$busy` — as a payment channel resends a notification that was not acknowledged.
macro_rules! until_not_busy {
    ($busy:expr, $call:expr) => {
        loop {
            match $call.await {
                Err(jingwu_app::AppError::Busy) => $busy += 1,
                r => break r,
            }
        }
    };
}

/// The demo citizens who can take more violations: principal and plate.
struct Driver {
    who: Principal,
    plate: String,
}

/// A pending order and the channel's signed notification for it.
struct Pending {
    order_id: String,
    params: BTreeMap<String, String>,
}

async fn principal(app: &App, username: &str) -> anyhow::Result<Principal> {
    let mut conn = app.kernel().read().await.map_err(crate::ops::describe)?;
    let u = jingwu_store::foundation::users::by_username(&mut conn, username)
        .await?
        .with_context(|| format!("the demo account {username}"))?;
    Ok(Principal {
        user_id: u.user.id.to_string(),
        username: u.user.username.clone(),
        role: u.user.role,
        org_id: u.user.org_id.to_string(),
        org_path: u.org_path.clone(),
    })
}

/// Everything the batches are made from.
struct Setup {
    app: App,
    clerk: Principal,
    drivers: Vec<Driver>,
    channel_key: RsaPrivateKey,
    app_id: String,
    next_trade: AtomicUsize,
}

impl Setup {
    /// `n` decided violations with pending sandbox orders and their signed notifications,
    /// made through the use cases by `tasks` concurrent tasks (not timed).
    async fn batch(self: &Arc<Self>, n: usize, tasks: usize) -> anyhow::Result<Vec<Pending>> {
        let next = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..tasks.max(1) {
            let (s, next) = (self.clone(), next.clone());
            handles.push(tokio::spawn(async move {
                let mut out = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    out.push(s.one(i).await?);
                }
                anyhow::Ok(out)
            }));
        }
        let mut all = Vec::with_capacity(n);
        for h in handles {
            all.extend(h.await??);
        }
        Ok(all)
    }

    async fn one(&self, i: usize) -> anyhow::Result<Pending> {
        let d = crate::ops::describe;
        let ctx = RequestCtx::cli();
        let t = self.app.traffic();
        let driver = &self.drivers[i % self.drivers.len()];
        let now = self.app.kernel().now_us();
        let mut busy = 0usize;
        let v = until_not_busy!(
            busy,
            t.record_violation(
                &self.clerk,
                &NewViolation {
                    plate: driver.plate.clone(),
                    // Illegal parking: no points, so no driver reaches a full score.
                    code: "10390".into(),
                    place: "中山西路与望京路交叉口".into(),
                    lat: 29.8702,
                    lon: 121.5512,
                    occurred_at_us: now - 3_600_000_000,
                    source: "camera".into(),
                },
                &ctx,
            )
        )
        .map_err(d)?;
        let id = v.violation.id;
        until_not_busy!(busy, t.accept_violation(&driver.who, &id, &ctx)).map_err(d)?;
        let checkout =
            until_not_busy!(busy, t.pay_violation(&driver.who, &id, SANDBOX, &ctx)).map_err(d)?;
        black_box(busy);
        let order = checkout.order;
        let trade = self.next_trade.fetch_add(1, Ordering::Relaxed);
        let mut p = BTreeMap::new();
        p.insert("app_id".to_owned(), self.app_id.clone());
        p.insert("out_trade_no".to_owned(), order.id.as_str().to_owned());
        p.insert("trade_no".to_owned(), format!("BENCH{trade:08}"));
        p.insert(
            "total_amount".to_owned(),
            jingwu_payments::yuan_text(order.amount),
        );
        p.insert("trade_status".to_owned(), "TRADE_SUCCESS".to_owned());
        p.insert(
            "gmt_payment".to_owned(),
            jingwu_payments::beijing_time_text(self.app.kernel().now_us()),
        );
        p.insert("sign_type".to_owned(), "RSA2".to_owned());
        // The sandbox's own key, as `Payments::sandbox_sign` signs (read once, not per order).
        let key = self.channel_key.clone();
        let p = tokio::task::spawn_blocking(move || {
            let sign = jingwu_payments::channel::sign_rsa2(&key, &p);
            let mut p = p;
            p.insert("sign".to_owned(), sign);
            p
        })
        .await?;
        Ok(Pending {
            order_id: order.id.as_str().to_owned(),
            params: p,
        })
    }
}

/// The peer: sqlx's native driver on the same database.
enum PeerPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

struct Peer {
    pool: PeerPool,
    key: RsaPublicKey,
    app_id: String,
}

/// A notification as the peer reads it.
struct PeerNotice {
    out_trade_no: String,
    trade_no: String,
    amount_fen: i64,
    paid_at: i64,
    paid_on: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PeerOutcome {
    Settled,
    AlreadySettled,
    Rejected,
}

/// `"200.00"` → 20000 fen.
fn yuan_to_fen(s: &str) -> Option<i64> {
    let (yuan, fen) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    if fen.len() > 2 || !fen.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let fen: i64 = format!("{fen:0<2}").parse().ok()?;
    yuan.parse::<i64>().ok()?.checked_mul(100)?.checked_add(fen)
}

fn peer_parse(p: &BTreeMap<String, String>, app_id: &str) -> Option<PeerNotice> {
    if p.get("app_id")? != app_id {
        return None;
    }
    if !matches!(
        p.get("trade_status")?.as_str(),
        "TRADE_SUCCESS" | "TRADE_FINISHED"
    ) {
        return None;
    }
    let dt = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", p.get("gmt_payment")?).ok()?;
    let paid_at = jiff::tz::offset(8).to_timestamp(dt).ok()?.as_microsecond();
    Some(PeerNotice {
        out_trade_no: p.get("out_trade_no")?.clone(),
        trade_no: p.get("trade_no")?.clone(),
        amount_fen: yuan_to_fen(p.get("total_amount")?)?,
        paid_at,
        paid_on: dt.date().to_string(),
    })
}

const PEER_SETTLE_ORDER: &str = "UPDATE payment_orders SET status = 'paid', trade_no = $1, \
     paid_at = $2, settled_at = $3 WHERE id = $4 AND status = 'pending' AND amount_fen = $5 \
     AND expires_at >= $6 RETURNING subject_id";
const PEER_PAY_VIOLATION: &str = "UPDATE traffic_violations SET status = 'paid', paid_at = $1, \
     paid_on = $2 WHERE id = $3 AND status = 'decided'";
const PEER_TRADE_OF: &str = "SELECT trade_no FROM payment_orders WHERE id = $1";

/// One transaction of the peer, the same text for both native drivers.
macro_rules! peer_tx {
    ($pool:expr, $begin:expr, $n:expr, $now:expr) => {{
        let n = $n;
        let mut tx = $pool.begin_with($begin).await?;
        let subject: Option<(String,)> = sqlx::query_as(PEER_SETTLE_ORDER)
            .bind(&n.trade_no)
            .bind(n.paid_at)
            .bind($now)
            .bind(&n.out_trade_no)
            .bind(n.amount_fen)
            .bind(n.paid_at)
            .fetch_optional(&mut *tx)
            .await?;
        let outcome = match subject {
            Some((violation,)) => {
                sqlx::query(PEER_PAY_VIOLATION)
                    .bind(n.paid_at)
                    .bind(&n.paid_on)
                    .bind(&violation)
                    .execute(&mut *tx)
                    .await?;
                PeerOutcome::Settled
            }
            None => {
                let trade: Option<(Option<String>,)> = sqlx::query_as(PEER_TRADE_OF)
                    .bind(&n.out_trade_no)
                    .fetch_optional(&mut *tx)
                    .await?;
                match trade {
                    Some((Some(t),)) if t == n.trade_no => PeerOutcome::AlreadySettled,
                    _ => PeerOutcome::Rejected,
                }
            }
        };
        tx.commit().await?;
        outcome
    }};
}

impl Peer {
    async fn settle(&self, p: &BTreeMap<String, String>, now: i64) -> anyhow::Result<PeerOutcome> {
        if !jingwu_payments::channel::verify_rsa2(&self.key, p) {
            return Ok(PeerOutcome::Rejected);
        }
        let Some(n) = peer_parse(p, &self.app_id) else {
            return Ok(PeerOutcome::Rejected);
        };
        Ok(match &self.pool {
            PeerPool::Sqlite(pool) => peer_tx!(pool, "BEGIN IMMEDIATE", &n, now),
            PeerPool::Postgres(pool) => peer_tx!(pool, "BEGIN", &n, now),
        })
    }

    async fn scalar(&self, sql: &str) -> anyhow::Result<i64> {
        Ok(match &self.pool {
            PeerPool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
            PeerPool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await?,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Ours,
    Peer,
}

/// Sends every notification of `batch` with `tasks` concurrent tasks; returns the batch time
/// and each call's latency, and fails unless every call had the expected outcome.
async fn send(
    app: &App,
    peer: &Arc<Peer>,
    who: Who,
    batch: &Arc<Vec<Pending>>,
    tasks: usize,
    repeat: bool,
) -> anyhow::Result<(f64, Vec<f64>, usize)> {
    let next = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks.max(1) {
        let (app, peer, batch, next) = (app.clone(), peer.clone(), batch.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let (mut lat, mut busy) = (Vec::new(), 0usize);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = batch.get(i) else { break };
                let t = Instant::now();
                let ok = match who {
                    Who::Ours => {
                        let r = until_not_busy!(
                            busy,
                            app.payments()
                                .notify(SANDBOX, &p.params, &RequestCtx::cli())
                        )
                        .map_err(crate::ops::describe)?;
                        matches!(
                            (repeat, r),
                            (false, NotifyOutcome::Settled(_))
                                | (true, NotifyOutcome::AlreadySettled(_))
                        )
                    }
                    Who::Peer => {
                        let now = app.kernel().now_us();
                        let r = peer.settle(&p.params, now).await?;
                        r == if repeat {
                            PeerOutcome::AlreadySettled
                        } else {
                            PeerOutcome::Settled
                        }
                    }
                };
                lat.push(t.elapsed().as_secs_f64());
                if !ok {
                    bail!("order {}: unexpected outcome", p.order_id);
                }
            }
            anyhow::Ok((lat, busy))
        }));
    }
    let (mut lat, mut busy) = (Vec::with_capacity(batch.len()), 0);
    for h in handles {
        let (l, b) = h.await??;
        lat.extend(l);
        busy += b;
    }
    Ok((t0.elapsed().as_secs_f64(), lat, busy))
}

// ---- the late fee ----------------------------------------------------------------------------

/// The reference: the same rule written the obvious way, `jiff` date arithmetic per call and
/// the percentage in f64, rounded down to the fen and capped at the fine.
fn late_fee_reference(fine: i64, served_on: Date, paid_on: Date) -> (Date, i64, i64, i64) {
    let deadline = served_on.saturating_add(15.days());
    let days_late = paid_on
        .since(deadline)
        .map(|s| i64::from(s.get_days()))
        .unwrap_or(0)
        .max(0);
    let surcharge = if fine <= 0 {
        0
    } else {
        let percent = 3.0 * days_late as f64;
        ((fine as f64 * percent / 100.0).floor() as i64).min(fine)
    };
    (
        deadline,
        days_late,
        surcharge,
        fine.saturating_add(surcharge),
    )
}

fn late_fee_inputs(n: usize) -> Vec<(Fen, Date, Date)> {
    let mut rng = SplitMix64::new(20_270_111);
    let base = jiff::civil::date(2020, 1, 1);
    const FINES: &[i64] = &[5_000, 10_000, 15_000, 20_000, 50_000, 100_000, 200_000];
    (0..n)
        .map(|_| {
            let fine = match rng.below(20) {
                0 => 0,
                1 => -(rng.below(10_000) as i64),
                2..=7 => 1 + rng.below(300_000) as i64,
                _ => FINES[rng.below(FINES.len() as u64) as usize],
            };
            let served = base.saturating_add(Span::new().days(rng.below(3_650) as i64));
            let paid = served.saturating_add(Span::new().days(rng.below(200) as i64 - 30));
            (Fen(fine), served, paid)
        })
        .collect()
}

// ---- the points ledger -----------------------------------------------------------------------

/// What the naive ledger answers, in the same terms as ours.
#[derive(Debug, PartialEq, Eq)]
struct Ledger {
    cycle: u32,
    recorded: u32,
    reduced: u32,
    balance: u32,
    carried: u32,
    counted: Vec<String>,
}

/// The cycle `day` falls in, found by walking cycle starts from the first issue:
/// (index, start, end).
fn naive_cycle(first: Date, day: Date) -> Option<(u32, Date, Date)> {
    if day < first {
        return None;
    }
    let mut i = 0u32;
    loop {
        let start = first.saturating_add(Span::new().years(i64::from(i)));
        let end = first.saturating_add(Span::new().years(i64::from(i) + 1));
        if day < end {
            return Some((i, start, end));
        }
        i += 1;
    }
}

/// The naive ledger: for every decision its cycle is found from the first issue again, and a
/// decision from an earlier cycle is checked at every cycle end since.
fn points_naive(f: &PointsFacts<'_>) -> Option<Ledger> {
    let (cycle, start, end) = naive_cycle(f.first_issue, f.today)?;
    let after_clearing = |day: Date| f.full_score_cleared_on.is_none_or(|c| day > c);
    let mut seen = HashSet::new();
    let (mut recorded, mut carried) = (0u32, 0u32);
    let mut counted = Vec::new();
    for d in f.decisions {
        if d.revoked || !seen.insert(d.violation_id.as_str()) {
            continue;
        }
        if d.decided_on > f.today || !after_clearing(d.decided_on) {
            continue;
        }
        let Some((decided_in, _, _)) = naive_cycle(f.first_issue, d.decided_on) else {
            continue;
        };
        let p = u32::from(d.points);
        if decided_in == cycle {
            recorded += p;
        } else {
            let carried_every_end = (decided_in..cycle).all(|k| {
                let end_k = f
                    .first_issue
                    .saturating_add(Span::new().years(i64::from(k) + 1));
                d.deadline < end_k && d.paid_on.is_none_or(|paid| paid >= end_k)
            });
            if !carried_every_end {
                continue;
            }
            recorded += p;
            carried += p;
        }
        counted.push(d.violation_id.clone());
    }
    let reduced: u32 = f
        .reductions
        .iter()
        .filter(|r| {
            start <= r.granted_on
                && r.granted_on < end
                && r.granted_on <= f.today
                && after_clearing(r.granted_on)
        })
        .map(|r| u32::from(r.points))
        .sum();
    let balance = recorded.saturating_sub(reduced);
    Some(Ledger {
        cycle,
        recorded,
        reduced,
        balance,
        carried,
        counted,
    })
}

struct DriverFacts {
    first_issue: Date,
    today: Date,
    decisions: Vec<Decision>,
    reductions: Vec<Reduction>,
    cleared: Option<Date>,
}

impl DriverFacts {
    fn facts(&self) -> PointsFacts<'_> {
        PointsFacts {
            first_issue: self.first_issue,
            today: self.today,
            decisions: &self.decisions,
            reductions: &self.reductions,
            full_score_cleared_on: self.cleared,
        }
    }
}

/// Drivers with `k` decisions spread over their last four or so cycles: some paid in time,
/// some late, some never, a few revoked, repeated or not yet on the record; a few reductions,
/// and now and then a full score cleared.
fn points_inputs(n: usize, k: usize, seed: u64) -> Vec<DriverFacts> {
    let mut rng = SplitMix64::new(seed);
    let days = |d: Date, n: i64| d.saturating_add(Span::new().days(n));
    (0..n)
        .map(|i| {
            let first_issue = if i % 50 == 7 {
                jiff::civil::date(2012, 2, 29)
            } else {
                days(jiff::civil::date(2000, 1, 1), rng.below(7_300) as i64)
            };
            let today = days(first_issue, 1_100 + rng.below(4_000) as i64);
            let decisions = (0..k)
                .map(|_| {
                    let decided_on = if rng.below(40) == 0 {
                        days(today, 1 + rng.below(30) as i64)
                    } else {
                        days(today, -(rng.below(4 * 365 + 100) as i64))
                    };
                    let deadline = days(decided_on, 15);
                    let paid_on = match rng.below(10) {
                        0..=3 => None,
                        4..=7 => Some(days(decided_on, rng.below(15) as i64)),
                        _ => Some(days(deadline, 1 + rng.below(400) as i64)),
                    };
                    Decision {
                        violation_id: format!("v{}", rng.below((k as u64 * 9 / 10).max(1))),
                        points: [0, 1, 3, 6, 9, 12][rng.below(6) as usize],
                        decided_on,
                        deadline,
                        paid_on,
                        revoked: rng.below(20) == 0,
                    }
                })
                .collect();
            let reductions = (0..rng.below(4))
                .map(|_| Reduction {
                    points: 1 + rng.below(2) as u8,
                    granted_on: days(today, -(rng.below(500) as i64)),
                    method: ReductionMethod::OnlineStudy,
                })
                .collect();
            let cleared = (rng.below(10) == 0).then(|| days(today, -(rng.below(800) as i64)));
            DriverFacts {
                first_issue,
                today,
                decisions,
                reductions,
                cleared,
            }
        })
        .collect()
}

/// Times `runs` passes (after one warm-up pass) of `f`, in seconds.
fn passes(runs: usize, mut f: impl FnMut() -> u64) -> Vec<f64> {
    black_box(f());
    (0..runs)
        .map(|_| {
            let t = std::time::Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect()
}

fn ns_per_call(times: &[f64], calls: usize) -> (f64, f64) {
    let (m, p) = median_p95(times.to_vec());
    (m * 1e9 / calls as f64, p * 1e9 / calls as f64)
}

pub async fn run(a: TrafficArgs) -> anyhow::Result<ExitCode> {
    if !(1..=5_000).contains(&a.orders)
        || !(1..=64).contains(&a.concurrency)
        || !(1..=100).contains(&a.runs)
        || !(1..=10_000_000).contains(&a.calls)
        || !(1..=1_000_000).contains(&a.drivers)
    {
        bail!(
            "--orders must be 1..=5000, --concurrency 1..=64, --runs 1..=100, --calls \
             1..=10000000 and --drivers 1..=1000000"
        );
    }
    let dir = tempfile::tempdir()?;
    let database = a
        .database
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/traffic-bench.db", dir.path().display()));
    let cfg = crate::config::Config {
        database: database.clone(),
        media_dir: dir.path().join("media").display().to_string(),
        audit_key_file: dir.path().join("key").display().to_string(),
        ..crate::config::Config::default()
    };
    let cfg = crate::config::Config {
        db_max_connections: cfg.db_max_connections.max(a.concurrency as u32),
        ..cfg
    };
    let app = crate::config::open_app(&cfg).await?;
    let d = crate::ops::describe;
    let t0 = Instant::now();
    if !app.seed_demo().await.map_err(d)?.created {
        bail!("the database must be empty");
    }
    let demo = app.seed_demo_traffic().await.map_err(d)?;
    eprintln!(
        "seeded the demo city: {} drivers, {} violations ({} paid online) in {:.1} s",
        demo.drivers,
        demo.violations,
        demo.paid_online,
        t0.elapsed().as_secs_f64()
    );

    // The citizens registered online (and the demo `citizen`) whose licence is valid.
    let mut drivers = Vec::new();
    let mut usernames = vec!["citizen".to_owned()];
    usernames.extend((2..50).map(|n| format!("1380000{:04}", 100 + n)));
    for u in &usernames {
        let who = principal(&app, u).await?;
        let profile = app.traffic().my_profile(&who).await.map_err(d)?;
        let valid = profile
            .licence
            .as_ref()
            .is_some_and(|l| l.status == LicenceStatus::Valid);
        if let (true, Some(v)) = (valid, profile.vehicles.first()) {
            drivers.push(Driver {
                who,
                plate: v.plate.clone(),
            });
        }
    }
    if drivers.is_empty() {
        bail!("no demo citizen with a valid licence and a vehicle");
    }
    let mut conn = app.kernel().read().await.map_err(d)?;
    let channel = jingwu_store::payments::channel(&mut conn, SANDBOX)
        .await?
        .context("the sandbox channel")?;
    drop(conn);
    let channel_key = jingwu_payments::channel::private_key_from_pem(
        channel.channel_private_pem.as_deref().unwrap_or_default(),
    )
    .map_err(|e| anyhow::anyhow!("sandbox channel key: {e}"))?;
    let public_key = jingwu_payments::channel::public_key_from_pem(&channel.channel_public_pem)
        .map_err(|e| anyhow::anyhow!("sandbox channel public key: {e}"))?;
    let setup = Arc::new(Setup {
        app: app.clone(),
        clerk: principal(&app, "traffic").await?,
        drivers,
        channel_key,
        app_id: channel.app_id.clone(),
        next_trade: AtomicUsize::new(0),
    });

    let postgres = database.starts_with("postgres");
    let pool = if postgres {
        PeerPool::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(a.concurrency as u32)
                .connect(&database)
                .await?,
        )
    } else {
        let path = database.trim_start_matches("sqlite://");
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path.split('?').next().unwrap_or(path))
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        PeerPool::Sqlite(
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(a.concurrency as u32)
                .connect_with(opts)
                .await?,
        )
    };
    let peer = Arc::new(Peer {
        pool,
        key: public_key.clone(),
        app_id: channel.app_id.clone(),
    });

    // Four settling methods per run, interleaved so that the database's growth over the
    // runs weighs on each alike; each settled batch is then sent again (the repeats).
    let methods = [
        ("ours, sequential", Who::Ours, 1),
        ("peer, sequential", Who::Peer, 1),
        ("ours, concurrent", Who::Ours, a.concurrency),
        ("peer, concurrent", Who::Peer, a.concurrency),
    ];
    let mut settled: Vec<Figure> = methods.iter().map(|_| Figure::default()).collect();
    let mut repeated: Vec<Figure> = methods.iter().map(|_| Figure::default()).collect();
    let (mut ours_orders, mut all_orders) = (0usize, 0usize);
    let bench_start = app.kernel().now_us();
    let t_setup = Instant::now();
    let mut setup_s = 0.0;
    for run in 0..=a.runs {
        let warm = run > 0;
        let n = if warm { a.orders } else { a.orders.min(100) };
        for (m, (name, who, tasks)) in methods.iter().enumerate() {
            let t = Instant::now();
            let batch = Arc::new(setup.batch(n, a.concurrency.max(2)).await?);
            setup_s += t.elapsed().as_secs_f64();
            let (secs, lat, busy) = send(&app, &peer, *who, &batch, *tasks, false)
                .await
                .with_context(|| format!("{name}: settling"))?;
            let (rsecs, rlat, rbusy) = send(&app, &peer, *who, &batch, *tasks, true)
                .await
                .with_context(|| format!("{name}: repeats"))?;
            all_orders += n;
            if *who == Who::Ours {
                ours_orders += n;
            }
            if warm {
                settled[m].batches.push(secs);
                settled[m].latencies.extend(lat);
                settled[m].busy += busy;
                repeated[m].batches.push(rsecs);
                repeated[m].latencies.extend(rlat);
                repeated[m].busy += rbusy;
            }
        }
        eprintln!(
            "run {run}{} done ({:.0} s, of which making orders {:.0} s)",
            if warm { "" } else { " (warm-up)" },
            t_setup.elapsed().as_secs_f64(),
            setup_s
        );
    }

    // Every order paid once, by its own trade; ours wrote one settlement entry per order.
    let bench_orders = peer
        .scalar(&format!(
            "SELECT COUNT(*) FROM payment_orders WHERE created_at >= {bench_start}"
        ))
        .await?;
    let paid = peer
        .scalar(
            "SELECT COUNT(*) FROM payment_orders WHERE status = 'paid' AND trade_no LIKE 'BENCH%'",
        )
        .await?;
    let violations_paid = peer
        .scalar(
            "SELECT COUNT(*) FROM traffic_violations v JOIN payment_orders p ON p.subject_id = v.id \
             WHERE p.trade_no LIKE 'BENCH%' AND v.status = 'paid' AND v.paid_at = p.paid_at",
        )
        .await?;
    let entries = "SELECT object_id FROM audit_log WHERE action = 'payments.order.settle' \
         UNION ALL SELECT object_id FROM audit_inbox WHERE action = 'payments.order.settle'";
    let settle_entries = peer
        .scalar(&format!(
            "SELECT COUNT(*) FROM ({entries}) e JOIN payment_orders p ON p.id = e.object_id \
             WHERE p.trade_no LIKE 'BENCH%'"
        ))
        .await?;
    let settle_objects = peer
        .scalar(&format!(
            "SELECT COUNT(DISTINCT e.object_id) FROM ({entries}) e JOIN payment_orders p \
             ON p.id = e.object_id WHERE p.trade_no LIKE 'BENCH%'"
        ))
        .await?;

    // RSA2 verification alone, on one notification of the last batch.
    let sample = setup.batch(1, 1).await?.remove(0).params;
    let verifies = 1_000;
    let t_rsa = passes(a.runs, || {
        (0..verifies)
            .map(|_| u64::from(jingwu_payments::channel::verify_rsa2(&public_key, &sample)))
            .sum()
    });
    if !jingwu_payments::channel::verify_rsa2(&public_key, &sample) {
        bail!("the sample notification does not verify");
    }

    // The late fee.
    let inputs = late_fee_inputs(a.calls);
    let late_mismatches = inputs
        .iter()
        .filter(|(fine, served, paid)| {
            let ours = jingwu_traffic::late_fee(*fine, *served, *paid);
            (
                ours.deadline,
                ours.days_late,
                ours.surcharge_fen.0,
                ours.amount_due_fen.0,
            ) != late_fee_reference(fine.0, *served, *paid)
        })
        .count();
    let t_late = passes(a.runs, || {
        inputs.iter().fold(0u64, |acc, &(fine, served, paid)| {
            let f = jingwu_traffic::late_fee(black_box(fine), black_box(served), black_box(paid));
            acc.wrapping_add(f.surcharge_fen.0 as u64)
        })
    });
    let t_late_ref = passes(a.runs, || {
        inputs.iter().fold(0u64, |acc, &(fine, served, paid)| {
            let f = late_fee_reference(black_box(fine.0), black_box(served), black_box(paid));
            acc.wrapping_add(f.2 as u64)
        })
    });

    // The points ledger, for drivers with 5 and with 50 decisions.
    let mut points_rows = Vec::new();
    for k in [5usize, 50] {
        let ds = points_inputs(a.drivers, k, 163 + k as u64);
        let mismatches = ds
            .iter()
            .filter(|df| {
                let f = df.facts();
                let ours = jingwu_traffic::points(&f).map(|p| Ledger {
                    cycle: p.cycle.index,
                    recorded: p.recorded,
                    reduced: p.reduced,
                    balance: p.balance,
                    carried: p.carried,
                    counted: p.counted,
                });
                ours != points_naive(&f)
            })
            .count();
        let carried = ds
            .iter()
            .filter_map(|df| jingwu_traffic::points(&df.facts()))
            .filter(|p| p.carried > 0)
            .count();
        let t_ours = passes(a.runs, || {
            ds.iter().fold(0u64, |acc, df| {
                let p = jingwu_traffic::points(black_box(&df.facts()));
                acc.wrapping_add(p.map_or(0, |p| u64::from(p.balance)))
            })
        });
        let t_naive = passes(a.runs, || {
            ds.iter().fold(0u64, |acc, df| {
                let p = points_naive(black_box(&df.facts()));
                acc.wrapping_add(p.map_or(0, |p| u64::from(p.balance)))
            })
        });
        points_rows.push((k, mismatches, carried, t_ours, t_naive));
    }

    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    println!(
        "traffic payments on {backend}: {} orders per run and method, {} runs (after a warm-up \
         of {}), {} concurrent tasks",
        a.orders,
        a.runs,
        a.orders.min(100),
        a.concurrency
    );
    println!(
        "  {:<44} {:>10} {:>11} {:>11} {:>11} {:>6}",
        "notifications", "median /s", "p95 run /s", "lat median", "lat p95", "busy"
    );
    for (label, figs) in [
        ("settle", &settled),
        ("repeat (already settled)", &repeated),
    ] {
        for (m, (name, _, _)) in methods.iter().enumerate() {
            let (rm, rp) = figs[m].rate(a.orders);
            let (lm, lp) = median_p95(figs[m].latencies.clone());
            println!(
                "  {:<44} {rm:>10.0} {rp:>11.0} {:>8.2} ms {:>8.2} ms {:>6}",
                format!("{label}: {name}"),
                lm * 1e3,
                lp * 1e3,
                figs[m].busy
            );
        }
    }
    for (label, figs) in [("settle", &settled), ("repeat", &repeated)] {
        let ratio = |o: usize, p: usize| figs[p].rate(a.orders).0 / figs[o].rate(a.orders).0;
        println!(
            "  peer / ours (median), {label}: sequential {:.2}×, concurrent {:.2}×",
            ratio(0, 1),
            ratio(2, 3)
        );
    }
    println!(
        "  check: {bench_orders} orders made, {all_orders} sent; {paid} paid by their own \
         trade, {violations_paid} violations paid with them; ours settled {ours_orders}: \
         {settle_entries} settlement entries for {settle_objects} orders"
    );
    let (vm, vp) = ns_per_call(&t_rsa, verifies);
    println!(
        "  RSA2 verify alone (2048-bit)         median {:.1} µs  p95 {:.1} µs  ({:.0}/s on one core)",
        vm / 1e3,
        vp / 1e3,
        1e9 / vm
    );
    let (om, op) = ns_per_call(&t_late, inputs.len());
    let (rm, rp) = ns_per_call(&t_late_ref, inputs.len());
    println!(
        "  late fee (ours)                      median {om:.1} ns  p95 {op:.1} ns  ({:.2e} calls/s)",
        1e9 / om
    );
    println!(
        "  peer: jiff since + f64 percent       median {rm:.1} ns  p95 {rp:.1} ns  ({:.2e} calls/s)",
        1e9 / rm
    );
    println!(
        "  late fee peer / ours (median) {:.1}×; {late_mismatches} mismatches of {} inputs",
        rm / om,
        inputs.len()
    );
    for (k, mismatches, carried, t_ours, t_naive) in &points_rows {
        let (om, op) = ns_per_call(t_ours, a.drivers);
        let (nm, np) = ns_per_call(t_naive, a.drivers);
        println!(
            "  points, {k:>2} decisions (ours)          median {:.2} µs  p95 {:.2} µs  ({:.2e} calls/s)",
            om / 1e3,
            op / 1e3,
            1e9 / om
        );
        println!(
            "  peer: cycles walked per decision     median {:.2} µs  p95 {:.2} µs  ({:.2e} calls/s)",
            nm / 1e3,
            np / 1e3,
            1e9 / nm
        );
        println!(
            "  points peer / ours (median) {:.1}×; {mismatches} mismatches of {} drivers ({carried} with carried points)",
            nm / om,
            a.drivers
        );
    }
    let ok = paid as usize == all_orders
        && bench_orders as usize == all_orders
        && violations_paid as usize == all_orders
        && settle_entries as usize == ours_orders
        && settle_objects as usize == ours_orders
        && late_mismatches == 0
        && points_rows.iter().all(|r| r.1 == 0);
    if !ok {
        eprintln!("a check failed (see the counts above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
