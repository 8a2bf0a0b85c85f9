use jingwu_cases::evidence::{Category, ItemState, MovementKind};
use jingwu_cases::ids::ItemId;
use jingwu_cases::retention::*;

const DAY: i64 = 86_400_000_000;
const T0: i64 = 1_800_000_000_000_000;

#[test]
fn every_category_has_a_period_and_audio_video_at_least_six_months() {
    for c in Category::ALL {
        assert!(retention_days(c) > 0, "{c:?}");
    }
    assert!(retention_days(Category::AudioVideo) >= 183);
}

#[test]
fn an_open_case_holds_its_items() {
    use MovementKind::*;
    assert_eq!(
        check_release(Dispose, Category::Drugs, None, false, T0),
        Err(Hold::CaseOpen)
    );
    assert_eq!(
        check_release(Return, Category::Cash, None, false, T0),
        Err(Hold::CaseOpen)
    );
    // A victim's own property goes back while the case runs.
    assert_eq!(
        check_release(Return, Category::Cash, None, true, T0),
        Ok(())
    );
    assert_eq!(
        check_release(Transfer, Category::Drugs, None, false, T0),
        Ok(())
    );
    assert_eq!(
        check_release(CheckOut, Category::Drugs, None, false, T0),
        Ok(())
    );
}

#[test]
fn disposal_waits_for_the_retention_period_return_does_not() {
    use MovementKind::*;
    let closed = Some(T0);
    let until = T0 + 90 * DAY;
    assert_eq!(retained_until(Category::Drugs, closed), Some(until));
    assert_eq!(
        check_release(Dispose, Category::Drugs, closed, false, until - 1),
        Err(Hold::Retained { until_us: until })
    );
    assert_eq!(
        check_release(Dispose, Category::Drugs, closed, false, until),
        Ok(())
    );
    assert_eq!(
        check_release(Return, Category::Drugs, closed, false, T0),
        Ok(())
    );
}

#[test]
fn the_review_lists_due_items_in_store_oldest_first() {
    let f = |id: &str, category, state, closed| ReviewFacts {
        item_id: ItemId::from(id),
        category,
        state,
        case_closed_at: closed,
    };
    let items = [
        f("open-case", Category::Cash, ItemState::InStore, None),
        f("cash", Category::Cash, ItemState::InStore, Some(T0)),
        f("general", Category::General, ItemState::InStore, Some(T0)),
        f(
            "drugs",
            Category::Drugs,
            ItemState::InStore,
            Some(T0 - 100 * DAY),
        ),
        f(
            "gone",
            Category::Cash,
            ItemState::Disposed,
            Some(T0 - 400 * DAY),
        ),
        f(
            "out",
            Category::Cash,
            ItemState::Transferred,
            Some(T0 - 400 * DAY),
        ),
    ];
    let due = review_due(&items, T0 + 30 * DAY);
    let ids: Vec<&str> = due.iter().map(|d| d.item_id.as_str()).collect();
    assert_eq!(ids, ["drugs", "cash"]);
    assert_eq!(due[0].due_at, T0 - 10 * DAY);
    assert!(
        review_due(&items, T0)
            .iter()
            .all(|d| d.item_id.as_str() == "drugs")
    );
}
