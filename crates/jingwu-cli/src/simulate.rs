//! `jingwu simulate`: a living command centre against a server on this machine. It signs in as
//! the demo dispatcher, gives N units a simulated officer (an account `sim.<hash>` put on the
//! unit's crew), opens one real WebSocket terminal per unit, creates incidents at the given
//! rate near the simulated units, and dispatches the best-ranked recommendation among them.
//! Each terminal answers like a crew: acknowledge, en route, drive toward the incident at road
//! speed sending positions, on scene after its (scaled) travel time, close. At the end it
//! reports push latency percentiles, counts and errors.
//!
//! Traffic goes only to loopback addresses, and every run is bounded in time and count.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Server base URL (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub target: String,
    /// Simulated terminals (one unit each), 1..=2000.
    #[arg(long, default_value_t = 20)]
    pub terminals: usize,
    /// New incidents per minute, up to 600.
    #[arg(long, default_value_t = 30.0)]
    pub incidents_per_minute: f64,
    /// Seconds to create incidents for (at most 3600); terminals finish their work for up to
    /// 20 s more.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Simulated seconds per real second (travel and handling times are divided by it).
    #[arg(long, default_value_t = 10.0)]
    pub time_scale: f64,
    /// Seconds between a terminal's position reports.
    #[arg(long, default_value_t = 2)]
    pub position_interval: u64,
    /// Dispatcher account.
    #[arg(long, default_value = "dispatcher")]
    pub dispatcher: String,
    /// Admin account that creates the simulated officers.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    /// Password of the dispatcher and admin accounts, also given to the simulated officers
    /// [default: the demo accounts' password].
    #[arg(long, env = "JINGWU_SIM_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Seed of the incident generator.
    #[arg(long, default_value_t = 110)]
    pub seed: u64,
    /// The server's road network, which terminals drive along (the demo's by default);
    /// `none` drives in straight lines.
    #[arg(long, default_value = crate::serve::DEMO_ROAD_NETWORK)]
    pub road_network: String,
}

pub async fn run(a: SimulateArgs) -> anyhow::Result<ExitCode> {
    if !(1..=2000).contains(&a.terminals) {
        bail!("--terminals must be 1..=2000");
    }
    if !(a.incidents_per_minute > 0.0 && a.incidents_per_minute <= 600.0) {
        bail!("--incidents-per-minute must be in (0, 600]");
    }
    if !((1..=3600).contains(&a.duration) && (1.0..=1000.0).contains(&a.time_scale)) {
        bail!("--duration must be 1..=3600 and --time-scale 1..=1000");
    }
    let target = Target::parse(&a.target).await?;
    let password = a
        .password
        .clone()
        .unwrap_or_else(|| jingwu_app::DEMO_PASSWORD.to_string());
    let mut http = Http::new(target.addr);
    let dispatcher = http.login(&a.dispatcher, &password).await?;
    let admin = http.login(&a.admin, &password).await?;
    let units = pick_units(&mut http, &dispatcher, a.terminals).await?;
    eprintln!("setting up {} simulated terminals …", units.len());
    let mut terminals = Vec::new();
    for u in &units {
        let username = sim_username(&u.call_sign);
        ensure_officer(&mut http, &admin, &dispatcher, u, &username, &password).await?;
        let token = http.login(&username, &password).await?;
        let last_seq = http.last_seq(&token, &u.id).await?;
        terminals.push((u.clone(), token, last_seq));
    }

    let (events, mut inbox) = mpsc::unbounded_channel();
    let (stop_tx, stop) = watch::channel(false);
    let roads = match a.road_network.as_str() {
        "none" => None,
        spec => Some(std::sync::Arc::new(crate::road_network::load(spec)?)),
    };
    let behaviour = Behaviour {
        roads,
        time_scale: a.time_scale,
        position_every: Duration::from_secs(a.position_interval.clamp(1, 60)),
        respond: true,
    };
    let mut tasks = Vec::new();
    for (u, token, last_seq) in terminals {
        tasks.push(tokio::spawn(terminal(
            target.clone(),
            u,
            token,
            last_seq,
            behaviour.clone(),
            events.clone(),
            stop.clone(),
        )));
    }
    drop(events);

    let sim_units: HashMap<String, Unit> =
        units.iter().map(|u| (u.id.clone(), u.clone())).collect();
    let started = Instant::now();
    let mut report = Report::default();
    let mut rng = SplitMix(a.seed);
    let every = Duration::from_secs_f64(60.0 / a.incidents_per_minute);
    let mut next = Instant::now();
    let end = started + Duration::from_secs(a.duration);
    let mut dispatched: HashMap<(String, i64), (Instant, Instant)> = HashMap::new();
    while Instant::now() < end {
        tokio::select! {
            _ = tokio::time::sleep_until(next) => {
                next += every;
                let u = &units[rng.below(units.len())];
                let (lat, lon) = (u.lat + rng.offset(0.008), u.lon + rng.offset(0.008));
                match create_and_dispatch(&mut http, &dispatcher, lat, lon, &sim_units, &mut rng).await {
                    Ok(Some((unit_id, seq, sent, answered))) => {
                        report.incidents += 1;
                        report.dispatched += 1;
                        dispatched.insert((unit_id, seq), (sent, answered));
                    }
                    Ok(None) => {
                        report.incidents += 1;
                        report.no_unit += 1;
                    }
                    Err(e) => report.error(format!("http: {e:#}")),
                }
            }
            Some(ev) = inbox.recv() => report.record(ev, &dispatched),
        }
    }
    // Let the crews finish what they were given, then hang up.
    let grace = Instant::now() + Duration::from_secs(20);
    while report.closed < report.received && Instant::now() < grace {
        match tokio::time::timeout_at(grace, inbox.recv()).await {
            Ok(Some(ev)) => report.record(ev, &dispatched),
            _ => break,
        }
    }
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    while let Ok(ev) = inbox.try_recv() {
        report.record(ev, &dispatched);
    }
    report.print(started.elapsed());
    Ok(ExitCode::SUCCESS)
}

/// A loopback server address.
#[derive(Debug, Clone)]
pub struct Target {
    pub addr: SocketAddr,
}

impl Target {
    pub async fn parse(url: &str) -> anyhow::Result<Target> {
        let rest = url.strip_prefix("http://").with_context(|| {
            format!("--target {url:?}: an http:// URL of a server on this machine")
        })?;
        let authority = rest.split('/').next().unwrap_or(rest);
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host(authority)
            .await
            .with_context(|| format!("--target {url:?}: cannot resolve {authority}"))?
            .collect();
        if addrs.is_empty() || !addrs.iter().all(|a| a.ip().is_loopback()) {
            bail!(
                "--target {url:?}: simulate and bench only send traffic to this machine (a loopback address)"
            );
        }
        Ok(Target { addr: addrs[0] })
    }
}

/// A keep-alive HTTP/1.1 connection to the server (reconnects when the server closes it).
pub struct Http {
    addr: SocketAddr,
    sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>>,
}

impl Http {
    pub fn new(addr: SocketAddr) -> Http {
        Http { addr, sender: None }
    }

    pub async fn call(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let (status, bytes) = self.call_raw(method, path, token, body).await?;
        Ok((
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        ))
    }

    /// [`Http::call`] with the body as bytes (text endpoints such as `/metrics`).
    pub async fn call_raw(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        self.send(
            method,
            path,
            token,
            body.map(|v| Bytes::from(v.to_string())),
        )
        .await
    }

    /// A request with a JSON body already encoded (a load generator's own bodies).
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Bytes>,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let ready = match self.sender.as_mut() {
            Some(s) => s.ready().await.is_ok(),
            None => false,
        };
        if !ready {
            let stream = tokio::net::TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            let (sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(conn);
            self.sender = Some(sender);
        }
        let Some(sender) = self.sender.as_mut() else {
            bail!("no connection");
        };
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Full::new(b))?,
            None => req.body(Full::new(Bytes::new()))?,
        };
        let resp = sender.send_request(req).await?;
        let status = resp.status();
        Ok((status, resp.into_body().collect().await?.to_bytes()))
    }

    /// Calls and insists on a 2xx answer.
    pub async fn ok(
        &mut self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let (status, v) = self.call(method.clone(), path, Some(token), body).await?;
        if !status.is_success() {
            bail!(
                "{method} {path}: {status} {}",
                v["detail"].as_str().unwrap_or("")
            );
        }
        Ok(v)
    }

    pub async fn login(&mut self, username: &str, password: &str) -> anyhow::Result<String> {
        let body = json!({"username": username, "password": password, "client": "api"});
        let (status, v) = self
            .call(Method::POST, "/api/v1/auth/login", None, Some(&body))
            .await?;
        match v["token"].as_str() {
            Some(t) if status == StatusCode::OK => Ok(t.to_string()),
            _ => bail!("cannot sign in as {username}: {status} {}", v["detail"]),
        }
    }

    /// The unit's last terminal message, so a terminal does not replay old assignments.
    pub async fn last_seq(&mut self, token: &str, unit_id: &str) -> anyhow::Result<i64> {
        let v = self
            .ok(
                Method::GET,
                &format!("/api/v1/units/{unit_id}/messages?after=0"),
                token,
                None,
            )
            .await?;
        Ok(v.as_array()
            .and_then(|a| a.last())
            .and_then(|m| m["seq"].as_i64())
            .unwrap_or(0))
    }
}

#[derive(Debug, Clone)]
pub struct Unit {
    pub id: String,
    pub call_sign: String,
    pub org_id: String,
    pub crew: Vec<String>,
    pub lat: f64,
    pub lon: f64,
}

/// `n` available units with a position, in call-sign order (deterministic across runs).
pub async fn pick_units(http: &mut Http, token: &str, n: usize) -> anyhow::Result<Vec<Unit>> {
    let v = http.ok(Method::GET, "/api/v1/units", token, None).await?;
    let mut units: Vec<Unit> = v
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|u| u["status"] == "available")
        .filter_map(|u| {
            Some(Unit {
                id: u["id"].as_str()?.into(),
                call_sign: u["call_sign"].as_str()?.into(),
                org_id: u["org_id"].as_str()?.into(),
                crew: serde_json::from_value(u["crew"].clone()).unwrap_or_default(),
                lat: u["lat"].as_f64()?,
                lon: u["lon"].as_f64()?,
            })
        })
        .collect();
    if units.len() < n {
        bail!(
            "only {} units are available with a position; ask for fewer",
            units.len()
        );
    }
    units.sort_by(|a, b| a.call_sign.cmp(&b.call_sign));
    units.truncate(n);
    Ok(units)
}

/// `sim.` and a stable 64-bit FNV-1a hash of the call sign (usernames are ASCII).
fn sim_username(call_sign: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in call_sign.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("sim.{h:016x}")
}

/// Creates the simulated officer (unless it exists) and puts it on the unit's crew.
async fn ensure_officer(
    http: &mut Http,
    admin: &str,
    dispatcher: &str,
    u: &Unit,
    username: &str,
    password: &str,
) -> anyhow::Result<()> {
    let body = json!({"username": username, "display_name": format!("模拟终端 {}", u.call_sign),
        "role": "officer", "org": u.org_id, "password": password});
    let (status, v) = http
        .call(Method::POST, "/api/v1/users", Some(admin), Some(&body))
        .await?;
    if !(status == StatusCode::CREATED || v["code"] == "username_taken") {
        bail!("cannot create {username}: {status} {}", v["detail"]);
    }
    if !u.crew.iter().any(|c| c == username) {
        // Rostered names stay (once each: the demo roster may repeat a common name).
        let mut crew: Vec<String> = Vec::new();
        for c in &u.crew {
            if !crew.contains(c) {
                crew.push(c.clone());
            }
        }
        crew.truncate(7);
        crew.push(username.to_string());
        http.ok(
            Method::PUT,
            &format!("/api/v1/units/{}/crew", u.id),
            dispatcher,
            Some(&json!({ "crew": crew })),
        )
        .await?;
    }
    Ok(())
}

const KINDS: [(&str, &str, &str); 6] = [
    ("criminal", "theft", "电动车被盗"),
    ("dispute", "neighbour_dispute", "邻里纠纷，双方争吵"),
    ("traffic", "collision", "两车刮擦，无人员受伤"),
    ("public_order", "noise", "深夜噪音扰民"),
    ("assistance", "welfare_check", "独居老人联系不上"),
    ("criminal", "fraud", "电信诈骗报案"),
];

/// Creates an incident and dispatches the best-ranked simulated unit. Returns the unit, its
/// terminal sequence number, and when the dispatch request was sent and answered.
async fn create_and_dispatch(
    http: &mut Http,
    token: &str,
    lat: f64,
    lon: f64,
    sim: &HashMap<String, Unit>,
    rng: &mut SplitMix,
) -> anyhow::Result<Option<(String, i64, Instant, Instant)>> {
    let (category, subcategory, text) = KINDS[rng.below(KINDS.len())];
    let body = json!({"caller_name": "模拟报警人", "caller_phone": "13800000000", "lat": lat, "lon": lon,
        "address": "模拟地址", "category": category, "subcategory": subcategory, "priority": "p2",
        "source": "call_110", "description": text});
    let created = http
        .ok(Method::POST, "/api/v1/incidents", token, Some(&body))
        .await?;
    let id = created["incident"]["id"]
        .as_str()
        .context("incident id")?
        .to_string();
    let recs = http
        .ok(
            Method::GET,
            &format!("/api/v1/incidents/{id}/recommendations?limit=50"),
            token,
            None,
        )
        .await?;
    for r in recs["units"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or_default()
    {
        let Some(unit_id) = r["unit_id"].as_str() else {
            continue;
        };
        if !sim.contains_key(unit_id) {
            continue;
        }
        let body = json!({ "unit_ids": [unit_id] });
        let sent = Instant::now();
        let (status, v) = http
            .call(
                Method::POST,
                &format!("/api/v1/incidents/{id}/dispatch"),
                Some(token),
                Some(&body),
            )
            .await?;
        let answered = Instant::now();
        if status == StatusCode::OK {
            let seq = v[0]["terminal_seq"].as_i64().context("terminal_seq")?;
            return Ok(Some((unit_id.to_string(), seq, sent, answered)));
        }
        // Taken meanwhile: try the next one.
    }
    let close = json!({"result_code": "90", "result_text": "模拟：无空闲的模拟终端单位，转人工"});
    http.ok(
        Method::POST,
        &format!("/api/v1/incidents/{id}/close"),
        token,
        Some(&close),
    )
    .await?;
    Ok(None)
}

/// How a simulated terminal behaves.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Road network to drive along; straight lines without it.
    pub roads: Option<std::sync::Arc<jingwu_app::RoadNetwork>>,
    pub time_scale: f64,
    pub position_every: Duration,
    /// Work assignments (ack, drive, on scene, close); otherwise only report receipt.
    pub respond: bool,
}

/// What terminals tell the coordinator.
#[derive(Debug)]
pub enum TermEvent {
    Connected,
    Received {
        unit_id: String,
        seq: i64,
        at: Instant,
    },
    Acked,
    Closed,
    Error(String),
}

enum Phase {
    Idle,
    Driving {
        incident: String,
        /// Road geometry from the unit to the incident, `(lat, lon)`.
        path: Vec<(f64, f64)>,
        start: Instant,
        dur: Duration,
    },
    OnScene {
        incident: String,
        until: Instant,
    },
}

/// Road speed for travel without an ETA, and the straight-line-to-road detour factor.
const SPEED_MPS: f64 = 40.0 / 3.6;
const DETOUR: f64 = 1.3;
/// Simulated handling time on scene.
const ON_SCENE_S: f64 = 300.0;

/// One simulated terminal: a real WebSocket client of the terminal protocol.
pub async fn terminal(
    target: Target,
    unit: Unit,
    token: String,
    last_seq: i64,
    b: Behaviour,
    events: mpsc::UnboundedSender<TermEvent>,
    mut stop: watch::Receiver<bool>,
) {
    let url = format!("ws://{}/api/v1/terminal/ws", target.addr);
    let (mut ws, _) = match tokio_tungstenite::connect_async(url).await {
        Ok(c) => c,
        Err(e) => {
            let _ = events.send(TermEvent::Error(format!("connect: {e}")));
            return;
        }
    };
    let hello = json!({"type": "hello", "version": 1, "unit_id": unit.id, "last_seq": last_seq, "token": token});
    if ws.send(Message::text(hello.to_string())).await.is_err() {
        let _ = events.send(TermEvent::Error("hello".into()));
        return;
    }
    let mut pos = (unit.lat, unit.lon);
    let mut phase = Phase::Idle;
    let mut tick = tokio::time::interval(b.position_every);
    let mut n = 0u64;
    loop {
        let mut out: Vec<Value> = Vec::new();
        tokio::select! {
            _ = stop.changed() => break,
            frame = ws.next() => {
                let text = match frame {
                    Some(Ok(Message::Text(t))) => t,
                    Some(Ok(_)) => continue,
                    _ => {
                        if !*stop.borrow() {
                            let _ = events.send(TermEvent::Error("connection lost".into()));
                        }
                        break;
                    }
                };
                let at = Instant::now();
                let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                match v["type"].as_str() {
                    Some("welcome") => { let _ = events.send(TermEvent::Connected); }
                    Some("ping") => out.push(json!({"type": "pong"})),
                    Some("message") => {
                        let seq = v["seq"].as_i64().unwrap_or(0);
                        let _ = events.send(TermEvent::Received { unit_id: unit.id.clone(), seq, at });
                        if b.respond && v["kind"] == "assignment" {
                            let body = &v["body"];
                            let incident = body["incident_id"].as_str().unwrap_or_default().to_string();
                            let to = (body["lat"].as_f64().unwrap_or(pos.0), body["lon"].as_f64().unwrap_or(pos.1));
                            let eta = body["eta_secs"].as_f64().unwrap_or_else(|| metres(pos, to) * DETOUR / SPEED_MPS);
                            out.push(json!({"type": "ack_assignment", "id": format!("ack-{seq}"), "incident_id": incident}));
                            out.push(json!({"type": "status", "id": format!("enroute-{seq}"), "status": "en_route"}));
                            let dur = Duration::from_secs_f64((eta / b.time_scale).clamp(0.5, 600.0));
                            let path = road_path(b.roads.as_deref(), pos, to);
                            phase = Phase::Driving { incident, path, start: Instant::now(), dur };
                        }
                    }
                    Some("ack") => {
                        let id = v["id"].as_str().unwrap_or_default();
                        if id.starts_with("ack-") { let _ = events.send(TermEvent::Acked); }
                        if id.starts_with("close-") { let _ = events.send(TermEvent::Closed); }
                    }
                    Some("error") => {
                        let _ = events.send(TermEvent::Error(format!("terminal {}: {}", v["code"].as_str().unwrap_or("?"), v["detail"].as_str().unwrap_or(""))));
                    }
                    _ => {}
                }
            }
            _ = tick.tick() => {
                n += 1;
                let mut speed = 0.0;
                match &phase {
                    Phase::Driving { incident, path, start, dur } => {
                        let f = (start.elapsed().as_secs_f64() / dur.as_secs_f64()).min(1.0);
                        pos = along(path, f);
                        speed = SPEED_MPS * 3.6;
                        if f >= 1.0 {
                            out.push(json!({"type": "status", "id": format!("onscene-{n}"), "status": "on_scene"}));
                            let until = Instant::now() + Duration::from_secs_f64(ON_SCENE_S / b.time_scale);
                            phase = Phase::OnScene { incident: incident.clone(), until };
                        }
                    }
                    Phase::OnScene { incident, until } if Instant::now() >= *until => {
                        out.push(json!({"type": "close", "id": format!("close-{n}"), "incident_id": incident,
                            "result_code": "10", "result_text": "模拟处置完毕，现场已恢复正常"}));
                        phase = Phase::Idle;
                    }
                    _ => {}
                }
                // A simulated terminal stamps its fixes with the real time, as a device does.
                #[allow(clippy::disallowed_methods)]
                let at = jiff::Timestamp::now().to_string();
                out.push(json!({"type": "position", "id": format!("p-{n}"), "positions": [
                    {"at": at, "lat": pos.0, "lon": pos.1, "speed_kmh": speed}]}));
            }
        }
        for m in out {
            if ws.send(Message::text(m.to_string())).await.is_err() {
                let _ = events.send(TermEvent::Error("send failed".into()));
                return;
            }
        }
    }
    let _ = ws.close(None).await;
}

/// The road route from `from` to `to`, or the straight line when there is no road network or
/// no route.
fn road_path(
    roads: Option<&jingwu_app::RoadNetwork>,
    from: (f64, f64),
    to: (f64, f64),
) -> Vec<(f64, f64)> {
    roads
        .and_then(|r| {
            let (a, b) = (r.snap(from.0, from.1).ok()?, r.snap(to.0, to.1).ok()?);
            r.with_router(|router, ws| router.route(ws, &a, &b))
                .map(|route| route.coords)
        })
        .filter(|c| c.len() >= 2)
        .unwrap_or_else(|| vec![from, to])
}

/// The point a fraction `f` of the way along `path` (by length).
fn along(path: &[(f64, f64)], f: f64) -> (f64, f64) {
    let total: f64 = path.windows(2).map(|w| metres(w[0], w[1])).sum();
    let mut left = total * f.clamp(0.0, 1.0);
    for w in path.windows(2) {
        let d = metres(w[0], w[1]);
        if d > 0.0 && left <= d {
            let t = left / d;
            return (
                w[0].0 + (w[1].0 - w[0].0) * t,
                w[0].1 + (w[1].1 - w[0].1) * t,
            );
        }
        left -= d;
    }
    path.last().copied().unwrap_or_default()
}

/// Great-circle distance in metres (haversine, mean Earth radius 6,371 km).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dla = la2 - la1;
    let dlo = (b.1 - a.1).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

#[derive(Default)]
struct Report {
    connected: usize,
    incidents: usize,
    dispatched: usize,
    no_unit: usize,
    received: usize,
    acked: usize,
    closed: usize,
    /// Push latency from the dispatch response (µs; 0 when the push came first).
    after_response_us: Vec<i64>,
    /// From the dispatch request being sent (µs).
    after_request_us: Vec<i64>,
    pushed_before_response: usize,
    errors: BTreeMap<String, usize>,
}

impl Report {
    fn error(&mut self, e: String) {
        *self.errors.entry(e).or_default() += 1;
    }

    fn record(&mut self, ev: TermEvent, dispatched: &HashMap<(String, i64), (Instant, Instant)>) {
        match ev {
            TermEvent::Connected => self.connected += 1,
            TermEvent::Received { unit_id, seq, at } => {
                self.received += 1;
                if let Some((sent, answered)) = dispatched.get(&(unit_id, seq)) {
                    self.after_request_us
                        .push(micros(at.saturating_duration_since(*sent)));
                    if at < *answered {
                        self.pushed_before_response += 1;
                    }
                    self.after_response_us
                        .push(micros(at.saturating_duration_since(*answered)));
                }
            }
            TermEvent::Acked => self.acked += 1,
            TermEvent::Closed => self.closed += 1,
            TermEvent::Error(e) => self.error(e),
        }
    }

    fn print(&self, elapsed: Duration) {
        println!("simulation: {:.1} s", elapsed.as_secs_f64());
        println!("terminals connected: {}", self.connected);
        println!(
            "incidents created: {}  dispatched to a simulated terminal: {}  no simulated unit free: {}",
            self.incidents, self.dispatched, self.no_unit
        );
        println!(
            "assignments received: {}  acknowledged: {}  closed: {}",
            self.received, self.acked, self.closed
        );
        print_latency(
            "push latency, dispatch response -> terminal receipt",
            &self.after_response_us,
        );
        println!(
            "  (pushes that reached the terminal before the dispatch response: {})",
            self.pushed_before_response
        );
        print_latency(
            "push latency, dispatch request sent -> terminal receipt",
            &self.after_request_us,
        );
        let total: usize = self.errors.values().sum();
        println!("errors: {total}");
        for (e, n) in &self.errors {
            println!("  {n} × {e}");
        }
    }
}

pub fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

pub fn print_latency(label: &str, us: &[i64]) {
    let ms = |p: f64| {
        jingwu_command::stats::percentile_of(us, p)
            .map_or_else(|| "-".to_string(), |v| format!("{:.2}", v as f64 / 1000.0))
    };
    println!(
        "{label} (ms, nearest rank): n={} p50={} p90={} p99={} max={}",
        us.len(),
        ms(50.0),
        ms(90.0),
        ms(99.0),
        ms(100.0)
    );
}

/// A small deterministic generator (SplitMix64), enough to scatter incidents.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in [-r, r].
    pub fn offset(&mut self, r: f64) -> f64 {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * r
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn only_loopback_targets_are_accepted() {
        assert!(Target::parse("http://127.0.0.1:8080").await.is_ok());
        assert!(Target::parse("http://[::1]:8080/").await.is_ok());
        for bad in [
            "http://10.0.0.1:80",
            "http://192.168.1.5:8080",
            "https://127.0.0.1:1",
            "127.0.0.1:80",
        ] {
            assert!(Target::parse(bad).await.is_err(), "{bad}");
        }
    }

    #[test]
    fn simulated_usernames_are_stable_and_valid() {
        let u = sim_username("鼓楼巡01");
        assert_eq!(u, sim_username("鼓楼巡01"));
        assert_ne!(u, sim_username("鼓楼巡02"));
        assert!(
            u.len() <= 32
                && u.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
        );
    }

    #[test]
    fn terminals_drive_along_the_road_route() {
        let (graph, _) = jingwu_routing::SyntheticCity::new(2_000, 3)
            .generate()
            .unwrap();
        let (lat0, lon0, lat1, lon1) = graph.bbox();
        let roads = jingwu_app::RoadNetwork::new(graph);
        let from = (lat0 + (lat1 - lat0) * 0.2, lon0 + (lon1 - lon0) * 0.2);
        let to = (lat0 + (lat1 - lat0) * 0.8, lon0 + (lon1 - lon0) * 0.7);
        let path = road_path(Some(&roads), from, to);
        assert!(path.len() > 2, "a road route has turns: {path:?}");
        // Every point of the drive is on the road network (within snapping noise).
        for f in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let p = along(&path, f);
            let on_road = roads.snap(p.0, p.1).unwrap();
            assert!(
                on_road.offset_m < 1.0,
                "{f}: {} m off the road",
                on_road.offset_m
            );
        }
        assert_eq!(along(&path, 1.0), *path.last().unwrap());
        assert_eq!(road_path(None, from, to), vec![from, to]);
    }

    #[test]
    fn the_generator_stays_in_range() {
        let mut r = SplitMix(1);
        for _ in 0..1000 {
            assert!(r.below(7) < 7);
            assert!(r.offset(0.5).abs() <= 0.5);
        }
    }
}
