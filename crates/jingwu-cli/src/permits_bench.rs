//! `jingwu bench permits`: bookings per second when many citizens book one slot at once, ours
//! beside a naive check-then-insert measured in the same run, and how many places the naive one
//! gives away that do not exist (not a test; figures go to docs/benchmarks.md).
//!
//! On a fresh database (SQLite in a temporary directory, or a database this command creates on
//! the PostgreSQL server named by `--database` and drops afterwards) it makes, through the
//! public use cases, the root of the org tree, one approval item, one office open every day
//! around the clock (60-minute slots of `--capacity` places, no minimum notice) with a window
//! serving the item, and `--clients` citizens registered with their real name and a mobile
//! number proved by its one-time code. Then, per round, each on a fresh slot (the next hour):
//! - ours: every citizen calls `Permits::book` once for the same slot at the same moment (web
//!   channel, a client key each) — the capacity is a conditional `UPDATE … WHERE booked <
//!   capacity - green_reserved` in the booking's transaction (`kernel.write_guarded`); exactly
//!   `--capacity` must be confirmed and the rest answered 409 `slot_full`, or the command fails;
//!   the confirmed appointments are then cancelled (not timed) so that the same citizens can
//!   book the next round;
//! - naive: the pattern of Easy!Appointments and cal.com (permits.md §3-4), in its best usual
//!   form with sqlx's native driver on the same database and a table of its own: the places
//!   taken are counted outside the write transaction (`SELECT COUNT(*) … WHERE slot_start =
//!   $1`), and when fewer than the capacity the booking is inserted in its own transaction
//!   (SQLite: a plain deferred `BEGIN`; PostgreSQL: the default read committed). Whatever it
//!   inserts beyond the capacity is an overbooking.
//!
//! The rate is attempts per second from the moment every client is released to the last
//! answer; the figure is the median over the rounds, after one warm-up round of each.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use jingwu_app::{
    App, AppError, NewBooking, NewCitizen, NewOffice, NewOrg, OtpPurpose, RequestCtx,
};
use jingwu_core::{Principal, Role};
use jingwu_permits::booking::Channel;
use jingwu_permits::catalogue::{Department, Field, FieldKind, Item, Material, PaperForm};
use jingwu_permits::records::{AppointmentId, OfficeId};
use jingwu_permits::schedule::{BookingWindow, DayPlan, WeekPlan};
use tokio::sync::Barrier;
use tokio::time::Instant;

/// The PostgreSQL server `--database` means when given without a value.
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";
/// The approval item booked.
const ITEM: &str = "BEN-001";
const HOUR_US: i64 = 3_600_000_000;

#[derive(Debug, clap::Args)]
pub struct PermitsArgs {
    /// PostgreSQL server to measure on: a fresh database is created there for the run and
    /// dropped after; `--database` alone means postgres://postgres@127.0.0.1:5432/test
    /// [default: SQLite in a temporary directory].
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = DEFAULT_POSTGRES)]
    pub database: Option<String>,
    /// Places in the slot everyone books (1..=500).
    #[arg(long, default_value_t = 10)]
    pub capacity: u32,
    /// Citizens booking the slot at the same moment, one attempt each (more than --capacity,
    /// at most 5,000).
    #[arg(long, default_value_t = 200)]
    pub clients: usize,
    /// Timed rounds of each method, each on a fresh slot, after one warm-up round (1..=100).
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Database connections of ours and, separately, of the naive peer (1..=64), as many as
    /// the server's `db_max_connections` by default.
    #[arg(long, default_value_t = 8)]
    pub connections: u32,
}

/// How one attempt was answered.
enum Answer {
    /// Ours: the citizen and their appointment (cancelled after the round). Naive: inserted.
    Confirmed(Option<(Principal, AppointmentId)>),
    /// Ours: 409 `slot_full`. Naive: the count said full, nothing inserted.
    Full,
    Error(String),
}

/// One round of one method.
#[derive(Default)]
struct Round {
    secs: f64,
    confirmed: usize,
    full: usize,
    /// Ours: `Busy` answers, each followed by the same request again (counted in the time).
    busy: usize,
    errors: Vec<String>,
    /// Rows (naive) or booked places (ours) in the slot afterwards, read from the database.
    in_db: i64,
}

impl Round {
    fn rate(&self, attempts: usize) -> f64 {
        attempts as f64 / self.secs
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The naive peer's own connections: sqlx's native driver on the same database.
enum Naive {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

const NAIVE_TABLE: &str = "CREATE TABLE bench_naive_bookings (id TEXT PRIMARY KEY, \
     slot_start BIGINT NOT NULL, citizen TEXT NOT NULL, item_code TEXT NOT NULL, \
     created_at BIGINT NOT NULL)";
const NAIVE_INDEX: &str =
    "CREATE INDEX bench_naive_bookings_slot ON bench_naive_bookings (slot_start)";
const NAIVE_COUNT: &str = "SELECT COUNT(*) FROM bench_naive_bookings WHERE slot_start = $1";
const NAIVE_INSERT: &str = "INSERT INTO bench_naive_bookings (id, slot_start, citizen, \
     item_code, created_at) VALUES ($1, $2, $3, $4, $5)";

/// The availability read on its own, then the insert in its own transaction (`begin()`:
/// SQLite's deferred `BEGIN`, PostgreSQL's default read committed).
macro_rules! naive_book {
    ($pool:expr, $slot:expr, $capacity:expr, $citizen:expr, $now:expr) => {{
        let taken: i64 = sqlx::query_scalar(NAIVE_COUNT)
            .bind($slot)
            .fetch_one($pool)
            .await?;
        if taken >= i64::from($capacity) {
            false
        } else {
            let mut tx = $pool.begin().await?;
            sqlx::query(NAIVE_INSERT)
                .bind(jingwu_core::new_id())
                .bind($slot)
                .bind($citizen)
                .bind(ITEM)
                .bind($now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            true
        }
    }};
}

impl Naive {
    /// One naive booking: true when inserted, false when the count said the slot was full.
    async fn book(&self, slot: i64, capacity: u32, citizen: &str, now: i64) -> sqlx::Result<bool> {
        Ok(match self {
            Naive::Sqlite(pool) => naive_book!(pool, slot, capacity, citizen, now),
            Naive::Postgres(pool) => naive_book!(pool, slot, capacity, citizen, now),
        })
    }

    async fn execute(&self, sql: &str) -> sqlx::Result<()> {
        match self {
            Naive::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
            Naive::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
    }

    /// A number the database answers to a query on the office (`$1`) and slot (`$2`).
    async fn count(&self, sql: &str, office: &str, slot: i64) -> sqlx::Result<i64> {
        match self {
            Naive::Sqlite(pool) => {
                sqlx::query_scalar(sql)
                    .bind(office)
                    .bind(slot)
                    .fetch_one(pool)
                    .await
            }
            Naive::Postgres(pool) => {
                sqlx::query_scalar(sql)
                    .bind(office)
                    .bind(slot)
                    .fetch_one(pool)
                    .await
            }
        }
    }

    /// The naive bookings of a slot.
    async fn rows(&self, slot: i64) -> sqlx::Result<i64> {
        match self {
            Naive::Sqlite(pool) => {
                sqlx::query_scalar(NAIVE_COUNT)
                    .bind(slot)
                    .fetch_one(pool)
                    .await
            }
            Naive::Postgres(pool) => {
                sqlx::query_scalar(NAIVE_COUNT)
                    .bind(slot)
                    .fetch_one(pool)
                    .await
            }
        }
    }

    async fn close(&self) {
        match self {
            Naive::Sqlite(pool) => pool.close().await,
            Naive::Postgres(pool) => pool.close().await,
        }
    }
}

/// What the rounds need.
struct Bench {
    app: App,
    naive: Naive,
    office: OfficeId,
    citizens: Vec<Principal>,
    capacity: u32,
}

/// A valid resident ID (GB 11643) for bench citizen `n` (< 336,000): born in Haishu in 1980.
fn resident_id(n: usize) -> String {
    let body = format!(
        "3302031980{:02}{:02}{:03}",
        1 + (n / 28_000) % 12,
        1 + (n / 1_000) % 28,
        n % 1_000
    );
    // Seventeen digits by construction, so a check character always exists.
    let check = jingwu_validate::resident_id::check_character(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// Registers citizen `n` as a citizen registers online: a one-time code to the mobile number
/// (read back from the built-in notifier's outbox, as the testkit does), then the real name,
/// resident ID and code.
async fn register(app: &App, admin: &Principal, n: usize) -> anyhow::Result<Principal> {
    let d = crate::ops::describe;
    let ctx = RequestCtx::cli();
    let mobile = format!("139{:08}", 50_000_000 + n);
    let t = app.traffic();
    t.send_code(&mobile, OtpPurpose::Register, &ctx)
        .await
        .map_err(d)?;
    let outbox = t.outbox(admin, &mobile).await.map_err(d)?;
    let body = &outbox
        .first()
        .context("no one-time code in the outbox")?
        .body;
    let code: String = body
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    let profile = t
        .register(
            &NewCitizen {
                real_name: "基准测试居民".into(),
                resident_id: resident_id(n),
                mobile: mobile.clone(),
                code,
                password: "bench-only-password".into(),
            },
            &ctx,
        )
        .await
        .map_err(d)?;
    Ok(Principal {
        user_id: profile.citizen.user_id.to_string(),
        username: mobile,
        role: Role::Citizen,
        org_id: admin.org_id.clone(),
        org_path: admin.org_path.clone(),
    })
}

/// The org tree's root, the item, the office with its window, the citizens.
async fn seed(app: &App, a: &PermitsArgs) -> anyhow::Result<(OfficeId, Vec<Principal>)> {
    let d = crate::ops::describe;
    let ctx = RequestCtx::cli();
    let p = app.permits();
    let root = app
        .foundation()
        .create_org(
            None,
            NewOrg {
                kind: "city".into(),
                code: "330200".into(),
                name_zh: "宁波市公安局".into(),
                name_en: "Ningbo PSB".into(),
                parent: None,
            },
            &ctx,
        )
        .await
        .map_err(d)?;
    let admin = app.foundation().system_principal().await.map_err(d)?;
    p.put_item(
        &admin,
        &Item {
            code: ITEM.into(),
            name_zh: "基准测试事项".into(),
            name_en: "Benchmark item".into(),
            department: Department::Household,
            legal_basis: String::new(),
            materials: vec![Material {
                code: "id_card".into(),
                zh: "居民身份证".into(),
                en: "Resident identity card".into(),
                required: true,
            }],
            fee: jingwu_permits::Fen(0),
            time_limit_days: 5,
            online: false,
            appointment: true,
            self_service: false,
            mailed: false,
            refund_on_reject: false,
            prefix: 'B',
            forms: vec![PaperForm {
                zh: "申请表".into(),
                en: "Application form".into(),
                fields: vec![Field {
                    key: "name".into(),
                    zh: "姓名".into(),
                    en: "Name".into(),
                    kind: FieldKind::Text { max: 30 },
                }],
            }],
            retired: false,
        },
        &ctx,
    )
    .await
    .map_err(d)?;
    let office = p
        .create_office(
            &admin,
            &NewOffice {
                org_id: root.id.to_string(),
                name: "基准测试办证大厅".into(),
                address: "宁波市海曙区".into(),
                week: WeekPlan::every_day(DayPlan::all_day()),
                open_on_holidays: true,
                slot_minutes: 60,
                slot_capacity: a.capacity,
                green_reserved: 0,
                booking: BookingWindow {
                    min_notice_minutes: 0,
                    horizon_days: 14,
                },
            },
            &ctx,
        )
        .await
        .map_err(d)?;
    p.put_window(
        &admin,
        &office.id,
        None,
        &jingwu_app::NewWindow {
            number: "1".into(),
            items: vec![ITEM.to_owned()],
            open: true,
        },
        &ctx,
    )
    .await
    .map_err(d)?;
    // Registration is two audited writes each; a few tasks at once.
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..4 {
        let (app, admin, next) = (app.clone(), admin.clone(), next.clone());
        let clients = a.clients;
        handles.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= clients {
                    break;
                }
                out.push((n, register(&app, &admin, n).await?));
            }
            anyhow::Ok(out)
        }));
    }
    let mut citizens = Vec::with_capacity(a.clients);
    for h in handles {
        citizens.extend(h.await??);
    }
    citizens.sort_by_key(|(n, _)| *n);
    Ok((office.id, citizens.into_iter().map(|(_, p)| p).collect()))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Who {
    Ours,
    Naive,
}

impl Bench {
    /// Every citizen attempts one booking of `slot` at the same moment; returns the answers
    /// and the time from the release to the last answer.
    async fn burst(
        self: &Arc<Self>,
        who: Who,
        slot: i64,
        round: usize,
    ) -> anyhow::Result<(f64, Vec<Answer>, usize)> {
        let go = Arc::new(Barrier::new(self.citizens.len() + 1));
        let mut handles = Vec::with_capacity(self.citizens.len());
        for (i, citizen) in self.citizens.iter().enumerate() {
            let (b, go, citizen) = (self.clone(), go.clone(), citizen.clone());
            handles.push(tokio::spawn(async move {
                go.wait().await;
                let mut busy = 0;
                let answer = match who {
                    Who::Ours => {
                        let n = NewBooking {
                            office_id: b.office.clone(),
                            item_code: ITEM.into(),
                            slot_start: slot,
                            green: false,
                            hold: false,
                            channel: Channel::Web,
                            person: None,
                            application_id: None,
                            client_key: Some(format!("bench-{round}-{i}")),
                        };
                        let ctx = RequestCtx::cli();
                        loop {
                            match b.app.permits().book(&citizen, &n, &ctx).await {
                                // A 503: the client sends the same request (same key) again.
                                Err(AppError::Busy) => busy += 1,
                                Ok(v) => {
                                    break Answer::Confirmed(Some((citizen, v.appointment.id)));
                                }
                                Err(AppError::SlotFull { .. }) => break Answer::Full,
                                Err(e) => break Answer::Error(format!("{} ({e})", e.code())),
                            }
                        }
                    }
                    Who::Naive => {
                        let now = b.app.kernel().now_us();
                        match b.naive.book(slot, b.capacity, &citizen.user_id, now).await {
                            Ok(true) => Answer::Confirmed(None),
                            Ok(false) => Answer::Full,
                            Err(e) => Answer::Error(e.to_string()),
                        }
                    }
                };
                (Instant::now(), answer, busy)
            }));
        }
        go.wait().await;
        let t0 = Instant::now();
        let mut answers = Vec::with_capacity(handles.len());
        let (mut last, mut busy) = (t0, 0);
        for h in handles {
            let (at, answer, b) = h.await?;
            last = last.max(at);
            busy += b;
            answers.push(answer);
        }
        Ok(((last - t0).as_secs_f64(), answers, busy))
    }

    async fn round(self: &Arc<Self>, who: Who, slot: i64, round: usize) -> anyhow::Result<Round> {
        let (secs, answers, busy) = self.burst(who, slot, round).await?;
        let mut r = Round {
            secs,
            busy,
            ..Round::default()
        };
        let mut confirmed = Vec::new();
        for a in answers {
            match a {
                Answer::Confirmed(booking) => {
                    r.confirmed += 1;
                    confirmed.extend(booking);
                }
                Answer::Full => r.full += 1,
                Answer::Error(e) => r.errors.push(e),
            }
        }
        let office = self.office.as_str();
        match who {
            Who::Ours => {
                // The places taken, as the slot's row says, and the live appointments in it.
                let booked = self
                    .naive
                    .count(
                        "SELECT CAST(booked AS BIGINT) FROM permit_slots WHERE office_id = $1 \
                         AND starts_at = $2",
                        office,
                        slot,
                    )
                    .await?;
                let live = self
                    .naive
                    .count(
                        "SELECT COUNT(*) FROM permit_appointments WHERE office_id = $1 \
                         AND slot_start = $2 AND status = 'booked'",
                        office,
                        slot,
                    )
                    .await?;
                if booked != live {
                    eprintln!(
                        "DEFECT: slot {slot}: permit_slots.booked = {booked} but {live} booked \
                         appointments"
                    );
                }
                r.in_db = booked.max(live);
                // Free the citizens for the next round (their one live appointment per item).
                let ctx = RequestCtx::cli();
                for (who, id) in &confirmed {
                    self.app
                        .permits()
                        .cancel(who, id, &ctx)
                        .await
                        .map_err(crate::ops::describe)
                        .context("cancelling a confirmed booking after the round")?;
                }
            }
            Who::Naive => {
                r.in_db = self.naive.rows(slot).await?;
            }
        }
        Ok(r)
    }
}

pub async fn run(a: PermitsArgs) -> anyhow::Result<ExitCode> {
    if !(1..=500).contains(&a.capacity)
        || a.clients <= a.capacity as usize
        || a.clients > 5_000
        || !(1..=100).contains(&a.rounds)
        || !(1..=64).contains(&a.connections)
    {
        bail!(
            "--capacity must be 1..=500, --clients more than --capacity and at most 5000, \
             --rounds 1..=100 and --connections 1..=64"
        );
    }
    crate::bench_db::on_fresh_database(a.database.as_deref(), "permits", async |url, dir| {
        measure(&a, url, dir).await
    })
    .await
}

async fn measure(a: &PermitsArgs, url: &str, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let postgres = url.starts_with("postgres");
    let cfg = crate::config::Config {
        database: url.to_owned(),
        media_dir: dir.join("media").display().to_string(),
        audit_key_file: dir.join("key").display().to_string(),
        db_max_connections: a.connections,
        // Hashing the citizens' passwords is setup, not the path measured.
        argon2_memory_kib: 64,
        argon2_iterations: 1,
        ..crate::config::Config::default()
    };
    let app = crate::config::open_app(&cfg).await?;
    let t0 = Instant::now();
    let (office, citizens) = seed(&app, a).await?;
    eprintln!(
        "seeded: the root, item {ITEM}, one office of capacity {} a slot, {} citizens in {:.1} s",
        a.capacity,
        citizens.len(),
        t0.elapsed().as_secs_f64()
    );
    let naive = if postgres {
        Naive::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .max_connections(a.connections)
                .connect(url)
                .await?,
        )
    } else {
        let path = url.trim_start_matches("sqlite://");
        // As the server's own connections are set up (WAL, NORMAL, a 10 s busy timeout).
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path.split('?').next().unwrap_or(path))
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        Naive::Sqlite(
            sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(a.connections)
                .connect_with(opts)
                .await?,
        )
    };
    naive.execute(NAIVE_TABLE).await?;
    naive.execute(NAIVE_INDEX).await?;
    let bench = Arc::new(Bench {
        app: app.clone(),
        naive,
        office,
        citizens,
        capacity: a.capacity,
    });

    // Slots start on the hour (Asia/Shanghai is a whole number of hours from UTC); round r
    // books the slot r + 1 hours after the next one, the warm-up round (0) the one before.
    let now = app.kernel().now_us();
    let first = (now / HOUR_US + 2) * HOUR_US;
    let mut ours = Vec::new();
    let mut naive = Vec::new();
    let mut defect = false;
    for r in 0..=a.rounds {
        let slot = first + r as i64 * HOUR_US;
        let o = bench.round(Who::Ours, slot, r).await.context("ours")?;
        let n = bench.round(Who::Naive, slot, r).await.context("naive")?;
        if o.confirmed != a.capacity as usize || o.in_db != i64::from(a.capacity) {
            defect = true;
            eprintln!(
                "DEFECT: round {r}, slot {slot}: ours confirmed {} of capacity {} ({} slot_full, \
                 {} errors, {} places booked in the database)",
                o.confirmed,
                a.capacity,
                o.full,
                o.errors.len(),
                o.in_db
            );
        }
        for e in o.errors.iter().chain(&n.errors) {
            eprintln!("round {r}: error: {e}");
        }
        eprintln!(
            "round {r}{}: ours {:.0}/s ({} confirmed), naive {:.0}/s ({} confirmed, {} rows)",
            if r == 0 { " (warm-up)" } else { "" },
            o.rate(a.clients),
            o.confirmed,
            n.rate(a.clients),
            n.confirmed,
            n.in_db
        );
        if r > 0 {
            ours.push(o);
            naive.push(n);
        }
    }
    naive_drop(&bench.naive).await;
    bench.naive.close().await;
    app.close().await;

    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let cap = i64::from(a.capacity);
    println!(
        "permits: bookings under contention on {backend}: {} clients at once on one slot of \
         capacity {}, {} rounds (after a warm-up round), {} connections each",
        a.clients, a.capacity, a.rounds, a.connections
    );
    println!(
        "  {:>6} {:>9} {:>9} {:>9} {:>5} {:>6}   {:>9} {:>9} {:>10} {:>6}",
        "round",
        "ours /s",
        "confirmed",
        "slot_full",
        "busy",
        "errors",
        "naive /s",
        "confirmed",
        "overbooked",
        "errors"
    );
    for (i, (o, n)) in ours.iter().zip(&naive).enumerate() {
        println!(
            "  {:>6} {:>9.0} {:>9} {:>9} {:>5} {:>6}   {:>9.0} {:>9} {:>10} {:>6}",
            i + 1,
            o.rate(a.clients),
            o.confirmed,
            o.full,
            o.busy,
            o.errors.len(),
            n.rate(a.clients),
            n.confirmed,
            n.in_db - cap,
            n.errors.len()
        );
    }
    let ours_rate = median(ours.iter().map(|r| r.rate(a.clients)).collect());
    let naive_rate = median(naive.iter().map(|r| r.rate(a.clients)).collect());
    let over: Vec<i64> = naive.iter().map(|r| r.in_db - cap).collect();
    println!(
        "  median: ours {ours_rate:.0} attempts/s, naive {naive_rate:.0} attempts/s; \
         ours / naive {:.2}×",
        ours_rate / naive_rate
    );
    println!(
        "  ours confirmed {} in every round: {}; naive overbooked {} to {} places a round ({} in \
         all, of {} places offered)",
        a.capacity,
        if defect {
            "NO (see DEFECT above)"
        } else {
            "yes"
        },
        over.iter().min().copied().unwrap_or(0),
        over.iter().max().copied().unwrap_or(0),
        over.iter().sum::<i64>(),
        cap * a.rounds as i64
    );
    if defect {
        eprintln!("ours did not confirm exactly the capacity in every round: a defect");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The naive table goes when the run ends (PostgreSQL drops the whole database anyway).
async fn naive_drop(naive: &Naive) {
    if let Err(e) = naive.execute("DROP TABLE bench_naive_bookings").await {
        eprintln!("could not drop bench_naive_bookings: {e}");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bench_citizens_have_distinct_valid_resident_ids() {
        let ids: std::collections::HashSet<String> = (0..5_000).map(resident_id).collect();
        assert_eq!(ids.len(), 5_000);
        for id in ids.iter().take(50) {
            assert!(
                jingwu_validate::ResidentId::parse(id, (2026, 12, 7)).is_ok(),
                "{id}"
            );
        }
    }
}
