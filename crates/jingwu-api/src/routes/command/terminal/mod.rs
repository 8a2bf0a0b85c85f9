//! The terminal protocol over WebSocket (`GET /api/v1/terminal/ws`): assignments pushed from
//! the unit's durable message log, resumable by sequence number; acknowledge, status, position
//! and close commands answered by `ack`/`error` with the client's request id; heartbeats.
//!
//! Back-pressure: every connection has a bounded outbound queue drained by its own writer
//! task. Replies, pushes and pings are offered to the queue without waiting; when it is full
//! the terminal is not reading, and the connection is dropped (the terminal resumes by
//! sequence number when it reconnects). Nothing a terminal does can block the server's writers,
//! the live-event listener or another terminal.

mod hub;
pub mod protocol;

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use futures_util::stream::FuturesOrdered;
use futures_util::{SinkExt, StreamExt};
use jingwu_app::{App, AppError, Fix, RequestCtx};
use jingwu_command::policy::{self, Listener};
use jingwu_core::{Principal, micros_to_timestamp};
use tokio::sync::mpsc;
use tokio::time::Instant;

pub use hub::Hub;
use protocol::*;

use crate::extract::Ctx;
use crate::{ApiError, AppState, Problem};

/// Outbound frames a connection may have queued before it counts as not reading.
pub const OUTBOUND_QUEUE: usize = 256;
/// How long the first frame (`hello`) may take.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_HEARTBEAT_S: u64 = 20;
/// While sending a backlog (resume), how long a terminal may take to make room in its queue.
const BACKLOG_GRACE: Duration = Duration::from_secs(5);
/// Largest frame accepted from a terminal (a batch of 5000 fixes fits).
const MAX_FRAME: usize = crate::MAX_JSON_BODY;
/// Position frames a terminal may have waiting for their commit; more are refused
/// (`avl_overloaded`) rather than queued behind a terminal that sends faster than it is told.
const MAX_UNACKED_POSITIONS: usize = 64;

/// A position frame's acknowledgement, due when its fixes are committed.
type PendingAck =
    std::pin::Pin<Box<dyn Future<Output = (String, Result<usize, AppError>)> + Send + Sync>>;

/// Terminal session over WebSocket, protocol version 1. The upgrade request may carry
/// `Authorization: Bearer <token>`, or (the browser terminal) the session cookie with an
/// `Origin` of this server; otherwise the token goes in the first frame, `hello`.
/// Frames are the JSON objects `TerminalClientMessage` (terminal → server) and
/// `TerminalServerMessage` (server → terminal) described in the schemas.
#[utoipa::path(get, path = "/api/v1/terminal/ws", tag = "terminal", security((), ("bearer" = [])),
    responses(
        (status = 101, description = "Switching to the WebSocket terminal protocol; frames are `TerminalServerMessage` objects", body = TerminalServerMessage),
        (status = 400, description = "`websocket_required`: not a WebSocket upgrade request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthenticated`: the bearer header carries no live session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn terminal_ws(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let ws = ws.map_err(|r| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "websocket_required",
            format!("this endpoint speaks the terminal protocol over WebSocket: {r}"),
        )
    })?;
    // A bearer header, or the page's session cookie from our own origin only: a cookie sent
    // with another site's upgrade would let that page open a socket in the user's name.
    let header_auth = match bearer(&headers).or_else(|| same_origin_cookie(&headers)) {
        Some(token) => {
            let principal = s.app.foundation().authenticate(&token).await?;
            Some((principal, token))
        }
        None => None,
    };
    Ok(ws
        .max_message_size(MAX_FRAME)
        .max_frame_size(MAX_FRAME)
        .on_upgrade(move |socket| connection(socket, s, ctx, header_auth)))
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// The session cookie of an upgrade whose `Origin` is this server's own (the browser
/// terminal); `None` for any other origin or none at all.
fn same_origin_cookie(headers: &HeaderMap) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let (_, origin_host) = origin.split_once("://")?;
    if !origin_host.eq_ignore_ascii_case(host) {
        return None;
    }
    crate::extract::session_cookie(headers).filter(|t| !t.is_empty())
}

/// How a session ended.
enum End {
    /// Say why (an `error` already queued) and close the socket politely.
    Close(&'static str),
    /// The server is stopping: close with 1001 (going away); the terminal reconnects.
    GoingAway,
    /// The peer is gone or not reading: drop without ceremony.
    Drop,
}

async fn connection(
    socket: WebSocket,
    s: AppState,
    ctx: RequestCtx,
    header_auth: Option<(Principal, String)>,
) {
    let (mut sink, stream) = socket.split();
    let (out, mut queue) = mpsc::channel::<Message>(OUTBOUND_QUEUE);
    let mut writer = tokio::spawn(async move {
        while let Some(m) = queue.recv().await {
            let closing = matches!(m, Message::Close(_));
            if sink.send(m).await.is_err() || closing {
                break;
            }
        }
    });
    metrics::gauge!("jingwu_terminal_connections").increment(1.0);
    let mut session = Session {
        app: s.app.clone(),
        hub: s.terminals.clone(),
        ctx,
        out,
        stream,
        heartbeat: Duration::from_secs(DEFAULT_HEARTBEAT_S),
    };
    let end = session.run(header_auth).await;
    metrics::gauge!("jingwu_terminal_connections").decrement(1.0);
    let close = match end {
        End::Close(reason) => Some((1008, reason)),
        End::GoingAway => Some((1001, "server_stopping")),
        End::Drop => None,
    };
    match close {
        Some((code, reason)) => {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = session.out.try_send(Message::Close(Some(frame)));
            drop(session);
            // Let the writer flush the error and the close frame, briefly.
            if tokio::time::timeout(Duration::from_secs(2), &mut writer)
                .await
                .is_err()
            {
                writer.abort();
            }
        }
        None => writer.abort(),
    }
}

struct Session {
    app: App,
    hub: Hub,
    ctx: RequestCtx,
    out: mpsc::Sender<Message>,
    stream: futures_util::stream::SplitStream<WebSocket>,
    heartbeat: Duration,
}

/// The authenticated, greeted state of a connection.
struct Greeted {
    principal: Principal,
    token: String,
    unit_id: String,
    sent_seq: i64,
    /// Position frames queued for the position writer, acknowledged in order once committed.
    unacked: FuturesOrdered<PendingAck>,
}

/// A frame read from the terminal, classified.
enum Frame {
    Command(TerminalClientMessage),
    /// A frame the terminal should hear about: (command id if any, the problem).
    Bad(Option<String>, ApiError),
    /// Control frames: nothing to answer.
    Control,
    Gone,
}

impl Session {
    async fn run(&mut self, header_auth: Option<(Principal, String)>) -> End {
        let mut g = match self.greet(header_auth).await {
            Ok(g) => g,
            Err(end) => return end,
        };
        let mut watch = self.hub.watch(&self.app, &g.unit_id, &g.principal.user_id);
        // A revocation between the greeting and the subscription would otherwise go unheard.
        if let Err(end) = self.recheck_session(&mut g).await {
            return end;
        }
        // Subscribed first, then the backlog: whatever is appended meanwhile wakes `watch`.
        if let Err(end) = self.catch_up(&mut g, true).await {
            return end;
        }
        self.live(&mut g, &mut watch).await
    }

    /// Waits for `hello`, authenticates, checks the unit, sends `welcome`.
    async fn greet(&mut self, header_auth: Option<(Principal, String)>) -> Result<Greeted, End> {
        let deadline = Instant::now() + HELLO_TIMEOUT;
        let hello = loop {
            let frame = match tokio::time::timeout_at(deadline, self.next_frame()).await {
                Ok(f) => f,
                Err(_) => {
                    self.reply_error(
                        None,
                        ApiError::new(
                            StatusCode::REQUEST_TIMEOUT,
                            "hello_timeout",
                            "send hello first",
                        ),
                    )?;
                    return Err(End::Close("hello_timeout"));
                }
            };
            match frame {
                Frame::Command(TerminalClientMessage::Hello(h)) => break h,
                Frame::Command(_) => self.reply_error(
                    None,
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "hello_expected",
                        "the first message must be hello",
                    ),
                )?,
                Frame::Bad(id, e) => self.reply_error(id, e)?,
                Frame::Control => {}
                Frame::Gone => return Err(End::Drop),
            }
        };
        if hello.version != PROTOCOL_VERSION {
            self.reply_error(
                None,
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "unsupported_version",
                    format!(
                        "this server speaks terminal protocol version {PROTOCOL_VERSION}, not {}",
                        hello.version
                    ),
                ),
            )?;
            return Err(End::Close("unsupported_version"));
        }
        let (principal, token) = match (header_auth, hello.token) {
            (Some(a), _) => a,
            (None, Some(token)) => match self.app.foundation().authenticate(&token).await {
                Ok(p) => (p, token),
                Err(e) => return Err(self.fatal(e.into(), "unauthenticated")),
            },
            (None, None) => {
                return Err(self.fatal(AppError::Unauthenticated.into(), "unauthenticated"));
            }
        };
        if hello.last_seq < 0 {
            let e = ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "last_seq",
                "invalid_field",
                "must be 0 or more",
            );
            return Err(self.fatal(e, "invalid_hello"));
        }
        // The officer must crew the unit, or a dispatcher have it in scope (else 404).
        let head = match self
            .app
            .command()
            .terminal_log_head(&principal, &hello.unit_id)
            .await
        {
            Ok(head) => head,
            Err(e) => return Err(self.fatal(e.into(), "refused")),
        };
        let heartbeat_s = hello
            .heartbeat_s
            .unwrap_or(DEFAULT_HEARTBEAT_S)
            .clamp(1, 120);
        self.heartbeat = Duration::from_secs(heartbeat_s);
        // A terminal ahead of the log would otherwise wait for sequence numbers the server
        // hands out again: it is told, and takes the whole log afresh.
        let ahead = hello.last_seq > head;
        let resume_after = if ahead { 0 } else { hello.last_seq };
        let welcome = TerminalServerMessage::Welcome(Welcome {
            version: PROTOCOL_VERSION,
            unit_id: hello.unit_id.clone(),
            server_time: self.app.now().to_string(),
            heartbeat_s,
            resume_after,
        });
        self.offer(&welcome)?;
        if ahead {
            metrics::counter!("jingwu_terminal_resync_total").increment(1);
            self.offer(&TerminalServerMessage::Resync(Resync {
                requested_after: hello.last_seq,
                server_seq: head,
                resume_after,
            }))?;
        }
        Ok(Greeted {
            principal,
            token,
            unit_id: hello.unit_id,
            sent_seq: resume_after,
            unacked: FuturesOrdered::new(),
        })
    }
}

impl Session {
    /// The greeted session: pushes, commands and heartbeats until the terminal goes away.
    async fn live(&mut self, g: &mut Greeted, watch: &mut hub::UnitWatch) -> End {
        let mut heartbeat =
            tokio::time::interval_at(Instant::now() + self.heartbeat, self.heartbeat);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                wake = watch.changed() => {
                    let scope = match wake {
                        None => return End::Drop,
                        Some(hub::Woken::Log(scope)) => scope,
                        // Logout, revocation or a disabled account: this socket ends now if
                        // its own session is among them.
                        Some(hub::Woken::Revoked) => {
                            if let Err(end) = self.recheck_session(g).await {
                                return end;
                            }
                            continue;
                        }
                        Some(hub::Woken::Stopping) => return self.going_away(),
                    };
                    // One policy decision per event; after lost notifications (no scope) the
                    // re-read itself is authorized by the use case.
                    let listener = Listener::Terminal { unit_id: &g.unit_id };
                    if scope.is_some_and(|s| !policy::may_receive(&g.principal, listener, &s)) {
                        // The officer left the crew meanwhile: as a refused read would say.
                        return self.fatal(AppError::NotFound { what: "unit" }.into(), "refused");
                    }
                    if let Err(end) = self.catch_up(g, false).await {
                        return end;
                    }
                }
                frame = self.next_frame() => {
                    last_heard = Instant::now();
                    let r = match frame {
                        Frame::Command(cmd) => self.command(g, cmd).await,
                        Frame::Bad(id, e) => self.reply_error(id, e),
                        Frame::Control => Ok(()),
                        Frame::Gone => return End::Drop,
                    };
                    if let Err(end) = r {
                        return end;
                    }
                }
                Some((id, stored)) = g.unacked.next(), if !g.unacked.is_empty() => {
                    let r = match stored {
                        Ok(n) => self.offer(&TerminalServerMessage::Ack(Ack {
                            id,
                            result: serde_json::json!({ "accepted": n }),
                        })),
                        Err(e) => self.reply_error(Some(id), e.into()),
                    };
                    if let Err(end) = r {
                        return end;
                    }
                }
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > self.heartbeat * 3 {
                        metrics::counter!("jingwu_terminal_dropped_total", "reason" => "silent").increment(1);
                        return End::Drop;
                    }
                    // A session revoked by another process (`jingwu user revoke`) ends the
                    // socket within one heartbeat; in this one the hub says so at once.
                    if let Err(end) = self.recheck_session(g).await {
                        return end;
                    }
                    let ping = TerminalServerMessage::Ping(Ping { at: self.app.now().to_string() });
                    if let Err(end) = self.offer(&ping) {
                        return end;
                    }
                }
            }
        }
    }

    /// Re-reads the session behind the socket, as every HTTP request does: the principal is
    /// refreshed (a changed role counts at once), a revoked or expired one ends the socket.
    async fn recheck_session(&self, g: &mut Greeted) -> Result<(), End> {
        self.session(g)
            .await
            .map_err(|(e, reason)| self.fatal(e, reason))
    }

    /// The session check itself: the refusal and the close reason when it fails.
    async fn session(&self, g: &mut Greeted) -> Result<(), (ApiError, &'static str)> {
        match self.app.foundation().authenticate(&g.token).await {
            Ok(p) => {
                g.principal = p;
                Ok(())
            }
            Err(e @ AppError::Store(_)) | Err(e @ AppError::Internal(_)) => {
                Err((e.into(), "internal"))
            }
            Err(e) => Err((e.into(), "unauthenticated")),
        }
    }

    /// Sends every log entry after the last one sent, in sequence order, read from the database.
    async fn catch_up(&mut self, g: &mut Greeted, backlog: bool) -> Result<(), End> {
        let rows = match self
            .app
            .command()
            .terminal_messages(&g.principal, &g.unit_id, g.sent_seq)
            .await
        {
            Ok(rows) => rows,
            Err(e @ AppError::Store(_)) | Err(e @ AppError::Internal(_)) => {
                return Err(self.fatal(e.into(), "internal"));
            }
            // The officer left the crew or lost the role meanwhile.
            Err(e) => return Err(self.fatal(e.into(), "refused")),
        };
        for m in rows {
            let seq = m.seq;
            let msg = TerminalServerMessage::Message(PushedMessage {
                seq,
                at: micros_to_timestamp(m.at).to_string(),
                kind: m.kind.to_string(),
                body: serde_json::from_str(&m.body).unwrap_or(serde_json::Value::Null),
            });
            if backlog {
                // A resuming terminal takes its backlog at its own pace, within a grace.
                let frame = Message::Text(encode(&msg).into());
                if self.out.send_timeout(frame, BACKLOG_GRACE).await.is_err() {
                    metrics::counter!("jingwu_terminal_dropped_total", "reason" => "slow")
                        .increment(1);
                    return Err(End::Drop);
                }
            } else {
                self.offer(&msg)?;
            }
            g.sent_seq = seq;
        }
        Ok(())
    }

    async fn command(&mut self, g: &mut Greeted, cmd: TerminalClientMessage) -> Result<(), End> {
        // Every command is checked against the session first, so a revoked account cannot act
        // even when its revocation came from another process.
        if let Some(id) = command_id(&cmd)
            && let Err((e, reason)) = self.session(g).await
        {
            // The refusal answers the command, then the socket ends.
            return match self.reply_error(Some(id.to_string()), e) {
                Ok(()) => Err(End::Close(reason)),
                Err(end) => Err(end),
            };
        }
        let (id, outcome) = match cmd {
            TerminalClientMessage::Hello(_) => {
                let e = ApiError::new(
                    StatusCode::CONFLICT,
                    "already_greeted",
                    "hello was already received on this connection",
                );
                return self.reply_error(None, e);
            }
            TerminalClientMessage::Pong => return Ok(()),
            TerminalClientMessage::AckAssignment(c) => {
                let ctx = self.command_ctx(&c.id);
                let r = self
                    .app
                    .command()
                    .acknowledge(
                        &g.principal,
                        &g.unit_id,
                        &c.incident_id.as_str().into(),
                        &ctx,
                    )
                    .await
                    .map(|()| serde_json::json!({}))
                    .map_err(ApiError::from);
                (c.id, r)
            }
            TerminalClientMessage::Status(c) => {
                let ctx = self.command_ctx(&c.id);
                let r = self
                    .app
                    .command()
                    .set_unit_status(&g.principal, &g.unit_id, &c.status, &c.reason, &ctx)
                    .await
                    .map(|to| serde_json::json!({ "status": to.as_str() }))
                    .map_err(ApiError::from);
                (c.id, r)
            }
            TerminalClientMessage::Close(c) => {
                let ctx = self.command_ctx(&c.id);
                let r = self
                    .app
                    .command()
                    .close_incident(
                        &g.principal,
                        &c.incident_id.as_str().into(),
                        &c.result_code,
                        &c.result_text,
                        &ctx,
                    )
                    .await
                    .map(|()| serde_json::json!({}))
                    .map_err(ApiError::from);
                (c.id, r)
            }
            TerminalClientMessage::Position(c) => return self.position(g, c).await,
        };
        match outcome {
            Ok(result) => self.offer(&TerminalServerMessage::Ack(Ack { id, result })),
            Err(e) => self.reply_error(Some(id), e),
        }
    }

    /// Queues a position frame for the position writer; its `ack` follows the commit, while
    /// pushes and other commands go on meanwhile.
    async fn position(&mut self, g: &mut Greeted, c: PositionReport) -> Result<(), End> {
        if g.unacked.len() >= MAX_UNACKED_POSITIONS {
            metrics::counter!("jingwu_avl_shed_total").increment(c.positions.len() as u64);
            let e = AppError::Unavailable {
                code: jingwu_command::error_codes::AVL_OVERLOADED.code,
                detail: format!(
                    "{MAX_UNACKED_POSITIONS} position frames of this terminal await storage; send the newest again shortly"
                ),
            };
            return self.reply_error(Some(c.id), e.into());
        }
        let fixes = match fixes(&g.unit_id, c.positions) {
            Ok(fixes) => fixes,
            Err(e) => return self.reply_error(Some(c.id), e),
        };
        match self
            .app
            .command()
            .submit_positions(&g.principal, &fixes)
            .await
        {
            Ok((n, stored)) => {
                let id = c.id;
                g.unacked.push_back(Box::pin(async move {
                    (id, stored.committed().await.map(|()| n))
                }));
                Ok(())
            }
            Err(e) => self.reply_error(Some(c.id), e.into()),
        }
    }

    /// Tells the terminal the server is stopping and ends the session.
    fn going_away(&self) -> End {
        let e = ApiError::from(AppError::Unavailable {
            code: jingwu_core::problem_codes::STOPPING.code,
            detail: "the server is stopping; reconnect and resume from the last sequence".into(),
        });
        match self.reply_error(None, e) {
            Ok(()) => End::GoingAway,
            Err(end) => end,
        }
    }

    fn command_ctx(&self, id: &str) -> RequestCtx {
        let id: String = id.chars().take(64).collect();
        RequestCtx {
            request_id: format!("{}:{id}", self.ctx.request_id),
            client_addr: self.ctx.client_addr.clone(),
        }
    }

    /// Reads the next frame and classifies it.
    async fn next_frame(&mut self) -> Frame {
        match self.stream.next().await {
            None | Some(Err(_)) => Frame::Gone,
            Some(Ok(Message::Close(_))) => Frame::Gone,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => Frame::Control,
            Some(Ok(Message::Binary(_))) => Frame::Bad(
                None,
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_frame",
                    "frames are JSON text",
                ),
            ),
            Some(Ok(Message::Text(t))) => parse(t.as_str()),
        }
    }

    /// Queues a frame without waiting; a full queue means the terminal is not reading.
    fn offer(&self, msg: &TerminalServerMessage) -> Result<(), End> {
        match self.out.try_send(Message::Text(encode(msg).into())) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                metrics::counter!("jingwu_terminal_dropped_total", "reason" => "slow").increment(1);
                Err(End::Drop)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(End::Drop),
        }
    }

    fn reply_error(&self, id: Option<String>, e: ApiError) -> Result<(), End> {
        self.offer(&error_reply(id, e))
    }

    /// Tells the terminal why and ends the session.
    fn fatal(&self, e: ApiError, reason: &'static str) -> End {
        match self.reply_error(None, e) {
            Ok(()) => End::Close(reason),
            Err(end) => end,
        }
    }
}

fn parse(text: &str) -> Frame {
    match crate::extract::parse_json::<TerminalClientMessage>(text.as_bytes()) {
        Ok(cmd) => match command_id(&cmd) {
            Some(id) if id.is_empty() || id.chars().count() > 64 => Frame::Bad(
                Some(id.chars().take(64).collect()),
                ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "id",
                    "invalid_field",
                    "1 to 64 characters",
                ),
            ),
            _ => Frame::Command(cmd),
        },
        Err(e) => {
            // Echo the id when the frame was JSON with one, so the terminal can match it.
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("id")?.as_str().map(|s| s.chars().take(64).collect()));
            Frame::Bad(id, e)
        }
    }
}

fn command_id(cmd: &TerminalClientMessage) -> Option<&str> {
    match cmd {
        TerminalClientMessage::AckAssignment(c) => Some(&c.id),
        TerminalClientMessage::Status(c) => Some(&c.id),
        TerminalClientMessage::Position(c) => Some(&c.id),
        TerminalClientMessage::Close(c) => Some(&c.id),
        TerminalClientMessage::Hello(_) | TerminalClientMessage::Pong => None,
    }
}

fn fixes(unit_id: &str, positions: Vec<TerminalFix>) -> Result<Vec<Fix>, ApiError> {
    if positions.is_empty() {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "positions",
            "invalid_field",
            "at least one fix",
        ));
    }
    positions
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let at = p.at.parse::<jiff::Timestamp>().map_err(|e| {
                ApiError::field(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &format!("positions[{i}].at"),
                    "invalid_field",
                    e.to_string(),
                )
            })?;
            Ok(Fix {
                unit_id: unit_id.to_string(),
                at_us: at.as_microsecond(),
                lat: p.lat,
                lon: p.lon,
                speed_kmh: p.speed_kmh,
                heading: p.heading,
            })
        })
        .collect()
}

fn error_reply(id: Option<String>, e: ApiError) -> TerminalServerMessage {
    TerminalServerMessage::Error(ErrorReply {
        id,
        title: e.status.canonical_reason().unwrap_or("Error").to_string(),
        status: e.status.as_u16(),
        code: e.code,
        detail: e.detail,
        errors: e.errors,
    })
}

fn encode(msg: &TerminalServerMessage) -> String {
    // Serializing these plain structs cannot fail; an empty object keeps the frame valid JSON.
    serde_json::to_string(msg).unwrap_or_else(|_| "{}".into())
}
