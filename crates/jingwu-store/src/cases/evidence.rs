//! Evidence and property: storage locations, items, and the append-only chain of custody
//! (`evidence_events`, whose rows triggers refuse to update or delete). An item moves by one
//! conditional update on the head of its chain (`last_seq`), in the transaction that appends
//! the event, so of two custodians moving one item at once exactly one succeeds. The check of
//! every chain against the audit log (`Store::verify_custody`) is here too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jingwu_cases::chain;
use jingwu_cases::evidence::{
    CaseRef, CustodyEvent, Item, ItemContext, ItemState, Location, Moved,
};
use jingwu_cases::retention::ReviewFacts;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, Store, StoreError, WriteTx};

fn flag(b: bool) -> i32 {
    i32::from(b)
}

fn opt_flag(r: &AnyRow, i: usize) -> Result<Option<bool>> {
    Ok(r.try_get::<Option<i32>, _>(i)?.map(|v| v != 0))
}

// ---------------------------------------------------------------------------------------------
// Locations

const LOCATION_COLUMNS: &str = "l.id, l.org_id, l.code, l.name, l.secure, l.active, o.path";

fn decode_location(r: &AnyRow) -> Result<(Location, String)> {
    Ok((
        Location {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            code: r.try_get(2)?,
            name: r.try_get(3)?,
            secure: r.try_get::<i32, _>(4)? != 0,
            active: r.try_get::<i32, _>(5)? != 0,
        },
        r.try_get(6)?,
    ))
}

pub async fn insert_location(db: &mut WriteTx, l: &Location) -> Result<()> {
    sqlx::query(
        "INSERT INTO evidence_locations (id, org_id, code, name, secure, active) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(l.id.as_str())
    .bind(l.org_id.as_str())
    .bind(&l.code)
    .bind(&l.name)
    .bind(flag(l.secure))
    .bind(flag(l.active))
    .execute(db.raw())
    .await?;
    Ok(())
}

/// A location with its store's path.
pub async fn location(db: &mut impl Conn, location_id: &str) -> Result<Option<(Location, String)>> {
    let sql = format!(
        "SELECT {LOCATION_COLUMNS} FROM evidence_locations l JOIN org_units o ON o.id = l.org_id \
         WHERE l.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(location_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode_location).transpose()
}

/// The locations of the stores under `path`, by store and code.
pub async fn locations_under(db: &mut impl Conn, path: &str) -> Result<Vec<(Location, String)>> {
    let sql = format!(
        "SELECT {LOCATION_COLUMNS} FROM evidence_locations l JOIN org_units o ON o.id = l.org_id \
         WHERE o.path LIKE $1 ORDER BY o.path, l.code LIMIT 2000"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode_location).collect()
}

// ---------------------------------------------------------------------------------------------
// Cases as the evidence store sees them

/// The case with this number (any status), with the paths that decide who sees it.
pub async fn case_by_number(db: &mut impl Conn, number: &str) -> Result<Option<CaseRef>> {
    case_ref(db, "k.number = $1", number).await
}

/// The case with this id, as [`case_by_number`].
pub async fn case_ref_by_id(db: &mut impl Conn, case_id: &str) -> Result<Option<CaseRef>> {
    case_ref(db, "k.id = $1", case_id).await
}

async fn case_ref(db: &mut impl Conn, filter: &str, arg: &str) -> Result<Option<CaseRef>> {
    let sql = format!(
        "SELECT k.id, k.number, k.title, o.path, lo.path, k.closed_at FROM cases k \
         JOIN org_units o ON o.id = k.org_id JOIN org_units lo ON lo.id = k.legal_org_id \
         WHERE {filter}"
    );
    let row = sqlx::query(&sql).bind(arg).fetch_optional(db.raw()).await?;
    row.map(|r| {
        Ok(CaseRef {
            id: id(&r, 0)?,
            number: r.try_get(1)?,
            title: r.try_get(2)?,
            org_path: r.try_get(3)?,
            legal_path: r.try_get(4)?,
            closed_at: r.try_get(5)?,
        })
    })
    .transpose()
}

/// Whether `party_id` is a victim (被害人) of `case_id`: the one to whom an item may be returned
/// while the case is open.
pub async fn is_victim_of(db: &mut impl Conn, case_id: &str, party_id: &str) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM case_parties WHERE id = $1 AND case_id = $2 AND role = $3",
    )
    .bind(party_id)
    .bind(case_id)
    .bind(jingwu_cases::case::PartyRole::Victim.as_str())
    .fetch_one(db.raw())
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

// ---------------------------------------------------------------------------------------------
// Items

const ITEM_COLUMNS: &str = "i.id, i.org_id, i.case_id, i.barcode, i.seal_no, i.description, \
     i.category, i.kind, i.quantity, i.sha256, i.size_bytes, i.media_type, i.state, \
     i.location_id, i.holder_id, i.flagged, i.seized_at, i.intake_at, i.last_seq, i.last_digest, \
     so.path, k.number, k.title, co.path, lo.path, k.closed_at";

const ITEM_FROM: &str = "evidence_items i JOIN org_units so ON so.id = i.org_id \
     JOIN cases k ON k.id = i.case_id JOIN org_units co ON co.id = k.org_id \
     JOIN org_units lo ON lo.id = k.legal_org_id";

fn decode_item(r: &AnyRow) -> Result<(Item, ItemContext)> {
    Ok((
        Item {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            case_id: id(r, 2)?,
            barcode: r.try_get(3)?,
            seal_no: r.try_get(4)?,
            description: r.try_get(5)?,
            category: code(r, 6)?,
            kind: code(r, 7)?,
            quantity: r.try_get(8)?,
            sha256: r.try_get(9)?,
            size_bytes: r.try_get(10)?,
            media_type: r.try_get(11)?,
            state: code(r, 12)?,
            location_id: opt_id(r, 13)?,
            holder_id: opt_id(r, 14)?,
            flagged: r.try_get::<i32, _>(15)? != 0,
            seized_at: r.try_get(16)?,
            intake_at: r.try_get(17)?,
            last_seq: r.try_get(18)?,
            last_digest: r.try_get(19)?,
        },
        ItemContext {
            store_path: r.try_get(20)?,
            case_number: r.try_get(21)?,
            case_title: r.try_get(22)?,
            case_org_path: r.try_get(23)?,
            case_legal_path: r.try_get(24)?,
            case_closed_at: r.try_get(25)?,
        },
    ))
}

pub async fn insert_item(db: &mut WriteTx, i: &Item) -> Result<()> {
    sqlx::query(
        "INSERT INTO evidence_items (id, org_id, case_id, barcode, seal_no, description, \
         category, kind, quantity, sha256, size_bytes, media_type, state, location_id, holder_id, \
         flagged, seized_at, intake_at, last_seq, last_digest) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20)",
    )
    .bind(i.id.as_str())
    .bind(i.org_id.as_str())
    .bind(i.case_id.as_str())
    .bind(&i.barcode)
    .bind(i.seal_no.clone())
    .bind(&i.description)
    .bind(i.category.as_str())
    .bind(i.kind.as_str())
    .bind(i.quantity)
    .bind(i.sha256.clone())
    .bind(i.size_bytes)
    .bind(i.media_type.clone())
    .bind(i.state.as_str())
    .bind(i.location_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(i.holder_id.as_ref().map(|h| h.as_str().to_owned()))
    .bind(flag(i.flagged))
    .bind(i.seized_at)
    .bind(i.intake_at)
    .bind(i.last_seq)
    .bind(&i.last_digest)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Whether a label's barcode is on an item already.
pub async fn barcode_taken(db: &mut impl Conn, barcode: &str) -> Result<bool> {
    let row = sqlx::query("SELECT COUNT(*) FROM evidence_items WHERE barcode = $1")
        .bind(barcode)
        .fetch_one(db.raw())
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Items ever taken in by the store `org_id` (the serial of a generated label).
pub async fn items_of_store(db: &mut impl Conn, org_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM evidence_items WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db.raw())
        .await?;
    Ok(row.try_get(0)?)
}

/// An item with its context.
pub async fn item(db: &mut impl Conn, item_id: &str) -> Result<Option<(Item, ItemContext)>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.id = $1");
    let row = sqlx::query(&sql)
        .bind(item_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode_item).transpose()
}

/// The item labelled `barcode`, with its context.
pub async fn item_by_barcode(
    db: &mut impl Conn,
    barcode: &str,
) -> Result<Option<(Item, ItemContext)>> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE i.barcode = $1");
    let row = sqlx::query(&sql)
        .bind(barcode)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode_item).transpose()
}

/// Whose items a list or review covers.
#[derive(Debug, Clone, Copy)]
pub enum ItemScope<'a> {
    /// Items kept by the stores under this path (custodians).
    Store(&'a str),
    /// Items of cases handled under this path — and, with `legal`, of cases supervised by a
    /// legal office under it (handlers; legal supervisors).
    Cases { path: &'a str, legal: bool },
    /// The items of one case.
    Case(&'a str),
}

impl ItemScope<'_> {
    /// The condition and its three text parameters, from `$1`.
    fn sql(self) -> (&'static str, [String; 3]) {
        match self {
            ItemScope::Store(p) => (
                "so.path LIKE $1 AND $2 = $3",
                [like_prefix(p), String::new(), String::new()],
            ),
            ItemScope::Cases { path, legal } => (
                "(co.path LIKE $1 OR ($2 = 'legal' AND lo.path LIKE $3))",
                [
                    like_prefix(path),
                    if legal { "legal" } else { "" }.to_owned(),
                    like_prefix(path),
                ],
            ),
            ItemScope::Case(id) => (
                "i.case_id = $1 AND $2 = $3",
                [id.to_owned(), String::new(), String::new()],
            ),
        }
    }
}

/// Which items a list shows.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter<'a> {
    pub state: Option<ItemState>,
    pub location_id: Option<&'a str>,
    pub flagged_only: bool,
}

/// Items in `scope`, newest intake first.
pub async fn items_in(
    db: &mut impl Conn,
    scope: ItemScope<'_>,
    f: &ItemFilter<'_>,
    limit: i64,
) -> Result<Vec<(Item, ItemContext)>> {
    let (cond, [a, b, c]) = scope.sql();
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE {cond} \
         AND ($4 = '' OR i.state = $5) AND ($6 = '' OR i.location_id = $7) AND i.flagged >= $8 \
         ORDER BY i.intake_at DESC, i.id LIMIT $9"
    );
    let state = f.state.map(|s| s.as_str()).unwrap_or("");
    let loc = f.location_id.unwrap_or("");
    let rows = sqlx::query(&sql)
        .bind(a)
        .bind(b)
        .bind(c)
        .bind(state)
        .bind(state)
        .bind(loc)
        .bind(loc)
        .bind(flag(f.flagged_only))
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode_item).collect()
}

/// Items in store in `scope` whose case has closed, with their context: the candidates of the
/// disposition review (items of open cases are held and never due).
pub async fn review_candidates(
    db: &mut impl Conn,
    scope: ItemScope<'_>,
) -> Result<Vec<(Item, ItemContext)>> {
    let (cond, [a, b, c]) = scope.sql();
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {ITEM_FROM} WHERE {cond} \
         AND i.state = 'in_store' AND k.closed_at IS NOT NULL ORDER BY k.closed_at, i.id"
    );
    let rows = sqlx::query(&sql)
        .bind(a)
        .bind(b)
        .bind(c)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode_item).collect()
}

/// The review's facts of an item.
pub fn review_facts(item: &Item, ctx: &ItemContext) -> ReviewFacts {
    ReviewFacts {
        item_id: item.id.clone(),
        category: item.category,
        state: item.state,
        case_closed_at: ctx.case_closed_at,
    }
}

/// Applies a decided movement: state, location, holder, seal and flag, and the new head of the
/// chain — only if the head is still the one the decision was made on. False when another
/// movement came first.
pub async fn move_item(db: &mut WriteTx, expected_seq: i64, m: &Moved) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE evidence_items SET state = $1, location_id = $2, holder_id = $3, seal_no = $4, \
         flagged = $5, last_seq = $6, last_digest = $7 WHERE id = $8 AND last_seq = $9",
    )
    .bind(m.state.as_str())
    .bind(m.location_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(m.holder_id.as_ref().map(|h| h.as_str().to_owned()))
    .bind(m.seal_no.clone())
    .bind(flag(m.flagged))
    .bind(m.event.seq)
    .bind(&m.event.digest)
    .bind(m.event.item_id.as_str())
    .bind(expected_seq)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

// ---------------------------------------------------------------------------------------------
// The chain of custody

const EVENT_COLUMNS: &str = "item_id, seq, kind, at, actor_id, from_holder, to_holder, \
     from_location, to_location, place, reason, seal_no, seal_intact, hash_matched, witnesses, \
     prev_digest, digest";

fn decode_event(r: &AnyRow) -> Result<CustodyEvent> {
    let witnesses: String = r.try_get(14)?;
    Ok(CustodyEvent {
        item_id: id(r, 0)?,
        seq: r.try_get(1)?,
        kind: code(r, 2)?,
        at: r.try_get(3)?,
        actor_id: r.try_get(4)?,
        from_holder: r.try_get(5)?,
        to_holder: r.try_get(6)?,
        from_location: r.try_get(7)?,
        to_location: r.try_get(8)?,
        place: r.try_get(9)?,
        reason: r.try_get(10)?,
        seal_no: r.try_get(11)?,
        seal_intact: opt_flag(r, 12)?,
        hash_matched: opt_flag(r, 13)?,
        witnesses: serde_json::from_str(&witnesses).map_err(|_| StoreError::UnknownCode {
            what: "witness list",
            value: witnesses.chars().take(80).collect(),
        })?,
        prev_digest: r.try_get(15)?,
        digest: r.try_get(16)?,
    })
}

/// Appends a custody event (the table refuses anything but appends).
pub async fn insert_event(db: &mut WriteTx, e: &CustodyEvent) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO evidence_events ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12, $13, $14, $15, $16, $17)"
    ))
    .bind(e.item_id.as_str())
    .bind(e.seq)
    .bind(e.kind.as_str())
    .bind(e.at)
    .bind(&e.actor_id)
    .bind(e.from_holder.clone())
    .bind(e.to_holder.clone())
    .bind(e.from_location.clone())
    .bind(e.to_location.clone())
    .bind(&e.place)
    .bind(&e.reason)
    .bind(e.seal_no.clone())
    .bind(e.seal_intact.map(flag))
    .bind(e.hash_matched.map(flag))
    .bind(serde_json::to_string(&e.witnesses).unwrap_or_else(|_| "[]".into()))
    .bind(&e.prev_digest)
    .bind(&e.digest)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// An item's chain of custody, in order.
pub async fn events(db: &mut impl Conn, item_id: &str) -> Result<Vec<CustodyEvent>> {
    let rows = sqlx::query(&format!(
        "SELECT {EVENT_COLUMNS} FROM evidence_events WHERE item_id = $1 ORDER BY seq"
    ))
    .bind(item_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode_event).collect()
}

/// Display names of accounts, by id (for the names in a chain of custody).
pub async fn display_names(db: &mut impl Conn, ids: &[&str]) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(200) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT id, display_name FROM users WHERE id IN ({})",
            params.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(db.raw()).await? {
            out.insert(r.try_get(0)?, r.try_get(1)?);
        }
    }
    Ok(out)
}

/// Whether `user_id` acted on, or held, any item kept under `store_path` (at `location_id`
/// when given): such a person is inside the chain of custody and may not audit it.
pub async fn in_chain(
    db: &mut impl Conn,
    store_path: &str,
    location_id: Option<&str>,
    user_id: &str,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM evidence_events ev JOIN evidence_items i ON i.id = ev.item_id \
         JOIN org_units so ON so.id = i.org_id WHERE so.path LIKE $1 \
         AND ($2 = '' OR i.location_id = $3) \
         AND (ev.actor_id = $4 OR ev.from_holder = $5 OR ev.to_holder = $6)",
    )
    .bind(like_prefix(store_path))
    .bind(location_id.unwrap_or(""))
    .bind(location_id.unwrap_or(""))
    .bind(user_id)
    .bind(user_id)
    .bind(user_id)
    .fetch_one(db.raw())
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

// ---------------------------------------------------------------------------------------------
// Verification against the audit log

/// One thing wrong with a chain of custody as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustodyProblem {
    pub item_id: String,
    pub seq: i64,
    pub what: String,
}

/// What [`Store::verify_custody`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustodyReport {
    pub items: i64,
    pub events: i64,
    /// Empty when every chain is intact and agrees with the audit log.
    pub problems: Vec<CustodyProblem>,
}

/// Actions whose audit entries record a custody event's `seq` and `digest` in their detail.
pub const CUSTODY_ACTIONS: [&str; 3] = [
    "cases.evidence.intake",
    "cases.evidence.move",
    "cases.evidence.integrity",
];

impl Store {
    /// Recomputes every item's chain of custody from its rows (links, digests, no gaps, the
    /// item's recorded head) and compares each event's digest with the one its audit entry
    /// recorded (sequenced or still in the inbox), so an event changed in the database — even
    /// with its digests recomputed — and an event deleted are both reported with the item and
    /// sequence number. Reads only.
    pub async fn verify_custody(&self) -> Result<CustodyReport> {
        let mut conn = self.pool().acquire().await?;
        // What the audit log says each event's digest is: (item, seq) → digest.
        // The heads first: an event committed while this runs has a higher sequence number
        // than its item's head here and is left for the next run, as is a newer item.
        let mut report = CustodyReport::default();
        let mut heads: BTreeMap<String, (i64, String)> = BTreeMap::new();
        for h in sqlx::query("SELECT id, last_seq, last_digest FROM evidence_items")
            .fetch_all(&mut *conn)
            .await?
        {
            heads.insert(h.try_get(0)?, (h.try_get(1)?, h.try_get(2)?));
        }
        // What the audit log says each event's digest is: (item, seq) → digest. The inbox
        // before the log, so an entry the sequencer moves meanwhile is read in the log.
        let mut audited: HashMap<(String, i64), String> = HashMap::new();
        let mut max_audited: HashMap<String, i64> = HashMap::new();
        for table in ["audit_inbox", "audit_log"] {
            let sql = format!(
                "SELECT object_id, detail FROM {table} WHERE object_type = 'evidence_item' \
                 AND action IN ($1, $2, $3)"
            );
            let mut q = sqlx::query(&sql);
            for a in CUSTODY_ACTIONS {
                q = q.bind(a);
            }
            for r in q.fetch_all(&mut *conn).await? {
                let item: String = r.try_get(0)?;
                let detail: String = r.try_get(1)?;
                let v: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
                if let (Some(seq), Some(digest)) = (v["seq"].as_i64(), v["digest"].as_str()) {
                    let top = max_audited.entry(item.clone()).or_insert(0);
                    *top = (*top).max(seq);
                    audited.insert((item, seq), digest.to_owned());
                }
            }
        }
        report.items = heads.len() as i64;
        // Every event, a page at a time in (item, seq) order, checked an item at a time.
        const PAGE: i64 = 5_000;
        let mut after = (String::new(), 0i64);
        let mut current: Option<String> = None;
        let mut group: Vec<CustodyEvent> = Vec::new();
        let mut checked: BTreeSet<String> = BTreeSet::new();
        loop {
            let rows = sqlx::query(&format!(
                "SELECT {EVENT_COLUMNS} FROM evidence_events \
                 WHERE (item_id, seq) > ($1, $2) ORDER BY item_id, seq LIMIT $3"
            ))
            .bind(&after.0)
            .bind(after.1)
            .bind(PAGE)
            .fetch_all(&mut *conn)
            .await?;
            let n = rows.len() as i64;
            for r in &rows {
                let item_id: String = r.try_get(0)?;
                let seq: i64 = r.try_get(1)?;
                after = (item_id.clone(), seq);
                let Some((head, _)) = heads.get(&item_id) else {
                    continue;
                };
                if seq > *head {
                    continue;
                }
                report.events += 1;
                if current.as_deref() != Some(item_id.as_str()) {
                    if let Some(prev) = current.take() {
                        let limit = audit_limit(&mut conn, &prev, &heads, &max_audited).await?;
                        check_item(&prev, &group, &heads, &audited, limit, &mut report.problems);
                        checked.insert(prev);
                    }
                    group.clear();
                    current = Some(item_id.clone());
                }
                match decode_event(r) {
                    Ok(e) => group.push(e),
                    Err(e) => report.problems.push(CustodyProblem {
                        item_id,
                        seq,
                        what: format!("the event's row cannot be read ({e}): it was altered"),
                    }),
                }
            }
            if n < PAGE {
                break;
            }
        }
        if let Some(prev) = current.take() {
            let limit = audit_limit(&mut conn, &prev, &heads, &max_audited).await?;
            check_item(&prev, &group, &heads, &audited, limit, &mut report.problems);
            checked.insert(prev);
        }
        // Items whose every event is gone.
        let unchecked: Vec<String> = heads
            .keys()
            .filter(|i| !checked.contains(*i))
            .cloned()
            .collect();
        for item_id in &unchecked {
            let limit = audit_limit(&mut conn, item_id, &heads, &max_audited).await?;
            check_item(item_id, &[], &heads, &audited, limit, &mut report.problems);
        }
        // Audited events of items that are gone altogether (not of items newer than the heads).
        let mut orphans: Vec<&(String, i64)> = audited
            .keys()
            .filter(|(i, _)| !heads.contains_key(i))
            .collect();
        orphans.sort();
        for (item_id, seq) in orphans {
            let exists = sqlx::query("SELECT COUNT(*) FROM evidence_items WHERE id = $1")
                .bind(item_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get::<i64, _>(0)?
                > 0;
            if exists {
                continue;
            }
            report.problems.push(CustodyProblem {
                item_id: item_id.clone(),
                seq: *seq,
                what: "the audit log records this item's event but the item is gone".into(),
            });
        }
        Ok(report)
    }
}

/// Up to which sequence number an item's audited events must all be in its chain: its head as
/// read at the start — or, when the audit log records later events that the item's head does
/// not reach even now, those too (the head was set back, the events deleted).
async fn audit_limit(
    conn: &mut sqlx::AnyConnection,
    item_id: &str,
    heads: &BTreeMap<String, (i64, String)>,
    max_audited: &HashMap<String, i64>,
) -> Result<i64> {
    let head = heads.get(item_id).map_or(0, |(s, _)| *s);
    let top = max_audited.get(item_id).copied().unwrap_or(0);
    if top <= head {
        return Ok(head);
    }
    let now: i64 = sqlx::query("SELECT last_seq FROM evidence_items WHERE id = $1")
        .bind(item_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(0);
    Ok(if now >= top { head } else { top })
}

/// Checks one item's events: the chain itself (links, digests, sequence, the item's head) and
/// each event against the digest its audit entry recorded, and each audited event present.
fn check_item(
    item_id: &str,
    events: &[CustodyEvent],
    heads: &BTreeMap<String, (i64, String)>,
    audited: &HashMap<(String, i64), String>,
    limit: i64,
    problems: &mut Vec<CustodyProblem>,
) {
    let (last_seq, last_digest) = heads
        .get(item_id)
        .map(|(s, d)| (*s, d.as_str()))
        .unwrap_or((0, ""));
    if let Err(b) = chain::verify_with_head(item_id, events, last_seq, last_digest) {
        problems.push(CustodyProblem {
            item_id: item_id.to_owned(),
            seq: b.seq(),
            what: b.to_string(),
        });
    }
    for e in events {
        match audited.get(&(item_id.to_owned(), e.seq)) {
            Some(d) if *d == e.digest => {}
            Some(_) => problems.push(CustodyProblem {
                item_id: item_id.to_owned(),
                seq: e.seq,
                what: "the event's digest is not the one its audit entry recorded (the event \
                       was changed in the database)"
                    .into(),
            }),
            None => problems.push(CustodyProblem {
                item_id: item_id.to_owned(),
                seq: e.seq,
                what: "no audit entry records this event (it was written behind the \
                       application's back)"
                    .into(),
            }),
        }
    }
    let stored: BTreeSet<i64> = events.iter().map(|e| e.seq).collect();
    for seq in 1..=limit {
        if audited.contains_key(&(item_id.to_owned(), seq)) && !stored.contains(&seq) {
            problems.push(CustodyProblem {
                item_id: item_id.to_owned(),
                seq,
                what: "the audit log records this event but the chain no longer holds it (the \
                       event was deleted, or the item's head set back)"
                    .into(),
            });
        }
    }
}
