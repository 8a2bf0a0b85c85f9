//! Public warning: a CAP 1.2 alert for a response, in Chinese and English, with the isolation
//! circle, the protective-action square and the worst threat zone as areas. An update or a
//! cancel references the response's previous alert; the first alert records the public-warning
//! linkage step.

use jingwu_core::{Principal, UserId};
use jingwu_hazmat::cap::{
    self, Alert, Area, CapScope, CapStatus, Category, Certainty, Info, MsgType, Reference,
    ResponseType, Severity, Urgency,
};
use jingwu_hazmat::records::{CapAlertId, CapAlertRecord, ResponseId, StepDone};
use jingwu_hazmat::response::LinkageStep;
use jingwu_store::hazmat as q;

use super::Hazmat;
use super::response::{ResponseDetail, ZonePicture, publish_response};
use crate::{AppError, RequestCtx, Result};

/// How long an alert stands unless updated (hours).
const EXPIRES_AFTER_H: i64 = 2;

/// Compass point (zh, en) of a bearing, eight points.
fn compass(deg: f64) -> (&'static str, &'static str) {
    const POINTS: [(&str, &str); 8] = [
        ("北", "north"),
        ("东北", "north-east"),
        ("东", "east"),
        ("东南", "south-east"),
        ("南", "south"),
        ("西南", "south-west"),
        ("西", "west"),
        ("西北", "north-west"),
    ];
    let i = ((deg.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8;
    POINTS.get(i).copied().unwrap_or(POINTS[0])
}

fn km(m: f64) -> String {
    format!("{:.1}", m / 1000.0)
}

/// What identifies one message of a response's alert series.
struct Envelope {
    org_code: String,
    identifier: String,
    sent: jiff::Timestamp,
    msg_type: MsgType,
    status: CapStatus,
    references: Vec<Reference>,
}

/// The alert for a response's current picture.
fn build(d: &ResponseDetail, p: &ZonePicture, e: Envelope) -> Alert {
    let Envelope {
        org_code,
        identifier,
        sent,
        msg_type,
        status,
        references,
    } = e;
    let r = &d.response;
    let c = &d.chemical;
    let (toward_zh, toward_en) = compass(p.zones.toward_deg);
    let (from_zh, _) = compass(p.weather.wind_from_deg);
    let worst = p.zones.zones.iter().find(|z| !z.polygon.is_empty());
    let reach_m = worst.map_or(0.0, |z| z.length_m);
    let mut areas = Vec::new();
    let mut areas_en = Vec::new();
    if let Some(iso) = &p.isolation {
        let circle = vec![(iso.center, iso.radius_m / 1000.0)];
        areas.push(Area {
            desc: format!("初始隔离区（半径{}米）", iso.radius_m.round()),
            polygons: Vec::new(),
            circles: circle.clone(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
        areas_en.push(Area {
            desc: format!("Initial isolation zone ({} m radius)", iso.radius_m.round()),
            polygons: Vec::new(),
            circles: circle,
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
    }
    if let Some(sq) = &p.protective {
        areas.push(Area {
            desc: "下风向防护行动区".into(),
            polygons: vec![sq.clone()],
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
        areas_en.push(Area {
            desc: "Downwind protective action zone".into(),
            polygons: vec![sq.clone()],
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
    }
    if let Some(z) = worst {
        areas.push(Area {
            desc: format!("威胁区（{}）", z.label),
            polygons: vec![z.polygon.clone()],
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
        areas_en.push(Area {
            desc: format!("Threat zone ({})", z.label),
            polygons: vec![z.polygon.clone()],
            circles: Vec::new(),
            geocodes: Vec::new(),
            altitude: None,
            ceiling: None,
        });
    }
    if areas.is_empty() {
        // Nothing modelled reaches a level of concern: the area is the release point.
        let c = (
            jingwu_hazmat::zone::LatLon {
                lat: r.lat,
                lon: r.lon,
            },
            0.1,
        );
        for (list, desc) in [
            (&mut areas, "泄漏点周边"),
            (&mut areas_en, "Around the release"),
        ] {
            list.push(Area {
                desc: desc.into(),
                polygons: Vec::new(),
                circles: vec![c],
                geocodes: Vec::new(),
                altitude: None,
                ceiling: None,
            });
        }
    }
    let cancel = msg_type == MsgType::Cancel;
    let (urgency, severity, certainty) = if cancel {
        (Urgency::Past, Severity::Minor, Certainty::Observed)
    } else {
        (Urgency::Immediate, Severity::Severe, Certainty::Observed)
    };
    let response_types = if cancel {
        vec![ResponseType::AllClear]
    } else {
        vec![ResponseType::Evacuate, ResponseType::Shelter]
    };
    let expires = sent
        .checked_add(jiff::SignedDuration::from_hours(EXPIRES_AFTER_H))
        .ok();
    let parameters = vec![
        (
            "WIND_FROM_DEG".to_owned(),
            format!("{:.0}", p.weather.wind_from_deg),
        ),
        (
            "WIND_SPEED_MS".to_owned(),
            format!("{:.1}", p.weather.wind_speed_ms),
        ),
        (
            "PG_STABILITY".to_owned(),
            p.weather.stability.class.to_string(),
        ),
        ("SIGMA_SET".to_owned(), p.zones.sigma_set.to_string()),
    ]
    .into_iter()
    .chain(worst.map(|z| ("LEVEL_OF_CONCERN".to_owned(), z.label.clone())))
    .collect::<Vec<_>>();
    let event_codes = vec![
        ("UN_NUMBER".to_owned(), c.un_number.clone()),
        ("ERG_GUIDE".to_owned(), c.erg_guide.to_string()),
    ];
    let (headline_zh, headline_en, instruction_zh, instruction_en) = if cancel {
        (
            format!("{}泄漏警报解除", c.name_zh),
            format!("{} release: all clear", c.name_en),
            "危险已解除，可恢复正常活动。".to_owned(),
            "The danger is over; normal activities may resume.".to_owned(),
        )
    } else {
        (
            format!(
                "{}泄漏：下风向（{}）{}公里范围内请立即关闭门窗、就地避险",
                c.name_zh,
                toward_zh,
                km(reach_m)
            ),
            format!(
                "{} release: shelter in place up to {} km downwind ({})",
                c.name_en,
                km(reach_m),
                toward_en
            ),
            "隔离区内人员向侧风方向撤离；下风向区域内人员关闭门窗和通风设备，留在室内，等待进一步通知。"
                .to_owned(),
            "Inside the isolation zone: leave crosswind. Downwind: close windows, switch off ventilation, stay indoors and wait for instructions."
                .to_owned(),
        )
    };
    let description_zh = format!(
        "{}发生{}泄漏。风向{}风，风速{:.1} m/s，大气稳定度{}类。模型：高斯{}（筛查估算）。",
        r.title,
        c.name_zh,
        from_zh,
        p.weather.wind_speed_ms,
        p.weather.stability.class,
        if matches!(p.release, jingwu_hazmat::zone::Release::Continuous { .. }) {
            "烟羽"
        } else {
            "烟团"
        },
    );
    let sender_name = "消防救援指挥中心 危化品应急处置".to_owned();
    let info = |language: &str,
                event: String,
                headline: String,
                description: Option<String>,
                instruction: String,
                areas: Vec<Area>,
                sender_name: Option<String>| Info {
        language: language.into(),
        categories: vec![Category::CBRNE, Category::Safety],
        event,
        response_types: response_types.clone(),
        urgency,
        severity,
        certainty,
        audience: None,
        event_codes: event_codes.clone(),
        effective: Some(sent),
        onset: None,
        expires,
        sender_name,
        headline: Some(headline),
        description,
        instruction: Some(instruction),
        web: None,
        contact: Some("119".into()),
        parameters: parameters.clone(),
        areas,
    };
    Alert {
        identifier,
        sender: format!("hazmat.{org_code}@jingwu"),
        sent,
        status,
        msg_type,
        source: Some("Jingwu hazmat (Gaussian screening model)".into()),
        scope: CapScope::Public,
        restriction: None,
        addresses: None,
        codes: Vec::new(),
        note: None,
        references,
        incidents: Some(r.id.to_string()),
        infos: vec![
            info(
                "zh-CN",
                format!("{}泄漏", c.name_zh),
                headline_zh,
                Some(description_zh),
                instruction_zh,
                areas,
                Some(sender_name),
            ),
            info(
                "en-US",
                format!("{} release", c.name_en),
                headline_en,
                None,
                instruction_en,
                areas_en,
                None,
            ),
        ],
    }
}

impl Hazmat<'_> {
    /// Issues a CAP alert (`Alert`, `Update` or `Cancel`) for the response's current picture
    /// and stores it. `exercise` marks it `Exercise` instead of `Actual`.
    pub async fn issue_alert(
        &self,
        who: &Principal,
        id: &ResponseId,
        msg_type: &str,
        exercise: bool,
        ctx: &RequestCtx,
    ) -> Result<CapAlertRecord> {
        let msg_type = match msg_type {
            "Alert" => MsgType::Alert,
            "Update" => MsgType::Update,
            "Cancel" => MsgType::Cancel,
            _ => {
                return Err(AppError::invalid(
                    "msg_type",
                    jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                    "Alert, Update or Cancel",
                ));
            }
        };
        let detail = self.response(who, id).await?;
        let picture = detail.picture.clone().ok_or_else(|| AppError::Conflict {
            code: jingwu_hazmat::error_codes::NO_FRESH_WEATHER.code,
            detail: detail.weather_problem.clone().unwrap_or_default(),
        })?;
        let sent = jingwu_core::micros_to_timestamp(self.now_us());
        let org_code = {
            let mut conn = self.k().read().await?;
            jingwu_store::foundation::orgs::get(&mut conn, detail.response.org_id.as_str())
                .await?
                .map(|o| o.code)
                .unwrap_or_default()
        };
        let status = if exercise {
            CapStatus::Exercise
        } else {
            CapStatus::Actual
        };
        self.k()
            .write(who, ctx, async |tx| {
                let path = self.commandable(tx.db(), who, id).await?;
                let earlier = q::cap_alerts(tx.db(), id.as_str()).await?;
                let references: Vec<Reference> = match (msg_type, earlier.last()) {
                    (MsgType::Alert, _) => Vec::new(),
                    (_, Some(prev)) => vec![Reference {
                        sender: format!("hazmat.{org_code}@jingwu"),
                        identifier: prev.identifier.clone(),
                        sent: jingwu_core::micros_to_timestamp(prev.sent_at),
                    }],
                    (_, None) => {
                        return Err(AppError::invalid(
                            "msg_type",
                            jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                            "an update or cancel needs an alert issued before",
                        ));
                    }
                };
                let identifier = format!("JW-{}-{}", id, earlier.len() + 1);
                let alert = build(
                    &detail,
                    &picture,
                    Envelope {
                        org_code: org_code.clone(),
                        identifier: identifier.clone(),
                        sent,
                        msg_type,
                        status,
                        references,
                    },
                );
                let xml = cap::render(&alert)
                    .map_err(|e| AppError::Internal(format!("CAP alert refused: {e}")))?;
                let rec = CapAlertRecord {
                    id: CapAlertId::new(),
                    response_id: id.clone(),
                    identifier,
                    msg_type: msg_type.as_str().to_owned(),
                    sent_at: tx.now_us(),
                    xml,
                };
                q::insert_cap_alert(tx.db(), &rec).await?;
                if msg_type == MsgType::Alert
                    && !q::steps(tx.db(), id.as_str())
                        .await?
                        .iter()
                        .any(|s| s.step == LinkageStep::PublicWarning)
                {
                    q::insert_step(
                        tx.db(),
                        id.as_str(),
                        &StepDone {
                            step: LinkageStep::PublicWarning,
                            done_at: rec.sent_at,
                            actor_id: UserId::from(who.user_id.as_str()),
                            note: format!("CAP {}", rec.identifier),
                        },
                    )
                    .await?;
                }
                tx.audit(
                    "hazmat.alert.issue",
                    ("cap_alert", rec.id.as_str()),
                    &path,
                    serde_json::json!({ "identifier": rec.identifier, "msg_type": rec.msg_type, "response_id": id, "sha256_xml": jingwu_audit::digest_hex(rec.xml.as_bytes()) }),
                )
                .await?;
                publish_response(tx, id, path);
                Ok(rec)
            })
            .await
    }

    /// One alert's XML, for whoever may read the response.
    pub async fn alert_xml(&self, who: &Principal, id: &CapAlertId) -> Result<String> {
        let mut conn = self.k().read().await?;
        let alert = q::cap_alert(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "alert" })?;
        let (_, path) = q::response(&mut conn, alert.response_id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "alert" })?;
        jingwu_hazmat::policy::may_read(who, &path)
            .map_err(|d| AppError::denied_object(d, "alert"))?;
        Ok(alert.xml)
    }
}
