//! The traffic services that face the public: messages to the police and their replies, the
//! road-event feed for map apps, and minor accidents settled online by the two parties (or
//! with liability assigned by the police online).

use jingwu_core::{Action, Principal, Role, Scope, UserId, authorize};
use jingwu_store::foundation::{orgs, users};
use jingwu_store::traffic as q;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::messages::{MAX_BODY, MAX_SUBJECT, MessageKind, MessageStatus};
use jingwu_traffic::records::{Accident, AccidentId, Message, MessageId, RoadEvent, RoadEventId};
use jingwu_traffic::road_events::RoadEventKind;
use jingwu_traffic::settlement::{AccidentFacts, AccidentStatus, Liability, RefusalReason};

use super::Traffic;
use crate::{AppError, FieldError, RequestCtx, Result};

/// Points a road event's line may have.
const MAX_LINE_POINTS: usize = 200;

fn text(name: &str, value: &str, max: usize, errs: &mut Vec<FieldError>) -> String {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        errs.push(FieldError::new(
            name,
            field::TEXT.code,
            format!("1 to {max} characters"),
        ));
    }
    v.to_owned()
}

pub(super) fn must_be_citizen(who: &Principal) -> Result<()> {
    authorize(
        who,
        Action::DriverSelfService,
        Scope::Owner {
            owner_id: &who.user_id,
            org_path: "",
        },
    )
    .map_err(AppError::denied_scope)
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: MessageKind,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct NewRoadEvent {
    pub kind: RoadEventKind,
    pub street: String,
    pub description: String,
    /// "lat lon lat lon …": the place, or the stretch affected.
    pub line: String,
    pub both_ways: bool,
    /// Travel time multiplied by this on the roads of an event that does not close them.
    pub speed_factor: Option<f64>,
    pub starts_at_us: Option<i64>,
    pub ends_at_us: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewAccident {
    pub occurred_at_us: i64,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub my_plate: String,
    /// The other party: their registered mobile number, and their plate.
    pub other_mobile: String,
    pub other_plate: String,
    pub facts: AccidentFacts,
    pub account: String,
    /// The filer's share of liability (the other's is its counterpart).
    pub my_liability: Liability,
}

impl Traffic<'_> {
    /// A citizen writes to the traffic police.
    pub async fn send_message(
        &self,
        who: &Principal,
        n: &NewMessage,
        ctx: &RequestCtx,
    ) -> Result<Message> {
        must_be_citizen(who)?;
        let mut errs = Vec::new();
        let subject = text("subject", &n.subject, MAX_SUBJECT, &mut errs);
        let body = text("body", &n.body, MAX_BODY, &mut errs);
        super::no_errors(errs)?;
        let m = Message {
            id: MessageId::new(),
            org_id: who.org_id.as_str().into(),
            author_id: UserId::from(who.user_id.as_str()),
            kind: n.kind,
            subject,
            body,
            status: MessageStatus::Open,
            created_at: self.now_us(),
            reply: None,
            replied_by: None,
            replied_at: None,
        };
        self.k()
            .write(who, ctx, async |tx| {
                q::insert_message(tx.db(), &m).await?;
                tx.audit(
                    "traffic.message.send",
                    ("message", m.id.as_str()),
                    &who.org_path,
                    serde_json::json!({ "kind": m.kind }),
                )
                .await?;
                Ok(m.clone())
            })
            .await
    }

    /// A citizen's own messages; for staff, the open (or all) messages of their jurisdiction.
    pub async fn messages(
        &self,
        who: &Principal,
        status: Option<MessageStatus>,
    ) -> Result<Vec<Message>> {
        let mut conn = self.k().read().await?;
        if who.role == Role::Citizen {
            must_be_citizen(who)?;
            return Ok(q::messages_by(&mut conn, &who.user_id).await?);
        }
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        Ok(q::messages_under(&mut conn, &who.org_path, status, 500).await?)
    }

    /// The police answer a message (once).
    pub async fn reply_message(
        &self,
        who: &Principal,
        id: &MessageId,
        reply: &str,
        ctx: &RequestCtx,
    ) -> Result<Message> {
        let mut errs = Vec::new();
        let reply = text("reply", reply, MAX_BODY, &mut errs);
        super::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (m, path) = q::message(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "message" })?;
                authorize(who, Action::ManageTraffic, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "message"))?;
                let now = tx.now_us();
                if !q::reply_message(tx.db(), m.id.as_str(), &reply, &who.user_id, now).await? {
                    return Err(AppError::Conflict {
                        code: codes::MESSAGE_ANSWERED.code,
                        detail: "the message is answered already".into(),
                    });
                }
                tx.audit(
                    "traffic.message.reply",
                    ("message", m.id.as_str()),
                    &path,
                    serde_json::json!({}),
                )
                .await?;
                Ok(Message {
                    status: MessageStatus::Answered,
                    reply: Some(reply.clone()),
                    replied_by: Some(UserId::from(who.user_id.as_str())),
                    replied_at: Some(now),
                    ..m
                })
            })
            .await
    }

    /// Traffic police publish a road event for the map-app feed.
    pub async fn publish_road_event(
        &self,
        who: &Principal,
        n: &NewRoadEvent,
        ctx: &RequestCtx,
    ) -> Result<RoadEvent> {
        authorize(who, Action::ManageRoadEvents, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut errs = Vec::new();
        let street = text("street", &n.street, 60, &mut errs);
        let description = text("description", &n.description, 500, &mut errs);
        let line = jingwu_traffic::road_events::parse_line(&n.line, MAX_LINE_POINTS)
            .unwrap_or_else(|| {
                errs.push(FieldError::new(
                    "line",
                    field::LINE.code,
                    format!("\"lat lon lat lon …\", 1 to {MAX_LINE_POINTS} WGS 84 points"),
                ));
                Vec::new()
            });
        if let Some(f) = n.speed_factor {
            if n.kind.closes_road() {
                errs.push(FieldError::new(
                    "speed_factor",
                    field::SPEED_FACTOR.code,
                    format!("a {} closes the road: no speed factor", n.kind.as_str()),
                ));
            } else if !jingwu_traffic::road_events::valid_slowdown(f) {
                errs.push(FieldError::new(
                    "speed_factor",
                    field::SPEED_FACTOR.code,
                    format!(
                        "more than 1 and at most {} (travel time multiplied by it)",
                        jingwu_traffic::road_events::MAX_SLOWDOWN
                    ),
                ));
            }
        }
        let starts_at = n.starts_at_us.unwrap_or(now);
        if n.ends_at_us.is_some_and(|e| e <= starts_at) {
            errs.push(FieldError::new(
                "ends_at",
                field::DATE.code,
                "after the start",
            ));
        }
        super::no_errors(errs)?;
        let e = RoadEvent {
            id: RoadEventId::new(),
            org_id: who.org_id.as_str().into(),
            kind: n.kind,
            street,
            description,
            line,
            both_ways: n.both_ways,
            speed_factor: n.speed_factor,
            starts_at,
            ends_at: n.ends_at_us,
            created_by: UserId::from(who.user_id.as_str()),
            created_at: now,
            withdrawn_at: None,
        };
        self.k()
            .write(who, ctx, async |tx| {
                q::insert_road_event(tx.db(), &e).await?;
                tx.audit(
                    "traffic.road_event.publish",
                    ("road_event", e.id.as_str()),
                    &who.org_path,
                    serde_json::json!({ "kind": e.kind, "street": e.street, "points": e.line.len() }),
                )
                .await?;
                Ok(e.clone())
            })
            .await
    }

    /// Withdraws a road event (over early, or entered by mistake).
    pub async fn withdraw_road_event(
        &self,
        who: &Principal,
        id: &RoadEventId,
        ctx: &RequestCtx,
    ) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (e, path) = q::road_event(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "road event" })?;
                authorize(who, Action::ManageRoadEvents, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "road event"))?;
                let now = tx.now_us();
                if !q::withdraw_road_event(tx.db(), e.id.as_str(), now).await? {
                    return Err(AppError::Conflict {
                        code: codes::ROAD_EVENT_WITHDRAWN.code,
                        detail: "withdrawn already".into(),
                    });
                }
                tx.audit(
                    "traffic.road_event.withdraw",
                    ("road_event", e.id.as_str()),
                    &path,
                    serde_json::json!({}),
                )
                .await
            })
            .await
    }

    /// The road events in force now: public, for map apps.
    pub async fn live_road_events(&self) -> Result<Vec<RoadEvent>> {
        let mut conn = self.k().read().await?;
        Ok(q::live_road_events(&mut conn, self.now_us()).await?)
    }

    /// A party files a minor accident with the other party's identity. Cases that must not be
    /// settled by the parties are refused with every coded reason; when the parties do not
    /// agree on the facts, it goes to the police to assign liability online.
    pub async fn file_accident(
        &self,
        who: &Principal,
        n: &NewAccident,
        ctx: &RequestCtx,
    ) -> Result<Accident> {
        must_be_citizen(who)?;
        let now = self.now_us();
        let mut errs = Vec::new();
        let place = text("place", &n.place, 120, &mut errs);
        let account = text("account", &n.account, 2000, &mut errs);
        let plate_a = super::checked_plate("my_plate", &n.my_plate, &mut errs);
        let plate_b = super::checked_plate("other_plate", &n.other_plate, &mut errs);
        let other_mobile = super::checked_mobile("other_mobile", &n.other_mobile, &mut errs);
        if !(n.lat.is_finite()
            && (-90.0..=90.0).contains(&n.lat)
            && n.lon.is_finite()
            && (-180.0..=180.0).contains(&n.lon))
        {
            errs.push(FieldError::new(
                "lat",
                jingwu_core::problem_codes::field::LAT_RANGE.code,
                "a WGS 84 position",
            ));
        }
        if n.occurred_at_us > now + 300_000_000 || n.occurred_at_us < now - 7 * 86_400_000_000 {
            errs.push(FieldError::new(
                "occurred_at",
                field::DATE.code,
                "within the last 7 days",
            ));
        }
        super::no_errors(errs)?;
        let refusals = jingwu_traffic::refusals(&n.facts);
        let blocking: Vec<RefusalReason> = refusals
            .iter()
            .copied()
            .filter(|r| *r != RefusalReason::FactDispute)
            .collect();
        if !blocking.is_empty() {
            return Err(AppError::Conflict {
                code: codes::SETTLEMENT_REFUSED.code,
                detail: format!(
                    "{}: call 122 and wait for the police ({})",
                    blocking
                        .iter()
                        .map(|r| r.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    blocking
                        .iter()
                        .map(|r| r.label_en())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            });
        }
        let disputed = !refusals.is_empty();
        self.k()
            .write(who, ctx, async |tx| {
                let other = users::by_username(tx.db(), &other_mobile)
                    .await?
                    .filter(|u| u.user.role == Role::Citizen && u.user.id != who.user_id)
                    .ok_or_else(|| {
                        AppError::invalid("other_mobile", field::OTHER_PARTY.code, "the other party has no account with this number: ask them to register first")
                    })?;
                let root = orgs::root(tx.db()).await?.ok_or(AppError::NotFound { what: "bureau" })?;
                let a = Accident {
                    id: AccidentId::new(),
                    org_id: root.id.as_str().into(),
                    status: if disputed { AccidentStatus::PoliceReview } else { AccidentStatus::AwaitingOther },
                    occurred_at: n.occurred_at_us,
                    place: place.clone(),
                    lat: n.lat,
                    lon: n.lon,
                    party_a: UserId::from(who.user_id.as_str()),
                    plate_a: plate_a.clone(),
                    party_b: UserId::from(other.user.id.as_str()),
                    plate_b: plate_b.clone(),
                    liability_a: (!disputed).then_some(n.my_liability),
                    liability_b: (!disputed).then_some(n.my_liability.counterpart()),
                    account: account.clone(),
                    created_at: tx.now_us(),
                    confirmed_at: None,
                    assigned_by: None,
                    assigned_at: None,
                };
                q::insert_accident(tx.db(), &a).await?;
                tx.audit(
                    "traffic.accident.file",
                    ("accident", a.id.as_str()),
                    &root.path,
                    serde_json::json!({ "status": a.status, "plates": [a.plate_a, a.plate_b] }),
                )
                .await?;
                Ok(a)
            })
            .await
    }

    /// The other party confirms the filed facts and liabilities (settled), or disputes them
    /// (the police assign liability online).
    pub async fn confirm_accident(
        &self,
        who: &Principal,
        id: &AccidentId,
        agree: bool,
        ctx: &RequestCtx,
    ) -> Result<Accident> {
        must_be_citizen(who)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::accident(tx.db(), id.as_str())
                    .await?
                    .filter(|(a, _)| {
                        a.party_a.as_str() == who.user_id || a.party_b.as_str() == who.user_id
                    })
                    .ok_or(AppError::NotFound { what: "accident" })?;
                if a.party_b.as_str() != who.user_id || a.status != AccidentStatus::AwaitingOther {
                    return Err(AppError::Conflict {
                        code: codes::ACCIDENT_STATE.code,
                        detail: "only the other party confirms, once".into(),
                    });
                }
                let to = if agree {
                    AccidentStatus::Settled
                } else {
                    AccidentStatus::PoliceReview
                };
                let (la, lb) = if agree {
                    (a.liability_a, a.liability_b)
                } else {
                    (None, None)
                };
                let now = tx.now_us();
                let moved = q::move_accident(
                    tx.db(),
                    &q::AccidentMove {
                        id: a.id.as_str(),
                        from: AccidentStatus::AwaitingOther,
                        to,
                        liability_a: la,
                        liability_b: lb,
                        at: now,
                        assigned_by: None,
                    },
                )
                .await?;
                if !moved {
                    return Err(AppError::Conflict {
                        code: codes::ACCIDENT_STATE.code,
                        detail: "confirmed already".into(),
                    });
                }
                tx.audit(
                    "traffic.accident.confirm",
                    ("accident", a.id.as_str()),
                    &path,
                    serde_json::json!({ "agree": agree }),
                )
                .await?;
                Ok(Accident {
                    status: to,
                    liability_a: la,
                    liability_b: lb,
                    confirmed_at: Some(now),
                    ..a
                })
            })
            .await
    }

    /// The police assign liability online to a disputed accident.
    pub async fn assign_liability(
        &self,
        who: &Principal,
        id: &AccidentId,
        liability_a: Liability,
        liability_b: Liability,
        ctx: &RequestCtx,
    ) -> Result<Accident> {
        if !jingwu_traffic::liability_consistent(liability_a, liability_b) {
            return Err(AppError::invalid(
                "liability_b",
                field::LIABILITY.code,
                "the two shares must fit together (full/none, main/minor, equal/equal)",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::accident(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "accident" })?;
                authorize(who, Action::ManageTraffic, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "accident"))?;
                let now = tx.now_us();
                let moved = q::move_accident(
                    tx.db(),
                    &q::AccidentMove {
                        id: a.id.as_str(),
                        from: AccidentStatus::PoliceReview,
                        to: AccidentStatus::Assigned,
                        liability_a: Some(liability_a),
                        liability_b: Some(liability_b),
                        at: now,
                        assigned_by: Some(&who.user_id),
                    },
                )
                .await?;
                if !moved {
                    return Err(AppError::Conflict {
                        code: codes::ACCIDENT_STATE.code,
                        detail: format!(
                            "a {} accident takes no assignment",
                            a.status.label_en().to_lowercase()
                        ),
                    });
                }
                tx.audit(
                    "traffic.accident.assign",
                    ("accident", a.id.as_str()),
                    &path,
                    serde_json::json!({ "liability_a": liability_a, "liability_b": liability_b }),
                )
                .await?;
                Ok(Accident {
                    status: AccidentStatus::Assigned,
                    liability_a: Some(liability_a),
                    liability_b: Some(liability_b),
                    assigned_by: Some(UserId::from(who.user_id.as_str())),
                    assigned_at: Some(now),
                    ..a
                })
            })
            .await
    }

    /// A citizen's accidents; for staff, those awaiting a police decision.
    pub async fn accidents(&self, who: &Principal) -> Result<Vec<Accident>> {
        let mut conn = self.k().read().await?;
        if who.role == Role::Citizen {
            must_be_citizen(who)?;
            return Ok(q::accidents_of(&mut conn, &who.user_id).await?);
        }
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        Ok(q::accidents_under(&mut conn, &who.org_path, AccidentStatus::PoliceReview).await?)
    }
}
