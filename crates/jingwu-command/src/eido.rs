//! Projection of an incident into a NENA Emergency Incident Data Object (EIDO), JSON form.
//!
//! # Version and source
//!
//! Shapes follow `Schema/openapi.yaml` of `NENA911/EIDO-JSON` (OpenAPI 3.0.2, `info.version`
//! 1.0.0, `eidoVersion` enum `"1.0"`; the repository's JSON rendering of NENA-STA-021.1b),
//! read at commit `7f62055d`. Property names are the schema's; the values of "registry"
//! properties (`…RegistryText`) come from NENA/IANA registries we cannot consult offline, so
//! the values chosen below are marked *unverified* and are easy to change in one place.
//!
//! # What is mapped
//!
//! | EIDO component | from | required properties filled |
//! |---|---|---|
//! | every component (`PrologueType`) | — | `$id`, `lastUpdateTimeStamp`, `updatedByAgencyReference` |
//! | top level (`EmergencyIncidentDataObjectType`) | incident | `eidoVersion` = "1.0", `issuingElementIdentification`, `agencyComponent`; plus `@context` |
//! | `agencyComponent` | owning agency | `agencyJcard` (jCard with the name), `agencyRoleDescriptionRegistryText`, `agencyType` = \["police"\] (IANA responder registry), `incidentOwningAgencyIndicator` |
//! | `agentComponent` | listed agents, plus any referenced agent not listed | `agentRoleRegistryText`, `agencyReference` |
//! | `incidentComponent` | type, priority, status, station | `incidentTypeCommonRegistryText` = APCO code when the sub-category has one, else the internal code (unverified registry); `incidentTypeInternalCode` = `category.subcategory`; `incidentTypeInternalText`; `incidentStatusInternalText`; `incidentPriorityInternalText`; `internalIncidentId`; `beatOrDispatchGroupText` = owning station |
//! | `callComponent` | the 110 call, if any | `callStateRegistryText` (callBegin/callAnswered/callEnd), `standardPrimaryCallType` = "emergency", `direction` = "incoming", `callStartTimestamp`; `answerDate`; `localCallType` = intake source |
//! | `callbackComponent` | caller's phone | `callBackInformationUri` = `tel:` URI |
//! | `personComponent` | the caller | `personIncidentRoleRegistryText` = \["Caller"\] (name is not exported) |
//! | `locationComponent` | incident and unit positions | `locationTypeDescriptionRegistryText` ("Incident"/"Unit", unverified), `locationByValue` = PIDF-LO with a GML point (EPSG 4326), `locationDescriptionText` = address text |
//! | `dispatchComponent` | one per unit assignment | `agencyReference`, `agentReference` (dispatcher), `emergencyResourceReference` |
//! | `emergencyResourceComponent` | units | `agentReference` (crew), `emergencyResourceTypeCommonRegistryText` ("Law Enforcement", unverified), `resourceAttributeRegistryText`, `primaryUnitStatusRegistryText` (see [`primary_unit_status`], unverified), `secondaryUnitStatusRegistryText` = \[\], `unitStatusInternal` = Jingwu status code, `emergencyResourceName`, `unitLocationReference`, `eta`, `activeOnIncidentId` |
//! | `notesComponent` | description and timeline notes | `notesActionComments` (HTML-escaped, the schema says HTML5), `agentReference` |
//! | `mediaComponent` | scene media | `uri`, `contentType`, `label` |
//!
//! Not mapped: dispositions (the Common Disposition Code registry is not available offline),
//! vehicles, cautions, merge/link components.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::rfc3339_utc;
use crate::taxonomy::{IncidentType, Priority, Source};
use crate::unit::{Tier, UnitKind, UnitStatus};

/// The EIDO structure version this module writes.
pub const EIDO_VERSION: &str = "1.0";
/// JSON-LD vocabulary required by the schema's `@context` enum.
pub const EIDO_CONTEXT_VOCAB: &str = "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoAgency {
    /// Globally unique agency identifier (NENA-STA-010 style domain name).
    pub id: String,
    pub name: String,
}

jingwu_core::text_enum! {
    /// What an agent named in the EIDO did.
    pub enum AgentRole: "agent role" {
        CallTaker = "call_taker" ("接警员", "Call taker"),
        Dispatcher = "dispatcher" ("调度员", "Dispatcher"),
        Responder = "responder" ("出警民警", "Responder"),
    }
}

impl AgentRole {
    /// Agent Role registry text (unverified; "Call Taking" as in NENA's sample EIDO).
    pub const fn registry_text(self) -> &'static str {
        match self {
            AgentRole::CallTaker => "Call Taking",
            AgentRole::Dispatcher => "Dispatching",
            AgentRole::Responder => "Responding",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoAgent {
    /// Globally unique agent identifier, e.g. `officer-1023@330203.example.cn`.
    pub id: String,
    pub role: AgentRole,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoLocation {
    pub lat: f64,
    pub lon: f64,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoCall {
    pub started: i64,
    pub answered: Option<i64>,
    pub ended: Option<i64>,
    /// Call taker's agent id.
    pub taken_by: Option<String>,
    /// Caller's phone number as dialled back (digits, optional leading `+`).
    pub caller_phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoUnit {
    pub id: String,
    pub name: String,
    pub kind: UnitKind,
    pub tier: Tier,
    pub status: UnitStatus,
    /// When the status was last changed, µs.
    pub status_at: i64,
    pub dispatched_at: i64,
    /// Dispatcher's agent id.
    pub dispatched_by: Option<String>,
    /// Crew agent ids (described as responders unless listed in [`EidoIncident::agents`]).
    pub crew: Vec<String>,
    /// Last known position (lat, lon).
    pub position: Option<(f64, f64)>,
    /// Expected arrival, µs.
    pub eta: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoNote {
    pub id: String,
    pub at: i64,
    /// Agent id of the author, if an agent wrote it.
    pub author: Option<String>,
    /// Plain text; escaped for HTML on export.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoMedia {
    pub id: String,
    pub at: i64,
    pub uri: String,
    /// IANA media type, e.g. `image/jpeg`.
    pub content_type: String,
    pub label: Option<String>,
}

/// Everything the export needs about one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EidoIncident {
    pub id: String,
    /// Identifier of the functional element producing the EIDO, e.g. `cad.330200.example.cn`.
    pub issuing_element: String,
    pub agency: EidoAgency,
    /// Owning station, exported as the beat/dispatch group.
    pub station: Option<String>,
    pub incident_type: IncidentType,
    pub priority: Priority,
    pub source: Source,
    /// Jingwu's incident status code (e.g. `on_scene`, `closed`).
    pub status: String,
    pub description: String,
    pub created: i64,
    pub updated: i64,
    pub location: EidoLocation,
    pub call: Option<EidoCall>,
    pub agents: Vec<EidoAgent>,
    pub units: Vec<EidoUnit>,
    pub notes: Vec<EidoNote>,
    pub media: Vec<EidoMedia>,
}

/// Primary Unit Status registry text for a Jingwu status (unverified registry values).
pub const fn primary_unit_status(s: UnitStatus) -> &'static str {
    match s {
        UnitStatus::OffDuty => "Out Of Service",
        UnitStatus::Available => "Available",
        UnitStatus::Dispatched => "Dispatched",
        UnitStatus::EnRoute => "Enroute",
        UnitStatus::OnScene => "On Scene",
        UnitStatus::Busy => "Unavailable",
    }
}

/// Escapes `& < > " '` for HTML and XML text and attribute values.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A minimal PIDF-LO (RFC 4119 / RFC 5491) presence document with one GML point; EPSG 4326
/// axis order is latitude then longitude.
pub fn pidf_lo_point(entity: &str, tuple_id: &str, lat: f64, lon: f64, at_us: i64) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10""#,
            r#" xmlns:gml="http://www.opengis.net/gml" entity="{entity}">"#,
            r#"<tuple id="{tuple}"><status><gp:geopriv><gp:location-info>"#,
            r#"<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>{lat:.7} {lon:.7}</gml:pos></gml:Point>"#,
            r#"</gp:location-info><gp:usage-rules/></gp:geopriv></status>"#,
            r#"<timestamp>{ts}</timestamp></tuple></presence>"#
        ),
        entity = escape_markup(entity),
        tuple = escape_markup(tuple_id),
        lat = lat,
        lon = lon,
        ts = rfc3339_utc(at_us),
    )
}

fn reference(id: &str) -> Value {
    json!({ "$ref": id })
}

struct Ids<'a> {
    agency: &'a str,
}

impl Ids<'_> {
    fn of(&self, kind: &str, local: &str) -> String {
        format!("{}/{}/{}", self.agency, kind, local)
    }
}

/// A component with its prologue filled in.
fn component(id: &str, at_us: i64, agency: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("$id".into(), Value::String(id.to_owned()));
    m.insert(
        "lastUpdateTimeStamp".into(),
        Value::String(rfc3339_utc(at_us)),
    );
    m.insert("updatedByAgencyReference".into(), reference(agency));
    m
}

fn put(m: &mut Map<String, Value>, key: &str, v: Value) {
    m.insert(key.to_owned(), v);
}

/// `tel:` URI of a phone number: visual separators removed (RFC 3966 allows them, but
/// dropping them keeps the URI comparable); a number without `+` is a local number, written
/// with the `phone-context` of China's country code.
fn tel_uri(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    if digits.starts_with('+') {
        format!("tel:{digits}")
    } else {
        format!("tel:{digits};phone-context=+86")
    }
}

/// The agency's contact card as jCard (RFC 7095) text: a vCard 4.0 with its formatted name.
pub fn agency_jcard(name: &str) -> String {
    json!([
        "vcard",
        [["version", {}, "text", "4.0"], ["fn", {}, "text", name]]
    ])
    .to_string()
}

/// The globally unique incident identifier, in the `urn:emergency:uid:incidentid:` form used
/// by NENA's sample EIDO.
pub fn incident_urn(incident_id: &str, agency_id: &str) -> String {
    format!("urn:emergency:uid:incidentid:{incident_id}:{agency_id}")
}

/// The EIDO JSON object of `inc`.
pub fn to_eido(inc: &EidoIncident) -> Value {
    let agency = inc.agency.id.as_str();
    let ids = Ids { agency };
    let incident_urn = incident_urn(&inc.id, agency);

    // Listed agents first; then every agent referenced elsewhere but not listed, with the
    // role its reference implies (crew → responding, dispatcher → dispatching, call taker →
    // call taking, note author → responding), so that every `$ref` resolves; each id once.
    let mut seen: Vec<&str> = Vec::new();
    let mut agents: Vec<Value> = Vec::new();
    let listed = inc.agents.iter().map(|a| (a.id.as_str(), a.role));
    let crew = inc
        .units
        .iter()
        .flat_map(|u| u.crew.iter().map(|c| (c.as_str(), AgentRole::Responder)));
    let dispatchers = inc
        .units
        .iter()
        .filter_map(|u| u.dispatched_by.as_deref())
        .map(|d| (d, AgentRole::Dispatcher));
    let call_takers = inc
        .call
        .iter()
        .filter_map(|c| c.taken_by.as_deref())
        .map(|t| (t, AgentRole::CallTaker));
    let authors = inc
        .notes
        .iter()
        .filter_map(|n| n.author.as_deref())
        .map(|a| (a, AgentRole::Responder));
    for (id, role) in listed
        .chain(crew)
        .chain(dispatchers)
        .chain(call_takers)
        .chain(authors)
    {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let mut a = component(id, inc.updated, agency);
        put(
            &mut a,
            "agentRoleRegistryText",
            json!([role.registry_text()]),
        );
        put(&mut a, "agencyReference", reference(agency));
        agents.push(Value::Object(a));
    }

    let mut locations: Vec<Value> = Vec::new();
    let incident_loc_id = ids.of("location", &inc.id);
    {
        let mut l = component(&incident_loc_id, inc.updated, agency);
        put(
            &mut l,
            "locationTypeDescriptionRegistryText",
            json!("Incident"),
        );
        put(
            &mut l,
            "locationByValue",
            json!(pidf_lo_point(
                &format!("pres:{incident_urn}"),
                &inc.id,
                inc.location.lat,
                inc.location.lon,
                inc.updated
            )),
        );
        if let Some(addr) = &inc.location.address {
            put(&mut l, "locationDescriptionText", json!(addr));
        }
        locations.push(Value::Object(l));
    }

    let mut notes: Vec<Value> = Vec::new();
    let description_id = ids.of("note", &format!("{}-description", inc.id));
    {
        let mut n = component(&description_id, inc.created, agency);
        put(
            &mut n,
            "notesActionComments",
            json!(escape_markup(&inc.description)),
        );
        notes.push(Value::Object(n));
    }
    for note in &inc.notes {
        let mut n = component(&ids.of("note", &note.id), note.at, agency);
        put(
            &mut n,
            "notesActionComments",
            json!(escape_markup(&note.text)),
        );
        if let Some(a) = &note.author {
            put(&mut n, "agentReference", reference(a));
        }
        notes.push(Value::Object(n));
    }

    let mut resources: Vec<Value> = Vec::new();
    let mut dispatches: Vec<Value> = Vec::new();
    for u in &inc.units {
        let rid = ids.of("resource", &u.id);
        let mut r = component(&rid, u.status_at, agency);
        put(
            &mut r,
            "agentReference",
            Value::Array(u.crew.iter().map(|c| reference(c)).collect()),
        );
        put(
            &mut r,
            "emergencyResourceTypeCommonRegistryText",
            json!("Law Enforcement"),
        );
        put(
            &mut r,
            "emergencyResourceTypeInternalText",
            json!(u.kind.as_str()),
        );
        let attrs: Vec<&str> = if u.kind == UnitKind::ArmedPatrolTeam {
            vec!["Armed"]
        } else {
            vec![]
        };
        put(&mut r, "resourceAttributeRegistryText", json!(attrs));
        put(
            &mut r,
            "resourceAttributeInternalText",
            json!([format!("tier:{}", u.tier)]),
        );
        put(&mut r, "emergencyResourceName", json!(u.name));
        put(
            &mut r,
            "primaryUnitStatusRegistryText",
            json!(primary_unit_status(u.status)),
        );
        put(&mut r, "secondaryUnitStatusRegistryText", json!([]));
        put(&mut r, "unitStatusInternal", json!([u.status.as_str()]));
        if let Some((lat, lon)) = u.position {
            let lid = ids.of("location", &format!("unit-{}", u.id));
            let mut l = component(&lid, u.status_at, agency);
            put(&mut l, "locationTypeDescriptionRegistryText", json!("Unit"));
            put(
                &mut l,
                "locationByValue",
                json!(pidf_lo_point(
                    &format!("pres:{rid}"),
                    &u.id,
                    lat,
                    lon,
                    u.status_at
                )),
            );
            locations.push(Value::Object(l));
            put(&mut r, "unitLocationReference", reference(&lid));
        }
        put(
            &mut r,
            "unitDestinationReference",
            reference(&incident_loc_id),
        );
        if let Some(eta) = u.eta {
            put(&mut r, "eta", json!(rfc3339_utc(eta)));
        }
        if u.status.is_assigned() {
            put(&mut r, "activeOnIncidentId", json!(incident_urn));
        }
        resources.push(Value::Object(r));

        let mut d = component(
            &ids.of("dispatch", &format!("{}-{}", inc.id, u.id)),
            u.dispatched_at,
            agency,
        );
        put(&mut d, "agencyReference", reference(agency));
        if let Some(by) = &u.dispatched_by {
            put(&mut d, "agentReference", reference(by));
        }
        put(
            &mut d,
            "emergencyResourceReference",
            json!([reference(&rid)]),
        );
        dispatches.push(Value::Object(d));
    }

    let mut persons: Vec<Value> = Vec::new();
    let mut callbacks: Vec<Value> = Vec::new();
    let mut calls: Vec<Value> = Vec::new();
    if let Some(call) = &inc.call {
        let call_id = format!("urn:emergency:uid:callid:{}:{}", inc.id, agency);
        let mut c = component(
            &call_id,
            call.ended.or(call.answered).unwrap_or(call.started),
            agency,
        );
        let state = if call.ended.is_some() {
            "callEnd"
        } else if call.answered.is_some() {
            "callAnswered"
        } else {
            "callBegin"
        };
        put(&mut c, "callStateRegistryText", json!(state));
        put(&mut c, "standardPrimaryCallType", json!("emergency"));
        put(&mut c, "direction", json!("incoming"));
        put(
            &mut c,
            "callStartTimestamp",
            json!(rfc3339_utc(call.started)),
        );
        if let Some(a) = call.answered {
            put(&mut c, "answerDate", json!(rfc3339_utc(a)));
        }
        put(&mut c, "localCallType", json!(inc.source.as_str()));
        if let Some(t) = &call.taken_by {
            put(&mut c, "agentReference", json!([reference(t)]));
        }
        put(
            &mut c,
            "locationReference",
            json!([reference(&incident_loc_id)]),
        );
        let person_id = ids.of("person", &format!("{}-caller", inc.id));
        let mut p = component(&person_id, call.started, agency);
        put(&mut p, "personIncidentRoleRegistryText", json!(["Caller"]));
        put(&mut p, "callIdentifier", json!([call_id]));
        if let Some(phone) = &call.caller_phone {
            let cb_id = ids.of("callback", &format!("{}-caller", inc.id));
            let mut cb = component(&cb_id, call.started, agency);
            put(&mut cb, "callBackInformationUri", json!([tel_uri(phone)]));
            callbacks.push(Value::Object(cb));
            put(&mut c, "callBackReference", reference(&cb_id));
            put(&mut p, "callBackReference", reference(&cb_id));
        }
        put(&mut c, "personReference", json!([reference(&person_id)]));
        persons.push(Value::Object(p));
        calls.push(Value::Object(c));
    }

    let mut media: Vec<Value> = Vec::new();
    for m in &inc.media {
        let mut c = component(&ids.of("media", &m.id), m.at, agency);
        put(&mut c, "uri", json!(m.uri));
        put(&mut c, "contentType", json!(m.content_type));
        if let Some(l) = &m.label {
            put(&mut c, "label", json!(l));
        }
        media.push(Value::Object(c));
    }

    let mut incident = component(&ids.of("incident", &inc.id), inc.updated, agency);
    let t = inc.incident_type;
    let sub = t.subcategory();
    let common = sub
        .apco_code()
        .map_or_else(|| t.internal_code(), str::to_owned);
    put(
        &mut incident,
        "incidentTypeCommonRegistryText",
        json!(common),
    );
    put(
        &mut incident,
        "incidentTypeInternalCode",
        json!(t.internal_code()),
    );
    put(
        &mut incident,
        "incidentTypeInternalText",
        json!(format!(
            "{} / {} ({} / {})",
            t.category().label_zh(),
            sub.label_zh(),
            t.category().label_en(),
            sub.label_en()
        )),
    );
    put(
        &mut incident,
        "incidentStatusInternalText",
        json!([inc.status]),
    );
    put(&mut incident, "internalIncidentId", json!(inc.id));
    put(
        &mut incident,
        "incidentPriorityInternalText",
        json!(inc.priority.as_str().to_uppercase()),
    );
    if let Some(st) = &inc.station {
        put(&mut incident, "beatOrDispatchGroupText", json!(st));
    }
    put(
        &mut incident,
        "locationReference",
        json!([reference(&incident_loc_id)]),
    );
    if !persons.is_empty() {
        put(
            &mut incident,
            "personReference",
            Value::Array(
                persons
                    .iter()
                    .filter_map(|p| p.get("$id"))
                    .map(|id| json!({"$ref": id}))
                    .collect(),
            ),
        );
    }
    put(
        &mut incident,
        "notesReference",
        json!([reference(&description_id)]),
    );
    if !media.is_empty() {
        put(
            &mut incident,
            "mediaReferences",
            Value::Array(
                media
                    .iter()
                    .filter_map(|m| m.get("$id"))
                    .map(|id| json!({"$ref": id}))
                    .collect(),
            ),
        );
    }

    let mut ag = component(agency, inc.updated, agency);
    put(
        &mut ag,
        "agencyJcard",
        json!(agency_jcard(&inc.agency.name)),
    );
    put(
        &mut ag,
        "agencyRoleDescriptionRegistryText",
        json!(["Incident Owner"]),
    );
    put(&mut ag, "agencyType", json!(["police"]));
    put(&mut ag, "incidentOwningAgencyIndicator", json!(true));

    let mut top = component(&incident_urn, inc.updated, agency);
    put(&mut top, "eidoVersion", json!(EIDO_VERSION));
    put(
        &mut top,
        "issuingElementIdentification",
        json!(inc.issuing_element),
    );
    put(&mut top, "incidentComponent", Value::Object(incident));
    put(&mut top, "agencyComponent", json!([Value::Object(ag)]));
    for (key, list) in [
        ("agentComponent", agents),
        ("callComponent", calls),
        ("callbackComponent", callbacks),
        ("personComponent", persons),
        ("locationComponent", locations),
        ("dispatchComponent", dispatches),
        ("emergencyResourceComponent", resources),
        ("notesComponent", notes),
        ("mediaComponent", media),
    ] {
        if !list.is_empty() {
            put(&mut top, key, Value::Array(list));
        }
    }
    put(
        &mut top,
        "@context",
        json!({ "@vocab": EIDO_CONTEXT_VOCAB }),
    );
    Value::Object(top)
}
