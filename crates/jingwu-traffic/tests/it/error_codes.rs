use std::collections::BTreeSet;

use jingwu_traffic::error_codes::{FIELDS, PROBLEMS};

#[test]
fn codes_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    let problems = PROBLEMS.iter();
    for p in problems {
        assert!(seen.insert(p.code), "{} twice", p.code);
        assert!((400..600).contains(&p.status), "{}", p.code);
        assert!(
            !p.title_en.is_empty() && !p.title_zh.is_empty(),
            "{}",
            p.code
        );
    }
    let fields = FIELDS.iter();
    for f in fields {
        assert!(seen.insert(f.code), "{} twice", f.code);
        assert!(
            !f.title_en.is_empty() && !f.title_zh.is_empty(),
            "{}",
            f.code
        );
    }
    for p in PROBLEMS {
        assert!(
            p.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{}",
            p.code
        );
    }
}
