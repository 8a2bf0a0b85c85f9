//! The approval window through the API, as a bureau sets it up from an empty catalogue and as
//! its citizens and clerks use it: slots cut from working plans around breaks, holidays and
//! exceptions; a slot never overbooked however many book at once; holds that lapse; retries
//! that book once; reminders sent once; the queue's green channel; an application from draft to
//! posted result.

use std::sync::Arc;

use axum::http::StatusCode;
use jingwu_testkit::fixtures::permits as pf;
use jingwu_testkit::fixtures::traffic as tf;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp};

/// Monday 2027-01-11 10:00 in Beijing.
const START: i64 = 1_799_632_800;
const ITEM: &str = "CRJ-901";

async fn bureau() -> TestApp {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .build()
        .await;
    tf::sandbox(&t).await;
    let admin = t.login("admin").await;
    pf::item(&t, &admin, ITEM, 12_000).await;
    t
}

fn starts(slots: &[Value]) -> Vec<String> {
    slots
        .iter()
        .map(|s| s["starts_at"].as_str().unwrap().to_owned())
        .collect()
}

/// Local `HH:MM` of an RFC 3339 instant (Beijing).
fn local_hm(rfc: &str) -> (String, String) {
    let ts: jiff::Timestamp = rfc.parse().unwrap();
    let dt = jiff::tz::Offset::constant(8).to_datetime(ts);
    (
        dt.date().to_string(),
        format!("{:02}:{:02}", dt.hour(), dt.minute()),
    )
}

#[tokio::test]
async fn slots_follow_the_plan_around_breaks_holidays_and_exceptions() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        2,
        0,
        &[ITEM],
    )
    .await;
    // Wednesday a public holiday, Saturday a make-up working day, Thursday short hours.
    for (date, kind, name) in [
        ("2027-01-13", "holiday", "测试假日"),
        ("2027-01-16", "workday", "调休上班"),
    ] {
        let r = t
            .put(
                &format!("/api/v1/permits/holidays/{date}"),
                &admin,
                json!({"kind": kind, "name": name}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    let r = t
        .put(
            &format!("/api/v1/permits/offices/{office}/exceptions/2027-01-14"),
            &admin,
            json!({"plan": {"opens": "09:00", "closes": "11:00", "breaks": []}, "reason": "系统升级"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let all = starts(&pf::slots(&t, &office, ITEM, "2027-01-11", 7).await);
    let on = |d: &str| -> Vec<String> {
        all.iter()
            .map(|s| local_hm(s))
            .filter(|(day, _)| day == d)
            .map(|(_, hm)| hm)
            .collect()
    };
    // Monday: from 10:00 (now) on; 14 half-hours a full day, never between 12:00 and 13:30.
    assert_eq!(on("2027-01-11").first().map(String::as_str), Some("10:00"));
    assert_eq!(on("2027-01-12").len(), 14);
    assert!(
        on("2027-01-12")
            .iter()
            .all(|hm| hm.as_str() < "12:00" || hm.as_str() >= "13:30")
    );
    assert!(
        on("2027-01-12").contains(&"11:30".to_owned())
            && on("2027-01-12").contains(&"16:30".to_owned())
    );
    assert!(on("2027-01-13").is_empty(), "a public holiday has no slots");
    assert_eq!(on("2027-01-14"), ["09:00", "09:30", "10:00", "10:30"]);
    assert_eq!(on("2027-01-15").len(), 14);
    assert_eq!(
        on("2027-01-16").len(),
        14,
        "a make-up Saturday works like a weekday"
    );
    assert!(on("2027-01-17").is_empty());
    // A booking for a slot the plan does not have, or outside the window, is refused.
    let clerk = t.login("permit").await;
    for at in [
        "2027-01-12T04:15:00Z",
        "2027-01-13T02:00:00Z",
        "2027-02-11T02:00:00Z",
    ] {
        let r = pf::book(&t, &clerk, pf::phone_booking(&office, ITEM, at, 1), None).await;
        r.problem(StatusCode::CONFLICT, "slot_unavailable");
    }
    // Removing the exception gives Thursday its weekday hours back.
    let r = t
        .delete(
            &format!("/api/v1/permits/offices/{office}/exceptions/2027-01-14"),
            &admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let thu: Vec<_> = starts(&pf::slots(&t, &office, ITEM, "2027-01-14", 1).await);
    assert_eq!(thu.len(), 14);
}

/// 200 clients at once for a slot of capacity 7 (one of them held back for the green
/// channel): exactly 6 general and 1 green booking succeed, everyone else gets 409 with other
/// slots, and the slot's counters agree with the appointments.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_clients_never_overbook_a_slot() {
    let t = Arc::new(bureau().await);
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        7,
        1,
        &[ITEM],
    )
    .await;
    let slot = starts(&pf::slots(&t, &office, ITEM, "2027-01-12", 1).await)[0].clone();
    let mut clerks = Vec::new();
    for _ in 0..4 {
        clerks.push(t.login("permit").await);
    }
    let mut tasks = Vec::new();
    for n in 0..200u32 {
        let t = t.clone();
        let token = clerks[n as usize % clerks.len()].clone();
        let mut body = pf::phone_booking(&office, ITEM, &slot, 1000 + n);
        body["green"] = json!(n % 10 == 0);
        tasks.push(tokio::spawn(async move {
            pf::book(&t, &token, body, None).await
        }));
    }
    let (mut ok, mut green_ok, mut full) = (0, 0, 0);
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            StatusCode::CREATED => {
                ok += 1;
                green_ok += usize::from(r.body["green"] == json!(true));
            }
            StatusCode::CONFLICT => {
                let p = r.problem(StatusCode::CONFLICT, "slot_full");
                let alternatives = p["alternatives"].as_array().unwrap();
                assert!(
                    !alternatives.is_empty(),
                    "a full slot offers others: {}",
                    r.text
                );
                assert!(alternatives.iter().all(|a| a["starts_at"] != json!(slot)));
                full += 1;
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!(ok, 7, "exactly the capacity is booked");
    assert!(
        green_ok >= 1,
        "the held-back place went to a green-channel booking"
    );
    assert_eq!(full, 193);
    let free = pf::slots(&t, &office, ITEM, "2027-01-12", 1).await;
    let first = free.iter().find(|s| s["starts_at"] == json!(slot)).unwrap();
    assert_eq!(
        (first["free"].clone(), first["free_green"].clone()),
        (json!(0), json!(0))
    );
    let day = t
        .get(
            &format!("/api/v1/permits/offices/{office}/appointments?date=2027-01-12"),
            &clerks[0],
        )
        .await;
    let live = day
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["slot_start"] == json!(slot) && a["status"] == "booked")
        .count();
    assert_eq!(live, 7);
}

async fn citizen(t: &TestApp, n: u32) -> String {
    let admin = t.login("admin").await;
    tf::citizen(t, &admin, n, &tf::resident_id(n), "王芳").await
}

fn web(office: &str, slot: &str) -> Value {
    json!({"office_id": office, "item_code": ITEM, "slot_start": slot, "channel": "web"})
}

#[tokio::test]
async fn a_lapsed_hold_gives_its_place_back_and_cannot_be_confirmed() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        1,
        0,
        &[ITEM],
    )
    .await;
    let slot = starts(&pf::slots(&t, &office, ITEM, "2027-01-12", 1).await)[0].clone();
    let a = citizen(&t, 1).await;
    let b = citizen(&t, 2).await;
    let mut held = web(&office, &slot);
    held["hold"] = json!(true);
    let r = pf::book(&t, &a, held.clone(), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "held");
    let hold_id = r.body["id"].as_str().unwrap().to_owned();
    // The hold takes the place: B is refused meanwhile.
    pf::book(&t, &b, web(&office, &slot), None)
        .await
        .problem(StatusCode::CONFLICT, "slot_full");
    t.advance(jiff::SignedDuration::from_mins(6));
    let done = t.app.permits().run_jobs().await.unwrap();
    assert_eq!(done.holds_expired, 1);
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{hold_id}/confirm"),
            &a,
            json!({}),
        )
        .await;
    r.problem(StatusCode::CONFLICT, "appointment_state");
    let r = pf::book(&t, &b, web(&office, &slot), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // A hold confirmed in time becomes a booking with its reminders.
    let slot2 = starts(&pf::slots(&t, &office, ITEM, "2027-01-13", 1).await)[0].clone();
    let mut held2 = web(&office, &slot2);
    held2["hold"] = json!(true);
    let r = pf::book(&t, &a, held2, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.advance(jiff::SignedDuration::from_mins(4));
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{id}/confirm"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "booked");
    assert_eq!(r.body["reminders"].as_array().unwrap().len(), 2);
    // Past its expiry, a hold that the jobs have not reached yet is still refused.
    let slot3 = starts(&pf::slots(&t, &office, ITEM, "2027-01-14", 1).await)[0].clone();
    let c = citizen(&t, 3).await;
    let mut held3 = web(&office, &slot3);
    held3["hold"] = json!(true);
    let id3 = pf::book(&t, &c, held3, None).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.advance(jiff::SignedDuration::from_mins(5));
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{id3}/confirm"),
            &c,
            json!({}),
        )
        .await;
    r.problem(StatusCode::CONFLICT, "hold_expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_repeated_request_with_the_same_key_books_once() {
    let t = Arc::new(bureau().await);
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        5,
        0,
        &[ITEM],
    )
    .await;
    let slot = starts(&pf::slots(&t, &office, ITEM, "2027-01-12", 1).await)[0].clone();
    let a = citizen(&t, 1).await;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (t, a, body) = (t.clone(), a.clone(), web(&office, &slot));
        tasks.push(tokio::spawn(async move {
            pf::book(&t, &a, body, Some("k-1")).await
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let r = task.await.unwrap();
        assert!(r.status == StatusCode::CREATED, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every retry answers with the one booking");
    let free = pf::slots(&t, &office, ITEM, "2027-01-12", 1).await;
    assert_eq!(free[0]["free"], 4, "one place taken");
    // The same key for another booking is a client error, and changes nothing.
    let other = starts(&pf::slots(&t, &office, ITEM, "2027-01-13", 1).await)[0].clone();
    pf::book(&t, &a, web(&office, &other), Some("k-1"))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    // Without a key, a second live booking of the same item is refused by the database.
    pf::book(&t, &a, web(&office, &other), None)
        .await
        .problem(StatusCode::CONFLICT, "already_booked");
}

async fn outbox(t: &TestApp, mobile: &str) -> Vec<String> {
    let admin = t.login("admin").await;
    let r = t
        .get(
            &format!("/api/v1/traffic/outbox?recipient={mobile}"),
            &admin,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .filter(|b| b.contains("预约"))
        .collect()
}

#[tokio::test]
async fn reminders_are_sent_once_each_and_follow_a_reschedule() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        3,
        0,
        &[ITEM],
    )
    .await;
    let clerk = t.login("permit").await;
    // Wednesday 10:00 and Thursday 10:00.
    let wed = "2027-01-13T02:00:00Z";
    let thu = "2027-01-14T02:00:00Z";
    let r = pf::book(&t, &clerk, pf::phone_booking(&office, ITEM, wed, 7), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let mobile = tf::mobile(7);
    // Tuesday 10:00: the day-before reminder is due; two nodes run their jobs; one message.
    t.advance(jiff::SignedDuration::from_hours(24));
    let other = t.second_node();
    let (p1, p2) = (t.app.permits(), other.permits());
    let (a, b) = tokio::join!(p1.run_jobs(), p2.run_jobs());
    assert_eq!(a.unwrap().reminders_sent + b.unwrap().reminders_sent, 1);
    t.app.permits().run_jobs().await.unwrap();
    assert_eq!(outbox(&t, &mobile).await.len(), 1);
    // Rescheduled to Thursday: the old hour-before reminder never goes out; new ones do.
    let clerk = t.login("permit").await;
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{id}/reschedule"),
            &clerk,
            json!({"slot_start": thu}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["slot_start"], thu);
    let kinds: Vec<_> = r.body["reminders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("day_before"), json!("hour_before")]);
    let old = t
        .get(&format!("/api/v1/permits/appointments/{id}"), &clerk)
        .await;
    assert_eq!(old.body["status"], "rescheduled");
    t.advance(jiff::SignedDuration::from_mins(24 * 60 + 1));
    t.app.permits().run_jobs().await.unwrap();
    assert_eq!(
        outbox(&t, &mobile).await.len(),
        2,
        "Thursday's day-before reminder"
    );
    t.advance(jiff::SignedDuration::from_hours(23));
    t.app.permits().run_jobs().await.unwrap();
    t.app.permits().run_jobs().await.unwrap();
    let sent = outbox(&t, &mobile).await;
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[0].contains("一小时后"), "{sent:?}");
    // Not checked in 30 minutes after the slot: a no-show, and the place stays spent.
    t.advance(jiff::SignedDuration::from_mins(95));
    assert_eq!(t.app.permits().run_jobs().await.unwrap().no_shows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_queue_calls_green_then_appointments_then_walk_ins_and_never_twice() {
    let t = Arc::new(bureau().await);
    let admin = t.login("admin").await;
    // Open every day and all day, booking up to the last minute, so the test books today.
    let all_day = json!({"opens": "00:00", "closes": "24:00", "breaks": []});
    let week = json!([
        all_day, all_day, all_day, all_day, all_day, all_day, all_day
    ]);
    let (office, w1) = pf::office(&t, &admin, "330203", week, 3, 0, &[ITEM]).await;
    let w2 = pf::window(&t, &admin, &office, "2", &[ITEM]).await;
    let clerk = t.login("permit").await;
    let walk = |name: &str, green: bool| json!({"item_code": ITEM, "name": name, "green": green});
    let r = t
        .post(
            &format!("/api/v1/permits/offices/{office}/tickets"),
            &clerk,
            walk("甲", false),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["number"], "C001");
    // An appointment in 30 minutes, checked in by its citizen.
    let a = citizen(&t, 1).await;
    let slot = "2027-01-11T02:30:00Z";
    let r = pf::book(&t, &a, web(&office, slot), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let appt = r.body["id"].as_str().unwrap().to_owned();
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{appt}/check-in"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ticket = r.body["id"].clone();
    // Checking in twice gives the same ticket.
    let again = t
        .post(
            &format!("/api/v1/permits/appointments/{appt}/check-in"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(again.body["id"], ticket, "{}", again.text);
    t.post(
        &format!("/api/v1/permits/offices/{office}/tickets"),
        &clerk,
        walk("丙", true),
    )
    .await;
    // Window 1 calls the green channel, window 2 the appointment, then the walk-in.
    let call = |w: &str| format!("/api/v1/permits/windows/{w}/call-next");
    let r = t.post(&call(&w1), &clerk, json!({})).await;
    assert_eq!(
        (r.body["name"].clone(), r.body["priority"].clone()),
        (json!("丙"), json!("green")),
        "{}",
        r.text
    );
    let r = t.post(&call(&w2), &clerk, json!({})).await;
    assert_eq!(r.body["id"], ticket, "{}", r.text);
    let r = t.post(&call(&w1), &clerk, json!({})).await;
    assert_eq!(r.body["name"], "甲", "{}", r.text);
    t.post(&call(&w1), &clerk, json!({}))
        .await
        .problem(StatusCode::CONFLICT, "queue_empty");
    // Ten walk-ins, two windows calling at once: every ticket called exactly once.
    for k in 0..10 {
        t.post(
            &format!("/api/v1/permits/offices/{office}/tickets"),
            &clerk,
            walk(&format!("客{k}"), false),
        )
        .await;
    }
    let mut tasks = Vec::new();
    for k in 0..12 {
        let (t, clerk, w) = (
            t.clone(),
            clerk.clone(),
            if k % 2 == 0 { w1.clone() } else { w2.clone() },
        );
        tasks.push(tokio::spawn(async move {
            t.post(
                &format!("/api/v1/permits/windows/{w}/call-next"),
                &clerk,
                json!({}),
            )
            .await
        }));
    }
    let mut called = Vec::new();
    for task in tasks {
        let r = task.await.unwrap();
        if r.status == StatusCode::OK {
            called.push(r.body["id"].as_str().unwrap().to_owned());
        } else {
            r.problem(StatusCode::CONFLICT, "queue_empty");
        }
    }
    let n = called.len();
    called.sort();
    called.dedup();
    assert_eq!((n, called.len()), (10, 10));
    // The hall display shows numbers and windows, never names.
    let board = t
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/permits/offices/{office}/board"),
            None,
            None,
        )
        .await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(!board.text.contains("丙"));
    assert_eq!(board.body["waiting"], 0);
}

#[tokio::test]
async fn a_ticket_taken_before_midnight_is_seen_and_called_after_it() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let all_day = json!({"opens": "00:00", "closes": "24:00", "breaks": []});
    let week = json!([
        all_day, all_day, all_day, all_day, all_day, all_day, all_day
    ]);
    let (office, w1) = pf::office(&t, &admin, "330203", week, 3, 0, &[ITEM]).await;
    // 23:55 in Beijing: the citizen checks in for the first slot of tomorrow, 00:00.
    t.advance(jiff::SignedDuration::from_mins(13 * 60 + 55));
    let clerk = t.login("permit").await;
    let a = citizen(&t, 1).await;
    let r = pf::book(&t, &a, web(&office, "2027-01-11T16:00:00Z"), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let appt = r.body["id"].as_str().unwrap().to_owned();
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{appt}/check-in"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ticket = r.body["id"].clone();
    // 00:05: the clerk's queue and the hall display still count the ticket, and it is called.
    t.advance(jiff::SignedDuration::from_mins(10));
    let r = t
        .get(&format!("/api/v1/permits/offices/{office}/queue"), &clerk)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ids: Vec<&Value> = r.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids, [&ticket], "{}", r.text);
    let board = t
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/permits/offices/{office}/board"),
            None,
            None,
        )
        .await;
    assert_eq!(board.body["waiting"], 1, "{}", board.text);
    let r = t
        .post(
            &format!("/api/v1/permits/windows/{w1}/call-next"),
            &clerk,
            json!({}),
        )
        .await;
    assert_eq!(r.body["id"], ticket, "{}", r.text);
    let board = t
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/permits/offices/{office}/board"),
            None,
            None,
        )
        .await;
    assert_eq!(board.body["called"][0]["window"], "1", "{}", board.text);
}

#[tokio::test]
async fn an_application_goes_from_draft_to_a_posted_result() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        3,
        0,
        &[ITEM],
    )
    .await;
    // Accepted Monday, 7 working days: Wednesday is a holiday, so the deadline is the 21st.
    t.put(
        "/api/v1/permits/holidays/2027-01-13",
        &admin,
        json!({"kind": "holiday", "name": "测试假日"}),
    )
    .await;
    let a = citizen(&t, 1).await;
    let r = t
        .post(
            "/api/v1/permits/applications",
            &a,
            json!({"item_code": ITEM, "office_id": office, "details": {"name": "王芳", "mobile": "139000"},
                   "address": "宁波市海曙区中山西路100号"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "draft");
    assert_eq!(
        r.body["forms"].as_array().unwrap().len(),
        2,
        "one online form fills two paper forms"
    );
    let id = r.body["id"].as_str().unwrap().to_owned();
    // Incomplete: the pre-check names the missing material and the bad fields; nothing moves.
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/submit"),
            &a,
            json!({}),
        )
        .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "materials.id_card",
        "details.resident_id",
        "details.mobile",
        "details.address",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    assert!(
        !fields.contains(&"materials.photo"),
        "optional materials are not required"
    );
    // A file that is not a PDF, JPEG or PNG is refused; a PNG is stored by its digest.
    pf::upload(&t, &a, &id, "id_card", b"MZ\x90\x00 not a scan")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "material_rejected");
    let r = pf::upload(&t, &a, &id, "id_card", pf::PNG).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["content_type"], "image/png");
    assert_eq!(r.body["filename"], "scan 身份证.png");
    pf::upload(&t, &a, &id, "passport", pf::PNG)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let details = json!({"name": "王芳", "resident_id": tf::resident_id(1), "mobile": tf::mobile(1), "address": "宁波市海曙区中山西路100号"});
    let r = t
        .put(
            &format!("/api/v1/permits/applications/{id}"),
            &a,
            json!({"details": details, "address": "宁波市海曙区中山西路100号"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/submit"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "pre_checked");
    assert_eq!(
        r.body["forms"][1]["rows"][1]["value"],
        "宁波市海曙区中山西路100号"
    );
    // Another citizen sees nothing of it.
    let b = citizen(&t, 2).await;
    t.get(&format!("/api/v1/permits/applications/{id}"), &b)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.get(
        &format!("/api/v1/permits/applications/{id}/materials/id_card"),
        &b,
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    let clerk = t.login("permit").await;
    let file = t
        .get(
            &format!("/api/v1/permits/applications/{id}/materials/id_card"),
            &clerk,
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.headers["content-type"], "image/png");
    let review = |action: &str, note: &str, tracking: Option<&str>| json!({"action": action, "note": note, "tracking_no": tracking});
    let path = format!("/api/v1/permits/applications/{id}/review");
    t.post(&path, &clerk, review("reject", "", None))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t.post(&path, &clerk, review("accept", "", None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["accepted_on"].clone(), r.body["deadline"].clone()),
        (json!("2027-01-11"), json!("2027-01-21"))
    );
    // The queue shows it, nearest deadline first.
    let q = t.get("/api/v1/permits/applications", &clerk).await;
    assert_eq!(q.body[0]["id"], json!(id), "{}", q.text);
    t.post(&path, &clerk, review("approve", "", None))
        .await
        .problem(StatusCode::CONFLICT, "permit_fee_unpaid");
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/payments"),
            &a,
            json!({"channel": "sandbox"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["order"]["amount_fen"], 12_000);
    let request: std::collections::BTreeMap<String, String> =
        serde_json::from_value(r.body["request"].clone()).unwrap();
    t.app
        .payments()
        .sandbox_pay(&request, &jingwu_app::RequestCtx::cli())
        .await
        .unwrap();
    let r = t.post(&path, &clerk, review("approve", "", None)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["mail_due"], "2027-01-14");
    t.post(&path, &clerk, review("mail", "", Some("SF 12")))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(&path, &clerk, review("mail", "", Some("SF1234567890")))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .get(&format!("/api/v1/permits/applications/{id}"), &a)
        .await;
    let steps: Vec<_> = r.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].clone())
        .collect();
    assert_eq!(
        steps,
        [
            json!("draft"),
            json!("submitted"),
            json!("pre_checked"),
            json!("accepted"),
            json!("approved"),
            json!("mailed")
        ]
    );
    assert_eq!(r.body["tracking_no"], "SF1234567890");
    // Decided: nothing more to withdraw or change.
    t.post(
        &format!("/api/v1/permits/applications/{id}/withdraw"),
        &a,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "permit_application_state");
    let stats = t
        .get(
            "/api/v1/permits/stats?from=2027-01-01&to=2027-01-31",
            &clerk,
        )
        .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.text);
    assert_eq!(
        (
            stats.body["decided"].clone(),
            stats.body["decided_in_time"].clone(),
            stats.body["mailed_in_time"].clone()
        ),
        (json!(1), json!(1), json!(1))
    );
    assert!(stats.body["progress_queries"].as_i64().unwrap() >= 1);
    // Staff lists are not portal visits; only the public catalogue counts them.
    assert_eq!(stats.body["portal_visits"], 0);
    for _ in 0..3 {
        let r = t
            .call(axum::http::Method::GET, "/api/v1/permits/items", None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    // Counted in memory, written before the statistics are read.
    let stats = t
        .get(
            "/api/v1/permits/stats?from=2027-01-01&to=2027-01-31",
            &clerk,
        )
        .await;
    assert_eq!(stats.body["portal_visits"], 3);
}

#[tokio::test]
async fn cancelling_and_rescheduling_keep_the_counts_true() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        1,
        0,
        &[ITEM],
    )
    .await;
    let slots = starts(&pf::slots(&t, &office, ITEM, "2027-01-12", 1).await);
    let (s1, s2) = (slots[0].clone(), slots[1].clone());
    let a = citizen(&t, 1).await;
    let b = citizen(&t, 2).await;
    let id = pf::book(&t, &a, web(&office, &s1), None).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = pf::book(&t, &b, web(&office, &s2), None).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Rescheduling into a full slot changes nothing.
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{id}/reschedule"),
            &a,
            json!({"slot_start": s2}),
        )
        .await;
    r.problem(StatusCode::CONFLICT, "slot_full");
    assert_eq!(
        t.get(&format!("/api/v1/permits/appointments/{id}"), &a)
            .await
            .body["status"],
        "booked"
    );
    // B's cancellation frees s2; A moves there and s1 is free again.
    t.get(&format!("/api/v1/permits/appointments/{other}"), &a)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.post(
        &format!("/api/v1/permits/appointments/{other}/cancel"),
        &a,
        json!({}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{other}/cancel"),
            &b,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "cancelled", "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/permits/appointments/{id}/reschedule"),
            &a,
            json!({"slot_start": s2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let free = pf::slots(&t, &office, ITEM, "2027-01-12", 1).await;
    assert_eq!(free[0]["free"], 1);
    assert_eq!(free[1]["free"], 0);
    let mine = t.get("/api/v1/permits/appointments", &a).await;
    let statuses: Vec<_> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].clone())
        .collect();
    assert_eq!(statuses, [json!("booked"), json!("rescheduled")]);
}

#[tokio::test]
async fn repeated_no_shows_suspend_online_booking_when_the_bureau_says_so() {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .with_config(|c| {
            c.permits.no_show = jingwu_permits::booking::NoShowPolicy { limit: 1, days: 90 }
        })
        .build()
        .await;
    let admin = t.login("admin").await;
    pf::item(&t, &admin, ITEM, 0).await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        2,
        0,
        &[ITEM],
    )
    .await;
    let a = citizen(&t, 1).await;
    let r = pf::book(&t, &a, web(&office, "2027-01-11T03:00:00Z"), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // 11:00 passes without a check-in; at 11:31 the jobs mark the no-show.
    t.advance(jiff::SignedDuration::from_mins(91));
    assert_eq!(t.app.permits().run_jobs().await.unwrap().no_shows, 1);
    let a = t.login(&tf::mobile(1)).await;
    pf::book(&t, &a, web(&office, "2027-01-12T02:00:00Z"), None)
        .await
        .problem(StatusCode::CONFLICT, "booking_suspended");
    // A clerk can still book for them by phone.
    let clerk = t.login("permit").await;
    let r = pf::book(
        &t,
        &clerk,
        pf::phone_booking(&office, ITEM, "2027-01-12T02:00:00Z", 1),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn a_withdrawn_application_takes_no_more_payments() {
    let t = bureau().await;
    let admin = t.login("admin").await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        3,
        0,
        &[ITEM],
    )
    .await;
    let a = citizen(&t, 1).await;
    let details = json!({"name": "王芳", "resident_id": tf::resident_id(1), "mobile": tf::mobile(1), "address": "宁波市海曙区中山西路100号"});
    let r = t
        .post(
            "/api/v1/permits/applications",
            &a,
            json!({"item_code": ITEM, "office_id": office, "details": details}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    pf::upload(&t, &a, &id, "id_card", pf::PNG).await;
    // A draft is not paid for; a submitted application is.
    t.post(
        &format!("/api/v1/permits/applications/{id}/payments"),
        &a,
        json!({"channel": "sandbox"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "permit_application_state");
    t.post(
        &format!("/api/v1/permits/applications/{id}/submit"),
        &a,
        json!({}),
    )
    .await;
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/payments"),
            &a,
            json!({"channel": "sandbox"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let order = r.body["order"]["id"].as_str().unwrap().to_owned();
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/withdraw"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "withdrawn", "{}", r.text);
    let o = t.get(&format!("/api/v1/payments/orders/{order}"), &a).await;
    assert_eq!(o.body["status"], "closed", "{}", o.text);
}
