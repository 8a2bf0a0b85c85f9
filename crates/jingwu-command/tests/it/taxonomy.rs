use jingwu_command::taxonomy::*;
use jingwu_command::unit::{FitLevel, Tier, UnitKind, UnitStatus};

/// Every text enum: `as_str` ↔ `parse` round trip and agreement with serde's spelling.
fn round_trip<T>(all: &[T])
where
    T: Copy
        + std::fmt::Debug
        + PartialEq
        + serde::Serialize
        + serde::de::DeserializeOwned
        + std::fmt::Display,
    T: std::str::FromStr,
    <T as std::str::FromStr>::Err: std::fmt::Debug,
{
    let mut seen = std::collections::HashSet::new();
    for v in all {
        let text = v.to_string();
        assert!(seen.insert(text.clone()), "duplicate code {text}");
        assert_eq!(text.parse::<T>().unwrap(), *v);
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::Value::String(text.clone())
        );
        let back: T = serde_json::from_value(serde_json::Value::String(text.clone())).unwrap();
        assert_eq!(back, *v);
        assert!(text.to_uppercase().parse::<T>().is_err() || text.to_uppercase() == text);
    }
}

#[test]
fn enums_round_trip_as_text_and_serde() {
    round_trip(&Category::ALL);
    round_trip(&Subcategory::ALL);
    round_trip(&Priority::ALL);
    round_trip(&Source::ALL);
    round_trip(&UnitKind::ALL);
    round_trip(&UnitStatus::ALL);
    round_trip(&Tier::ALL);
    round_trip(&FitLevel::ALL);
}

#[test]
fn parse_rejects_unknown_codes_naming_the_kind() {
    let check = |got: Result<(), String>, want: &str| assert_eq!(got.unwrap_err(), want);
    check(
        Category::parse("Criminal")
            .map(drop)
            .map_err(|e| e.to_string()),
        "unknown category code \"Criminal\"",
    );
    check(
        Subcategory::parse("").map(drop).map_err(|e| e.to_string()),
        "unknown subcategory code \"\"",
    );
    check(
        Priority::parse("P1").map(drop).map_err(|e| e.to_string()),
        "unknown priority code \"P1\"",
    );
    check(
        Source::parse("110").map(drop).map_err(|e| e.to_string()),
        "unknown source code \"110\"",
    );
}

#[test]
fn labels_are_present_and_distinct_within_a_category() {
    for c in &Category::ALL {
        assert!(!c.label_zh().is_empty() && !c.label_en().is_empty());
        let subs: Vec<_> = c.subcategories().collect();
        let mut zh: Vec<_> = subs.iter().map(|s| s.label_zh()).collect();
        zh.sort();
        zh.dedup();
        assert_eq!(zh.len(), subs.len(), "{c}: duplicate zh labels");
        for s in subs {
            assert!(!s.label_en().is_empty());
            assert_eq!(s.info().code, s.as_str());
        }
    }
}

#[test]
fn pairs_validate_at_the_boundaries() {
    let check = |c: &str, s: &str, ok: bool| {
        let r = parse_pair(c, s);
        assert_eq!(r.is_ok(), ok, "{c}/{s}: {r:?}");
    };
    check("criminal", "robbery", true);
    check("criminal", "other_criminal", true);
    check("traffic", "injury_collision", true);
    check("traffic", "robbery", false);
    check("other", "other", true);
    check("dispute", "other", false);
    check("criminal", "nope", false);
    check("nope", "robbery", false);
    // every sub-category is valid with its own category and with no other
    for s in &Subcategory::ALL {
        for c in &Category::ALL {
            assert_eq!(validate(*c, *s).is_ok(), s.category() == *c);
        }
    }
}

#[test]
fn incident_type_serde_refuses_mismatched_pairs() {
    let ok: IncidentType =
        serde_json::from_str(r#"{"category":"criminal","subcategory":"assault"}"#).unwrap();
    assert_eq!(ok, IncidentType::of(Subcategory::Assault));
    assert_eq!(ok.internal_code(), "criminal.assault");
    let err =
        serde_json::from_str::<IncidentType>(r#"{"category":"traffic","subcategory":"assault"}"#)
            .unwrap_err();
    assert!(
        err.to_string().contains("belongs to category criminal"),
        "{err}"
    );
    assert_eq!(
        serde_json::to_string(&IncidentType::of(Subcategory::Congestion)).unwrap(),
        r#"{"category":"traffic","subcategory":"congestion"}"#
    );
}

#[test]
fn violent_flags_and_apco_codes() {
    let check = |s: Subcategory, violent: bool, apco: Option<&str>| {
        assert_eq!(s.violent(), violent, "{s} violent");
        assert_eq!(s.apco_code(), apco, "{s} apco");
    };
    check(Subcategory::Assault, true, Some("ASSAULT"));
    check(Subcategory::Robbery, true, Some("ROBBERY"));
    check(Subcategory::Homicide, true, Some("HOMICIDE"));
    check(Subcategory::Hostage, true, Some("HOSTAGE"));
    check(Subcategory::ArmedThreat, true, Some("WEAPON"));
    check(Subcategory::Theft, false, Some("LARCENY"));
    check(Subcategory::DrunkDriving, false, Some("DUI"));
    check(Subcategory::Congestion, false, None);
    check(Subcategory::NeighbourDispute, false, None);
}

/// The APCO codes used must be members of `apcoIncidentCategoryCodeSimpleType` in
/// NENA911/EIDO-JSON `Schema/NIEMComponents/apco.yaml` (the subset we map, copied as facts).
#[test]
fn apco_codes_are_from_the_apco_enum() {
    const APCO_SUBSET: &[&str] = &[
        "ANIMAL", "ASSAULT", "ASSIST", "BURGLARY", "CIVIL", "DISORD", "DISVEH", "DROWN", "DRUGS",
        "DUI", "ENTRAP", "EXPLOS", "FIGHT", "FRAUD", "FSTRU", "FVEH", "GASLEAK", "HAZMAT",
        "HOMICIDE", "HOSTAGE", "INFO", "LARCENY", "MVA", "MVAHR", "MVAINJY", "NOISE", "PARKING",
        "PERMISS", "PROPFND", "PROPLOST", "RECKDRV", "RESCUE", "ROBBERY", "SEXOFFNS", "SHOOT",
        "SICK", "STABBING", "SUICTHRT", "TRESPASS", "VANDAL", "VEHSTLN", "WEAPON", "WELFARE",
    ];
    for s in &Subcategory::ALL {
        if let Some(code) = s.apco_code() {
            assert!(APCO_SUBSET.contains(&code), "{s}: {code}");
        }
    }
}

#[test]
fn priorities_order_and_targets() {
    let check = |p: Priority, n: u8, target_s: i64| {
        assert_eq!(p.number(), n);
        assert_eq!(p.default_target_s(), target_s);
    };
    check(Priority::P1, 1, 300);
    check(Priority::P2, 2, 600);
    check(Priority::P3, 3, 1200);
    check(Priority::P4, 4, 3600);
    assert!(Priority::P1 < Priority::P4);
    for s in Subcategory::ALL.iter().filter(|s| s.violent()) {
        assert_eq!(s.info().suggested_priority, Priority::P1, "{s}");
    }
}

#[test]
fn sources() {
    assert!(Source::Call110.has_caller());
    assert!(Source::WalkIn.has_caller());
    assert!(!Source::VideoPatrol.has_caller());
}
