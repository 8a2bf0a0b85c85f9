use std::collections::{BTreeMap, BTreeSet};

use jingwu_traffic::quiz::{BANK, draw, passed, score};
use jingwu_traffic::{PASS_MARK, QUIZ_LEN, QuestionCategory};

#[test]
fn the_bank_is_well_formed() {
    assert!(BANK.len() >= 30);
    let mut ids = BTreeSet::new();
    let mut per_category: BTreeMap<QuestionCategory, usize> = BTreeMap::new();
    let mut answer_positions = BTreeSet::new();
    for q in BANK {
        assert!(ids.insert(q.id), "{} twice", q.id);
        *per_category.entry(q.category).or_default() += 1;
        assert_eq!(q.choices_zh.len(), q.choices_en.len(), "{}", q.id);
        assert!(q.choices_zh.len() >= 2, "{}", q.id);
        assert!((q.answer as usize) < q.choices_zh.len(), "{}", q.id);
        let distinct: BTreeSet<_> = q.choices_zh.iter().collect();
        assert_eq!(
            distinct.len(),
            q.choices_zh.len(),
            "{}: repeated choice",
            q.id
        );
        assert!(!q.text_zh.is_empty() && !q.text_en.is_empty());
        answer_positions.insert(q.answer);
    }
    for c in QuestionCategory::ALL {
        assert!(per_category.get(&c).copied().unwrap_or(0) >= 4, "{c}");
    }
    assert!(
        answer_positions.len() >= 3,
        "answers are not all in one position"
    );
}

#[test]
fn draws_are_deterministic_distinct_and_spread() {
    for seed in [0, 1, 42, u64::MAX] {
        let a = draw(seed, QUIZ_LEN);
        assert_eq!(a, draw(seed, QUIZ_LEN));
        assert_eq!(a.len(), QUIZ_LEN);
        let ids: BTreeSet<_> = a.iter().map(|q| q.id).collect();
        assert_eq!(ids.len(), QUIZ_LEN);
        let categories: BTreeSet<_> = a.iter().map(|q| q.category).collect();
        assert_eq!(categories.len(), QuestionCategory::ALL.len(), "seed {seed}");
    }
    assert_ne!(draw(1, QUIZ_LEN), draw(2, QUIZ_LEN));
    assert_eq!(draw(7, 1000).len(), BANK.len());
    assert!(draw(7, 0).is_empty());
}

#[test]
fn scoring() {
    let qs = draw(3, QUIZ_LEN);
    let right: Vec<u8> = qs.iter().map(|q| q.answer).collect();
    assert_eq!(score(&qs, &right), QUIZ_LEN);
    let mut one_wrong = right.clone();
    one_wrong[0] = (one_wrong[0] + 1) % qs[0].choices_zh.len() as u8;
    assert_eq!(score(&qs, &one_wrong), QUIZ_LEN - 1);
    assert!(passed(score(&qs, &one_wrong)));
    assert_eq!(score(&qs, &right[..5]), 5, "missing answers are wrong");
    assert!(!passed(PASS_MARK - 1));
    // Always answering the first choice does not pass.
    let zeros = vec![0u8; QUIZ_LEN];
    assert!((0..50).all(|seed| !passed(score(&draw(seed, QUIZ_LEN), &zeros))));
}
