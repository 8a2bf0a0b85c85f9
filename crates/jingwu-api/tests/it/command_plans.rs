//! Response plans (预案) through the API: upkeep by admins with field errors, scoping over the
//! jurisdiction tree, one plan per org unit and incident type under concurrent writers, the
//! plan that applies to an incident, and the recommendation it drives (slots filled with the
//! first-arriving eligible units, unfilled slots, agencies; strictly by ETA without a plan).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd};

fn robbery_plan() -> Value {
    json!({
        "name": "抢劫处置",
        "category": "criminal",
        "subcategory": "robbery",
        "slots": [
            {"kind": "patrol_car", "count": 2},
            {"kind": "armed_patrol_team", "count": 1},
            {"kind": "motorcycle", "count": 1, "equipment": ["rifle"]},
        ],
        "agencies": ["ambulance_120"],
    })
}

async fn create(t: &TestApp, token: &str, body: Value) -> String {
    let r = t.post("/api/v1/plans", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

fn etas(units: &Value) -> Vec<f64> {
    units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["eta_s"].as_f64().unwrap())
        .collect()
}

#[tokio::test]
async fn admins_keep_plans_with_field_errors_and_one_plan_per_incident_type() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let id = create(&t, &admin, robbery_plan()).await;

    let r = t.get(&format!("/api/v1/plans/{id}"), &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["org_id"], t.org_id("330200").await.as_str());
    assert_eq!(r.body["subcategory"], "robbery");
    assert_eq!(r.body["priority"], Value::Null);
    assert_eq!(r.body["slots"][2]["equipment"], json!(["rifle"]));
    assert_eq!(r.body["agencies"], json!(["ambulance_120"]));

    // Every bad field is named, and nothing changes.
    let head = t.audit_head().await;
    let bad = json!({
        "name": "", "category": "criminal", "subcategory": "collision", "priority": "p7",
        "slots": [{"kind": "tank", "count": 0, "equipment": ["Rifle"]}],
        "agencies": ["army"],
    });
    let r = t.post("/api/v1/plans", &admin, bad).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", "plan.name"),
            ("subcategory", "taxonomy"),
            ("priority", "priority.unknown"),
            ("slots[0].kind", "plan.slot_kind"),
            ("slots[0].count", "plan.slot_count"),
            ("slots[0].equipment", "plan.equipment"),
            ("agencies[0]", "plan.agency"),
        ]
    );
    let r = t
        .post(
            "/api/v1/plans",
            &admin,
            json!({"name": "x", "category": "criminal", "slots": [], "org_id": "nope"}),
        )
        .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "slots");
    assert_eq!(p["errors"][1]["field"], "org_id");
    // A NUL is refused before anything is looked up (PostgreSQL cannot store it): the body's
    // field or the path parameter is named, no 500.
    let mut nul = robbery_plan();
    nul["org_id"] = json!("a\u{0}b");
    let r = t.post("/api/v1/plans", &admin, nul).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(p["errors"][0]["field"], "org_id");
    t.get("/api/v1/plans/a%00b", &admin)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_path");
    // The same incident type twice in one org unit.
    let r = t.post("/api/v1/plans", &admin, robbery_plan()).await;
    r.problem(StatusCode::CONFLICT, "plan_exists");
    assert_eq!(t.audit_head().await, head);

    // Update: a priority-specific variant is another key; moving onto a taken key is refused.
    let mut p1 = robbery_plan();
    p1["priority"] = json!("p1");
    p1["name"] = json!("抢劫一级");
    let p1_id = create(&t, &admin, p1.clone()).await;
    let mut edit = p1.clone();
    edit["priority"] = Value::Null;
    let r = t.put(&format!("/api/v1/plans/{p1_id}"), &admin, edit).await;
    r.problem(StatusCode::CONFLICT, "plan_exists");
    let mut edit = p1.clone();
    edit["slots"] = json!([{"kind": "armed_patrol_team", "count": 2}]);
    let r = t.put(&format!("/api/v1/plans/{p1_id}"), &admin, edit).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["slots"],
        json!([{"kind": "armed_patrol_team", "count": 2, "equipment": []}])
    );
    let mut moved = p1.clone();
    moved["org_id"] = json!(t.org_id("330203").await);
    let r = t
        .put(&format!("/api/v1/plans/{p1_id}"), &admin, moved)
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let r = t.delete(&format!("/api/v1/plans/{p1_id}"), &admin).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.get(&format!("/api/v1/plans/{p1_id}"), &admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        ids(&t.get("/api/v1/plans", &admin).await.body),
        [id.as_str()]
    );
    assert!(t.audit_intact().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_admins_create_one_plan_per_incident_type() {
    let t = std::sync::Arc::new(TestApp::empty().with_city().build().await);
    let admin = t.login("admin").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (t, admin) = (t.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            let r = t.post("/api/v1/plans", &admin, robbery_plan()).await;
            (r.status, r.body["code"].clone())
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::CREATED, _) => created += 1,
            (StatusCode::CONFLICT, code) => assert_eq!(code, "plan_exists"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        t.get("/api/v1/plans", &admin)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn plans_apply_down_the_tree_and_are_changed_only_by_their_org() {
    let t = TestApp::empty().with_city().build().await;
    let city = t.login("admin").await;
    let jiangbei = t.login("jiangbei.admin").await;
    let baisha = t.login("baisha.admin").await;
    let gulou = t.login("gulou.admin").await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let city_plan = create(&t, &city, robbery_plan()).await;
    let district_plan = create(
        &t,
        &jiangbei,
        json!({"name": "江北刑事警情", "category": "criminal",
            "slots": [{"kind": "patrol_car", "count": 1}]}),
    )
    .await;
    let station_plan = create(
        &t,
        &jiangbei,
        json!({"name": "白沙刑事警情", "category": "criminal", "org_id": t.org_id("33020501").await,
            "slots": [{"kind": "foot_patrol", "count": 1}]}),
    )
    .await;

    // A station admin sees the plans that apply to it: its ancestors' and its own.
    let seen = t.get("/api/v1/plans", &baisha).await;
    assert_eq!(
        ids(&seen.body),
        [
            city_plan.as_str(),
            district_plan.as_str(),
            station_plan.as_str()
        ]
    );
    let seen = t.get("/api/v1/plans", &gulou).await;
    assert_eq!(ids(&seen.body), [city_plan.as_str()]);
    t.get(&format!("/api/v1/plans/{district_plan}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    // The district sees its subtree's plans and the city's.
    let seen = t.get("/api/v1/plans", &jiangbei).await;
    assert_eq!(ids(&seen.body).len(), 3);

    // A district admin cannot change or delete the city's plan, nor write another district's.
    let head = t.audit_head().await;
    t.put(
        &format!("/api/v1/plans/{city_plan}"),
        &jiangbei,
        robbery_plan(),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    t.delete(&format!("/api/v1/plans/{city_plan}"), &jiangbei)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.delete(&format!("/api/v1/plans/{district_plan}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let mut elsewhere = robbery_plan();
    elsewhere["org_id"] = json!(t.org_id("330203").await);
    t.post("/api/v1/plans", &jiangbei, elsewhere)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    // Dispatchers read plans; only admins write them; officers do neither.
    assert_eq!(
        t.get("/api/v1/plans", &dispatcher).await.status,
        StatusCode::OK
    );
    t.post("/api/v1/plans", &dispatcher, robbery_plan())
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/plans", &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(t.audit_head().await, head);
}

#[tokio::test]
async fn the_most_specific_then_nearest_plan_applies_to_an_incident() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("admin").await;
    let jiangbei = t.login("jiangbei.admin").await;
    let dispatcher = t.login("dispatcher").await;
    let city_plan = create(&t, &city, robbery_plan()).await;
    let city_general = create(
        &t,
        &city,
        json!({"name": "刑事警情", "category": "criminal",
            "slots": [{"kind": "patrol_car", "count": 1}]}),
    )
    .await;
    let district_plan = create(
        &t,
        &jiangbei,
        json!({"name": "江北刑事警情", "category": "criminal",
            "slots": [{"kind": "patrol_car", "count": 2}], "agencies": ["city_management"]}),
    )
    .await;
    let baisha_car = cmd::unit_by_call_sign(&t, &dispatcher, "白沙巡01").await;
    let gulou_car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let applied = async |unit: &Value, sub: (&str, &str)| {
        let incident = cmd::incident_near(&t, &dispatcher, unit, sub).await;
        let r = t
            .get(&format!("/api/v1/incidents/{incident}/plan"), &dispatcher)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body["plan"]["id"].as_str().map(String::from)
    };
    // In Jiangbei a theft takes the district's category plan over the city's;
    // a robbery takes the city's sub-category plan, which is more specific.
    assert_eq!(
        applied(&baisha_car, ("criminal", "theft")).await,
        Some(district_plan)
    );
    assert_eq!(
        applied(&baisha_car, ("criminal", "robbery")).await,
        Some(city_plan.clone())
    );
    // In Haishu the city's plans apply; a fight has none.
    assert_eq!(
        applied(&gulou_car, ("criminal", "theft")).await,
        Some(city_general)
    );
    assert_eq!(
        applied(&gulou_car, ("criminal", "robbery")).await,
        Some(city_plan)
    );
    assert_eq!(applied(&gulou_car, ("public_order", "fight")).await, None);
}

#[tokio::test]
async fn without_a_plan_units_are_ranked_strictly_by_eta_with_their_reasons() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    // A violent incident: under the old one-minute bands an armed team a band away would have
    // been put above closer units; now only arrival time ranks.
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "assault")).await;
    let r = t
        .get(
            &format!("/api/v1/incidents/{incident}/recommendations?limit=50"),
            &dispatcher,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["order"], "eta");
    assert_eq!(r.body["plan"], Value::Null);
    assert_eq!(r.body["unfilled"], json!([]));
    assert_eq!(r.body["notify"], json!([]));
    let units = &r.body["units"];
    let e = etas(units);
    assert!(e.len() > 10, "{e:?}");
    assert!(e.windows(2).all(|w| w[0] <= w[1]), "{e:?}");
    for u in units.as_array().unwrap() {
        assert!(u["fit"].is_string() && u["fit_reason"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(u["plan_slot"], Value::Null);
    }
    // Strict order with fits that differ: some better-fitting unit comes after a worse one.
    let rank = |f: &str| {
        ["poor", "acceptable", "good", "strong"]
            .iter()
            .position(|x| *x == f)
    };
    let fits: Vec<_> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| rank(u["fit"].as_str().unwrap()))
        .collect();
    assert!(fits.windows(2).any(|w| w[0] < w[1]), "{fits:?}");
}

#[tokio::test]
async fn a_plan_is_filled_with_the_first_arriving_eligible_units() {
    let t = TestApp::empty().with_roads().build().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "robbery")).await;
    let path = format!("/api/v1/incidents/{incident}/recommendations?limit=50");
    let by_eta = t.get(&path, &dispatcher).await.body["units"].clone();
    let first_of = |kind: &str, n: usize| -> Vec<String> {
        by_eta
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["kind"] == kind)
            .take(n)
            .map(|u| u["call_sign"].as_str().unwrap().to_string())
            .collect()
    };
    let cars = first_of("patrol_car", 2);
    let armed = first_of("armed_patrol_team", 1);
    assert_eq!((cars.len(), armed.len()), (2, 1));

    create(&t, &admin, robbery_plan()).await;
    let r = t.get(&path, &dispatcher).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = &r.body;
    assert_eq!(body["order"], "plan_then_eta");
    assert_eq!(body["plan"]["name"], "抢劫处置");
    assert_eq!(body["notify"], json!(["ambulance_120"]));
    // No motorcycle carries a rifle: that slot is reported, not filled by a lesser unit.
    assert_eq!(
        body["unfilled"],
        json!([{"index": 2, "kind": "motorcycle", "equipment": ["rifle"], "wanted": 1, "found": 0}])
    );
    let units = body["units"].as_array().unwrap();
    let slot_of = |u: &Value| u["plan_slot"]["index"].as_u64();
    let fillers: Vec<(&str, Option<u64>)> = units[..3]
        .iter()
        .map(|u| (u["call_sign"].as_str().unwrap(), slot_of(u)))
        .collect();
    let mut want: Vec<(&str, Option<u64>)> = cars
        .iter()
        .map(|c| (c.as_str(), Some(0)))
        .chain([(armed[0].as_str(), Some(1))])
        .collect();
    // Fillers are listed by ETA among themselves.
    want.sort_by(|a, b| {
        let eta = |c: &str| {
            units.iter().find(|u| u["call_sign"] == c).unwrap()["eta_s"]
                .as_f64()
                .unwrap()
        };
        eta(a.0).total_cmp(&eta(b.0))
    });
    assert_eq!(fillers, want);
    assert_eq!(units[0]["plan_slot"]["kind"], units[0]["kind"]);
    // The rest follow strictly by ETA, filling nothing.
    assert!(units[3..].iter().all(|u| u["plan_slot"].is_null()));
    let rest = etas(&Value::from(units[3..].to_vec()));
    assert!(rest.windows(2).all(|w| w[0] <= w[1]), "{rest:?}");
    assert_eq!(units.len(), by_eta.as_array().unwrap().len());
}
