//! Interchange (capability 11): an incident as a NENA EIDO JSON object, through
//! `jingwu_command::eido::to_eido`.
//!
//! Identifiers: the owning agency is the incident's owning org unit, identified as
//! `<org code>.<EIDO_DOMAIN>`; agents (people) are `<username>@<agency id>`; the issuing
//! element is `cad.<city code>.<EIDO_DOMAIN>`. [`EIDO_DOMAIN`] is a placeholder under
//! `example.cn` until the bureau's NENA-STA-010 domain is configured.

use std::collections::BTreeMap;

use jingwu_command::eido::{
    AgentRole, EidoAgency, EidoAgent, EidoCall, EidoIncident, EidoLocation, EidoNote, EidoUnit,
    to_eido,
};
use jingwu_command::taxonomy::IncidentType;
use jingwu_core::{IncidentId, OrgKind, Principal};
use jingwu_store::Conn;
use jingwu_store::command::{self as q, EventKind};
use jingwu_store::foundation::{orgs, users};

use super::Command;
use crate::{AppError, RequestCtx, Result};
use jingwu_command::unit::tier_of;

/// Domain under which agencies and the issuing element are named.
pub const EIDO_DOMAIN: &str = "example.cn";

/// Agent ids by user id, looked up once each.
struct Agents {
    agency: String,
    known: BTreeMap<String, String>,
}

impl Agents {
    async fn of(&mut self, conn: &mut impl Conn, user_id: &str) -> Result<String> {
        if let Some(a) = self.known.get(user_id) {
            return Ok(a.clone());
        }
        let name = users::get(conn, user_id)
            .await?
            .map_or_else(|| format!("user-{user_id}"), |u| u.user.username);
        let a = format!("{name}@{}", self.agency);
        self.known.insert(user_id.into(), a.clone());
        Ok(a)
    }
}

impl Command<'_> {
    /// The incident as a NENA EIDO JSON object: the incident, its caller and call, every unit
    /// assignment with its crew and position, the timeline as notes, the owning agency.
    /// The export carries the caller's details, so it is audited (`incident.export`).
    pub async fn export_eido(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        ctx: &RequestCtx,
    ) -> Result<serde_json::Value> {
        let mut conn = self.k().read().await?;
        let scoped = self.visible_incident(&mut conn, who, incident_id).await?;
        self.k()
            .record_view(
                who,
                ctx,
                "incident.export",
                ("incident", incident_id.as_str()),
                &scoped.org_path,
            )
            .await?;
        Ok(to_eido(&eido_incident(&mut conn, scoped).await?))
    }
}

/// The EIDO model of an incident the caller was allowed to see (the export and linkage
/// messages project it).
pub(super) async fn eido_incident(
    conn: &mut impl Conn,
    scoped: q::ScopedIncident,
) -> Result<EidoIncident> {
    let conn = &mut *conn;
    {
        let incident_id = &scoped.incident.id.clone();
        let i = scoped.incident;
        let owner = orgs::get(conn, i.org_id.as_str())
            .await?
            .ok_or_else(|| AppError::Internal("the owning org unit is missing".into()))?;
        let city_code = scoped
            .org_path
            .split('/')
            .find(|s| !s.is_empty())
            .unwrap_or(owner.code.as_str())
            .to_string();
        let agency = EidoAgency {
            id: format!("{}.{EIDO_DOMAIN}", owner.code),
            name: owner.name_zh.clone(),
        };
        let mut agents = Agents {
            agency: agency.id.clone(),
            known: BTreeMap::new(),
        };
        let subcategory = i.subcategory;
        let priority = i.priority;
        let source = i.source;
        let timeline = q::timeline(conn, incident_id).await?;
        let call_taker = agents.of(conn, i.created_by.as_str()).await?;

        let mut notes = Vec::with_capacity(timeline.len());
        for e in &timeline {
            notes.push(EidoNote {
                id: e.id.to_string(),
                at: e.at,
                author: Some(agents.of(conn, e.actor_id.as_str()).await?),
                text: format!("{}: {}", e.kind, e.detail),
            });
        }

        let mut units = Vec::new();
        // One entry per unit: where its latest assignment stands (a unit sent again after a
        // withdrawal has several).
        let all = q::assignments_of(conn, incident_id).await?;
        for a in q::latest_per_unit(&all) {
            let Some(u) = q::get_unit(conn, a.unit_id.as_str()).await? else {
                continue;
            };
            let kind = u.unit.kind;
            let org_kind = orgs::get(conn, u.unit.org_id.as_str())
                .await?
                .map_or(OrgKind::City, |o| o.kind);
            let dispatcher = timeline
                .iter()
                .find(|e| e.kind == EventKind::Dispatched && e.unit_id.as_ref() == Some(&a.unit_id))
                .map(|e| e.actor_id.clone());
            let dispatched_by = match dispatcher {
                Some(d) => Some(agents.of(conn, d.as_str()).await?),
                None => None,
            };
            let crew: Vec<String> = u
                .unit
                .crew
                .iter()
                .map(|c| format!("{c}@{}", agency.id))
                .collect();
            units.push(EidoUnit {
                id: u.unit.id.to_string(),
                name: u.unit.call_sign.clone(),
                kind,
                tier: tier_of(kind, org_kind),
                status: u.unit.status,
                status_at: u.unit.status_since,
                dispatched_at: a.dispatched_at,
                dispatched_by,
                crew,
                position: u.unit.lat.zip(u.unit.lon),
                eta: a
                    .eta_secs
                    .map(|s| a.dispatched_at + s * jingwu_command::US_PER_S),
            });
        }

        let updated = timeline
            .iter()
            .map(|e| e.at)
            .max()
            .unwrap_or(i.created_at)
            .max(i.created_at);
        let call = source.has_caller().then(|| EidoCall {
            started: i.created_at,
            answered: Some(i.created_at),
            ended: None,
            taken_by: Some(call_taker.clone()),
            caller_phone: (!i.caller_phone.trim().is_empty()).then(|| i.caller_phone.clone()),
        });
        let inc = EidoIncident {
            id: i.id.to_string(),
            issuing_element: format!("cad.{city_code}.{EIDO_DOMAIN}"),
            agency,
            station: Some(owner.name_zh.clone()),
            incident_type: IncidentType::of(subcategory),
            priority,
            source,
            status: i.status.as_str().to_string(),
            description: i.description.clone(),
            created: i.created_at,
            updated,
            location: EidoLocation {
                lat: i.lat,
                lon: i.lon,
                address: (!i.address.trim().is_empty()).then(|| i.address.clone()),
            },
            call,
            agents: vec![EidoAgent {
                id: call_taker,
                role: AgentRole::CallTaker,
            }],
            units,
            notes,
            media: Vec::new(),
        };
        Ok(inc)
    }
}
