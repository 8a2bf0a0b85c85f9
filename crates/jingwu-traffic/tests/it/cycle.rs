use jingwu_traffic::{Cycle, cycle_on};

use crate::d;

#[test]
fn cycles_run_from_the_first_issue_not_the_calendar_year() {
    let first = d("2019-07-15");
    assert_eq!(cycle_on(first, d("2019-07-14")), None);
    assert_eq!(
        cycle_on(first, d("2019-07-15")),
        Some(Cycle {
            index: 0,
            start: d("2019-07-15"),
            end: d("2020-07-15")
        })
    );
    let c = cycle_on(first, d("2026-07-14")).unwrap();
    assert_eq!(
        (c.index, c.start, c.end),
        (6, d("2025-07-15"), d("2026-07-15"))
    );
    let c = cycle_on(first, d("2026-07-15")).unwrap();
    assert_eq!((c.index, c.start), (7, d("2026-07-15")));
}

#[test]
fn a_leap_day_licence_starts_on_28_february_in_common_years() {
    let first = d("2016-02-29");
    let starts: Vec<_> = (0..9)
        .map(|i| Cycle::nth(first, i).start.to_string())
        .collect();
    assert_eq!(
        starts,
        [
            "2016-02-29",
            "2017-02-28",
            "2018-02-28",
            "2019-02-28",
            "2020-02-29",
            "2021-02-28",
            "2022-02-28",
            "2023-02-28",
            "2024-02-29"
        ]
    );
    // 1 March in a common year belongs to the cycle that started the day before.
    assert_eq!(
        cycle_on(first, d("2017-03-01")).unwrap().start,
        d("2017-02-28")
    );
    assert_eq!(
        cycle_on(first, d("2020-02-28")).unwrap().start,
        d("2019-02-28")
    );
}

#[test]
fn the_31st_stays_the_31st() {
    let first = d("2020-12-31");
    assert_eq!(
        cycle_on(first, d("2023-12-30")).unwrap().start,
        d("2022-12-31")
    );
    assert_eq!(
        cycle_on(first, d("2023-12-31")).unwrap().start,
        d("2023-12-31")
    );
}
