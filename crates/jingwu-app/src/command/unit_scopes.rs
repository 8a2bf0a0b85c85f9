//! The facts that authorize a position report — each unit's station (org path) and crew —
//! cached. A thousand terminals each report about once a second, and reading the unit for
//! every report was the server's most frequent query (`jingwu bench push`). An entry is
//! current while no change of a crew or station has committed on this node since it was read
//! (`Store::units_version`), and for at most `MAX_AGE_US`, which bounds how long a change
//! made on another node goes unseen here.

use std::collections::HashMap;
use std::sync::Mutex;

use jingwu_command::records::ScopedUnit;

/// How long an entry is trusted without re-reading it, whatever this node saw.
const MAX_AGE_US: i64 = 10_000_000;

/// More entries than units a city has; past it, the cache starts over.
const MAX_ENTRIES: usize = 20_000;

#[derive(Default)]
pub(crate) struct UnitScopes {
    entries: Mutex<HashMap<String, Entry>>,
}

#[derive(Clone)]
pub(crate) struct UnitScope {
    pub org_path: String,
    pub crew: Vec<String>,
}

struct Entry {
    scope: UnitScope,
    version: u64,
    read_at_us: i64,
}

impl UnitScopes {
    /// The cached scopes of `ids` that are still current, and the ids that must be read.
    pub(crate) fn lookup<'a>(
        &self,
        ids: &[&'a str],
        version: u64,
        now_us: i64,
    ) -> (HashMap<String, UnitScope>, Vec<&'a str>) {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (mut found, mut missing) = (HashMap::new(), Vec::new());
        for id in ids {
            match entries.get(*id) {
                Some(e) if e.version == version && now_us - e.read_at_us < MAX_AGE_US => {
                    found.insert(id.to_string(), e.scope.clone());
                }
                _ => missing.push(*id),
            }
        }
        (found, missing)
    }

    /// Remembers units read at `version` (taken before the read, so a change that commits
    /// meanwhile makes them stale at once).
    pub(crate) fn remember(&self, units: &[ScopedUnit], version: u64, now_us: i64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() + units.len() > MAX_ENTRIES {
            entries.clear();
        }
        for u in units {
            entries.insert(
                u.unit.id.to_string(),
                Entry {
                    scope: UnitScope {
                        org_path: u.org_path.clone(),
                        crew: u.unit.crew.clone(),
                    },
                    version,
                    read_at_us: now_us,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jingwu_command::records::Unit;
    use jingwu_command::unit::{UnitKind, UnitStatus};

    fn unit(id: &str, crew: &[&str]) -> ScopedUnit {
        ScopedUnit {
            unit: Unit {
                id: id.into(),
                call_sign: id.into(),
                kind: UnitKind::PatrolCar,
                org_id: "o1".into(),
                status: UnitStatus::Available,
                status_since: 0,
                incident_id: None,
                crew: crew.iter().map(|c| c.to_string()).collect(),
                travel_mode: UnitKind::PatrolCar.usual_travel_mode(),
                equipment: Vec::new(),
                lat: None,
                lon: None,
                position_at: None,
                created_at: 0,
            },
            org_path: "/330200/".into(),
        }
    }

    #[test]
    fn an_entry_is_current_until_a_unit_change_commits_or_it_ages() {
        let cache = UnitScopes::default();
        cache.remember(&[unit("u1", &["wang"])], 7, 1_000);
        let (found, missing) = cache.lookup(&["u1", "u2"], 7, 1_000 + MAX_AGE_US - 1);
        assert_eq!(found["u1"].crew, vec!["wang".to_string()]);
        assert_eq!(missing, vec!["u2"]);
        assert_eq!(
            cache.lookup(&["u1"], 8, 1_000).1,
            vec!["u1"],
            "a change committed"
        );
        assert_eq!(
            cache.lookup(&["u1"], 7, 1_000 + MAX_AGE_US).1,
            vec!["u1"],
            "too old"
        );
    }
}
