//! Inter-agency linkage (联动): linked agencies registered by an admin; an incident (or the
//! units chosen of it) sent to an agency as a NENA EIDO message through an outbound queue —
//! queued in the notifying transaction, delivered by HTTP POST signed with the agency's
//! secret (`jingwu_command::linkage`), retried with exponential backoff and given up as
//! `failed` — and the agency's signed acknowledgement with its units landing on the
//! incident's timeline.

use std::collections::BTreeMap;

use jingwu_command::error_codes::{self as codes, field};
use jingwu_command::linkage::{
    self as rules, Agency, AgencyKind, DeliveryStatus, MESSAGE_ID_HEADER, OutboundMessage,
    SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize, path_contains};
use jingwu_store::command::linkage as lq;
use jingwu_store::command::{self as q, EventKind};
use jingwu_store::foundation::orgs;

use super::export::eido_incident;
use super::{Command, event};
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

/// Messages one delivery pass takes (the next pass takes the rest).
const BATCH: i64 = 50;
/// How long an attempt holds its message against other senders, seconds.
const ATTEMPT_HOLD_S: i64 = 60;
const MAX_NOTE_CHARS: usize = 500;
const MAX_UNITS: usize = 20;
const US: i64 = jingwu_command::US_PER_S;

/// What an admin registers or changes.
#[derive(Debug, Clone)]
pub struct AgencyInput {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub endpoint_url: String,
    pub secret: String,
    pub enabled: bool,
}

/// An agency as callers see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyView {
    pub code: String,
    pub kind: AgencyKind,
    pub name: String,
    pub endpoint_url: String,
    pub enabled: bool,
    pub org_id: String,
}

impl From<&Agency> for AgencyView {
    fn from(a: &Agency) -> Self {
        AgencyView {
            code: a.code.clone(),
            kind: a.kind,
            name: a.name.clone(),
            endpoint_url: a.endpoint_url.clone(),
            enabled: a.enabled,
            org_id: a.org_id.clone(),
        }
    }
}

/// An outbound message with the agency it goes to.
#[derive(Debug, Clone)]
pub struct LinkageView {
    pub message: OutboundMessage,
    pub agency_code: String,
    pub agency_name: String,
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveriesDone {
    pub delivered: usize,
    pub retried: usize,
    pub failed: usize,
}

/// The signed headers of an inbound message.
#[derive(Debug, Clone, Default)]
pub struct SignedHeaders {
    pub timestamp: Option<String>,
    pub message_id: Option<String>,
    pub signature: Option<String>,
}

/// The body an agency sends back.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundAck {
    /// Our message id (the `X-Jingwu-Message-Id` we sent).
    reference: String,
    #[serde(default)]
    units: Vec<InboundUnit>,
    #[serde(default)]
    note: String,
}

#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct InboundUnit {
    name: String,
    #[serde(default)]
    eta_s: Option<i64>,
}

fn check_agency(input: &AgencyInput) -> Result<AgencyKind> {
    let mut errs = Vec::new();
    if !rules::valid_code(&input.code) {
        errs.push(FieldError::new(
            "code",
            field::AGENCY_CODE.code,
            "2 to 32 of a-z 0-9 _ -",
        ));
    }
    let kind = input.kind.parse::<AgencyKind>().ok();
    if kind.is_none() {
        errs.push(FieldError::new(
            "kind",
            field::AGENCY_KIND.code,
            "fire, ambulance, traffic or city_department",
        ));
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.contains('\0') {
        errs.push(FieldError::new(
            "name",
            field::AGENCY_NAME.code,
            "1 to 100 characters",
        ));
    }
    if input.endpoint_url.len() > 500
        || crate::payments::gateway::http_target(&input.endpoint_url).is_err()
    {
        errs.push(FieldError::new(
            "endpoint_url",
            field::AGENCY_URL.code,
            "an http:// URL (put a TLS proxy in front for https)",
        ));
    }
    if !(16..=200).contains(&input.secret.chars().count()) || input.secret.contains('\0') {
        errs.push(FieldError::new(
            "secret",
            field::AGENCY_SECRET.code,
            "16 to 200 characters",
        ));
    }
    match kind {
        Some(k) if errs.is_empty() => Ok(k),
        _ => Err(AppError::Validation(errs)),
    }
}

fn audit_detail(a: &Agency) -> serde_json::Value {
    // The secret is never recorded.
    serde_json::json!({ "code": a.code, "kind": a.kind, "name": a.name,
        "endpoint_url": a.endpoint_url, "enabled": a.enabled })
}

impl Command<'_> {
    /// An admin registers an agency for their bureau (its subtree may notify it).
    pub async fn register_agency(
        &self,
        who: &Principal,
        input: AgencyInput,
        ctx: &RequestCtx,
    ) -> Result<AgencyView> {
        authorize(who, Action::ManageLinkage, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let kind = check_agency(&input)?;
        self.k()
            .write(who, ctx, async |tx| {
                let a = Agency {
                    id: jingwu_core::new_id(),
                    code: input.code.clone(),
                    kind,
                    name: input.name.trim().to_owned(),
                    endpoint_url: input.endpoint_url.clone(),
                    secret: input.secret.clone(),
                    enabled: input.enabled,
                    org_id: who.org_id.clone(),
                    created_at: tx.now_us(),
                };
                if !lq::insert_agency(tx.db(), &a).await? {
                    return Err(AppError::Conflict {
                        code: codes::AGENCY_EXISTS.code,
                        detail: format!("the code {} is taken", a.code),
                    });
                }
                tx.audit(
                    "command.agency.register",
                    ("linkage_agency", a.id.as_str()),
                    &who.org_path,
                    audit_detail(&a),
                )
                .await?;
                Ok(AgencyView::from(&a))
            })
            .await
    }

    /// An admin over the registering bureau changes an agency (the code stays).
    pub async fn update_agency(
        &self,
        who: &Principal,
        code: &str,
        input: AgencyInput,
        ctx: &RequestCtx,
    ) -> Result<AgencyView> {
        authorize(who, Action::ManageLinkage, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let kind = check_agency(&AgencyInput {
            code: code.to_owned(),
            ..input.clone()
        })?;
        self.k()
            .write(who, ctx, async |tx| {
                let (cur, path) = lq::agency_by_code(tx.db(), code)
                    .await?
                    .ok_or(AppError::NotFound { what: "agency" })?;
                authorize(who, Action::ManageLinkage, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "agency"))?;
                let a = Agency {
                    kind,
                    name: input.name.trim().to_owned(),
                    endpoint_url: input.endpoint_url.clone(),
                    secret: input.secret.clone(),
                    enabled: input.enabled,
                    ..cur
                };
                lq::update_agency(tx.db(), &a).await?;
                tx.audit(
                    "command.agency.update",
                    ("linkage_agency", a.id.as_str()),
                    &path,
                    audit_detail(&a),
                )
                .await?;
                Ok(AgencyView::from(&a))
            })
            .await
    }

    /// Agencies the caller may notify (registered at or above their org) or keeps (under it).
    pub async fn agencies(&self, who: &Principal) -> Result<Vec<AgencyView>> {
        if authorize(who, Action::ManageLinkage, Scope::Org(&who.org_path)).is_err() {
            authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
                .map_err(AppError::denied_scope)?;
        }
        let mut conn = self.k().read().await?;
        Ok(lq::agencies_for(&mut conn, &who.org_path)
            .await?
            .iter()
            .map(|(a, _)| AgencyView::from(a))
            .collect())
    }

    /// Sends an incident — or only the units chosen of it — to a linked agency: the EIDO
    /// message is queued in this transaction (delivered by the linkage job) and the timeline
    /// says so. A dispatcher over the incident's owner may notify an enabled agency registered
    /// at or above their org.
    pub async fn notify_agency(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        agency_code: &str,
        unit_ids: &[String],
        note: &str,
        ctx: &RequestCtx,
    ) -> Result<LinkageView> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let note = note.trim();
        if note.chars().count() > MAX_NOTE_CHARS || note.contains('\0') {
            return Err(AppError::invalid(
                "note",
                field::NOTE_TEXT.code,
                format!("at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        if unit_ids.len() > MAX_UNITS {
            return Err(AppError::invalid(
                "unit_ids",
                field::UNIT_IDS_COUNT.code,
                format!("at most {MAX_UNITS} units"),
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let scoped = self.visible_incident(tx.db(), who, incident_id).await?;
                authorize(who, Action::Dispatch, Scope::Org(&scoped.org_path))
                    .map_err(AppError::denied_scope)?;
                if scoped.incident.status.is_final() {
                    return Err(AppError::Conflict {
                        code: codes::INCIDENT_CLOSED.code,
                        detail: format!(
                            "incident {} is {}",
                            scoped.incident.number, scoped.incident.status
                        ),
                    });
                }
                let unknown_agency = || {
                    AppError::invalid(
                        "agency",
                        field::AGENCY_UNKNOWN.code,
                        "no such linked agency",
                    )
                };
                let (agency, agency_path) = lq::agency_by_code(tx.db(), agency_code)
                    .await?
                    .ok_or_else(unknown_agency)?;
                if !path_contains(&agency_path, &who.org_path) {
                    return Err(unknown_agency());
                }
                if !agency.enabled {
                    return Err(AppError::Conflict {
                        code: codes::AGENCY_DISABLED.code,
                        detail: format!("{} is disabled", agency.code),
                    });
                }
                let path = scoped.org_path.clone();
                let number = scoped.incident.number.clone();
                let mut eido = eido_incident(tx.db(), scoped).await?;
                if !unit_ids.is_empty() {
                    if let Some(u) = unit_ids
                        .iter()
                        .find(|u| !eido.units.iter().any(|e| e.id == **u))
                    {
                        return Err(AppError::invalid(
                            "unit_ids",
                            jingwu_command::error_codes::NOT_ASSIGNED.code,
                            format!("unit {u} is not on the incident"),
                        ));
                    }
                    eido.units.retain(|e| unit_ids.contains(&e.id));
                }
                let now = tx.now_us();
                let id = jingwu_core::new_id();
                let body = serde_json::json!({
                    "message_id": id, "incident_id": incident_id, "incident_number": number,
                    "agency": agency.code, "note": note, "sent_by": who.username,
                    "eido": jingwu_command::eido::to_eido(&eido),
                });
                let m = OutboundMessage {
                    id: id.clone(),
                    incident_id: incident_id.clone(),
                    agency_id: agency.id.clone(),
                    status: DeliveryStatus::Queued,
                    body: body.to_string(),
                    note: note.to_owned(),
                    attempts: 0,
                    next_attempt_at: now,
                    last_error: None,
                    created_by: who.user_id.clone(),
                    created_at: now,
                    delivered_at: None,
                    acknowledged_at: None,
                };
                lq::insert_message(tx.db(), &m).await?;
                let detail = serde_json::json!({ "message_id": id, "agency": agency.code,
                    "agency_name": agency.name, "unit_ids": unit_ids, "note": note });
                event(
                    tx.db(),
                    incident_id,
                    now,
                    EventKind::LinkageSent,
                    who,
                    None,
                    detail.clone(),
                )
                .await?;
                tx.audit(
                    "incident.linkage.notify",
                    ("incident", incident_id.as_str()),
                    &path,
                    detail,
                )
                .await?;
                tx.publish(LiveEvent::Incident {
                    incident_id: incident_id.to_string(),
                    org_path: path,
                });
                Ok(LinkageView {
                    message: m,
                    agency_code: agency.code,
                    agency_name: agency.name,
                })
            })
            .await
    }

    /// The linkage messages of an incident the caller sees, oldest first.
    pub async fn incident_linkage(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<Vec<LinkageView>> {
        let mut conn = self.k().read().await?;
        self.visible_incident(&mut conn, who, incident_id).await?;
        let mut names: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut out = Vec::new();
        for m in lq::messages_of_incident(&mut conn, incident_id).await? {
            if !names.contains_key(&m.agency_id) {
                let (a, _) = lq::agency_by_id(&mut conn, &m.agency_id)
                    .await?
                    .ok_or_else(|| AppError::Internal("a message's agency is missing".into()))?;
                names.insert(m.agency_id.clone(), (a.code, a.name));
            }
            let (code, name) = names.get(&m.agency_id).cloned().unwrap_or_default();
            out.push(LinkageView {
                message: m,
                agency_code: code,
                agency_name: name,
            });
        }
        Ok(out)
    }

    /// One pass of the delivery job: every queued message that is due gets one attempt —
    /// taken by a conditional update (one sender per attempt, on any number of nodes), sent,
    /// and its outcome recorded: delivered on a 2xx, else queued again after the backoff, or
    /// `failed` (on the timeline) after the last attempt.
    pub async fn run_linkage_deliveries(&self) -> Result<DeliveriesDone> {
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(DeliveriesDone::default());
        };
        let system = Principal::system(root.id.as_str(), &root.path);
        let ctx = RequestCtx {
            request_id: format!("job-{}", jingwu_core::new_id()),
            client_addr: None,
        };
        let due = lq::due_messages(&mut conn, self.now_us(), BATCH).await?;
        drop(conn);
        let mut done = DeliveriesDone::default();
        for m in due {
            let taken = self
                .k()
                .write(&system, &ctx, async |tx| {
                    let hold = tx.now_us() + ATTEMPT_HOLD_S * US;
                    if !lq::take_attempt(tx.db(), &m.id, m.attempts, hold).await? {
                        return Ok(None);
                    }
                    let (agency, path) = lq::agency_by_id(tx.db(), &m.agency_id)
                        .await?
                        .ok_or_else(|| {
                            AppError::Internal("a message's agency is missing".into())
                        })?;
                    tx.audit(
                        "incident.linkage.attempt",
                        ("incident", m.incident_id.as_str()),
                        &path,
                        serde_json::json!({ "message_id": m.id, "agency": agency.code,
                            "attempt": m.attempts + 1 }),
                    )
                    .await?;
                    Ok(Some(agency))
                })
                .await?;
            let Some(agency) = taken else { continue };
            let attempt = m.attempts + 1;
            let sent = if agency.enabled {
                post_signed(&agency, &m, self.now_us() / US).await
            } else {
                Err(format!("{} is disabled", agency.code))
            };
            let outcome = self
                .k()
                .write(&system, &ctx, async |tx| {
                    record(tx, &m, &agency, attempt, sent.clone()).await
                })
                .await?;
            match outcome {
                Some(DeliveryStatus::Delivered) => done.delivered += 1,
                Some(DeliveryStatus::Failed) => done.failed += 1,
                Some(_) => done.retried += 1,
                None => {}
            }
        }
        Ok(done)
    }

    /// An agency's acknowledgement (and its units) arriving at the inbound endpoint: the
    /// signature with the agency's secret, the timestamp window and the message id (once per
    /// agency) are checked before anything else; a bad signature or an unknown agency is 401.
    pub async fn agency_acknowledged(
        &self,
        agency_code: &str,
        headers: &SignedHeaders,
        body: &[u8],
        ctx: &RequestCtx,
    ) -> Result<()> {
        let mut conn = self.k().read().await?;
        let (agency, path) = lq::agency_by_code(&mut conn, agency_code)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        drop(conn);
        let timestamp = headers
            .timestamp
            .as_deref()
            .and_then(|t| t.trim().parse::<i64>().ok())
            .ok_or(AppError::Unauthenticated)?;
        let message_id = headers
            .message_id
            .as_deref()
            .filter(|m| (1..=100).contains(&m.len()) && !m.contains('\0'))
            .ok_or(AppError::Unauthenticated)?;
        let signature = headers
            .signature
            .as_deref()
            .ok_or(AppError::Unauthenticated)?;
        rules::verify(
            &agency.secret,
            timestamp,
            message_id,
            body,
            signature,
            self.now_us() / US,
        )
        .map_err(|_| AppError::Unauthenticated)?;
        let ack: InboundAck = serde_json::from_slice(body)
            .map_err(|e| AppError::invalid("body", field::INVALID.code, e.to_string()))?;
        if ack.units.len() > MAX_UNITS
            || ack.note.chars().count() > MAX_NOTE_CHARS
            || ack.note.contains('\0')
            || ack.units.iter().any(|u| {
                u.name.trim().is_empty() || u.name.chars().count() > 50 || u.name.contains('\0')
            })
        {
            return Err(AppError::invalid(
                "units",
                field::NOTE_TEXT.code,
                "at most 20 units named in 1 to 50 characters and a note of at most 500",
            ));
        }
        let who = Principal::system(&agency.org_id, &path);
        self.k()
            .write(&who, ctx, async |tx| {
                let now = tx.now_us();
                if !lq::remember_inbound(tx.db(), &agency.id, message_id, now).await? {
                    return Err(AppError::Conflict {
                        code: codes::LINKAGE_REPLAY.code,
                        detail: format!("message {message_id} was received before"),
                    });
                }
                let m = lq::get_message(tx.db(), &ack.reference)
                    .await?
                    .filter(|m| m.agency_id == agency.id)
                    .ok_or(AppError::NotFound {
                        what: "linkage message",
                    })?;
                let first = lq::acknowledge_message(tx.db(), &m.id, now).await?;
                let incident = q::get_incident(tx.db(), &m.incident_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "incident" })?;
                let detail = serde_json::json!({ "message_id": m.id, "agency": agency.code,
                    "agency_name": agency.name, "inbound_id": message_id, "units": ack.units,
                    "note": ack.note, "first": first });
                event(
                    tx.db(),
                    &m.incident_id,
                    now,
                    EventKind::LinkageAcknowledged,
                    &who,
                    None,
                    detail.clone(),
                )
                .await?;
                tx.audit(
                    "incident.linkage.acknowledged",
                    ("incident", m.incident_id.as_str()),
                    &incident.org_path,
                    detail,
                )
                .await?;
                tx.publish(LiveEvent::Incident {
                    incident_id: m.incident_id.to_string(),
                    org_path: incident.org_path,
                });
                Ok(())
            })
            .await
    }
}

/// Records one attempt's outcome; `None` when something else recorded it meanwhile.
async fn record(
    tx: &mut crate::Tx,
    m: &OutboundMessage,
    agency: &Agency,
    attempt: i64,
    sent: std::result::Result<(), String>,
) -> Result<Option<DeliveryStatus>> {
    let now = tx.now_us();
    let (status, next, error) = match &sent {
        Ok(()) => (DeliveryStatus::Delivered, now, None),
        Err(e) => match rules::retry_delay_s(attempt) {
            Some(d) => (DeliveryStatus::Queued, now + d * US, Some(e.as_str())),
            None => (DeliveryStatus::Failed, now, Some(e.as_str())),
        },
    };
    if !lq::record_outcome(tx.db(), &m.id, attempt, status, next, error, now).await? {
        return Ok(None);
    }
    let incident = q::get_incident(tx.db(), &m.incident_id)
        .await?
        .ok_or(AppError::NotFound { what: "incident" })?;
    let detail = serde_json::json!({ "message_id": m.id, "agency": agency.code,
        "attempt": attempt, "status": status, "error": error, "next_attempt_at": next });
    if status == DeliveryStatus::Failed {
        let system = Principal::system(&agency.org_id, &incident.org_path);
        event(
            tx.db(),
            &m.incident_id,
            now,
            EventKind::LinkageFailed,
            &system,
            None,
            detail.clone(),
        )
        .await?;
    }
    tx.audit(
        "incident.linkage.outcome",
        ("incident", m.incident_id.as_str()),
        &incident.org_path,
        detail,
    )
    .await?;
    tx.publish(LiveEvent::Incident {
        incident_id: m.incident_id.to_string(),
        org_path: incident.org_path,
    });
    Ok(Some(status))
}

/// POSTs a message's body to the agency's endpoint with the signature headers; Ok on a 2xx.
async fn post_signed(
    agency: &Agency,
    m: &OutboundMessage,
    now_s: i64,
) -> std::result::Result<(), String> {
    use http_body_util::Full;
    use hyper::body::Bytes;
    const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
    let (host, port, path) = crate::payments::gateway::http_target(&agency.endpoint_url)?;
    let signature =
        rules::sign(&agency.secret, now_s, &m.id, m.body.as_bytes()).map_err(|e| e.to_string())?;
    let stream = tokio::time::timeout(
        TIMEOUT,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    .map_err(|_| "connection timed out".to_string())?
    .map_err(|e| format!("cannot connect: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = hyper::Request::post(path)
        .header("host", format!("{host}:{port}"))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, now_s.to_string())
        .header(MESSAGE_ID_HEADER, m.id.as_str())
        .header(SIGNATURE_HEADER, signature)
        .body(Full::new(Bytes::from(m.body.clone())))
        .map_err(|e| e.to_string())?;
    let resp = tokio::time::timeout(TIMEOUT, sender.send_request(req))
        .await
        .map_err(|_| "no answer in time".to_string())?
        .map_err(|e| e.to_string())?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!("answered {}", resp.status()))
    }
}
