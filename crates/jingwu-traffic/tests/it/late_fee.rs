use jingwu_traffic::{Fen, LateFee, late_fee};

use crate::d;

#[test]
fn day_fifteen_is_on_time_and_day_sixteen_is_one_day_late() {
    let fine = Fen::from_yuan(200);
    let served = d("2026-03-01");
    let on_time = late_fee(fine, served, d("2026-03-16"));
    assert_eq!(
        on_time,
        LateFee {
            deadline: d("2026-03-16"),
            days_late: 0,
            surcharge_fen: Fen(0),
            amount_due_fen: fine,
        }
    );
    let late = late_fee(fine, served, d("2026-03-17"));
    assert_eq!(late.days_late, 1);
    assert_eq!(late.surcharge_fen, Fen::from_yuan(6), "3% of ¥200");
    assert_eq!(late.amount_due_fen, Fen::from_yuan(206));
}

#[test]
fn the_cap_is_first_reached_34_days_after_the_deadline() {
    let fine = Fen::from_yuan(200);
    let served = d("2026-03-01");
    let deadline = d("2026-03-16");
    let on = |days: i64| {
        late_fee(
            fine,
            served,
            deadline.checked_add(jiff::Span::new().days(days)).unwrap(),
        )
    };
    assert_eq!(on(33).days_late, 33);
    assert_eq!(on(33).surcharge_fen, Fen::from_yuan(198), "99%");
    assert_eq!(
        on(34).surcharge_fen,
        Fen::from_yuan(200),
        "102% capped at 100%"
    );
    assert_eq!(on(34).amount_due_fen, Fen::from_yuan(400));
    assert_eq!(on(400).amount_due_fen, Fen::from_yuan(400));
    for day in 1..=33 {
        assert_eq!(
            on(day).surcharge_fen,
            Fen::from_yuan(6 * day),
            "¥6 a day, day {day}"
        );
    }
}

#[test]
fn paying_before_service_or_early_costs_nothing_extra() {
    let fine = Fen::from_yuan(100);
    let f = late_fee(fine, d("2026-03-10"), d("2026-03-01"));
    assert_eq!(
        (f.days_late, f.surcharge_fen, f.amount_due_fen),
        (0, Fen(0), fine)
    );
}

#[test]
fn fen_fines_round_down_to_the_fen() {
    // ¥0.50 × 3% = 1.5 fen a day: 1 fen after one day, 3 after two.
    let fine = Fen(50);
    assert_eq!(
        late_fee(fine, d("2026-01-01"), d("2026-01-17")).surcharge_fen,
        Fen(1)
    );
    assert_eq!(
        late_fee(fine, d("2026-01-01"), d("2026-01-18")).surcharge_fen,
        Fen(3)
    );
}

#[test]
fn the_deadline_crosses_months_and_years() {
    assert_eq!(
        late_fee(Fen(100), d("2025-12-20"), d("2025-12-20")).deadline,
        d("2026-01-04")
    );
    assert_eq!(
        late_fee(Fen(100), d("2024-02-20"), d("2024-02-20")).deadline,
        d("2024-03-06")
    );
}

#[test]
fn serializes_dates_as_iso_text() {
    let f = late_fee(Fen::from_yuan(200), d("2026-03-01"), d("2026-03-17"));
    assert_eq!(
        serde_json::to_value(f).unwrap(),
        serde_json::json!({
            "deadline": "2026-03-16",
            "days_late": 1,
            "surcharge_fen": 600,
            "amount_due_fen": 20600
        })
    );
}
