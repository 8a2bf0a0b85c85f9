//! The EIDO export against the shapes of NENA911/EIDO-JSON `Schema/openapi.yaml` (1.0.0):
//! the required and allowed property names below are copied from that schema as facts.

use std::collections::BTreeSet;

use jingwu_command::eido::*;
use jingwu_command::taxonomy::{IncidentType, Priority, Source, Subcategory};
use jingwu_command::unit::{Tier, UnitKind, UnitStatus};
use serde_json::Value;

const T0: i64 = 1_800_000_000_000_000;
const S: i64 = 1_000_000;

const PROLOGUE: &[&str] = &[
    "$id",
    "lastUpdateTimeStamp",
    "updatedByAgencyReference",
    "updatedByAgentReference",
    "AlternateValueReferences",
    "externalInformationSourceReferences",
    "mediaReferences",
];
const PROLOGUE_REQUIRED: &[&str] = &["$id", "lastUpdateTimeStamp", "updatedByAgencyReference"];

struct Shape {
    key: &'static str,
    required: &'static [&'static str],
    allowed: &'static [&'static str],
}

const SHAPES: &[Shape] = &[
    Shape {
        key: "agencyComponent",
        required: &["agencyRoleDescriptionRegistryText", "agencyType"],
        allowed: &[
            "agencyJcard",
            "agencyRoleDescriptionRegistryText",
            "agencyType",
            "notesReference",
            "incidentOwningAgencyIndicator",
            "actingOnBehalfOfAgencyReference",
            "agencyCallLegState",
        ],
    },
    Shape {
        key: "agentComponent",
        required: &["agentRoleRegistryText", "agencyReference"],
        allowed: &[
            "agentJcard",
            "agentWorkstationPositionIdentification",
            "agentRoleRegistryText",
            "agencyReference",
            "notesReference",
            "agentCallLegState",
        ],
    },
    Shape {
        key: "callComponent",
        required: &[
            "callStateRegistryText",
            "standardPrimaryCallType",
            "direction",
            "callStartTimestamp",
        ],
        allowed: &[
            "relatedCallIdentifier",
            "queueIdentifier",
            "standardPrimaryCallType",
            "standardSecondaryCallType",
            "localCallType",
            "direction",
            "priorityIdentifier",
            "additionalDataReference",
            "callStartTimestamp",
            "answerDate",
            "callStateRegistryText",
            "agentReference",
            "callBackReference",
            "verstat",
            "sipIdentity",
            "locationReference",
            "notesReference",
            "personReference",
            "organizationReference",
            "agencyReference",
        ],
    },
    Shape {
        key: "callbackComponent",
        required: &[],
        allowed: &[
            "callBackInformationUri",
            "deviceContactHeader",
            "updatedCbn",
        ],
    },
    Shape {
        key: "personComponent",
        required: &["personIncidentRoleRegistryText"],
        allowed: &[
            "ncPersonComponent",
            "personIncidentRoleRegistryText",
            "callIdentifier",
            "locationReference",
            "destinationReference",
            "eta",
            "notesReference",
            "additionalDataReference",
            "callBackReference",
            "personCallLegState",
            "itemReference",
        ],
    },
    Shape {
        key: "locationComponent",
        required: &["locationTypeDescriptionRegistryText"],
        allowed: &[
            "locationTypeDescriptionRegistryText",
            "locationByValue",
            "locationByReferenceUrl",
            "locationDereferencedFromReference",
            "locationDescriptionText",
            "crossStreetByValue",
            "crossStreetByReferenceUrl",
            "intersectingStreetByValue",
            "intersectingStreetByReferenceUrl",
            "cellTowerSectorId",
            "additionalDataReference",
            "localIdentifier",
            "notesReference",
        ],
    },
    Shape {
        key: "dispatchComponent",
        required: &[],
        allowed: &[
            "agencyReference",
            "agentReference",
            "emergencyResourceReference",
            "notesReference",
        ],
    },
    Shape {
        key: "emergencyResourceComponent",
        required: &[
            "agentReference",
            "emergencyResourceTypeCommonRegistryText",
            "primaryUnitStatusRegistryText",
            "resourceAttributeRegistryText",
            "secondaryUnitStatusRegistryText",
        ],
        allowed: &[
            "emergencyResourceTypeCommonRegistryText",
            "emergencyResourceTypeInternalText",
            "resourceAttributeRegistryText",
            "resourceAttributeInternalText",
            "emergencyResourceName",
            "primaryUnitStatusRegistryText",
            "secondaryUnitStatusRegistryText",
            "notesReference",
            "unitStatusInternal",
            "agentReference",
            "unitLocationReference",
            "unitDestinationReference",
            "eta",
            "personReference",
            "vehicleReference",
            "itemReference",
            "activeOnIncidentId",
            "stackedOnIncidentId",
        ],
    },
    Shape {
        key: "notesComponent",
        required: &["notesActionComments"],
        allowed: &["notesActionComments", "agentReference", "cautionReference"],
    },
    Shape {
        key: "mediaComponent",
        required: &["uri", "contentType"],
        allowed: &["uri", "contentType", "label"],
    },
];

const INCIDENT_REQUIRED: &[&str] = &["incidentTypeCommonRegistryText"];
const INCIDENT_ALLOWED: &[&str] = &[
    "incidentTypeInternalCode",
    "incidentTypeInternalText",
    "incidentTypeCommonRegistryText",
    "incidentStatusInternalText",
    "incidentStatusCommonRegistryText",
    "internalIncidentId",
    "agentReference",
    "locationReference",
    "personReference",
    "organizationReference",
    "vehicleReference",
    "documentIdentification",
    "reportNumberType",
    "incidentPriorityInternalText",
    "incidentCommonPriorityNumber",
    "beatOrDispatchGroupText",
    "dispositionComponent",
    "notesReference",
];
const TOP_REQUIRED: &[&str] = &[
    "eidoVersion",
    "issuingElementIdentification",
    "agencyComponent",
];
const TOP_ALLOWED: &[&str] = &[
    "eidoVersion",
    "eidoExtensionId",
    "issuingElementIdentification",
    "mergeComponent",
    "linkComponent",
    "incidentComponent",
    "callComponent",
    "callbackComponent",
    "dispatchComponent",
    "notesComponent",
    "emergencyResourceComponent",
    "alarmsSensorsComponent",
    "agencyComponent",
    "agentComponent",
    "additionalDataComponent",
    "locationComponent",
    "personComponent",
    "vehicleComponent",
    "cautionComponent",
    "mediaComponent",
    "sharedCommunicationResourceComponent",
    "externalInformationSourceComponent",
    "@context",
];

/// Properties whose schema type is an array of strings.
const STRING_ARRAYS: &[&str] = &[
    "agencyRoleDescriptionRegistryText",
    "agencyType",
    "agentRoleRegistryText",
    "incidentStatusInternalText",
    "personIncidentRoleRegistryText",
    "callIdentifier",
    "callBackInformationUri",
    "resourceAttributeRegistryText",
    "resourceAttributeInternalText",
    "secondaryUnitStatusRegistryText",
    "unitStatusInternal",
];
/// Properties that are a single reference object.
const SINGLE_REFS: &[&str] = &[
    "updatedByAgencyReference",
    "agencyReference",
    "callBackReference",
    "unitLocationReference",
    "unitDestinationReference",
];
/// Properties that are arrays of references.
const REF_ARRAYS: &[&str] = &[
    "locationReference",
    "personReference",
    "notesReference",
    "emergencyResourceReference",
    "mediaReferences",
];
const TIMESTAMPS: &[&str] = &[
    "lastUpdateTimeStamp",
    "callStartTimestamp",
    "answerDate",
    "eta",
];

fn sample() -> EidoIncident {
    EidoIncident {
        id: "INC-20261129-0001".into(),
        issuing_element: "cad.nb.example.cn".into(),
        agency: EidoAgency {
            id: "330200.gaj.example.cn".into(),
            name: "宁波市公安局".into(),
        },
        station: Some("东柳派出所".into()),
        incident_type: IncidentType::of(Subcategory::Robbery),
        priority: Priority::P1,
        source: Source::Call110,
        status: "on_scene".into(),
        description: "男子持刀抢劫 <便利店> & 逃跑".into(),
        created: T0,
        updated: T0 + 600 * S,
        location: EidoLocation {
            lat: 29.8683,
            lon: 121.551,
            address: Some("鄞州区中山东路1号".into()),
        },
        call: Some(EidoCall {
            started: T0 - 30 * S,
            answered: Some(T0 - 25 * S),
            ended: Some(T0 + 60 * S),
            taken_by: Some("ct-7@330200.gaj.example.cn".into()),
            caller_phone: Some("138 0000 0000".into()),
        }),
        agents: vec![
            EidoAgent {
                id: "ct-7@330200.gaj.example.cn".into(),
                role: AgentRole::CallTaker,
            },
            EidoAgent {
                id: "d-3@330200.gaj.example.cn".into(),
                role: AgentRole::Dispatcher,
            },
        ],
        units: vec![
            EidoUnit {
                id: "U-101".into(),
                name: "武巡1组".into(),
                kind: UnitKind::ArmedPatrolTeam,
                tier: Tier::ArmedPatrol,
                status: UnitStatus::OnScene,
                status_at: T0 + 300 * S,
                dispatched_at: T0 + 70 * S,
                dispatched_by: Some("d-3@330200.gaj.example.cn".into()),
                crew: vec![
                    "p-1@330200.gaj.example.cn".into(),
                    "p-2@330200.gaj.example.cn".into(),
                ],
                position: Some((29.8684, 121.5511)),
                eta: None,
            },
            EidoUnit {
                id: "U-202".into(),
                name: "东柳巡逻车".into(),
                kind: UnitKind::PatrolCar,
                tier: Tier::Station,
                status: UnitStatus::EnRoute,
                status_at: T0 + 90 * S,
                dispatched_at: T0 + 80 * S,
                dispatched_by: None,
                crew: vec!["p-1@330200.gaj.example.cn".into()],
                position: None,
                eta: Some(T0 + 400 * S),
            },
        ],
        notes: vec![EidoNote {
            id: "n1".into(),
            at: T0 + 310 * S,
            author: Some("p-1@330200.gaj.example.cn".into()),
            text: "嫌疑人已控制".into(),
        }],
        media: vec![EidoMedia {
            id: "m1".into(),
            at: T0 + 320 * S,
            uri: "https://jingwu.example.cn/media/sha256/ab12".into(),
            content_type: "image/jpeg".into(),
            label: Some("现场照片".into()),
        }],
    }
}

fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 27
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[26] == b'Z'
        && b.iter()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19, 26].contains(&i) || c.is_ascii_digit())
}

fn check_component(
    where_: &str,
    c: &Value,
    required: &[&str],
    allowed: &[&str],
    ids: &mut BTreeSet<String>,
) {
    let obj = c
        .as_object()
        .unwrap_or_else(|| panic!("{where_} is not an object"));
    for k in PROLOGUE_REQUIRED.iter().chain(required) {
        assert!(obj.contains_key(*k), "{where_}: missing required {k}");
    }
    for k in obj.keys() {
        assert!(
            PROLOGUE.contains(&k.as_str()) || allowed.contains(&k.as_str()),
            "{where_}: {k} is not a property of the schema"
        );
    }
    for (k, v) in obj {
        let k = k.as_str();
        if STRING_ARRAYS.contains(&k) {
            assert!(
                v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
                "{where_}.{k}: {v}"
            );
        }
        if SINGLE_REFS.contains(&k) {
            assert!(
                v.get("$ref").is_some_and(Value::is_string) && v.as_object().unwrap().len() == 1,
                "{where_}.{k}: {v}"
            );
        }
        if REF_ARRAYS.contains(&k) {
            assert!(
                v.as_array()
                    .is_some_and(|a| a.iter().all(|r| r.get("$ref").is_some())),
                "{where_}.{k}: {v}"
            );
        }
        if TIMESTAMPS.contains(&k) {
            assert!(v.as_str().is_some_and(is_rfc3339), "{where_}.{k}: {v}");
        }
    }
    let id = obj["$id"].as_str().unwrap().to_owned();
    assert!(ids.insert(id.clone()), "duplicate $id {id}");
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| collect_refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Schema conformance of a whole document; returns the set of component ids.
fn check_document(doc: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    check_component("top", doc, TOP_REQUIRED, TOP_ALLOWED, &mut ids);
    assert_eq!(doc["eidoVersion"], "1.0");
    assert_eq!(
        doc["@context"]["@vocab"],
        "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld"
    );
    if let Some(inc) = doc.get("incidentComponent") {
        check_component(
            "incidentComponent",
            inc,
            INCIDENT_REQUIRED,
            INCIDENT_ALLOWED,
            &mut ids,
        );
    }
    for shape in SHAPES {
        if let Some(list) = doc.get(shape.key) {
            let list = list
                .as_array()
                .unwrap_or_else(|| panic!("{} is not an array", shape.key));
            assert!(!list.is_empty(), "{} present but empty", shape.key);
            for (i, c) in list.iter().enumerate() {
                check_component(
                    &format!("{}[{i}]", shape.key),
                    c,
                    shape.required,
                    shape.allowed,
                    &mut ids,
                );
            }
        }
    }
    if let Some(calls) = doc.get("callComponent") {
        for c in calls.as_array().unwrap() {
            assert!(
                ["incoming", "outgoing", "internal"].contains(&c["direction"].as_str().unwrap())
            );
        }
    }
    assert!(!doc["agencyComponent"].as_array().unwrap().is_empty());
    ids
}

#[test]
fn export_conforms_to_the_schema_shapes() {
    let doc = to_eido(&sample());
    let ids = check_document(&doc);
    // every $ref inside the document points at a component of the document
    let mut refs = vec![];
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        assert!(ids.contains(&r), "dangling $ref {r}");
    }
}

#[test]
fn export_maps_the_incident() {
    let doc = to_eido(&sample());
    assert_eq!(
        doc["$id"],
        "urn:emergency:uid:incidentid:INC-20261129-0001:330200.gaj.example.cn"
    );
    assert_eq!(doc["issuingElementIdentification"], "cad.nb.example.cn");
    assert_eq!(doc["lastUpdateTimeStamp"], "2027-01-15T08:10:00.000000Z");
    let inc = &doc["incidentComponent"];
    assert_eq!(inc["incidentTypeCommonRegistryText"], "ROBBERY");
    assert_eq!(inc["incidentTypeInternalCode"], "criminal.robbery");
    assert_eq!(
        inc["incidentTypeInternalText"],
        "刑事 / 抢劫 (Criminal / Robbery)"
    );
    assert_eq!(inc["incidentPriorityInternalText"], "P1");
    assert_eq!(inc["beatOrDispatchGroupText"], "东柳派出所");
    assert_eq!(inc["incidentStatusInternalText"][0], "on_scene");

    let call = &doc["callComponent"][0];
    assert_eq!(call["callStateRegistryText"], "callEnd");
    assert_eq!(call["localCallType"], "call_110");
    assert_eq!(
        call["callStartTimestamp"],
        "2027-01-15T08:00:00.000000Z".replace("08:00:00", "07:59:30")
    );
    assert_eq!(
        doc["callbackComponent"][0]["callBackInformationUri"][0],
        "tel:13800000000;phone-context=+86"
    );
    assert_eq!(
        doc["personComponent"][0]["personIncidentRoleRegistryText"][0],
        "Caller"
    );

    let res = doc["emergencyResourceComponent"].as_array().unwrap();
    assert_eq!(res.len(), 2);
    assert_eq!(res[0]["primaryUnitStatusRegistryText"], "On Scene");
    assert_eq!(res[0]["unitStatusInternal"][0], "on_scene");
    assert_eq!(res[0]["resourceAttributeRegistryText"][0], "Armed");
    assert_eq!(
        res[0]["emergencyResourceTypeInternalText"],
        "armed_patrol_team"
    );
    assert_eq!(res[0]["agentReference"].as_array().unwrap().len(), 2);
    assert_eq!(res[1]["primaryUnitStatusRegistryText"], "Enroute");
    assert!(
        res[1]["resourceAttributeRegistryText"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(res[1].get("unitLocationReference").is_none());
    assert!(res[1]["eta"].is_string());
    assert_eq!(res[1]["activeOnIncidentId"], doc["$id"]);

    let disp = doc["dispatchComponent"].as_array().unwrap();
    assert_eq!(disp.len(), 2);
    assert_eq!(
        disp[0]["emergencyResourceReference"][0]["$ref"],
        res[0]["$id"]
    );
    assert!(disp[1].get("agentReference").is_none());

    // agents: two listed + two crew, crew member p-1 only once
    let agents = doc["agentComponent"].as_array().unwrap();
    assert_eq!(agents.len(), 4);
    assert_eq!(agents[0]["agentRoleRegistryText"][0], "Call Taking");

    // locations: incident + the armed team's position
    let locs = doc["locationComponent"].as_array().unwrap();
    assert_eq!(locs.len(), 2);
    let pidf = locs[0]["locationByValue"].as_str().unwrap();
    assert!(
        pidf.contains("<gml:pos>29.8683000 121.5510000</gml:pos>"),
        "{pidf}"
    );
    assert!(pidf.contains(r#"srsName="urn:ogc:def:crs:EPSG::4326""#));
    assert_eq!(locs[0]["locationDescriptionText"], "鄞州区中山东路1号");

    // notes are HTML-escaped; the description comes first
    let notes = doc["notesComponent"].as_array().unwrap();
    assert_eq!(
        notes[0]["notesActionComments"],
        "男子持刀抢劫 &lt;便利店&gt; &amp; 逃跑"
    );
    assert_eq!(
        notes[1]["agentReference"]["$ref"],
        "p-1@330200.gaj.example.cn"
    );
    assert_eq!(doc["mediaComponent"][0]["contentType"], "image/jpeg");
}

#[test]
fn unlisted_agents_are_described_so_references_resolve() {
    let mut inc = sample();
    inc.agents.clear();
    if let Some(u) = inc.units.get_mut(1) {
        u.dispatched_by = Some("d-9@330200.gaj.example.cn".into());
    }
    inc.notes[0].author = Some("sup-1@330200.gaj.example.cn".into());
    let doc = to_eido(&inc);
    let ids = check_document(&doc);
    let mut refs = vec![];
    collect_refs(&doc, &mut refs);
    for r in &refs {
        assert!(ids.contains(r), "dangling $ref {r}");
    }
    let role = |id: &str| {
        doc["agentComponent"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["$id"] == id)
            .map(|a| a["agentRoleRegistryText"][0].as_str().unwrap().to_owned())
    };
    assert_eq!(
        role("ct-7@330200.gaj.example.cn").as_deref(),
        Some("Call Taking")
    );
    assert_eq!(
        role("d-3@330200.gaj.example.cn").as_deref(),
        Some("Dispatching")
    );
    assert_eq!(
        role("d-9@330200.gaj.example.cn").as_deref(),
        Some("Dispatching")
    );
    assert_eq!(
        role("p-2@330200.gaj.example.cn").as_deref(),
        Some("Responding")
    );
    assert_eq!(
        role("sup-1@330200.gaj.example.cn").as_deref(),
        Some("Responding")
    );
}

#[test]
fn agency_card() {
    let doc = to_eido(&sample());
    let card: Value =
        serde_json::from_str(doc["agencyComponent"][0]["agencyJcard"].as_str().unwrap()).unwrap();
    assert_eq!(card[0], "vcard");
    assert_eq!(
        card[1][1],
        serde_json::json!(["fn", {}, "text", "宁波市公安局"])
    );
    assert_eq!(doc["agencyComponent"][0]["$id"], "330200.gaj.example.cn");
    assert_eq!(
        doc["agencyComponent"][0]["incidentOwningAgencyIndicator"],
        true
    );
}

#[test]
fn minimal_export_without_call_units_or_media() {
    let mut inc = sample();
    inc.source = Source::VideoPatrol;
    inc.call = None;
    inc.units.clear();
    inc.notes.clear();
    inc.media.clear();
    inc.agents.clear();
    inc.station = None;
    inc.location.address = None;
    inc.incident_type = IncidentType::of(Subcategory::Congestion);
    let doc = to_eido(&inc);
    check_document(&doc);
    for absent in [
        "callComponent",
        "callbackComponent",
        "personComponent",
        "emergencyResourceComponent",
        "dispatchComponent",
        "agentComponent",
        "mediaComponent",
    ] {
        assert!(doc.get(absent).is_none(), "{absent}");
    }
    // no APCO code: the internal code stands in
    assert_eq!(
        doc["incidentComponent"]["incidentTypeCommonRegistryText"],
        "traffic.congestion"
    );
    assert!(doc["incidentComponent"].get("personReference").is_none());
}

#[test]
fn call_states_and_phone_uris() {
    let mut inc = sample();
    let check = |inc: &EidoIncident, state: &str| {
        let doc = to_eido(inc);
        assert_eq!(doc["callComponent"][0]["callStateRegistryText"], state);
    };
    check(&inc, "callEnd");
    if let Some(c) = inc.call.as_mut() {
        c.ended = None;
    }
    check(&inc, "callAnswered");
    if let Some(c) = inc.call.as_mut() {
        c.answered = None;
        c.caller_phone = Some("+86-574-8765 4321".into());
    }
    check(&inc, "callBegin");
    let doc = to_eido(&inc);
    assert!(doc["callComponent"][0].get("answerDate").is_none());
    assert_eq!(
        doc["callbackComponent"][0]["callBackInformationUri"][0],
        "tel:+8657487654321"
    );
}

#[test]
fn markup_escaping() {
    let check = |s: &str, want: &str| assert_eq!(escape_markup(s), want);
    check("a<b>&\"c\"'", "a&lt;b&gt;&amp;&quot;c&quot;&#39;");
    check("中文", "中文");
    let x = pidf_lo_point("pres:a\"b", "t<1>", 1.0, -2.5, 0);
    assert!(
        x.contains(r#"entity="pres:a&quot;b""#) && x.contains(r#"<tuple id="t&lt;1&gt;">"#),
        "{x}"
    );
    assert!(x.contains("<gml:pos>1.0000000 -2.5000000</gml:pos>"));
    assert!(x.contains("<timestamp>1970-01-01T00:00:00.000000Z</timestamp>"));
}
