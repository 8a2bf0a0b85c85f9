//! Terminal protocol, version 1: JSON text frames, each an object whose `type` names it.
//! Published as schemas in the OpenAPI document (`TerminalClientMessage`,
//! `TerminalServerMessage`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::FieldProblem;

/// The protocol version this server speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Terminal → server. The first frame must be `hello`; every command after it carries a
/// client-chosen `id` that the server echoes in its `ack` or `error` reply.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalClientMessage {
    Hello(Hello),
    AckAssignment(AckAssignment),
    Status(StatusUpdate),
    Position(PositionReport),
    Close(CloseIncident),
    /// Reply to a server `ping`; any frame from the terminal also counts as a sign of life.
    Pong,
}

/// Opens the session: which unit this terminal serves and the last message it has.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Hello {
    /// Must be 1.
    #[schema(minimum = 1, maximum = 1)]
    pub version: u32,
    pub unit_id: String,
    /// Sequence number of the last terminal message this terminal received (0 for none):
    /// everything after it is sent first, in order.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub last_seq: i64,
    /// Session token, when the upgrade request carried no `Authorization: Bearer` header
    /// (browsers cannot set headers on a WebSocket).
    #[serde(default)]
    pub token: Option<String>,
    /// Requested heartbeat interval in seconds (1..=120, default 20).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 120)]
    pub heartbeat_s: Option<u64>,
}

/// 签收: the terminal confirms it received its assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AckAssignment {
    pub id: String,
    pub incident_id: String,
}

/// A status change of the terminal's unit (`en_route`, `on_scene`, `busy`, `available`,
/// `off_duty`) under the unit status machine.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    pub id: String,
    pub status: String,
    /// Required when cancelling a dispatched or en-route unit back to available.
    #[serde(default)]
    pub reason: String,
}

/// One position fix or a batch (an offline queue replayed), all of the terminal's unit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PositionReport {
    pub id: String,
    /// 1 to 5000 fixes.
    pub positions: Vec<TerminalFix>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminalFix {
    /// Fix time (RFC 3339).
    #[schema(format = DateTime)]
    pub at: String,
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub speed_kmh: Option<f64>,
    #[serde(default)]
    pub heading: Option<f64>,
}

/// 办结: closes an incident the unit is on, with its result.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseIncident {
    pub id: String,
    pub incident_id: String,
    pub result_code: String,
    pub result_text: String,
}

/// Server → terminal.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TerminalServerMessage {
    Welcome(Welcome),
    /// An entry of the unit's durable terminal log (assignments …), in sequence order.
    Message(PushedMessage),
    Ping(Ping),
    Ack(Ack),
    Error(ErrorReply),
    /// Sent right after `welcome` when `hello.last_seq` is ahead of the unit's log (the server
    /// was restored from a backup, or the terminal kept a wrong number): the terminal drops
    /// what it holds from the log and takes the whole log again, from `resume_after`.
    Resync(Resync),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Resync {
    /// The `last_seq` the terminal asked to resume after.
    pub requested_after: i64,
    /// The sequence number of the unit's newest message on this server (0 for none).
    pub server_seq: i64,
    /// Messages after this sequence number follow (0: the whole log, since the terminal's
    /// copy cannot be trusted past any point the server can name).
    pub resume_after: i64,
}

/// The reply to `hello`: the session is open; the backlog after `last_seq` follows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Welcome {
    pub version: u32,
    pub unit_id: String,
    /// Server time (RFC 3339), for the terminal to estimate its clock offset.
    pub server_time: String,
    /// The server sends `ping` this often; a terminal silent for three intervals is dropped.
    pub heartbeat_s: u64,
    /// Messages after this sequence number follow: `hello.last_seq`, or 0 when the terminal
    /// was ahead of the log (a `resync` frame follows then).
    pub resume_after: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushedMessage {
    /// Per-unit sequence number, gap-free; the terminal keeps the last one for `hello.last_seq`.
    pub seq: i64,
    pub at: String,
    /// `assignment`, ...
    pub kind: String,
    pub body: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ping {
    pub at: String,
}

/// A command succeeded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ack {
    /// The command's `id`.
    pub id: String,
    /// What the command produced: `{"status": …}` for `status`, `{"accepted": n}` for
    /// `position`, `{}` otherwise.
    pub result: serde_json::Value,
}

/// A command or frame was refused: an RFC 9457-like problem with a stable `code`
/// (`malformed_json`, `invalid_field`, `hello_expected`, `unsupported_version`,
/// `unauthenticated`, `not_found`, `illegal_transition`, `not_assigned`, …).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorReply {
    /// The command's `id`, when the frame had one.
    pub id: Option<String>,
    #[schema(value_type = crate::openapi::ProblemCodeSchema)]
    pub code: String,
    /// The HTTP status the same refusal has on the REST API.
    pub status: u16,
    pub title: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}
