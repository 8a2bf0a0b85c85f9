//! Messages, road events and accidents: the traffic services that face the public.

pub use jingwu_traffic::records::{
    Accident, AccidentId, Message, MessageId, RoadEvent, RoadEventId,
};

use jingwu_traffic::messages::MessageStatus;
use jingwu_traffic::settlement::{AccidentStatus, Liability};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, StoreError, WriteTx};

const MESSAGE_COLUMNS: &str = "m.id, m.org_id, m.author_id, m.kind, m.subject, m.body, m.status, \
     m.created_at, m.reply, m.replied_by, m.replied_at, o.path";

fn decode_message(r: &AnyRow) -> Result<(Message, String)> {
    Ok((
        Message {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            author_id: id(r, 2)?,
            kind: code(r, 3)?,
            subject: r.try_get(4)?,
            body: r.try_get(5)?,
            status: code(r, 6)?,
            created_at: r.try_get(7)?,
            reply: r.try_get(8)?,
            replied_by: opt_id(r, 9)?,
            replied_at: r.try_get(10)?,
        },
        r.try_get(11)?,
    ))
}

pub async fn insert_message(db: &mut WriteTx, m: &Message) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_messages (id, org_id, author_id, kind, subject, body, status, \
         created_at, reply, replied_by, replied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
         $10, $11)",
    )
    .bind(m.id.as_str())
    .bind(m.org_id.as_str())
    .bind(m.author_id.as_str())
    .bind(m.kind.as_str())
    .bind(&m.subject)
    .bind(&m.body)
    .bind(m.status.as_str())
    .bind(m.created_at)
    .bind(m.reply.clone())
    .bind(m.replied_by.as_ref().map(|u| u.as_str().to_owned()))
    .bind(m.replied_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn message(db: &mut impl Conn, id: &str) -> Result<Option<(Message, String)>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM traffic_messages m JOIN org_units o ON o.id = m.org_id \
         WHERE m.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode_message).transpose()
}

/// A citizen's own messages, newest first.
pub async fn messages_by(db: &mut impl Conn, author_id: &str) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM traffic_messages m JOIN org_units o ON o.id = m.org_id \
         WHERE m.author_id = $1 ORDER BY m.created_at DESC, m.id LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(author_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| decode_message(r).map(|(m, _)| m))
        .collect()
}

/// Messages to the units under `path`, optionally of one status, oldest open first.
pub async fn messages_under(
    db: &mut impl Conn,
    path: &str,
    status: Option<MessageStatus>,
    limit: i64,
) -> Result<Vec<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM traffic_messages m JOIN org_units o ON o.id = m.org_id \
         WHERE o.path LIKE $1 AND ($2 = '' OR m.status = $3) ORDER BY m.created_at, m.id LIMIT $4"
    );
    let s = status.map_or("", |s| s.as_str());
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(s)
        .bind(s)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| decode_message(r).map(|(m, _)| m))
        .collect()
}

/// Records the reply to an open message. False when it was answered already.
pub async fn reply_message(
    db: &mut WriteTx,
    id: &str,
    reply: &str,
    by: &str,
    at: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_messages SET status = $1, reply = $2, replied_by = $3, replied_at = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(MessageStatus::Answered.as_str())
    .bind(reply)
    .bind(by)
    .bind(at)
    .bind(id)
    .bind(MessageStatus::Open.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

const EVENT_COLUMNS: &str = "e.id, e.org_id, e.kind, e.street, e.description, e.line, \
     e.both_ways, e.starts_at, e.ends_at, e.created_by, e.created_at, e.withdrawn_at, o.path, \
     e.speed_factor";

fn line_text(line: &[(f64, f64)]) -> String {
    line.iter()
        .map(|(lat, lon)| format!("{lat} {lon}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_event(r: &AnyRow) -> Result<(RoadEvent, String)> {
    let text: String = r.try_get(5)?;
    let line = jingwu_traffic::road_events::parse_line(&text, usize::MAX).ok_or(
        StoreError::UnknownCode {
            what: "road event line",
            value: text,
        },
    )?;
    Ok((
        RoadEvent {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            kind: code(r, 2)?,
            street: r.try_get(3)?,
            description: r.try_get(4)?,
            line,
            both_ways: r.try_get::<i64, _>(6)? != 0,
            starts_at: r.try_get(7)?,
            ends_at: r.try_get(8)?,
            created_by: id(r, 9)?,
            created_at: r.try_get(10)?,
            withdrawn_at: r.try_get(11)?,
            speed_factor: r.try_get(13)?,
        },
        r.try_get(12)?,
    ))
}

pub async fn insert_road_event(db: &mut WriteTx, e: &RoadEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_road_events (id, org_id, kind, street, description, line, both_ways, \
         starts_at, ends_at, created_by, created_at, withdrawn_at, speed_factor) VALUES ($1, $2, \
         $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CAST($13 AS DOUBLE PRECISION))",
    )
    .bind(e.id.as_str())
    .bind(e.org_id.as_str())
    .bind(e.kind.as_str())
    .bind(&e.street)
    .bind(&e.description)
    .bind(line_text(&e.line))
    .bind(i64::from(e.both_ways))
    .bind(e.starts_at)
    .bind(e.ends_at)
    .bind(e.created_by.as_str())
    .bind(e.created_at)
    .bind(e.withdrawn_at)
    .bind(crate::bind::opt_f64(e.speed_factor))
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn road_event(db: &mut impl Conn, id: &str) -> Result<Option<(RoadEvent, String)>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM traffic_road_events e JOIN org_units o ON o.id = e.org_id \
         WHERE e.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode_event).transpose()
}

/// Events in force at `now` (started, not ended, not withdrawn), by start.
pub async fn live_road_events(db: &mut impl Conn, now: i64) -> Result<Vec<RoadEvent>> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM traffic_road_events e JOIN org_units o ON o.id = e.org_id \
         WHERE e.withdrawn_at IS NULL AND e.starts_at <= $1 AND (e.ends_at IS NULL OR e.ends_at > $2) \
         ORDER BY e.starts_at, e.id LIMIT 5000"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(now)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| decode_event(r).map(|(e, _)| e))
        .collect()
}

/// Withdraws an event (ended early, entered by mistake). False when withdrawn already.
pub async fn withdraw_road_event(db: &mut WriteTx, id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_road_events SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

const ACCIDENT_COLUMNS: &str = "a.id, a.org_id, a.status, a.occurred_at, a.place, a.lat, a.lon, \
     a.party_a, a.plate_a, a.party_b, a.plate_b, a.liability_a, a.liability_b, a.account, \
     a.created_at, a.confirmed_at, a.assigned_by, a.assigned_at, o.path";

fn opt_liability(r: &AnyRow, i: usize) -> Result<Option<Liability>> {
    match r.try_get::<Option<String>, _>(i)? {
        None => Ok(None),
        Some(s) => Liability::from_code(&s)
            .map(Some)
            .ok_or(StoreError::UnknownCode {
                what: "liability",
                value: s,
            }),
    }
}

fn decode_accident(r: &AnyRow) -> Result<(Accident, String)> {
    Ok((
        Accident {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            status: code(r, 2)?,
            occurred_at: r.try_get(3)?,
            place: r.try_get(4)?,
            lat: r.try_get(5)?,
            lon: r.try_get(6)?,
            party_a: id(r, 7)?,
            plate_a: r.try_get(8)?,
            party_b: id(r, 9)?,
            plate_b: r.try_get(10)?,
            liability_a: opt_liability(r, 11)?,
            liability_b: opt_liability(r, 12)?,
            account: r.try_get(13)?,
            created_at: r.try_get(14)?,
            confirmed_at: r.try_get(15)?,
            assigned_by: opt_id(r, 16)?,
            assigned_at: r.try_get(17)?,
        },
        r.try_get(18)?,
    ))
}

pub async fn insert_accident(db: &mut WriteTx, a: &Accident) -> Result<()> {
    sqlx::query(
        "INSERT INTO traffic_accidents (id, org_id, status, occurred_at, place, lat, lon, party_a, \
         plate_a, party_b, plate_b, liability_a, liability_b, account, created_at, confirmed_at, \
         assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         $14, $15, $16, $17, $18)",
    )
    .bind(a.id.as_str())
    .bind(a.org_id.as_str())
    .bind(a.status.as_str())
    .bind(a.occurred_at)
    .bind(&a.place)
    .bind(a.lat)
    .bind(a.lon)
    .bind(a.party_a.as_str())
    .bind(&a.plate_a)
    .bind(a.party_b.as_str())
    .bind(&a.plate_b)
    .bind(a.liability_a.map(|l| l.as_str().to_owned()))
    .bind(a.liability_b.map(|l| l.as_str().to_owned()))
    .bind(&a.account)
    .bind(a.created_at)
    .bind(a.confirmed_at)
    .bind(a.assigned_by.as_ref().map(|u| u.as_str().to_owned()))
    .bind(a.assigned_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn accident(db: &mut impl Conn, id: &str) -> Result<Option<(Accident, String)>> {
    let sql = format!(
        "SELECT {ACCIDENT_COLUMNS} FROM traffic_accidents a JOIN org_units o ON o.id = a.org_id \
         WHERE a.id = $1"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.raw()).await?;
    row.as_ref().map(decode_accident).transpose()
}

/// Accidents a citizen is a party to, newest first.
pub async fn accidents_of(db: &mut impl Conn, user_id: &str) -> Result<Vec<Accident>> {
    let sql = format!(
        "SELECT {ACCIDENT_COLUMNS} FROM traffic_accidents a JOIN org_units o ON o.id = a.org_id \
         WHERE a.party_a = $1 OR a.party_b = $2 ORDER BY a.created_at DESC, a.id LIMIT 200"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(user_id)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| decode_accident(r).map(|(a, _)| a))
        .collect()
}

/// Accidents under `path` of one status, oldest first (the police review queue).
pub async fn accidents_under(
    db: &mut impl Conn,
    path: &str,
    status: AccidentStatus,
) -> Result<Vec<Accident>> {
    let sql = format!(
        "SELECT {ACCIDENT_COLUMNS} FROM traffic_accidents a JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND a.status = $2 ORDER BY a.created_at, a.id LIMIT 500"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(status.as_str())
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| decode_accident(r).map(|(a, _)| a))
        .collect()
}

/// Moves an accident from `from` to `to` with the liabilities (and who decided them, for a
/// police assignment). False when it was not in `from` any more.
pub struct AccidentMove<'a> {
    pub id: &'a str,
    pub from: AccidentStatus,
    pub to: AccidentStatus,
    pub liability_a: Option<Liability>,
    pub liability_b: Option<Liability>,
    pub at: i64,
    pub assigned_by: Option<&'a str>,
}

pub async fn move_accident(db: &mut WriteTx, m: &AccidentMove<'_>) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE traffic_accidents SET status = $1, liability_a = $2, liability_b = $3, \
         confirmed_at = CASE WHEN $4 = '' THEN $5 ELSE confirmed_at END, \
         assigned_by = CASE WHEN $6 = '' THEN assigned_by ELSE $7 END, \
         assigned_at = CASE WHEN $8 = '' THEN assigned_at ELSE $9 END \
         WHERE id = $10 AND status = $11",
    )
    .bind(m.to.as_str())
    .bind(m.liability_a.map(|l| l.as_str().to_owned()))
    .bind(m.liability_b.map(|l| l.as_str().to_owned()))
    .bind(m.assigned_by.unwrap_or(""))
    .bind(m.at)
    .bind(m.assigned_by.unwrap_or(""))
    .bind(m.assigned_by.unwrap_or(""))
    .bind(m.assigned_by.unwrap_or(""))
    .bind(m.at)
    .bind(m.id)
    .bind(m.from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}
