//! `jingwu bench`: load measurements against a server on this machine (not tests).
//!
//! - `bench push`: N WebSocket terminals connected (spread over the available units, several
//!   terminals per unit when N exceeds them) while they send position batches at a target
//!   rate; meanwhile incidents are created and dispatched one at a time to terminal units, and
//!   the time from sending the dispatch request (and from its response) to each terminal's
//!   receipt is measured. Also reports the recommendation latency, the position rate the
//!   server acknowledged and the positions it shed.
//! - `bench avl`: AVL ingest from concurrent clients, over HTTP batches (`POST /api/v1/avl`)
//!   or terminals' `position` frames (`--transport ws`); reports positions per second
//!   acknowledged (committed) and shed.
//!
//! Loopback only; every run is bounded by `--duration` (at most 120 s) and its counts.

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use hyper::Method;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

use crate::simulate::{Http, SplitMix, Target, Unit, micros, pick_units, print_latency};

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Server base URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Dispatcher account (its token serves every terminal: a dispatcher may work any unit's
    /// terminal in scope, which spares the server a thousand password hashes).
    #[arg(long, default_value = "dispatcher")]
    pub dispatcher: String,
    /// Password of the dispatcher account [default: the demo accounts' password].
    #[arg(long, env = "JINGWU_SIM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Upper bound of the run, seconds (1..=120).
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
}

#[derive(Debug, clap::Args)]
pub struct PushArgs {
    #[command(flatten)]
    pub common: Common,
    /// Simulated terminals (1..=5000), one WebSocket connection per available unit.
    #[arg(long, default_value_t = 1000)]
    pub terminals: usize,
    /// Offered position fixes per second, all terminals together.
    #[arg(long, default_value_t = 10_000)]
    pub positions_per_second: u64,
    /// Fixes per `position` frame.
    #[arg(long, default_value_t = 10)]
    pub batch: u64,
    /// Incidents to dispatch (one at a time).
    #[arg(long, default_value_t = 200)]
    pub incidents: usize,
    /// Pause between dispatches, milliseconds.
    #[arg(long, default_value_t = 100)]
    pub interval_ms: u64,
}

#[derive(Debug, clap::Args)]
pub struct AvlArgs {
    #[command(flatten)]
    pub common: Common,
    /// `http`: batches to `POST /api/v1/avl` (an AVL gateway); `ws`: terminals' `position`
    /// frames over the terminal WebSocket.
    #[arg(long, value_enum, default_value = "http")]
    pub transport: AvlTransport,
    /// Concurrent HTTP clients, or WebSocket terminals (one unit each).
    #[arg(long, default_value_t = 4)]
    pub clients: usize,
    /// Fixes per request or frame (at most 5000).
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
    /// WebSocket only: frames a terminal keeps in flight before it waits for an `ack`.
    #[arg(long, default_value_t = 4)]
    pub window: usize,
    /// Distinct units the fixes are spread over.
    #[arg(long, default_value_t = 500)]
    pub units: usize,
}

pub(crate) struct Session {
    pub target: Target,
    pub http: Http,
    pub token: String,
    pub deadline: Instant,
}

pub(crate) async fn session(c: &Common) -> anyhow::Result<Session> {
    if !(1..=120).contains(&c.duration) {
        bail!("--duration must be 1..=120 seconds");
    }
    let target = Target::parse(&c.target).await?;
    let mut http = Http::new(target.addr);
    let password = c
        .password
        .clone()
        .unwrap_or_else(|| jingwu_app::DEMO_PASSWORD.to_string());
    let token = http.login(&c.dispatcher, &password).await?;
    Ok(Session {
        target,
        http,
        token,
        deadline: Instant::now() + Duration::from_secs(c.duration),
    })
}

enum Ev {
    Connected,
    Received {
        unit_id: String,
        seq: i64,
        at: Instant,
    },
    Error(String),
}

pub async fn push(a: PushArgs) -> anyhow::Result<ExitCode> {
    if !(1..=5000).contains(&a.terminals) || !(1..=1000).contains(&a.batch) {
        bail!("--terminals must be 1..=5000 and --batch 1..=1000");
    }
    let mut s = session(&a.common).await?;
    let units = {
        let v = s
            .http
            .ok(Method::GET, "/api/v1/units", &s.token, None)
            .await?;
        let n = v.as_array().map_or(0, |u| {
            u.iter()
                .filter(|u| u["status"] == "available" && u["lat"].is_number())
                .count()
        });
        pick_units(&mut s.http, &s.token, n.min(a.terminals)).await?
    };
    let mut last_seq = HashMap::new();
    for u in &units {
        last_seq.insert(u.id.clone(), s.http.last_seq(&s.token, &u.id).await?);
    }
    let accepted = Arc::new(AtomicU64::new(0));
    let shed = Arc::new(AtomicU64::new(0));
    let (events, mut inbox) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(false);
    // Each terminal sends `batch` fixes every `period`.
    let frames_per_s = (a.positions_per_second as f64 / a.batch as f64).max(0.001);
    let period = Duration::from_secs_f64(a.terminals as f64 / frames_per_s);
    let mut tasks = Vec::new();
    for i in 0..a.terminals {
        let u = units[i % units.len()].clone();
        let seq = last_seq.get(&u.id).copied().unwrap_or(0);
        tasks.push(tokio::spawn(bench_terminal(
            s.target.clone(),
            u,
            s.token.clone(),
            seq,
            (period, a.batch, i as u64),
            events.clone(),
            (accepted.clone(), shed.clone()),
            stop.clone(),
        )));
    }
    drop(events);
    let mut connected = 0;
    let mut errors: HashMap<String, usize> = HashMap::new();
    while connected < a.terminals && Instant::now() < s.deadline {
        match tokio::time::timeout_at(s.deadline, inbox.recv()).await {
            Ok(Some(Ev::Connected)) => connected += 1,
            Ok(Some(Ev::Error(e))) => *errors.entry(e).or_default() += 1,
            Ok(Some(Ev::Received { .. })) => {}
            _ => break,
        }
    }
    eprintln!("{connected} terminals connected; warming up under position load …");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let load_start = Instant::now();
    let accepted_start = accepted.load(Ordering::Relaxed);

    let mut rng = SplitMix(7);
    let terminals_per_unit = |k: usize| (a.terminals + units.len() - 1 - k) / units.len();
    let mut after_response = Vec::new();
    let mut after_request = Vec::new();
    let mut recommend_us = Vec::new();
    let mut before_response = 0usize;
    let mut dispatched = 0usize;
    for n in 0..a.incidents {
        if Instant::now() >= s.deadline {
            break;
        }
        let k = rng.below(units.len());
        let u = &units[k];
        let body = json!({"caller_name": "压测", "caller_phone": "13800000000", "lat": u.lat + 0.0005, "lon": u.lon,
            "address": "压测地址", "category": "criminal", "subcategory": "theft", "priority": "p2",
            "source": "call_110", "description": format!("推送压测 {n}")});
        let created = s
            .http
            .ok(Method::POST, "/api/v1/incidents", &s.token, Some(&body))
            .await?;
        let id = created["incident"]["id"]
            .as_str()
            .context("incident id")?
            .to_string();
        let t0 = Instant::now();
        s.http
            .ok(
                Method::GET,
                &format!("/api/v1/incidents/{id}/recommendations?limit=10"),
                &s.token,
                None,
            )
            .await?;
        recommend_us.push(micros(t0.elapsed()));
        let sent = Instant::now();
        let (status, v) = s
            .http
            .call(
                Method::POST,
                &format!("/api/v1/incidents/{id}/dispatch"),
                Some(&s.token),
                Some(&json!({"unit_ids": [u.id]})),
            )
            .await?;
        let answered = Instant::now();
        if status.is_success() {
            dispatched += 1;
            let seq = v[0]["terminal_seq"].as_i64().unwrap_or(-1);
            // Wait for every terminal of that unit to receive it.
            let mut want = terminals_per_unit(k);
            let wait_until = Instant::now() + Duration::from_secs(5);
            while want > 0 {
                match tokio::time::timeout_at(wait_until, inbox.recv()).await {
                    Ok(Some(Ev::Received {
                        unit_id,
                        seq: got,
                        at,
                    })) if unit_id == u.id && got == seq => {
                        want -= 1;
                        after_request.push(micros(at.saturating_duration_since(sent)));
                        after_response.push(micros(at.saturating_duration_since(answered)));
                        if at < answered {
                            before_response += 1;
                        }
                    }
                    Ok(Some(Ev::Error(e))) => *errors.entry(e).or_default() += 1,
                    Ok(Some(_)) => {}
                    _ => {
                        *errors
                            .entry("push not received within 5 s".into())
                            .or_default() += want;
                        break;
                    }
                }
            }
        } else {
            *errors
                .entry(format!("dispatch {status} {}", v["code"]))
                .or_default() += 1;
        }
        let close = json!({"result_code": "90", "result_text": "压测结束，撤销"});
        s.http
            .ok(
                Method::POST,
                &format!("/api/v1/incidents/{id}/close"),
                &s.token,
                Some(&close),
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(a.interval_ms)).await;
    }
    let load_s = load_start.elapsed().as_secs_f64();
    let acked = accepted.load(Ordering::Relaxed) - accepted_start;
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    while let Ok(ev) = inbox.try_recv() {
        if let Ev::Error(e) = ev {
            *errors.entry(e).or_default() += 1;
        }
    }
    println!(
        "terminals: {connected} connected over {} units; offered positions: {} /s in frames of {}",
        units.len(),
        a.positions_per_second,
        a.batch
    );
    println!(
        "positions acknowledged by the server during the measurement: {:.0} /s ({acked} in {load_s:.1} s)",
        acked as f64 / load_s
    );
    println!(
        "incidents dispatched: {dispatched}; terminal receipts: {}",
        after_response.len()
    );
    // What the dispatcher waits for: from pressing "dispatch" to the crew's terminal.
    print_latency(
        "push latency, dispatch request sent -> terminal receipt",
        &after_request,
    );
    print_latency(
        "push latency, dispatch response -> terminal receipt",
        &after_response,
    );
    println!("  (receipts before the dispatch response arrived: {before_response})");
    println!(
        "positions shed by the server (avl_overloaded): {}",
        shed.load(Ordering::Relaxed)
    );
    print_latency(
        "recommendation (GET …/recommendations?limit=10)",
        &recommend_us,
    );
    let total: usize = errors.values().sum();
    println!("errors: {total}");
    for (e, n) in errors {
        println!("  {n} × {e}");
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(clippy::too_many_arguments)]
async fn bench_terminal(
    target: Target,
    unit: Unit,
    token: String,
    last_seq: i64,
    (period, batch, salt): (Duration, u64, u64),
    events: mpsc::UnboundedSender<Ev>,
    (accepted, shed): (Arc<AtomicU64>, Arc<AtomicU64>),
    mut stop: watch::Receiver<bool>,
) {
    let url = format!("ws://{}/api/v1/terminal/ws", target.addr);
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
        let _ = events.send(Ev::Error("connect failed".into()));
        return;
    };
    let hello = json!({"type": "hello", "version": 1, "unit_id": unit.id, "last_seq": last_seq, "token": token});
    if ws.send(Message::text(hello.to_string())).await.is_err() {
        return;
    }
    // Spread the terminals' send times over the period.
    let first = Instant::now() + period.mul_f64((salt % 97) as f64 / 97.0);
    let mut tick = tokio::time::interval_at(first, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut rng = SplitMix(salt);
    let mut n = 0u64;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = ws.next() => {
                let Some(Ok(Message::Text(t))) = frame else {
                    if matches!(frame, None | Some(Err(_))) {
                        if !*stop.borrow() {
                            let _ = events.send(Ev::Error("connection lost".into()));
                        }
                        break;
                    }
                    continue;
                };
                let at = Instant::now();
                let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
                match v["type"].as_str() {
                    Some("welcome") => { let _ = events.send(Ev::Connected); }
                    Some("message") => {
                        let _ = events.send(Ev::Received { unit_id: unit.id.clone(), seq: v["seq"].as_i64().unwrap_or(0), at });
                    }
                    Some("ack") => {
                        accepted.fetch_add(v["result"]["accepted"].as_u64().unwrap_or(0), Ordering::Relaxed);
                    }
                    Some("ping") if ws.send(Message::text(r#"{"type":"pong"}"#)).await.is_err() => break,
                    Some("error") if v["code"] == "avl_overloaded" => {
                        shed.fetch_add(batch, Ordering::Relaxed);
                    }
                    Some("error") => {
                        let _ = events.send(Ev::Error(format!("terminal {}", v["code"].as_str().unwrap_or("?"))));
                    }
                    _ => {}
                }
            }
            _ = tick.tick() => {
                n += 1;
                // A load generator stamps fixes with the real time, as terminals do.
                #[allow(clippy::disallowed_methods)]
                let now = jiff::Timestamp::now();
                let fixes: Vec<Value> = (0..batch).map(|j| {
                    // Distinct instants per fix (the history is keyed by unit and instant).
                    let at = now - jiff::SignedDuration::from_micros((j * 1000 + salt % 1000) as i64);
                    json!({"at": at.to_string(), "lat": unit.lat + rng.offset(0.0005), "lon": unit.lon + rng.offset(0.0005), "speed_kmh": 30.0})
                }).collect();
                let m = json!({"type": "position", "id": format!("p{n}"), "positions": fixes});
                if ws.send(Message::text(m.to_string())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = ws.close(None).await;
}

pub async fn avl(a: AvlArgs) -> anyhow::Result<ExitCode> {
    if !(1..=1000).contains(&a.clients)
        || !(1..=5000).contains(&a.batch)
        || a.units == 0
        || !(1..=64).contains(&a.window)
    {
        bail!("--clients 1..=1000, --batch 1..=5000, --units ≥ 1, --window 1..=64");
    }
    let mut s = session(&a.common).await?;
    let v = s
        .http
        .ok(Method::GET, "/api/v1/units", &s.token, None)
        .await?;
    let mut units: Vec<(String, f64, f64)> = v
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|u| {
            Some((
                u["id"].as_str()?.to_string(),
                u["lat"].as_f64()?,
                u["lon"].as_f64()?,
            ))
        })
        .collect();
    units.truncate(a.units);
    if units.is_empty() {
        bail!("no units with a position");
    }
    let units = Arc::new(units);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..a.clients {
        let job = AvlClient {
            target: s.target.clone(),
            token: s.token.clone(),
            units: units.clone(),
            deadline: s.deadline,
            batch: a.batch,
            window: a.window,
            salt: c as u64,
        };
        tasks.push(match a.transport {
            AvlTransport::Http => tokio::spawn(job.http()),
            AvlTransport::Ws => tokio::spawn(job.ws()),
        });
    }
    let mut total = AvlTally::default();
    let mut lat = Vec::new();
    for t in tasks {
        let (tally, l) = t.await?;
        total.accepted += tally.accepted;
        total.shed += tally.shed;
        total.failed += tally.failed;
        lat.extend(l);
    }
    let secs = started.elapsed().as_secs_f64();
    let how = match a.transport {
        AvlTransport::Http => format!(
            "HTTP, {} clients, {} fixes per request over {} units",
            a.clients,
            a.batch,
            units.len()
        ),
        AvlTransport::Ws => format!(
            "WebSocket, {} terminals (one unit each), {} fixes per frame, {} frames in flight each",
            a.clients, a.batch, a.window
        ),
    };
    println!("AVL over {how}, {secs:.1} s");
    println!(
        "accepted {} positions = {:.0} positions/s; shed (avl_overloaded) {} positions; failed {}",
        total.accepted,
        total.accepted as f64 / secs,
        total.shed,
        total.failed
    );
    print_latency("request (or frame) to acknowledgement", &lat);
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AvlTransport {
    Http,
    Ws,
}

#[derive(Default)]
struct AvlTally {
    accepted: u64,
    shed: u64,
    failed: u64,
}

struct AvlClient {
    target: Target,
    token: String,
    units: Arc<Vec<(String, f64, f64)>>,
    deadline: Instant,
    batch: usize,
    window: usize,
    salt: u64,
}

/// Appends `n` fixes of `units` (round robin from `k`) as JSON objects: the load generator's
/// own encoding, so that its CPU goes to sending rather than to building `serde_json::Value`s.
/// `with_unit` names each fix's unit (the HTTP body); a WebSocket frame's unit is the
/// terminal's.
fn write_fixes(
    out: &mut String,
    rng: &mut SplitMix,
    units: &[(String, f64, f64)],
    k: usize,
    n: usize,
    with_unit: bool,
) {
    use std::fmt::Write as _;
    // Real time: the server checks fix ages against its own clock.
    #[allow(clippy::disallowed_methods)]
    let now = jiff::Timestamp::now();
    let jitter = (rng.next_u64() % 1_000) as i64;
    for j in 0..n {
        let (id, la, lo) = &units[(k + j) % units.len()];
        // Distinct instants within the batch.
        let at = now - jiff::SignedDuration::from_micros((j as i64) * 1_000 + jitter);
        if j > 0 {
            out.push(',');
        }
        out.push('{');
        if with_unit {
            let _ = write!(out, r#""unit_id":"{id}","#);
        }
        let _ = write!(
            out,
            r#""at":"{at}","lat":{:.6},"lon":{:.6},"speed_kmh":30.0,"heading":90.0}}"#,
            la + rng.offset(0.0005),
            lo + rng.offset(0.0005)
        );
    }
}

impl AvlClient {
    async fn http(self) -> (AvlTally, Vec<i64>) {
        let mut http = Http::new(self.target.addr);
        let mut rng = SplitMix(self.salt + 1);
        let (mut tally, mut lat) = (AvlTally::default(), Vec::new());
        let mut k = (self.salt as usize * 7919) % self.units.len();
        while Instant::now() < self.deadline {
            let mut body = String::with_capacity(self.batch * 140 + 16);
            body.push_str(r#"{"positions":["#);
            write_fixes(&mut body, &mut rng, &self.units, k, self.batch, true);
            body.push_str("]}");
            k += self.batch;
            let t0 = Instant::now();
            match http
                .send(
                    Method::POST,
                    "/api/v1/avl",
                    Some(&self.token),
                    Some(body.into()),
                )
                .await
            {
                Ok((st, _)) if st.is_success() => {
                    tally.accepted += self.batch as u64;
                    lat.push(micros(t0.elapsed()));
                }
                Ok((st, _)) if st == hyper::StatusCode::SERVICE_UNAVAILABLE => {
                    tally.shed += self.batch as u64;
                    // As a gateway does: wait a little before the next batch.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                _ => tally.failed += 1,
            }
        }
        (tally, lat)
    }

    async fn ws(self) -> (AvlTally, Vec<i64>) {
        let (mut tally, mut lat) = (AvlTally::default(), Vec::new());
        let k = self.salt as usize % self.units.len();
        let unit_id = self.units[k].0.clone();
        let url = format!("ws://{}/api/v1/terminal/ws", self.target.addr);
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
            tally.failed += 1;
            return (tally, lat);
        };
        let hello = json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 0, "token": self.token});
        if ws.send(Message::text(hello.to_string())).await.is_err() {
            tally.failed += 1;
            return (tally, lat);
        }
        let mut rng = SplitMix(self.salt + 1);
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        let mut n = 0u64;
        let mut greeted = false;
        loop {
            // Keep `window` frames in flight once greeted.
            while greeted && sent.len() < self.window && Instant::now() < self.deadline {
                n += 1;
                let mut frame = String::with_capacity(self.batch * 110 + 64);
                frame.push_str(&format!(r#"{{"type":"position","id":"p{n}","positions":["#));
                // One unit per terminal: every fix is this unit's.
                write_fixes(
                    &mut frame,
                    &mut rng,
                    &self.units[k..=k],
                    0,
                    self.batch,
                    false,
                );
                frame.push_str("]}");
                if ws.send(Message::text(frame)).await.is_err() {
                    tally.failed += 1;
                    return (tally, lat);
                }
                sent.insert(n, Instant::now());
            }
            if sent.is_empty() && (greeted && Instant::now() >= self.deadline) {
                break;
            }
            let Ok(Some(Ok(Message::Text(t)))) =
                tokio::time::timeout(Duration::from_secs(10), ws.next()).await
            else {
                tally.failed += 1;
                break;
            };
            let v: Value = serde_json::from_str(t.as_str()).unwrap_or(Value::Null);
            let id = v["id"]
                .as_str()
                .and_then(|i| i.strip_prefix('p')?.parse::<u64>().ok());
            match v["type"].as_str() {
                Some("welcome") => greeted = true,
                Some("ack") => {
                    if let Some(t0) = id.and_then(|i| sent.remove(&i)) {
                        tally.accepted += v["result"]["accepted"].as_u64().unwrap_or(0);
                        lat.push(micros(t0.elapsed()));
                    }
                }
                Some("ping") => {
                    let _ = ws.send(Message::text(r#"{"type":"pong"}"#)).await;
                }
                Some("error") => {
                    let answered = id.and_then(|i| sent.remove(&i)).is_some();
                    if answered && v["code"] == "avl_overloaded" {
                        tally.shed += self.batch as u64;
                    } else {
                        tally.failed += 1;
                    }
                }
                _ => {}
            }
        }
        let _ = ws.close(None).await;
        (tally, lat)
    }
}
