//! A 110 incident that needs investigation opens a case in one step: the case is placed at the
//! incident's station, takes its place, time, description and caller (as the reporter), and
//! the incident's scene media are carried over as digital evidence with their SHA-256
//! re-checked — all in one audited transaction, linked both ways (the case names the incident,
//! the incident's timeline shows `case_opened` with the case number).

use jingwu_cases::case::{IdKind, Party, PartyRole};
use jingwu_cases::error_codes as codes;
use jingwu_cases::evidence::Category;
use jingwu_cases::ids::PartyId;
use jingwu_command::incident::EventKind;
use jingwu_command::incident::IncidentStatus;
use jingwu_command::records::MediaKind;
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize};
use jingwu_store::cases as q;
use jingwu_store::command as cq;

use super::Cases;
use super::files::{CaseSummary, NewCase, case_event, insert_case};
use crate::{AppError, DigitalIntake, LiveEvent, RequestCtx, Result};

/// What the handler adds when opening a case from an incident.
#[derive(Debug, Clone)]
pub struct CaseFromIncident {
    pub kind: jingwu_cases::case::CaseKind,
    /// The case's title; the incident's type and address when empty.
    pub title: String,
    /// The cause (案由); the incident's subcategory when empty.
    pub cause: String,
    pub supervisor_id: Option<String>,
}

impl Cases<'_> {
    /// Opens a case from the incident `incident_id` (a case handler whose subtree holds the
    /// incident's station). 409 `case_exists_for_incident` when one was opened already.
    pub async fn open_from_incident(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        incident_id: &IncidentId,
        f: &CaseFromIncident,
    ) -> Result<CaseSummary> {
        self.role_may(
            who,
            ctx,
            Action::HandleCases,
            ("incident", incident_id.as_str()),
        )
        .await?;
        let mut conn = self.k().read().await?;
        let found = cq::incidents::get_incident(&mut conn, incident_id).await?;
        let existing = q::case_of_incident(&mut conn, incident_id.as_str()).await?;
        drop(conn);
        let scoped = found.ok_or(AppError::NotFound { what: "incident" })?;
        if let Err(d) = authorize(who, Action::HandleCases, Scope::Org(&scoped.org_path)) {
            return Err(self
                .denied(
                    who,
                    ctx,
                    d,
                    ("incident", incident_id.as_str()),
                    &scoped.org_path,
                )
                .await);
        }
        let i = scoped.incident;
        if existing.is_some() {
            return Err(case_exists());
        }
        if i.status == IncidentStatus::Merged {
            return Err(AppError::Conflict {
                code: codes::CASE_STATE.code,
                detail: "the incident was merged into another: open the case from that one".into(),
            });
        }
        let title = if f.title.trim().is_empty() {
            format!("{}（{}）", i.subcategory.label_zh(), i.address)
                .chars()
                .take(100)
                .collect()
        } else {
            f.title.clone()
        };
        let cause = if f.cause.trim().is_empty() {
            i.subcategory.label_zh().to_owned()
        } else {
            f.cause.clone()
        };
        let n = NewCase {
            kind: Some(f.kind),
            title,
            cause,
            summary: i.description.chars().take(2000).collect(),
            org_id: Some(i.org_id.to_string()),
            address: i.address.chars().take(200).collect(),
            lat: Some(i.lat),
            lon: Some(i.lon),
            occurred_at: Some(i.created_at),
            accepted_at: None,
            supervisor_id: f.supervisor_id.clone(),
            incident_id: Some(i.id.to_string()),
        };
        let ready = self.prepare_case(who, ctx, &n).await?;
        let incident_path = scoped.org_path.clone();
        // The scene media, re-hashed before the write (slow work stays outside it): what still
        // matches its SHA-256 is carried over; what does not is named in the audit entry.
        let mut conn = self.k().read().await?;
        let media = cq::media::media_of(&mut conn, &i.id).await?;
        drop(conn);
        let mut carried = Vec::new();
        let mut not_carried = Vec::new();
        for m in media {
            match self.rehash(&m.link.sha256).await? {
                Some((digest, size)) if digest == m.link.sha256 => carried.push((m, size)),
                _ => not_carried.push(m.link.sha256.clone()),
            }
        }
        let c = self
            .k()
            .write(who, ctx, async |tx| {
                let c = insert_case(tx, who, &ready).await?;
                let now = tx.now_us();
                let caller = i.caller_name.trim();
                if !caller.is_empty() || !i.caller_phone.trim().is_empty() {
                    let party = Party {
                        id: PartyId::new(),
                        case_id: c.id.clone(),
                        role: PartyRole::Reporter,
                        name: if caller.is_empty() {
                            "报警人".into()
                        } else {
                            caller.chars().take(50).collect()
                        },
                        id_kind: IdKind::Unknown,
                        id_number: None,
                        phone: Some(i.caller_phone.clone()).filter(|p| !p.trim().is_empty()),
                        address: String::new(),
                        note: format!("110 报警人（警情 {}）", i.number),
                        added_by: who.user_id.clone(),
                        added_at: now,
                    };
                    q::insert_party(tx.db(), &party).await?;
                }
                // The digital items go to the property store of the supervising district bureau,
                // which keeps the case's evidence.
                let mut items = Vec::new();
                for (m, size) in &carried {
                    let d = DigitalIntake {
                        case_number: c.number.clone(),
                        category: match m.link.kind {
                            MediaKind::Video => Category::AudioVideo,
                            MediaKind::Photo => Category::DigitalData,
                        },
                        description: format!(
                            "110 警情 {} 现场{}",
                            i.number,
                            m.link.kind.label_zh()
                        ),
                        filename: m.file_name.clone(),
                        media_type: Some(m.content_type.clone()),
                        seized_at: Some(m.link.added_at),
                        barcode: None,
                    };
                    let item = self
                        .intake_digital_in(tx, who, &ready.legal_id, &d, &m.link.sha256, *size)
                        .await?;
                    items.push(item.id);
                }
                crate::command::event(
                    tx.db(),
                    &i.id,
                    now,
                    EventKind::CaseOpened,
                    who,
                    None,
                    serde_json::json!({ "case_id": c.id, "case_number": c.number }),
                )
                .await?;
                tx.audit(
                    "cases.case.from_incident",
                    ("incident", i.id.as_str()),
                    &incident_path,
                    serde_json::json!({ "case_id": c.id, "case_number": c.number,
                        "items": items, "media_not_matching": not_carried }),
                )
                .await?;
                case_event(tx, &c.id, &ready.place);
                tx.publish(LiveEvent::Incident {
                    incident_id: i.id.to_string(),
                    org_path: incident_path.clone(),
                });
                Ok(c)
            })
            .await
            .map_err(|e| match e {
                AppError::Conflict { code, .. } if code == codes::CASE_EXISTS_FOR_INCIDENT.code => {
                    case_exists()
                }
                e => e,
            })?;
        self.case_summary(c, ready.place).await
    }
}

fn case_exists() -> AppError {
    AppError::Conflict {
        code: codes::CASE_EXISTS_FOR_INCIDENT.code,
        detail: "a case was opened from this incident already".into(),
    }
}
