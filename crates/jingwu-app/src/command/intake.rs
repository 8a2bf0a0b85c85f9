//! Intake (接警): a new incident, its owning station, its number and likely duplicates.

use jingwu_command::duplicates::{DuplicateMatch, DuplicateRule, IncidentProbe, likely_duplicates};
use jingwu_command::incident::IncidentStatus;
use jingwu_command::taxonomy::{Category, Priority, Source, Subcategory, parse_pair};
use jingwu_core::{Action, Principal, Scope, authorize, micros_to_timestamp, new_id};
use jingwu_store::command::{self as q, EventKind, Incident, ScopedIncident};
use jingwu_store::foundation::orgs;

use super::Command;
use super::event;
use super::handover::{Handover, hand_over};
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct NewIncident {
    pub caller_name: String,
    pub caller_phone: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub category: String,
    pub subcategory: String,
    pub priority: String,
    pub source: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct IncidentCreated {
    pub incident: ScopedIncident,
    /// Open incidents that look like the same event, best first, each with why.
    pub possible_duplicates: Vec<PossibleDuplicate>,
    /// Set when the location lies outside the caller's jurisdiction: the call was recorded in
    /// the caller's own room and handed over to the owning station in the same transaction,
    /// awaiting that room's sign-for (the caller is never lost).
    pub handed_over: Option<Handover>,
}

/// A likely duplicate found at intake: its number and the rule's finding.
#[derive(Debug, Clone)]
pub struct PossibleDuplicate {
    pub number: String,
    pub found: DuplicateMatch,
}

/// The coded fields of a new incident, as the domain's enums.
struct Codes {
    category: Category,
    subcategory: Subcategory,
    priority: Priority,
    source: Source,
}

/// Checks every field at once (all problems reported together) and returns the coded ones
/// parsed, so they are parsed once.
fn check(n: &NewIncident) -> Result<Codes> {
    let mut errs = Vec::new();
    if !(-90.0..=90.0).contains(&n.lat) || !n.lat.is_finite() {
        errs.push(FieldError::new(
            "lat",
            jingwu_core::problem_codes::field::LAT_RANGE.code,
            "latitude must be within -90..90",
        ));
    }
    if !(-180.0..=180.0).contains(&n.lon) || !n.lon.is_finite() {
        errs.push(FieldError::new(
            "lon",
            jingwu_core::problem_codes::field::LON_RANGE.code,
            "longitude must be within -180..180",
        ));
    }
    let phone_ok = (3..=20).contains(&n.caller_phone.chars().count())
        && n.caller_phone
            .chars()
            .all(|c| c.is_ascii_digit() || "+- ".contains(c));
    if !phone_ok {
        errs.push(FieldError::new(
            "caller_phone",
            jingwu_command::error_codes::field::CALLER_PHONE_FORMAT.code,
            "3 to 20 digits, '+', '-' or spaces",
        ));
    }
    for (field, v, max) in [
        ("caller_name", &n.caller_name, 64),
        ("address", &n.address, 200),
        ("description", &n.description, 2000),
    ] {
        if v.chars().count() > max {
            errs.push(FieldError::new(
                field,
                jingwu_command::error_codes::field::LENGTH.code,
                format!("at most {max} characters"),
            ));
        }
    }
    if n.description.trim().is_empty() {
        errs.push(FieldError::new(
            "description",
            jingwu_command::error_codes::field::DESCRIPTION_EMPTY.code,
            "say what happened",
        ));
    }
    let pair = parse_pair(&n.category, &n.subcategory);
    if let Err(e) = &pair {
        errs.push(FieldError::new(
            "subcategory",
            jingwu_command::error_codes::field::TAXONOMY.code,
            e.to_string(),
        ));
    }
    let priority = Priority::parse(&n.priority);
    if let Err(e) = &priority {
        errs.push(FieldError::new(
            "priority",
            jingwu_command::error_codes::field::PRIORITY_UNKNOWN.code,
            e.to_string(),
        ));
    }
    let source = Source::parse(&n.source);
    if let Err(e) = &source {
        errs.push(FieldError::new(
            "source",
            jingwu_command::error_codes::field::SOURCE_UNKNOWN.code,
            e.to_string(),
        ));
    }
    match (pair, priority, source) {
        (Ok((category, subcategory)), Ok(priority), Ok(source)) if errs.is_empty() => Ok(Codes {
            category,
            subcategory,
            priority,
            source,
        }),
        _ => Err(AppError::Validation(errs)),
    }
}

impl Command<'_> {
    pub async fn create_incident(
        &self,
        who: &Principal,
        n: NewIncident,
        ctx: &RequestCtx,
    ) -> Result<IncidentCreated> {
        let Codes {
            category,
            subcategory,
            priority,
            source,
        } = check(&n)?;
        let owner = self.owning_station(n.lat, n.lon).await?;
        authorize(who, Action::CreateIncident, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        // A call about a place outside the caller's jurisdiction is recorded in the caller's own
        // room first and handed over to the owning station in the same transaction (issue 10:
        // refusing it lost the caller).
        let hand_to = authorize(who, Action::CreateIncident, Scope::Org(&owner.path))
            .is_err()
            .then(|| owner.clone());

        let now = self.now_us();
        self.k().write(who, ctx, async |tx| {
        let recorded_in = match &hand_to {
            None => owner.clone(),
            Some(_) => orgs::get(tx.db(), &who.org_id)
                .await?
                .ok_or_else(|| AppError::Internal("the caller's org unit is missing".into()))?,
        };
        let rule = DuplicateRule::default();
        let recent = q::open_incidents_since(tx.db(), now - rule.lookback_us()).await?;
        let id = new_id();
        let probe = IncidentProbe {
            id: id.clone(),
            category,
            subcategory,
            lat: n.lat,
            lon: n.lon,
            created_us: now,
            open: true,
            caller_phone: n.caller_phone.clone(),
        };
        let probes: Vec<IncidentProbe> = recent
            .iter()
            .map(|r| IncidentProbe {
                id: r.incident.id.to_string(),
                category: r.incident.category,
                subcategory: r.incident.subcategory,
                lat: r.incident.lat,
                lon: r.incident.lon,
                created_us: r.incident.created_at,
                open: true,
                caller_phone: r.incident.caller_phone.clone(),
            })
            .collect();
        let possible_duplicates: Vec<PossibleDuplicate> = likely_duplicates(&probe, &probes, rule)
            .into_iter()
            .filter_map(|found| {
                let number = recent
                    .iter()
                    .find(|r| r.incident.id.as_str() == found.id)?
                    .incident
                    .number
                    .clone();
                Some(PossibleDuplicate { number, found })
            })
            .collect();

        let day_start = self.china_day_start_us(now);
        let seq = q::count_incidents_since(tx.db(), day_start).await? + 1;
        let date = micros_to_timestamp(now)
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .date();
        let incident = Incident {
            id: id.clone().into(),
            number: format!(
                "{:04}{:02}{:02}-{seq:06}",
                date.year(),
                date.month(),
                date.day()
            ),
            org_id: recorded_in.id.as_str().into(),
            category,
            subcategory,
            priority,
            source,
            caller_name: n.caller_name.trim().into(),
            caller_phone: n.caller_phone.trim().into(),
            lat: n.lat,
            lon: n.lon,
            address: n.address.trim().into(),
            description: n.description.trim().into(),
            status: IncidentStatus::New,
            duplicate_of: None,
            created_by: who.user_id.as_str().into(),
            created_at: now,
            dispatched_at: None,
            acknowledged_at: None,
            en_route_at: None,
            on_scene_at: None,
            closed_at: None,
            result_code: None,
            result_text: None,
            handover_from: None,
            handover_at: None,
        };
        q::insert_incident(tx.db(), &incident).await?;
        let detail = serde_json::json!({
            "number": incident.number, "category": incident.category, "subcategory": incident.subcategory,
            "priority": incident.priority, "source": incident.source, "owner_org_id": recorded_in.id,
            "lat": incident.lat, "lon": incident.lon,
        });
        event(tx.db(), &incident.id, now, EventKind::Created, who, None, detail.clone()).await?;
        if !possible_duplicates.is_empty() {
            let dups: Vec<serde_json::Value> = possible_duplicates
                .iter()
                .map(|d| serde_json::json!({ "number": d.number, "reasons": d.found.reasons }))
                .collect();
            event(
                tx.db(),
                &incident.id,
                now,
                EventKind::DuplicateFlagged,
                who,
                None,
                serde_json::json!({ "possible_duplicates": dups }),
            )
            .await?;
        }
        tx.audit("incident.create",
            ("incident", &id),
            &recorded_in.path,
            detail).await?;
                tx.publish(LiveEvent::Incident {
            incident_id: id.clone(),
            org_path: recorded_in.path.clone(),
        });
        let handed_over = match &hand_to {
            Some(target) => {
                let reason = format!("接警地点属{}辖区，先行登记后移交", target.name_zh);
                Some(hand_over(tx, who, &incident, target, &reason, now).await?)
            }
            None => None,
        };
        let incident = q::get_incident(tx.db(), &incident.id)
            .await?
            .ok_or(AppError::NotFound { what: "incident" })?;
        Ok(IncidentCreated {
            incident,
            possible_duplicates,
            handed_over,
        })
        })
        .await
    }

    /// Midnight of the current day in China Standard Time, in µs.
    fn china_day_start_us(&self, now: i64) -> i64 {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        micros_to_timestamp(now)
            .to_zoned(tz.clone())
            .date()
            .to_zoned(tz)
            .map_or(now, |z| z.timestamp().as_microsecond())
    }
}
