//! `jingwu bench cases`: custody events per second through the real use case beside two peers
//! measured in the same run, and an inventory of 100,000 items beside the same reconcile as SQL
//! anti-joins (not a test; figures go to docs/benchmarks.md).
//!
//! On a fresh database (SQLite in a temporary directory, or a database this command creates on
//! the PostgreSQL server named by `--database` and drops afterwards) it makes, through the
//! public use cases, a city, a district property store with two custodians (a keeper and an
//! auditor outside the chain of custody), a station and its case handler with a case, and the
//! store's locations.
//!
//! (a) Custody events. The keeper takes `--moved` items in through `Cases::intake_physical`
//! (timed, reported as intakes per second). Then per run `--clients` tasks move disjoint items
//! between two shelves, `--movements` relocations in all:
//! - ours: `Cases::move_item` — authorize, load, decide with the custody rules, the conditional
//!   update of the item's chain head, the event appended with its SHA-256 link, the audit entry
//!   with the digest, the live event, and the item's view read back; the audit sequencer runs
//!   meanwhile, as in the server;
//! - the mutable JSON column (DFIR-IRIS's `chain_of_custody`, the design docs/cases.md warns
//!   against): one `UPDATE` per movement appending the event to a JSON array on the item's row
//!   and setting its location — no history that cannot be rewritten, no audit, no rules;
//! - the bare `INSERT` floor: one autocommitted insert of the event's row per movement.
//!
//! (b) Inventory. `--items` items (default 100,000) with their intake events are written with
//! multi-row inserts (not through the API), spread over `--locations` shelves. The auditor
//! then, through the use cases: starts a full count (`Cases::start_inventory`: the snapshot);
//! scans every label in batches of 1,000 (`Cases::scan_inventory`), with planted faults —
//! 0.1 % not scanned (missing), 0.1 % scanned on another shelf (misplaced), 0.05 % unknown
//! labels (unexpected), 0.02 % broken seals; closes it (`Cases::close_inventory`: reconcile and
//! store the findings). The peer is the same reconcile as four SQL queries (anti-joins) on the
//! same tables. The command fails when either finds other than what was planted.

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use jingwu_app::{App, MovementInput, NewInventory, NewLocation, NewOrg, NewUser, RequestCtx};
use jingwu_cases::evidence::{Category, CustodyEvent, ItemKind, MovementKind};
use jingwu_cases::ids::{InventoryId, ItemId, LocationId};
use jingwu_cases::inventory::{Scan, Scope};
use jingwu_core::{Principal, Role};
use sqlx::Row;
use tokio::time::Instant;

use crate::ops::describe;

/// The PostgreSQL server `--database` means when given without a value.
const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

#[derive(Debug, clap::Args)]
pub struct CasesArgs {
    /// PostgreSQL server to measure on: a fresh database is created there for the run and
    /// dropped after; `--database` alone means postgres://postgres@127.0.0.1:5432/test
    /// [default: SQLite in a temporary directory].
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = DEFAULT_POSTGRES)]
    pub database: Option<String>,
    /// Items taken in through the use case and then moved (1..=10,000).
    #[arg(long, default_value_t = 200)]
    pub moved: usize,
    /// Movements a run of each method (1..=100,000).
    #[arg(long, default_value_t = 2_000)]
    pub movements: usize,
    /// Custodians moving items at once (1..=64).
    #[arg(long, default_value_t = 4)]
    pub clients: usize,
    /// Timed runs of each method, after one warm-up run (1..=20).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Items of the inventory (0 skips it; at most 1,000,000).
    #[arg(long, default_value_t = 100_000)]
    pub items: usize,
    /// Shelves the inventory's items are spread over (2..=1,000).
    #[arg(long, default_value_t = 50)]
    pub locations: usize,
    /// Database connections of ours and, separately, of the peers (1..=64).
    #[arg(long, default_value_t = 8)]
    pub connections: u32,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

pub async fn run(a: CasesArgs) -> anyhow::Result<ExitCode> {
    if !(1..=10_000).contains(&a.moved)
        || !(1..=100_000).contains(&a.movements)
        || !(1..=64).contains(&a.clients)
        || a.clients > a.moved
        || !(1..=20).contains(&a.runs)
        || a.items > 1_000_000
        || !(2..=1_000).contains(&a.locations)
        || !(1..=64).contains(&a.connections)
    {
        bail!(
            "--moved must be 1..=10000, --movements 1..=100000, --clients 1..=64 and at most \
             --moved, --runs 1..=20, --items at most 1000000, --locations 2..=1000 and \
             --connections 1..=64"
        );
    }
    crate::bench_db::on_fresh_database(a.database.as_deref(), "cases", async |url, dir| {
        measure(&a, url, dir).await
    })
    .await
}

/// Who and what the runs use.
struct Setup {
    keeper: Principal,
    auditor: Principal,
    shelves: Vec<LocationId>,
    case_id: String,
    case_number: String,
    store_org: String,
}

async fn principal(
    app: &App,
    system: &Principal,
    username: &str,
    role: &str,
    org: &str,
) -> anyhow::Result<Principal> {
    let ctx = RequestCtx::cli();
    let v = app
        .foundation()
        .create_user(
            system,
            NewUser {
                username: username.into(),
                display_name: username.into(),
                role: role.into(),
                org: org.into(),
                password: "bench-only-password".into(),
            },
            &ctx,
        )
        .await
        .map_err(describe)?;
    Ok(Principal {
        user_id: v.user.id,
        username: username.into(),
        role: Role::parse(role).context("a role")?,
        org_id: v.org.id,
        org_path: v.org.path,
    })
}

async fn seed(app: &App, a: &CasesArgs) -> anyhow::Result<Setup> {
    let ctx = RequestCtx::cli();
    let f = app.foundation();
    let mut system = None;
    for (kind, code, parent) in [
        ("city", "330200", None),
        ("district", "330205", Some("330200")),
        ("station", "33020501", Some("330205")),
    ] {
        f.create_org(
            system.as_ref(),
            NewOrg {
                kind: kind.into(),
                code: code.into(),
                name_zh: format!("基准{code}"),
                name_en: format!("Bench {code}"),
                parent: parent.map(Into::into),
            },
            &ctx,
        )
        .await
        .map_err(describe)?;
        if system.is_none() {
            system = Some(f.system_principal().await.map_err(describe)?);
        }
    }
    let system = system.context("the city")?;
    let keeper = principal(app, &system, "bench.keeper", "evidence_custodian", "330205").await?;
    let auditor = principal(
        app,
        &system,
        "bench.auditor",
        "evidence_custodian",
        "330205",
    )
    .await?;
    let handler = principal(app, &system, "bench.handler", "case_handler", "33020501").await?;
    let mut shelves = Vec::new();
    for i in 0..a.locations.max(2) {
        let l = app
            .cases()
            .create_location(
                &keeper,
                NewLocation {
                    org_id: None,
                    code: format!("B-{i:04}"),
                    name: format!("货架{i}"),
                    secure: false,
                },
                &ctx,
            )
            .await
            .map_err(describe)?;
        shelves.push(l.id);
    }
    let case = app
        .cases()
        .open_case(
            &handler,
            &ctx,
            &jingwu_app::NewCase {
                kind: Some(jingwu_cases::case::CaseKind::Criminal),
                title: "基准测试案件".into(),
                cause: "盗窃".into(),
                summary: String::new(),
                org_id: None,
                address: "宁波市江北区".into(),
                lat: None,
                lon: None,
                occurred_at: None,
                accepted_at: None,
                supervisor_id: None,
                incident_id: None,
            },
        )
        .await
        .map_err(describe)?
        .case;
    let store_org = keeper.org_id.clone();
    Ok(Setup {
        keeper,
        auditor,
        shelves,
        case_id: case.id.into_string(),
        case_number: case.number,
        store_org,
    })
}

const PEER_TABLES: [&str; 2] = [
    "CREATE TABLE bench_json_custody (id TEXT PRIMARY KEY, location TEXT NOT NULL, \
     custody TEXT NOT NULL)",
    "CREATE TABLE bench_custody_floor (item_id TEXT NOT NULL, seq BIGINT NOT NULL, \
     kind TEXT NOT NULL, at BIGINT NOT NULL, actor_id TEXT NOT NULL, from_location TEXT, \
     to_location TEXT, reason TEXT NOT NULL, PRIMARY KEY (item_id, seq))",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Ours,
    JsonColumn,
    InsertFloor,
}

/// The items a method moves, and how often each has moved (its shelf is the parity; the bare
/// insert's sequence number the count).
struct Moving {
    items: Vec<ItemId>,
    moves: Vec<std::sync::atomic::AtomicI64>,
}

/// One run of one method: `movements` relocations by `clients` tasks over disjoint items;
/// returns movements per second and errors.
async fn movement_run(
    app: &App,
    raw: &sqlx::AnyPool,
    s: &Arc<Setup>,
    m: &Arc<Moving>,
    method: Method,
    movements: usize,
    clients: usize,
) -> anyhow::Result<(f64, Vec<String>)> {
    use std::sync::atomic::Ordering;
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for c in 0..clients {
        let (app, raw, s, m) = (app.clone(), raw.clone(), s.clone(), m.clone());
        let mine: Vec<usize> = (c..m.items.len()).step_by(clients).collect();
        let quota = movements / clients + usize::from(c < movements % clients);
        handles.push(tokio::spawn(async move {
            let ctx = RequestCtx::cli();
            let mut errors = Vec::new();
            for k in 0..quota {
                let i = mine[k % mine.len()];
                let item = &m.items[i];
                // Items start on shelf 0; each movement takes one to the other shelf.
                let done = m.moves[i].load(Ordering::Relaxed);
                let (from, to) = if done % 2 == 0 {
                    (&s.shelves[0], &s.shelves[1])
                } else {
                    (&s.shelves[1], &s.shelves[0])
                };
                let outcome = match method {
                    Method::Ours => app
                        .cases()
                        .move_item(
                            &s.keeper,
                            item,
                            MovementInput {
                                kind: Some(MovementKind::Relocate),
                                location_id: Some(to.as_str().to_owned()),
                                reason: "盘点整理".into(),
                                ..Default::default()
                            },
                            &ctx,
                        )
                        .await
                        .map(drop)
                        .map_err(|e| format!("{} ({e})", e.code())),
                    Method::JsonColumn => {
                        let event = serde_json::json!({
                            "kind": "relocate", "at": app.kernel().now_us(),
                            "actor_id": s.keeper.user_id, "from_location": from.as_str(),
                            "to_location": to.as_str(), "reason": "盘点整理",
                        })
                        .to_string();
                        sqlx::query(
                            "UPDATE bench_json_custody SET location = $1, \
                             custody = substr(custody, 1, length(custody) - 1) || \
                             CASE WHEN custody = '[]' THEN '' ELSE ',' END || $2 || ']' \
                             WHERE id = $3",
                        )
                        .bind(to.as_str())
                        .bind(event)
                        .bind(item.as_str())
                        .execute(&raw)
                        .await
                        .map(drop)
                        .map_err(|e| e.to_string())
                    }
                    Method::InsertFloor => sqlx::query(
                        "INSERT INTO bench_custody_floor (item_id, seq, kind, at, actor_id, \
                         from_location, to_location, reason) VALUES ($1, $2, $3, $4, $5, $6, \
                         $7, $8)",
                    )
                    .bind(item.as_str())
                    .bind(done + 1)
                    .bind("relocate")
                    .bind(app.kernel().now_us())
                    .bind(&s.keeper.user_id)
                    .bind(from.as_str())
                    .bind(to.as_str())
                    .bind("盘点整理")
                    .execute(&raw)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string()),
                };
                match outcome {
                    Ok(()) => {
                        m.moves[i].fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => errors.push(e),
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for h in handles {
        errors.extend(h.await?);
    }
    Ok((movements as f64 / t0.elapsed().as_secs_f64(), errors))
}

async fn measure(a: &CasesArgs, url: &str, dir: &std::path::Path) -> anyhow::Result<ExitCode> {
    let postgres = url.starts_with("postgres");
    let backend = if postgres { "PostgreSQL" } else { "SQLite" };
    let cfg = crate::config::Config {
        database: url.to_owned(),
        media_dir: dir.join("media").display().to_string(),
        audit_key_file: dir.join("key").display().to_string(),
        db_max_connections: a.connections,
        argon2_memory_kib: 64,
        argon2_iterations: 1,
        ..crate::config::Config::default()
    };
    let app = crate::config::open_app(&cfg).await?;
    let raw = sqlx::any::AnyPoolOptions::new()
        .max_connections(a.connections)
        .connect(url)
        .await?;
    let t0 = Instant::now();
    let setup = Arc::new(seed(&app, a).await?);
    for sql in PEER_TABLES {
        sqlx::query(sql).execute(&raw).await?;
    }
    eprintln!(
        "seeded the org tree, accounts, {} shelves and the case in {:.1} s",
        setup.shelves.len(),
        t0.elapsed().as_secs_f64()
    );
    let sequencer = app.foundation().spawn_audit_sequencer();
    let mut defect = false;

    // (a) Custody events.
    let ctx = RequestCtx::cli();
    let t0 = Instant::now();
    let mut moved = Vec::with_capacity(a.moved);
    for i in 0..a.moved {
        let v = app
            .cases()
            .intake_physical(
                &setup.keeper,
                jingwu_app::PhysicalIntake {
                    case_number: setup.case_number.clone(),
                    barcode: Some(format!("BM-{i:06}")),
                    seal_no: Some(format!("F-{i:06}")),
                    description: "基准测试物品".into(),
                    category: Category::General,
                    quantity: 1,
                    location_id: setup.shelves[0].clone(),
                    seized_at: 0,
                    note: String::new(),
                },
                &ctx,
            )
            .await
            .map_err(describe)?;
        moved.push(v.item.id);
    }
    let intake_rate = a.moved as f64 / t0.elapsed().as_secs_f64();
    // The JSON-column peer's rows: the same items, an empty custody array each.
    for chunk in moved.chunks(300) {
        let mut sql =
            String::from("INSERT INTO bench_json_custody (id, location, custody) VALUES ");
        let parts: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, '[]')", 2 * i + 1, 2 * i + 2))
            .collect();
        sql.push_str(&parts.join(", "));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(id.as_str()).bind(setup.shelves[0].as_str());
        }
        q.execute(&raw).await?;
    }
    let moving = || {
        Arc::new(Moving {
            items: moved.clone(),
            moves: (0..moved.len())
                .map(|_| std::sync::atomic::AtomicI64::new(0))
                .collect(),
        })
    };
    let methods = [
        (Method::Ours, moving()),
        (Method::JsonColumn, moving()),
        (Method::InsertFloor, moving()),
    ];
    let mut rates: [Vec<f64>; 3] = Default::default();
    for run in 0..=a.runs {
        let mut line = format!("run {run}{}:", if run == 0 { " (warm-up)" } else { "" });
        for (m, (method, moving)) in methods.iter().enumerate() {
            let (rate, errors) =
                movement_run(&app, &raw, &setup, moving, *method, a.movements, a.clients).await?;
            for e in errors.iter().take(5) {
                eprintln!("run {run}: error: {e}");
            }
            if !errors.is_empty() {
                defect = true;
            }
            line.push_str(&format!(" {:.0}/s", rate));
            if run > 0 {
                rates[m].push(rate);
            }
        }
        eprintln!("{line}");
    }
    // Every movement of ours is in its item's chain.
    app.kernel().sync_audit().await.map_err(describe)?;
    let events: i64 = sqlx::query("SELECT COUNT(*) FROM evidence_events")
        .fetch_one(&raw)
        .await?
        .try_get(0)?;
    let expected_events = (a.moved + a.movements * (a.runs + 1)) as i64;
    if events != expected_events {
        defect = true;
        eprintln!("DEFECT: {events} custody events stored, {expected_events} expected");
    }
    let [ours, json, floor] = rates.map(median);
    println!(
        "cases: custody events on {backend}: {} custodians relocating {} items, {} movements a \
         run, {} runs after a warm-up, {} connections each",
        a.clients, a.moved, a.movements, a.runs, a.connections
    );
    println!("  intake through Cases::intake_physical: {intake_rate:.0} items/s (one at a time)");
    println!(
        "  median: ours (Cases::move_item, chained + audited) {ours:.0} events/s; mutable JSON \
         column {json:.0} updates/s; bare INSERT {floor:.0} rows/s"
    );
    println!(
        "  ours / JSON column {:.2}×; ours / bare INSERT {:.2}×",
        ours / json,
        ours / floor
    );

    // (b) Inventory.
    if a.items > 0 {
        let ok = inventory(&app, &raw, &setup, a, backend).await?;
        defect |= !ok;
    }
    sequencer.abort();
    raw.close().await;
    app.close().await;
    if defect {
        eprintln!("the run found a defect (see above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `n` items with their intake events (multi-row inserts) spread over the shelves;
/// returns (barcode, shelf index) of each.
async fn seed_items(
    raw: &sqlx::AnyPool,
    s: &Setup,
    n: usize,
    now: i64,
) -> anyhow::Result<Vec<(String, usize)>> {
    let mut out = Vec::with_capacity(n);
    const ROWS: usize = 400;
    let mut start = 0;
    while start < n {
        let end = (start + ROWS).min(n);
        let mut items = Vec::with_capacity(end - start);
        let mut events = Vec::with_capacity(end - start);
        for i in start..end {
            let shelf = i % s.shelves.len();
            let id = ItemId::new();
            let barcode = format!("BI-{i:07}");
            let mut e = CustodyEvent {
                item_id: id.clone(),
                seq: 1,
                kind: MovementKind::Intake,
                at: now,
                actor_id: s.keeper.user_id.clone(),
                from_holder: None,
                to_holder: None,
                from_location: None,
                to_location: Some(s.shelves[shelf].as_str().to_owned()),
                place: String::new(),
                reason: "intake".into(),
                seal_no: Some(format!("F-{i:07}")),
                seal_intact: Some(true),
                hash_matched: None,
                witnesses: Vec::new(),
                prev_digest: jingwu_cases::chain::genesis(id.as_str()),
                digest: String::new(),
            };
            e.digest = jingwu_cases::chain::digest(&e);
            items.push((id, barcode.clone(), shelf, e.digest.clone()));
            events.push(e);
            out.push((barcode, shelf));
        }
        let mut sql = String::from(
            "INSERT INTO evidence_items (id, org_id, case_id, barcode, seal_no, description, \
             category, kind, quantity, sha256, size_bytes, media_type, state, location_id, \
             holder_id, flagged, seized_at, intake_at, last_seq, last_digest) VALUES ",
        );
        let rows: Vec<String> = (0..items.len())
            .map(|r| {
                let p: Vec<String> = (1..=7).map(|k| format!("${}", r * 7 + k)).collect();
                format!(
                    "({}, {}, {}, {}, {}, '基准盘点物品', 'general', '{}', 1, NULL, NULL, NULL, \
                     'in_store', {}, NULL, 0, {now}, {now}, 1, {})",
                    p[0],
                    p[1],
                    p[2],
                    p[3],
                    p[4],
                    ItemKind::Physical.as_str(),
                    p[5],
                    p[6]
                )
            })
            .collect();
        sql.push_str(&rows.join(", "));
        let mut q = sqlx::query(&sql);
        for (id, barcode, shelf, digest) in &items {
            q = q
                .bind(id.as_str())
                .bind(&s.store_org)
                .bind(&s.case_id)
                .bind(barcode)
                .bind(format!("F-{}", &barcode[3..]))
                .bind(s.shelves[*shelf].as_str())
                .bind(digest);
        }
        q.execute(raw).await?;
        let mut sql = String::from(
            "INSERT INTO evidence_events (item_id, seq, kind, at, actor_id, from_holder, \
             to_holder, from_location, to_location, place, reason, seal_no, seal_intact, \
             hash_matched, witnesses, prev_digest, digest) VALUES ",
        );
        let rows: Vec<String> = (0..events.len())
            .map(|r| {
                let p: Vec<String> = (1..=6).map(|k| format!("${}", r * 6 + k)).collect();
                format!(
                    "({}, 1, 'intake', {now}, {}, NULL, NULL, NULL, {}, '', 'intake', {}, 1, \
                     NULL, '[]', {}, {})",
                    p[0], p[1], p[2], p[3], p[4], p[5]
                )
            })
            .collect();
        sql.push_str(&rows.join(", "));
        let mut q = sqlx::query(&sql);
        for e in &events {
            q = q
                .bind(e.item_id.as_str())
                .bind(&e.actor_id)
                .bind(e.to_location.clone().unwrap_or_default())
                .bind(e.seal_no.clone().unwrap_or_default())
                .bind(&e.prev_digest)
                .bind(&e.digest);
        }
        q.execute(raw).await?;
        start = end;
    }
    Ok(out)
}

/// The inventory figures; false when a count found other than what was planted.
async fn inventory(
    app: &App,
    raw: &sqlx::AnyPool,
    s: &Setup,
    a: &CasesArgs,
    backend: &str,
) -> anyhow::Result<bool> {
    let ctx = RequestCtx::cli();
    let now = app.kernel().now_us();
    let t0 = Instant::now();
    let seeded = seed_items(raw, s, a.items, now).await?;
    let seed_secs = t0.elapsed().as_secs_f64();
    // The items moved in (a) are in the store too, counted and scanned where they are.
    let mut labels: Vec<(String, usize)> = seeded;
    let rows =
        sqlx::query("SELECT barcode, location_id FROM evidence_items WHERE barcode LIKE 'BM-%'")
            .fetch_all(raw)
            .await?;
    for r in rows {
        let loc: String = r.try_get(1)?;
        let shelf = s
            .shelves
            .iter()
            .position(|l| l.as_str() == loc)
            .unwrap_or(0);
        labels.push((r.try_get(0)?, shelf));
    }
    let total = labels.len();
    let (missing, misplaced, unknown, broken) =
        (total / 1000, total / 1000, total / 2000, total / 5000);
    // Planted faults, by position: the first `missing` labels are not scanned, the next
    // `misplaced` are scanned on the next shelf, the next `broken` with a broken seal.
    let mut scans: Vec<Scan> = Vec::with_capacity(total + unknown);
    for (i, (barcode, shelf)) in labels.iter().enumerate() {
        if i < missing {
            continue;
        }
        let wrong = i < missing + misplaced;
        let at = if wrong {
            (shelf + 1) % s.shelves.len()
        } else {
            *shelf
        };
        scans.push(Scan {
            barcode: barcode.clone(),
            location_id: Some(s.shelves[at].as_str().to_owned()),
            seal_intact: !(missing + misplaced..missing + misplaced + broken).contains(&i),
        });
    }
    for u in 0..unknown {
        scans.push(Scan {
            barcode: format!("XX-{u:07}"),
            location_id: Some(s.shelves[0].as_str().to_owned()),
            seal_intact: true,
        });
    }

    let cases = app.cases();
    let t0 = Instant::now();
    let v = cases
        .start_inventory(
            &s.auditor,
            NewInventory {
                org_id: None,
                location_id: None,
                scope: Scope::Full,
                seed: Some(1),
            },
            &ctx,
        )
        .await
        .map_err(describe)?;
    let start_secs = t0.elapsed().as_secs_f64();
    let id: InventoryId = v.inventory.id.clone();
    let t0 = Instant::now();
    for batch in scans.chunks(jingwu_app::SCANS_PER_REQUEST) {
        cases
            .scan_inventory(&s.auditor, &id, batch.to_vec(), &ctx)
            .await
            .map_err(describe)?;
    }
    let scan_secs = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let closed = cases
        .close_inventory(&s.auditor, &id, &ctx)
        .await
        .map_err(describe)?;
    let close_secs = t0.elapsed().as_secs_f64();

    // The peer: the same reconcile as SQL on the same tables.
    let t0 = Instant::now();
    let mut conn = raw.acquire().await?;
    let mut peer = [0usize; 4];
    let queries = [
        // Missing: expected, no scan of its barcode.
        "SELECT i.barcode FROM evidence_inventory_expected x \
         JOIN evidence_items i ON i.id = x.item_id \
         LEFT JOIN evidence_inventory_scans s ON s.inventory_id = x.inventory_id \
         AND s.barcode = i.barcode WHERE x.inventory_id = $1 AND s.barcode IS NULL",
        // Misplaced: expected, scanned elsewhere.
        "SELECT i.barcode FROM evidence_inventory_expected x \
         JOIN evidence_items i ON i.id = x.item_id \
         JOIN evidence_inventory_scans s ON s.inventory_id = x.inventory_id \
         AND s.barcode = i.barcode WHERE x.inventory_id = $1 \
         AND COALESCE(s.location_id, '') <> COALESCE(x.location_id, '')",
        // Unexpected: scanned, not expected.
        "SELECT s.barcode FROM evidence_inventory_scans s WHERE s.inventory_id = $1 \
         AND NOT EXISTS (SELECT 1 FROM evidence_inventory_expected x \
         JOIN evidence_items i ON i.id = x.item_id \
         WHERE x.inventory_id = s.inventory_id AND i.barcode = s.barcode)",
        // Seal broken.
        "SELECT s.barcode FROM evidence_inventory_scans s WHERE s.inventory_id = $1 \
         AND s.seal_intact = 0",
    ];
    for (k, sql) in queries.iter().enumerate() {
        peer[k] = sqlx::query(sql)
            .bind(id.as_str())
            .fetch_all(&mut *conn)
            .await?
            .len();
    }
    drop(conn);
    let peer_secs = t0.elapsed().as_secs_f64();

    let count = |k: &str| {
        closed
            .counts
            .iter()
            .find(|(kind, _)| kind.as_str() == k)
            .map_or(0, |(_, n)| *n as usize)
    };
    let ours = [
        count("missing"),
        count("misplaced"),
        count("unexpected"),
        count("seal_broken"),
    ];
    let planted = [missing, misplaced, unknown, broken];
    let ok = ours == planted && peer == planted;
    println!(
        "cases: inventory of {total} items on {backend} ({} shelves; planted {missing} missing, \
         {misplaced} misplaced, {unknown} unknown labels, {broken} broken seals)",
        s.shelves.len()
    );
    println!(
        "  seed {} items with their intake events (multi-row inserts, setup): {seed_secs:.2} s",
        a.items
    );
    println!(
        "  start (Cases::start_inventory, the snapshot of {} items): {start_secs:.2} s",
        closed.inventory.expected
    );
    println!(
        "  scans (Cases::scan_inventory, {} in batches of {}): {scan_secs:.2} s, {:.0} scans/s",
        scans.len(),
        jingwu_app::SCANS_PER_REQUEST,
        scans.len() as f64 / scan_secs
    );
    println!(
        "  close (Cases::close_inventory: reconcile in memory, store the findings): \
         {close_secs:.2} s"
    );
    println!(
        "  peer: the same reconcile as four SQL anti-join queries: {peer_secs:.2} s; \
         close / SQL {:.2}×",
        close_secs / peer_secs
    );
    println!(
        "  found (missing, misplaced, unexpected, seal broken): ours {ours:?}, SQL {peer:?}, \
         planted {planted:?}: {}",
        if ok { "as planted" } else { "DEFECT" }
    );
    Ok(ok)
}
