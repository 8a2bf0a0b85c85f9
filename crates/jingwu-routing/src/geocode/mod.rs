//! Street names, house numbers and places beside the road graph, and the geocoder over them:
//! forward (street + house number, crossroads, street and place names, with tolerant matching
//! of Chinese address text) and reverse (the nearest address of a point).
//!
//! The names live apart from the graph's search arrays: an [`AddressBook`] is built once when
//! the network loads (from OSM tags by `jingwu-osm`, or from [`SyntheticCity::addresses`] for
//! the demo city) and never touched by searches.
//!
//! ## Index
//! * Houses are one array sorted by `(street, number)`; a street owns a contiguous range, so
//!   「江东北路340号」 is a hash lookup of the street key and a binary search of its numbers. A
//!   number between two known houses of the same parity is interpolated along the line between
//!   them (the way address interpolation lines work in OSM, `addr:interpolation`).
//! * Names (streets and places, Chinese and English) are matched in four tiers: exact key
//!   (hash map), prefix (binary search in the sorted keys: what a call-taker has typed so far),
//!   one edit (a missing, extra or wrong character: a deletion neighbourhood, each key with
//!   one character deleted in a hash map) and character bigrams (an inverted index scored by
//!   the Dice coefficient) for names further off.
//! * Crossroads are a hash map from the pair of street ids to the point where they meet.
//! * Reverse geocoding is a nearest-neighbour query in R*-trees over house points and named
//!   road pieces, in a local metric projection.
//!
//! [`SyntheticCity::addresses`]: crate::SyntheticCity::addresses

mod normalize;
mod synthetic_names;

use std::collections::HashMap;

use rstar::primitives::{GeomWithData, Line};
use rstar::{PointDistance, RTree};

use crate::geo_util::{LocalProjection, lerp};
use crate::graph::{from_fixed, to_fixed};

pub use normalize::{
    HouseQuery, admin_variants, crossroads_query, house_queries, normalize, strip_noise,
};

/// What a candidate stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchKind {
    /// A known house number.
    House,
    /// A number placed between two known houses of the street.
    Interpolated,
    /// Where two streets meet.
    Crossroads,
    /// A street as a whole (a point in its middle).
    Street,
    /// A named place or a site handed in by the caller (key site, station).
    Place,
}

impl MatchKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::House => "house",
            MatchKind::Interpolated => "interpolated",
            MatchKind::Crossroads => "crossroads",
            MatchKind::Street => "street",
            MatchKind::Place => "place",
        }
    }
}

/// A named point: an OSM place, or a key site or station handed in at query time.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub name_en: String,
    /// Free text the caller understands (`place`, `key_site`, `station`, OSM `place=*`).
    pub kind: String,
    pub lat: f64,
    pub lon: f64,
}

/// One forward-geocoding answer. `score` is in (0, 1], 1 for an exact address.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub label: String,
    pub label_en: String,
    pub kind: MatchKind,
    /// The place kind for [`MatchKind::Place`], else the match kind.
    pub detail: String,
    pub lat: f64,
    pub lon: f64,
    pub score: f64,
}

/// The address nearest to a point.
#[derive(Debug, Clone, PartialEq)]
pub struct ReverseHit {
    pub label: String,
    pub label_en: String,
    pub kind: MatchKind,
    pub street: String,
    pub lat: f64,
    pub lon: f64,
    pub distance_m: f64,
}

#[derive(Debug, Clone)]
struct Street {
    name: Box<str>,
    name_en: Box<str>,
    /// Houses are `houses[first..end]`, sorted by number.
    first: u32,
    end: u32,
    anchor: Option<(i32, i32)>,
}

#[derive(Debug, Clone)]
struct House {
    street: u32,
    number: u32,
    /// The house number as written when it is more than digits (「12-3」, 「12A」).
    text: Option<Box<str>>,
    lat: i32,
    lon: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Target {
    Street(u32),
    Place(u32),
}

/// Collects names while a network is imported; [`AddressBookBuilder::build`] indexes them.
#[derive(Debug, Default)]
pub struct AddressBookBuilder {
    streets: Vec<Street>,
    by_key: HashMap<String, u32>,
    pieces: Vec<(u32, [(f64, f64); 2])>,
    houses: Vec<House>,
    places: Vec<Place>,
    crossings: HashMap<(u32, u32), (i32, i32)>,
}

impl AddressBookBuilder {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of the street named `name` (created on first use; the first English name given
    /// is kept). `None` for an empty name.
    pub fn street(&mut self, name: &str, name_en: &str) -> Option<u32> {
        let key = normalize(name);
        if key.is_empty() {
            return None;
        }
        if let Some(&id) = self.by_key.get(&key) {
            let s = &mut self.streets[id as usize];
            if s.name_en.is_empty() && !name_en.trim().is_empty() {
                s.name_en = name_en.trim().into();
            }
            return Some(id);
        }
        let id = u32::try_from(self.streets.len()).ok()?;
        self.streets.push(Street {
            name: name.trim().into(),
            name_en: name_en.trim().into(),
            first: 0,
            end: 0,
            anchor: None,
        });
        self.by_key.insert(key, id);
        Some(id)
    }

    /// Adds a stretch of the street's centre line (`(lat, lon)` points).
    pub fn add_line(&mut self, street: u32, line: &[(f64, f64)]) {
        if street as usize >= self.streets.len() {
            return;
        }
        for w in line.windows(2) {
            self.pieces.push((street, [w[0], w[1]]));
        }
    }

    /// Adds a house. `number` is the house number as written (「340」, 「340号」, 「12-3」); one
    /// without a leading number is ignored.
    pub fn add_house(&mut self, street: u32, number: &str, lat: f64, lon: f64) {
        // Lists and notes after the number (「2;4」, 「2, 2. krs」) name the first house.
        let raw = number
            .split([',', ';', '，', '；'])
            .next()
            .unwrap_or("")
            .trim();
        let raw = raw
            .strip_suffix('号')
            .or_else(|| raw.strip_suffix('號'))
            .unwrap_or(raw)
            .trim();
        let key = normalize(raw);
        let digits = &key[..key.find(|c: char| !c.is_ascii_digit()).unwrap_or(key.len())];
        let Ok(n) = digits.parse::<u32>() else {
            return;
        };
        if street as usize >= self.streets.len() || crate::check_coord(lat, lon).is_err() {
            return;
        }
        self.houses.push(House {
            street,
            number: n,
            text: (digits.len() < key.len()).then(|| raw.into()),
            lat: to_fixed(lat),
            lon: to_fixed(lon),
        });
    }

    /// Records that streets `a` and `b` meet at a point (the first point given is kept).
    pub fn add_crossing(&mut self, a: u32, b: u32, lat: f64, lon: f64) {
        if a == b || crate::check_coord(lat, lon).is_err() {
            return;
        }
        self.crossings
            .entry((a.min(b), a.max(b)))
            .or_insert((to_fixed(lat), to_fixed(lon)));
    }

    /// Adds a named place.
    pub fn add_place(&mut self, place: Place) {
        if !normalize(&place.name).is_empty() && crate::check_coord(place.lat, place.lon).is_ok() {
            self.places.push(place);
        }
    }

    /// Builds the indexes.
    #[must_use]
    pub fn build(mut self) -> AddressBook {
        self.houses
            .sort_by(|a, b| (a.street, a.number, &a.text).cmp(&(b.street, b.number, &b.text)));
        let mut i = 0;
        while i < self.houses.len() {
            let s = self.houses[i].street;
            let start = i;
            while i < self.houses.len() && self.houses[i].street == s {
                i += 1;
            }
            if let Some(st) = self.streets.get_mut(s as usize) {
                st.first = start as u32;
                st.end = i as u32;
            }
        }
        // A street's anchor: the middle point of its line, else of its houses.
        let mut lines: Vec<Vec<(f64, f64)>> = vec![Vec::new(); self.streets.len()];
        for (s, [a, b]) in &self.pieces {
            lines[*s as usize].push(lerp(*a, *b, 0.5));
        }
        for (s, st) in self.streets.iter_mut().enumerate() {
            let pts = &lines[s];
            st.anchor = if pts.is_empty() {
                self.houses[st.first as usize..st.end as usize]
                    .get((st.end - st.first) as usize / 2)
                    .map(|h| (h.lat, h.lon))
            } else {
                let (la, lo) = pts[pts.len() / 2];
                Some((to_fixed(la), to_fixed(lo)))
            };
        }
        let (lat0, lon0) = self
            .pieces
            .first()
            .map(|(_, [a, _])| *a)
            .or_else(|| {
                self.houses
                    .first()
                    .map(|h| (from_fixed(h.lat), from_fixed(h.lon)))
            })
            .or_else(|| self.places.first().map(|p| (p.lat, p.lon)))
            .unwrap_or((0.0, 0.0));
        let proj = LocalProjection::new(lat0, lon0);
        let house_tree = RTree::bulk_load(
            self.houses
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    GeomWithData::new(proj.project(from_fixed(h.lat), from_fixed(h.lon)), i as u32)
                })
                .collect(),
        );
        let street_tree = RTree::bulk_load(
            self.pieces
                .iter()
                .map(|(s, [a, b])| {
                    GeomWithData::new(
                        Line::new(proj.project(a.0, a.1), proj.project(b.0, b.1)),
                        *s,
                    )
                })
                .collect(),
        );
        let mut names = NameIndex::default();
        for (i, s) in self.streets.iter().enumerate() {
            names.add(&s.name, Target::Street(i as u32));
            names.add(&s.name_en, Target::Street(i as u32));
        }
        for (i, p) in self.places.iter().enumerate() {
            names.add(&p.name, Target::Place(i as u32));
            names.add(&p.name_en, Target::Place(i as u32));
        }
        names.finish();
        AddressBook {
            proj,
            streets: self.streets,
            by_key: self.by_key,
            houses: self.houses,
            places: self.places,
            crossings: self.crossings,
            names,
            house_tree,
            street_tree,
        }
    }
}

/// Name lookup in four tiers: exact, prefix, one edit, bigram (see the module docs).
#[derive(Debug, Default, Clone)]
struct NameIndex {
    /// Sorted by key after [`NameIndex::finish`].
    keys: Vec<(Box<str>, Target)>,
    bigrams: HashMap<(char, char), Vec<u32>>,
    /// Each key of [`MIN_EDIT_CHARS`] or more with one character deleted, to the keys it came
    /// from: a query one character off (missing, extra or wrong) shares a deletion with its
    /// key, so the typo 「江北路」 finds 「江东北路」 where the bigrams of so short a name share
    /// too little.
    deletions: HashMap<Box<str>, Vec<u32>>,
}

/// Keys shorter than this are not matched one edit away (「中路」 is one edit from too much).
const MIN_EDIT_CHARS: usize = 3;
/// Score of a name one edit away from the query.
const ONE_EDIT_SCORE: f64 = 0.8;

/// `key` with each one of its characters deleted in turn.
fn deletions(key: &str) -> impl Iterator<Item = String> + '_ {
    key.char_indices()
        .map(move |(i, c)| format!("{}{}", &key[..i], &key[i + c.len_utf8()..]))
}

fn bigrams(key: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = key.chars().collect();
    let mut v: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// How well `query` names `key` (both normalised): 1 exact, 0.7-1 a prefix of it, up to 0.85
/// by shared bigrams (Dice coefficient), 0 below a Dice of 0.5.
fn name_score(query: &str, key: &str) -> f64 {
    if query == key {
        return 1.0;
    }
    if key.starts_with(query) {
        let (q, k) = (query.chars().count(), key.chars().count());
        return 0.7 + 0.25 * q as f64 / k as f64;
    }
    let (qb, kb) = (bigrams(query), bigrams(key));
    if qb.is_empty() || kb.is_empty() {
        return 0.0;
    }
    let shared = qb.iter().filter(|b| kb.binary_search(b).is_ok()).count();
    let dice = 2.0 * shared as f64 / (qb.len() + kb.len()) as f64;
    if dice >= 0.5 { 0.85 * dice } else { 0.0 }
}

/// Most entries looked at per tier, so that a one-character prefix stays cheap.
const TIER_CAP: usize = 200;

impl NameIndex {
    fn add(&mut self, name: &str, t: Target) {
        let key = normalize(name);
        if !key.is_empty() {
            self.keys.push((key.into(), t));
        }
    }

    fn finish(&mut self) {
        self.keys.sort();
        self.keys.dedup();
        for (i, (k, _)) in self.keys.iter().enumerate() {
            for b in bigrams(k) {
                self.bigrams.entry(b).or_default().push(i as u32);
            }
            if k.chars().count() >= MIN_EDIT_CHARS {
                for d in deletions(k) {
                    self.deletions.entry(d.into()).or_default().push(i as u32);
                }
            }
        }
    }

    /// Keys one edit from `query`: it lacks one of their characters, has one too many, or one
    /// wrong.
    fn one_edit(&self, query: &str, mut found: impl FnMut(u32)) {
        if query.chars().count() + 1 < MIN_EDIT_CHARS {
            return;
        }
        for &i in self.deletions.get(query).into_iter().flatten() {
            found(i);
        }
        for d in deletions(query) {
            if d.chars().count() >= MIN_EDIT_CHARS {
                let at = self.keys.partition_point(|(key, _)| **key < *d);
                (at..self.keys.len())
                    .take_while(|&i| *self.keys[i].0 == *d)
                    .for_each(|i| found(i as u32));
            }
            for &i in self.deletions.get(d.as_str()).into_iter().flatten() {
                found(i);
            }
        }
    }

    /// Targets named by `query`, best first, at most `max`.
    fn lookup(&self, query: &str, max: usize) -> Vec<(Target, f64)> {
        let mut best: HashMap<Target, f64> = HashMap::new();
        let mut note = |t: Target, s: f64| {
            if s > 0.0 {
                let e = best.entry(t).or_insert(0.0);
                *e = e.max(s);
            }
        };
        // Exact and prefix matches are one sorted range.
        let start = self.keys.partition_point(|(k, _)| &**k < query);
        for (k, t) in self.keys[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(query))
            .take(TIER_CAP)
        {
            note(*t, name_score(query, k));
        }
        let mut edits = Vec::new();
        self.one_edit(query, |i| edits.push(i));
        for i in edits.into_iter().take(TIER_CAP) {
            let (k, t) = &self.keys[i as usize];
            note(*t, name_score(query, k).max(ONE_EDIT_SCORE));
        }
        let qb = bigrams(query);
        let mut shared: HashMap<u32, u32> = HashMap::new();
        for b in &qb {
            if let Some(list) = self.bigrams.get(b) {
                for &i in list {
                    *shared.entry(i).or_insert(0) += 1;
                }
            }
        }
        // Only keys sharing at least half the query's bigrams can reach a Dice of 0.5.
        let need = (qb.len() as u32).div_ceil(2).max(1);
        let mut fuzzy: Vec<(u32, u32)> = shared.into_iter().filter(|&(_, n)| n >= need).collect();
        fuzzy.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (i, _) in fuzzy.into_iter().take(TIER_CAP) {
            let (k, t) = &self.keys[i as usize];
            note(*t, name_score(query, k));
        }
        let mut out: Vec<(Target, f64)> = best.into_iter().collect();
        out.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(target_order(a.0).cmp(&target_order(b.0)))
        });
        out.truncate(max);
        out
    }
}

fn target_order(t: Target) -> (u8, u32) {
    match t {
        Target::Street(i) => (0, i),
        Target::Place(i) => (1, i),
    }
}

/// Street names, house numbers, crossroads and places of a road network, indexed for
/// geocoding. Built once by [`AddressBookBuilder::build`]; read-only afterwards.
#[derive(Debug, Clone)]
pub struct AddressBook {
    proj: LocalProjection,
    streets: Vec<Street>,
    by_key: HashMap<String, u32>,
    houses: Vec<House>,
    places: Vec<Place>,
    crossings: HashMap<(u32, u32), (i32, i32)>,
    names: NameIndex,
    house_tree: RTree<GeomWithData<[f64; 2], u32>>,
    street_tree: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
}

/// Streets considered per street part of a query.
const STREETS_PER_PART: usize = 5;
/// A candidate for a query that had to lose its administrative prefix ranks just below one that
/// matched as typed.
const STRIPPED_PENALTY: f64 = 0.98;

impl AddressBook {
    /// An empty book (a network without names).
    #[must_use]
    pub fn empty() -> Self {
        AddressBookBuilder::new().build()
    }

    #[must_use]
    pub fn street_count(&self) -> usize {
        self.streets.len()
    }

    #[must_use]
    pub fn house_count(&self) -> usize {
        self.houses.len()
    }

    #[must_use]
    pub fn place_count(&self) -> usize {
        self.places.len()
    }

    /// The named road pieces crossing a box, as `(street, [(lat, lon); 2])`.
    #[must_use]
    pub fn pieces_in_box(
        &self,
        min_lat: f64,
        min_lon: f64,
        max_lat: f64,
        max_lon: f64,
    ) -> Vec<(u32, [(f64, f64); 2])> {
        let env = rstar::AABB::from_corners(
            self.proj.project(min_lat, min_lon),
            self.proj.project(max_lat, max_lon),
        );
        self.street_tree
            .locate_in_envelope_intersecting(&env)
            .map(|p| {
                let line = p.geom();
                (
                    p.data,
                    [self.proj.unproject(line.from), self.proj.unproject(line.to)],
                )
            })
            .collect()
    }

    /// A street's Chinese and English names (empty for an unknown id).
    #[must_use]
    pub fn street_names(&self, street: u32) -> (&str, &str) {
        self.streets
            .get(street as usize)
            .map_or(("", ""), |s| (&s.name, &s.name_en))
    }

    /// The named places inside a box.
    pub fn places_in_box(
        &self,
        min_lat: f64,
        min_lon: f64,
        max_lat: f64,
        max_lon: f64,
    ) -> impl Iterator<Item = &Place> + '_ {
        self.places.iter().filter(move |p| {
            (min_lat..=max_lat).contains(&p.lat) && (min_lon..=max_lon).contains(&p.lon)
        })
    }

    /// Every house as `(label, lat, lon)` (for tests and exports).
    pub fn houses(&self) -> impl Iterator<Item = (String, f64, f64)> + '_ {
        self.houses
            .iter()
            .map(|h| (self.house_label(h).0, from_fixed(h.lat), from_fixed(h.lon)))
    }

    /// Every crossroads as `(street a, street b, lat, lon)`.
    pub fn crossings(&self) -> impl Iterator<Item = (&str, &str, f64, f64)> + '_ {
        self.crossings.iter().map(|(&(a, b), &(la, lo))| {
            (
                &*self.streets[a as usize].name,
                &*self.streets[b as usize].name,
                from_fixed(la),
                from_fixed(lo),
            )
        })
    }

    fn house_label(&self, h: &House) -> (String, String) {
        let num = h
            .text
            .as_deref()
            .map_or_else(|| h.number.to_string(), str::to_string);
        address_label(&self.streets[h.street as usize], &num)
    }

    /// Candidates for `query`, best first, at most `limit`. `extra` are places known only to
    /// the caller (key sites and stations of its jurisdiction), matched like the book's places.
    #[must_use]
    pub fn geocode(&self, query: &str, extra: &[Place], limit: usize) -> Vec<Candidate> {
        let full = normalize(query);
        let key = strip_noise(&full);
        let mut out: Vec<Candidate> = Vec::new();
        if key.is_empty() || limit == 0 {
            return out;
        }
        for (n, v) in admin_variants(key).into_iter().enumerate() {
            let weight = if n == 0 { 1.0 } else { STRIPPED_PENALTY };
            let before = out.len();
            for hq in house_queries(v) {
                self.house_candidates(&hq, &mut out);
            }
            if let Some((a, b)) = crossroads_query(v) {
                self.crossing_candidates(a, &b, &mut out);
            }
            for (t, s) in self.names.lookup(v, limit.max(STREETS_PER_PART)) {
                out.extend(self.name_candidate(t, s));
            }
            for p in extra {
                let s =
                    name_score(v, &normalize(&p.name)).max(name_score(v, &normalize(&p.name_en)));
                if s > 0.0 {
                    out.push(place_candidate(p, s));
                }
            }
            for c in &mut out[before..] {
                c.score *= weight;
            }
        }
        // One candidate per label, the best; then best first.
        out.sort_by(|a, b| a.label.cmp(&b.label).then(b.score.total_cmp(&a.score)));
        out.dedup_by(|a, b| a.label == b.label);
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.label.cmp(&b.label)));
        out.truncate(limit);
        out
    }

    /// Streets named by `part`: the exact key first, else the name index.
    fn streets_named(&self, part: &str) -> Vec<(u32, f64)> {
        if let Some(&id) = self.by_key.get(part) {
            return vec![(id, 1.0)];
        }
        self.names
            .lookup(part, STREETS_PER_PART * 2)
            .into_iter()
            .filter_map(|(t, s)| match t {
                Target::Street(id) => Some((id, s)),
                Target::Place(_) => None,
            })
            .take(STREETS_PER_PART)
            .collect()
    }

    fn house_candidates(&self, q: &HouseQuery<'_>, out: &mut Vec<Candidate>) {
        for (sid, s) in self.streets_named(q.street) {
            let st = &self.streets[sid as usize];
            let houses = &self.houses[st.first as usize..st.end as usize];
            let (label, label_en) = address_label(st, &format!("{}{}", q.number, q.suffix));
            let at = houses.partition_point(|h| h.number < q.number);
            let same = houses[at..]
                .iter()
                .take_while(|h| h.number == q.number)
                .collect::<Vec<_>>();
            // 「12-3」 is house 12-3 when known, else house 12; plain 「12」 prefers the plain house.
            let wanted = format!("{}{}", q.number, q.suffix);
            let matches = |h: &House| match &h.text {
                Some(t) => normalize(t) == wanted,
                None => q.suffix.is_empty(),
            };
            let exact = same.iter().find(|h| matches(h)).or(same.first());
            if let Some(h) = exact {
                let s = if matches(h) { s } else { 0.95 * s };
                let (label, label_en) = self.house_label(h);
                out.push(Candidate {
                    label,
                    label_en,
                    kind: MatchKind::House,
                    detail: MatchKind::House.as_str().into(),
                    lat: from_fixed(h.lat),
                    lon: from_fixed(h.lon),
                    score: s,
                });
                continue;
            }
            // Nearest known houses below and above, of the same parity when there is one
            // close by (odd and even numbers are on opposite sides of Chinese streets).
            let parity = q.number % 2;
            let pick = |it: &mut dyn Iterator<Item = &House>| -> Option<(u32, i32, i32)> {
                let near: Vec<&House> = it.take(8).collect();
                near.iter()
                    .find(|h| h.number % 2 == parity)
                    .or(near.first())
                    .map(|h| (h.number, h.lat, h.lon))
            };
            let lo = pick(&mut houses[..at].iter().rev());
            let hi = pick(&mut houses[at..].iter());
            let (point, score) = match (lo, hi) {
                (Some(a), Some(b)) => {
                    let t = f64::from(q.number - a.0) / f64::from((b.0 - a.0).max(1));
                    let pa = (from_fixed(a.1), from_fixed(a.2));
                    let pb = (from_fixed(b.1), from_fixed(b.2));
                    (lerp(pa, pb, t), 0.9 * s)
                }
                // Beyond the known numbers: the street's end, less sure.
                (Some(a), None) | (None, Some(a)) => ((from_fixed(a.1), from_fixed(a.2)), 0.6 * s),
                (None, None) => match st.anchor {
                    Some((la, lo)) => ((from_fixed(la), from_fixed(lo)), 0.5 * s),
                    None => continue,
                },
            };
            let kind = if houses.is_empty() {
                MatchKind::Street
            } else {
                MatchKind::Interpolated
            };
            out.push(Candidate {
                label,
                label_en,
                kind,
                detail: kind.as_str().into(),
                lat: point.0,
                lon: point.1,
                score,
            });
        }
    }

    fn crossing_candidates(&self, a: &str, b: &str, out: &mut Vec<Candidate>) {
        let sa = self.streets_named(a);
        let sb = self.streets_named(b);
        for &(x, scx) in &sa {
            for &(y, scy) in &sb {
                let Some(&(la, lo)) = self.crossings.get(&(x.min(y), x.max(y))) else {
                    continue;
                };
                let (s1, s2) = (&self.streets[x as usize], &self.streets[y as usize]);
                out.push(Candidate {
                    label: format!("{}与{}交叉口", s1.name, s2.name),
                    label_en: format!("{} & {}", english(s1), english(s2)),
                    kind: MatchKind::Crossroads,
                    detail: MatchKind::Crossroads.as_str().into(),
                    lat: from_fixed(la),
                    lon: from_fixed(lo),
                    score: scx * scy,
                });
            }
        }
    }

    fn name_candidate(&self, t: Target, score: f64) -> Option<Candidate> {
        match t {
            Target::Street(i) => {
                let s = &self.streets[i as usize];
                let (la, lo) = s.anchor?;
                Some(Candidate {
                    label: s.name.to_string(),
                    label_en: english(s),
                    kind: MatchKind::Street,
                    detail: MatchKind::Street.as_str().into(),
                    lat: from_fixed(la),
                    lon: from_fixed(lo),
                    // A street as a whole is less useful than a point on it.
                    score: score * 0.8,
                })
            }
            Target::Place(i) => self
                .places
                .get(i as usize)
                .map(|p| place_candidate(p, score)),
        }
    }

    /// The address nearest to a point within `max_m` metres: a house when one is about as
    /// near as the nearest named road, else the road. `None` when nothing named is near.
    #[must_use]
    pub fn reverse(&self, lat: f64, lon: f64, max_m: f64) -> Option<ReverseHit> {
        if crate::check_coord(lat, lon).is_err() {
            return None;
        }
        let p = self.proj.project(lat, lon);
        let house = self
            .house_tree
            .nearest_neighbor(&p)
            .map(|h| (h.data, h.geom().distance_2(&p).sqrt()))
            .filter(|&(_, d)| d <= max_m);
        let street = self
            .street_tree
            .nearest_neighbor(&p)
            .map(|s| {
                (
                    s.data,
                    s.geom().distance_2(&p).sqrt(),
                    s.geom().nearest_point(&p),
                )
            })
            .filter(|&(_, d, _)| d <= max_m);
        // Houses stand beside the road, so a house a little farther than the road still names
        // the spot better.
        const HOUSE_SLACK_M: f64 = 40.0;
        match (house, street) {
            (Some((h, dh)), s) if s.is_none_or(|(_, ds, _)| dh <= ds + HOUSE_SLACK_M) => {
                let h = &self.houses[h as usize];
                let (label, label_en) = self.house_label(h);
                Some(ReverseHit {
                    label,
                    label_en,
                    kind: MatchKind::House,
                    street: self.streets[h.street as usize].name.to_string(),
                    lat: from_fixed(h.lat),
                    lon: from_fixed(h.lon),
                    distance_m: dh,
                })
            }
            (_, Some((s, ds, at))) => {
                let st = &self.streets[s as usize];
                let (la, lo) = self.proj.unproject(at);
                Some(ReverseHit {
                    label: st.name.to_string(),
                    label_en: english(st),
                    kind: MatchKind::Street,
                    street: st.name.to_string(),
                    lat: la,
                    lon: lo,
                    distance_m: ds,
                })
            }
            _ => None,
        }
    }
}

/// A street and house number as people write them: 「江东北路340号」 for a Chinese street name,
/// 「Mannerheimintie 12a」 otherwise; in English 「340 Jiangdong North Road」.
fn address_label(s: &Street, num: &str) -> (String, String) {
    let chinese = s
        .name
        .chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c));
    let zh = if chinese {
        format!("{}{num}号", s.name)
    } else {
        format!("{} {num}", s.name)
    };
    let en = if chinese && !s.name_en.is_empty() {
        format!("{num} {}", s.name_en)
    } else {
        zh.clone()
    };
    (zh, en)
}

fn english(s: &Street) -> String {
    if s.name_en.is_empty() {
        s.name.to_string()
    } else {
        s.name_en.to_string()
    }
}

fn place_candidate(p: &Place, score: f64) -> Candidate {
    Candidate {
        label: p.name.clone(),
        label_en: if p.name_en.is_empty() {
            p.name.clone()
        } else {
            p.name_en.clone()
        },
        kind: MatchKind::Place,
        detail: p.kind.clone(),
        lat: p.lat,
        lon: p.lon,
        score,
    }
}

#[cfg(test)]
mod tests;
