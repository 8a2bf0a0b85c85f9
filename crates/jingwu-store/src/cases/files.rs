//! Case files: cases and their numbers, parties, steps with their documents, case deadlines,
//! supervision comments; and the reads supervision needs (open corrections, flagged evidence
//! items, what is still open on a case). A case is reached through its handling unit's path or,
//! for legal supervisors, its supervising legal office's path: lists filter on both in SQL.
//! Meeting a deadline and answering a correction are conditional updates, so each happens once.

use crate::bind::opt_f64;
use jingwu_cases::case::{
    Case, CaseKind, CasePlace, CaseStatus, Comment, Deadline, Document, OpenWork, Party, Step,
};
use jingwu_core::records::OrgUnit;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

/// Whose cases a list may show: those handled under `path` and, when `legal`, those
/// supervised by a legal office under `path` (a legal supervisor's reach).
#[derive(Debug, Clone, Copy)]
pub struct CaseReach<'a> {
    pub path: &'a str,
    pub legal: bool,
}

/// The SQL condition of a reach over `o` (handling unit) and `lo` (legal office), with its
/// three parameters from `$first` on.
fn reach_sql(first: usize) -> String {
    format!(
        "(o.path LIKE ${first} OR (${} = 1 AND lo.path LIKE ${}))",
        first + 1,
        first + 2
    )
}

fn bind_reach<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    r: CaseReach<'_>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(like_prefix(r.path))
        .bind(i32::from(r.legal))
        .bind(like_prefix(r.path))
}

const ORG_COLUMNS: &str =
    "a.id, a.parent_id, a.kind, a.code, a.name_zh, a.name_en, a.path, a.created_at";

/// The org units from the city down to `org_id` (the unit itself last); empty when there is
/// no such unit.
pub async fn org_chain(db: &mut impl Conn, org_id: &str) -> Result<Vec<OrgUnit>> {
    let sql = format!(
        "SELECT {ORG_COLUMNS} FROM org_units a JOIN org_units o ON o.path LIKE a.path || '%' \
         WHERE o.id = $1 ORDER BY a.path"
    );
    let rows = sqlx::query(&sql).bind(org_id).fetch_all(db.raw()).await?;
    rows.iter()
        .map(|r| {
            Ok(OrgUnit {
                id: r.try_get(0)?,
                parent_id: r.try_get(1)?,
                kind: jingwu_core::OrgKind::parse(&r.try_get::<String, _>(2)?).ok_or(
                    crate::StoreError::UnknownCode {
                        what: "org kind",
                        value: r.try_get(2)?,
                    },
                )?,
                code: r.try_get(3)?,
                name_zh: r.try_get(4)?,
                name_en: r.try_get(5)?,
                path: r.try_get(6)?,
                created_at: r.try_get(7)?,
            })
        })
        .collect()
}

/// The next sequence number of a case-number prefix (1, 2, …), counted in the transaction
/// that opens the case: two cases never share a number, and a rolled-back opening uses none.
pub async fn next_case_seq(db: &mut WriteTx, prefix: &str) -> Result<i64> {
    let n: i64 = sqlx::query_scalar(
        "INSERT INTO case_numbers (prefix, last) VALUES ($1, 1) \
         ON CONFLICT (prefix) DO UPDATE SET last = case_numbers.last + 1 RETURNING last",
    )
    .bind(prefix)
    .fetch_one(db.raw())
    .await?;
    Ok(n)
}

const CASE_COLUMNS: &str = "k.id, k.number, k.kind, k.status, k.title, k.cause, k.summary, \
     k.org_id, k.legal_org_id, k.handler_id, k.supervisor_id, k.incident_id, k.address, k.lat, \
     k.lon, k.occurred_at, k.accepted_at, k.filed_at, k.closed_at, k.close_reason, k.created_by, \
     k.created_at, o.path, o.name_zh, lo.path, lo.name_zh, u.display_name";

const CASE_FROM: &str = "FROM cases k JOIN org_units o ON o.id = k.org_id \
     JOIN org_units lo ON lo.id = k.legal_org_id JOIN users u ON u.id = k.handler_id";

fn decode_case(r: &AnyRow) -> Result<(Case, CasePlace)> {
    Ok((
        Case {
            id: id(r, 0)?,
            number: r.try_get(1)?,
            kind: code(r, 2)?,
            status: code(r, 3)?,
            title: r.try_get(4)?,
            cause: r.try_get(5)?,
            summary: r.try_get(6)?,
            org_id: r.try_get(7)?,
            legal_org_id: r.try_get(8)?,
            handler_id: r.try_get(9)?,
            supervisor_id: r.try_get(10)?,
            incident_id: r.try_get(11)?,
            address: r.try_get(12)?,
            lat: r.try_get(13)?,
            lon: r.try_get(14)?,
            occurred_at: r.try_get(15)?,
            accepted_at: r.try_get(16)?,
            filed_at: r.try_get(17)?,
            closed_at: r.try_get(18)?,
            close_reason: r.try_get(19)?,
            created_by: r.try_get(20)?,
            created_at: r.try_get(21)?,
        },
        CasePlace {
            org_path: r.try_get(22)?,
            org_name: r.try_get(23)?,
            legal_org_path: r.try_get(24)?,
            legal_org_name: r.try_get(25)?,
            handler_name: r.try_get(26)?,
        },
    ))
}

pub async fn insert_case(db: &mut WriteTx, c: &Case) -> Result<()> {
    sqlx::query(
        "INSERT INTO cases (id, number, kind, status, title, cause, summary, org_id, legal_org_id, \
         handler_id, supervisor_id, incident_id, address, lat, lon, occurred_at, accepted_at, \
         filed_at, closed_at, close_reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
         CAST($14 AS DOUBLE PRECISION), CAST($15 AS DOUBLE PRECISION), $16, $17, $18, $19, $20, \
         $21, $22)",
    )
    .bind(c.id.as_str())
    .bind(&c.number)
    .bind(c.kind.as_str())
    .bind(c.status.as_str())
    .bind(&c.title)
    .bind(&c.cause)
    .bind(&c.summary)
    .bind(&c.org_id)
    .bind(&c.legal_org_id)
    .bind(&c.handler_id)
    .bind(c.supervisor_id.clone())
    .bind(c.incident_id.clone())
    .bind(&c.address)
    .bind(opt_f64(c.lat))
    .bind(opt_f64(c.lon))
    .bind(c.occurred_at)
    .bind(c.accepted_at)
    .bind(c.filed_at)
    .bind(c.closed_at)
    .bind(c.close_reason.clone())
    .bind(&c.created_by)
    .bind(c.created_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// One case with where it belongs.
pub async fn case(db: &mut impl Conn, case_id: &str) -> Result<Option<(Case, CasePlace)>> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE k.id = $1");
    let row = sqlx::query(&sql)
        .bind(case_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode_case).transpose()
}

/// The case opened from a 110 incident, if any.
pub async fn case_of_incident(
    db: &mut impl Conn,
    incident_id: &str,
) -> Result<Option<(Case, CasePlace)>> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE k.incident_id = $1");
    let row = sqlx::query(&sql)
        .bind(incident_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode_case).transpose()
}

/// What a list of cases asks for besides the reach.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter<'a> {
    pub statuses: &'a [CaseStatus],
    pub kind: Option<CaseKind>,
    /// Text in the number, title or cause.
    pub q: Option<&'a str>,
    /// Only cases handled in this subtree (a path the caller may name).
    pub under: Option<&'a str>,
}

/// Cases in `reach` that match `f`, most recently accepted first.
pub async fn cases_in_reach(
    db: &mut impl Conn,
    reach: CaseReach<'_>,
    f: &CaseFilter<'_>,
    limit: i64,
) -> Result<Vec<(Case, CasePlace)>> {
    let statuses: Vec<&str> = f.statuses.iter().map(|s| s.as_str()).collect();
    let sql = format!(
        "SELECT {CASE_COLUMNS} {CASE_FROM} WHERE {} \
         AND ($4 = '' OR (',' || $5 || ',') LIKE ('%,' || k.status || ',%')) \
         AND ($6 = '' OR k.kind = $7) \
         AND ($8 = '' OR k.number LIKE $9 OR k.title LIKE $10 OR k.cause LIKE $11) \
         AND o.path LIKE $12 \
         ORDER BY k.accepted_at DESC, k.id LIMIT $13",
        reach_sql(1)
    );
    let statuses = statuses.join(",");
    let kind = f.kind.map(|k| k.as_str()).unwrap_or("");
    // LIKE's wildcards in the query text are taken literally by dropping them.
    let q: String =
        f.q.unwrap_or("")
            .trim()
            .chars()
            .filter(|c| !matches!(c, '%' | '_'))
            .collect();
    let pattern = format!("%{q}%");
    let under = like_prefix(f.under.unwrap_or(""));
    let rows = bind_reach(sqlx::query(&sql), reach)
        .bind(statuses.clone())
        .bind(statuses)
        .bind(kind)
        .bind(kind)
        .bind(q)
        .bind(pattern.clone())
        .bind(pattern.clone())
        .bind(pattern)
        .bind(under)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode_case).collect()
}

/// Moves a case from `from` to `to` at `at`: filing stamps `filed_at`, a final status
/// `closed_at` and the reason. False when the case was not in `from` any more.
pub async fn move_case(
    db: &mut WriteTx,
    case_id: &str,
    from: CaseStatus,
    to: CaseStatus,
    at: i64,
    reason: Option<&str>,
) -> Result<bool> {
    let filed = (to == CaseStatus::Filed).then_some(at);
    let closed = to.is_final().then_some(at);
    let r = sqlx::query(
        "UPDATE cases SET status = $1, filed_at = COALESCE($2, filed_at), \
         closed_at = COALESCE($3, closed_at), close_reason = COALESCE($4, close_reason) \
         WHERE id = $5 AND status = $6",
    )
    .bind(to.as_str())
    .bind(filed)
    .bind(closed)
    .bind(reason.map(str::to_owned))
    .bind(case_id)
    .bind(from.as_str())
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

const PARTY_COLUMNS: &str =
    "id, case_id, role, name, id_kind, id_number, phone, address, note, added_by, added_at";

fn decode_party(r: &AnyRow) -> Result<Party> {
    Ok(Party {
        id: id(r, 0)?,
        case_id: id(r, 1)?,
        role: code(r, 2)?,
        name: r.try_get(3)?,
        id_kind: code(r, 4)?,
        id_number: r.try_get(5)?,
        phone: r.try_get(6)?,
        address: r.try_get(7)?,
        note: r.try_get(8)?,
        added_by: r.try_get(9)?,
        added_at: r.try_get(10)?,
    })
}

pub async fn insert_party(db: &mut WriteTx, p: &Party) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO case_parties ({PARTY_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(p.id.as_str())
    .bind(p.case_id.as_str())
    .bind(p.role.as_str())
    .bind(&p.name)
    .bind(p.id_kind.as_str())
    .bind(p.id_number.clone())
    .bind(p.phone.clone())
    .bind(&p.address)
    .bind(&p.note)
    .bind(&p.added_by)
    .bind(p.added_at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A case's parties in the order they were added.
pub async fn parties_of(db: &mut impl Conn, case_id: &str) -> Result<Vec<Party>> {
    let rows = sqlx::query(&format!(
        "SELECT {PARTY_COLUMNS} FROM case_parties WHERE case_id = $1 ORDER BY added_at, id"
    ))
    .bind(case_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_party).collect()
}

const STEP_COLUMNS: &str = "id, case_id, kind, note, document_sha256, document_name, \
                            document_type, document_bytes, by_id, at";

fn decode_step(r: &AnyRow) -> Result<Step> {
    let sha: Option<String> = r.try_get(4)?;
    let document = match sha {
        Some(sha256) => Some(Document {
            sha256,
            name: r.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
            media_type: r.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
            bytes: r.try_get::<Option<i64>, _>(7)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Step {
        id: id(r, 0)?,
        case_id: id(r, 1)?,
        kind: code(r, 2)?,
        note: r.try_get(3)?,
        document,
        by_id: r.try_get(8)?,
        at: r.try_get(9)?,
    })
}

pub async fn insert_step(db: &mut WriteTx, s: &Step) -> Result<()> {
    let d = s.document.as_ref();
    sqlx::query(&format!(
        "INSERT INTO case_steps ({STEP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(s.id.as_str())
    .bind(s.case_id.as_str())
    .bind(s.kind.as_str())
    .bind(&s.note)
    .bind(d.map(|d| d.sha256.clone()))
    .bind(d.map(|d| d.name.clone()))
    .bind(d.map(|d| d.media_type.clone()))
    .bind(d.map(|d| d.bytes))
    .bind(&s.by_id)
    .bind(s.at)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A case's steps in order.
pub async fn steps_of(db: &mut impl Conn, case_id: &str) -> Result<Vec<Step>> {
    let rows = sqlx::query(&format!(
        "SELECT {STEP_COLUMNS} FROM case_steps WHERE case_id = $1 ORDER BY at, id"
    ))
    .bind(case_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_step).collect()
}

/// The document with this SHA-256 on a step of the case, if the case has one (the first
/// step that attached it).
pub async fn case_document(
    db: &mut impl Conn,
    case_id: &str,
    sha256: &str,
) -> Result<Option<Document>> {
    let row = sqlx::query(&format!(
        "SELECT {STEP_COLUMNS} FROM case_steps WHERE case_id = $1 AND document_sha256 = $2 \
         ORDER BY at, id LIMIT 1"
    ))
    .bind(case_id)
    .bind(sha256)
    .fetch_optional(db.raw())
    .await?;
    Ok(row
        .as_ref()
        .map(decode_step)
        .transpose()?
        .and_then(|s| s.document))
}

const DEADLINE_COLUMNS: &str = "id, case_id, limit_code, started_at, met_at, note";

fn decode_deadline(r: &AnyRow) -> Result<Deadline> {
    Ok(Deadline {
        id: id(r, 0)?,
        case_id: id(r, 1)?,
        limit_code: r.try_get(2)?,
        started_at: r.try_get(3)?,
        met_at: r.try_get(4)?,
        note: r.try_get(5)?,
    })
}

pub async fn insert_deadline(db: &mut WriteTx, d: &Deadline) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO case_deadlines ({DEADLINE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
    ))
    .bind(d.id.as_str())
    .bind(d.case_id.as_str())
    .bind(&d.limit_code)
    .bind(d.started_at)
    .bind(d.met_at)
    .bind(&d.note)
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn deadline(db: &mut impl Conn, deadline_id: &str) -> Result<Option<Deadline>> {
    let row = sqlx::query(&format!(
        "SELECT {DEADLINE_COLUMNS} FROM case_deadlines WHERE id = $1"
    ))
    .bind(deadline_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode_deadline).transpose()
}

/// A case's deadlines, oldest first.
pub async fn deadlines_of(db: &mut impl Conn, case_id: &str) -> Result<Vec<Deadline>> {
    let rows = sqlx::query(&format!(
        "SELECT {DEADLINE_COLUMNS} FROM case_deadlines WHERE case_id = $1 ORDER BY started_at, id"
    ))
    .bind(case_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_deadline).collect()
}

/// Records a deadline met at `at`; false when it was met already.
pub async fn meet_deadline(db: &mut WriteTx, deadline_id: &str, at: i64) -> Result<bool> {
    let r = sqlx::query("UPDATE case_deadlines SET met_at = $1 WHERE id = $2 AND met_at IS NULL")
        .bind(at)
        .bind(deadline_id)
        .execute(db.raw())
        .await?;
    Ok(r.rows_affected() == 1)
}

const COMMENT_COLUMNS: &str =
    "c.id, c.case_id, c.kind, c.text, c.by_id, c.at, c.resolved_by, c.resolved_at, c.resolution";

fn decode_comment(r: &AnyRow) -> Result<Comment> {
    Ok(Comment {
        id: id(r, 0)?,
        case_id: id(r, 1)?,
        kind: code(r, 2)?,
        text: r.try_get(3)?,
        by_id: r.try_get(4)?,
        at: r.try_get(5)?,
        resolved_by: r.try_get(6)?,
        resolved_at: r.try_get(7)?,
        resolution: r.try_get(8)?,
    })
}

pub async fn insert_comment(db: &mut WriteTx, c: &Comment) -> Result<()> {
    sqlx::query(
        "INSERT INTO case_comments (id, case_id, kind, text, by_id, at, resolved_by, resolved_at, \
         resolution) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.id.as_str())
    .bind(c.case_id.as_str())
    .bind(c.kind.as_str())
    .bind(&c.text)
    .bind(&c.by_id)
    .bind(c.at)
    .bind(c.resolved_by.clone())
    .bind(c.resolved_at)
    .bind(c.resolution.clone())
    .execute(db.raw())
    .await?;
    Ok(())
}

pub async fn comment(db: &mut impl Conn, comment_id: &str) -> Result<Option<Comment>> {
    let row = sqlx::query(&format!(
        "SELECT {COMMENT_COLUMNS} FROM case_comments c WHERE c.id = $1"
    ))
    .bind(comment_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode_comment).transpose()
}

/// A case's comments and corrections, oldest first.
pub async fn comments_of(db: &mut impl Conn, case_id: &str) -> Result<Vec<Comment>> {
    let rows = sqlx::query(&format!(
        "SELECT {COMMENT_COLUMNS} FROM case_comments c WHERE c.case_id = $1 ORDER BY c.at, c.id"
    ))
    .bind(case_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_comment).collect()
}

/// Answers an open correction; false when it was answered already (a concurrent answer won)
/// or is not a correction.
pub async fn resolve_correction(
    db: &mut WriteTx,
    comment_id: &str,
    by_id: &str,
    at: i64,
    resolution: &str,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE case_comments SET resolved_by = $1, resolved_at = $2, resolution = $3 \
         WHERE id = $4 AND kind = 'correction' AND resolved_at IS NULL",
    )
    .bind(by_id)
    .bind(at)
    .bind(resolution)
    .bind(comment_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// What is still open on a case: unanswered corrections, people in a handling area for it,
/// running deadlines.
pub async fn open_work(db: &mut impl Conn, case_id: &str) -> Result<OpenWork> {
    let row = sqlx::query(
        "SELECT \
         (SELECT COUNT(*) FROM case_comments WHERE case_id = $1 AND kind = 'correction' \
            AND resolved_at IS NULL), \
         (SELECT COUNT(*) FROM area_custodies WHERE case_id = $2 AND exit_at IS NULL), \
         (SELECT COUNT(*) FROM case_deadlines WHERE case_id = $3 AND met_at IS NULL)",
    )
    .bind(case_id)
    .bind(case_id)
    .bind(case_id)
    .fetch_one(db.raw())
    .await?;
    let n =
        |i: usize| -> Result<usize> { Ok(usize::try_from(row.try_get::<i64, _>(i)?).unwrap_or(0)) };
    Ok(OpenWork {
        corrections: n(0)?,
        in_area: n(1)?,
        running_deadlines: n(2)?,
    })
}

/// A case as a supervision list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseLabel {
    pub case_id: String,
    pub number: String,
    pub title: String,
    pub org_path: String,
    pub legal_org_path: String,
}

fn decode_label(r: &AnyRow, from: usize) -> Result<CaseLabel> {
    Ok(CaseLabel {
        case_id: r.try_get(from)?,
        number: r.try_get(from + 1)?,
        title: r.try_get(from + 2)?,
        org_path: r.try_get(from + 3)?,
        legal_org_path: r.try_get(from + 4)?,
    })
}

const LABEL_COLUMNS: &str = "k.id, k.number, k.title, o.path, lo.path";
/// The joins that name a case `k` with its units `o` (handling) and `lo` (legal office).
const LABEL_JOINS: &str = "JOIN org_units o ON o.id = k.org_id \
     JOIN org_units lo ON lo.id = k.legal_org_id";

/// The label of a case (for clocks that name it).
pub async fn case_label(db: &mut impl Conn, case_id: &str) -> Result<Option<CaseLabel>> {
    let row = sqlx::query(&format!(
        "SELECT {LABEL_COLUMNS} FROM cases k {LABEL_JOINS} WHERE k.id = $1"
    ))
    .bind(case_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(|r| decode_label(r, 0)).transpose()
}

/// Unanswered corrections on cases in `reach`, oldest first.
pub async fn open_corrections(
    db: &mut impl Conn,
    reach: CaseReach<'_>,
    limit: i64,
) -> Result<Vec<(Comment, CaseLabel)>> {
    let sql = format!(
        "SELECT {COMMENT_COLUMNS}, {LABEL_COLUMNS} FROM case_comments c \
         JOIN cases k ON k.id = c.case_id {LABEL_JOINS} \
         WHERE {} AND c.kind = 'correction' AND c.resolved_at IS NULL \
         ORDER BY c.at, c.id LIMIT $4",
        reach_sql(1)
    );
    let rows = bind_reach(sqlx::query(&sql), reach)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| Ok((decode_comment(r)?, decode_label(r, 9)?)))
        .collect()
}

/// An evidence item flagged for attention, as supervision lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlaggedItem {
    pub item_id: String,
    pub barcode: String,
    pub description: String,
    pub category: String,
    pub state: String,
    pub case: CaseLabel,
}

/// Flagged evidence items of cases in `reach`, by case number then barcode.
pub async fn flagged_items(
    db: &mut impl Conn,
    reach: CaseReach<'_>,
    limit: i64,
) -> Result<Vec<FlaggedItem>> {
    let sql = format!(
        "SELECT e.id, e.barcode, e.description, e.category, e.state, {LABEL_COLUMNS} \
         FROM evidence_items e JOIN cases k ON k.id = e.case_id {LABEL_JOINS} \
         WHERE {} AND e.flagged = 1 ORDER BY k.number, e.barcode LIMIT $4",
        reach_sql(1)
    );
    let rows = bind_reach(sqlx::query(&sql), reach)
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(FlaggedItem {
                item_id: r.try_get(0)?,
                barcode: r.try_get(1)?,
                description: r.try_get(2)?,
                category: r.try_get(3)?,
                state: r.try_get(4)?,
                case: decode_label(r, 5)?,
            })
        })
        .collect()
}
