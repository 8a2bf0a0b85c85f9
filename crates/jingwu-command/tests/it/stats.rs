use std::collections::BTreeMap;

use jingwu_command::response::IncidentTimes;
use jingwu_command::stats::*;
use jingwu_command::taxonomy::{Category, Priority, Subcategory};
use proptest::prelude::*;

const S: i64 = 1_000_000;
const T0: i64 = 1_800_000_000_000_000;

#[test]
fn percentile_nearest_rank_table() {
    let check = |data: &[i64], p: f64, want: Option<i64>| {
        assert_eq!(percentile_of(data, p), want, "{data:?} p{p}");
    };
    // the classic nearest-rank example (Wikipedia "Percentile", nearest-rank method)
    let d = [15, 20, 35, 40, 50];
    check(&d, 5.0, Some(15));
    check(&d, 30.0, Some(20));
    check(&d, 40.0, Some(20));
    check(&d, 50.0, Some(35));
    check(&d, 100.0, Some(50));
    check(&d, 0.0, Some(15));
    check(&[4, 1, 3, 2], 50.0, Some(2));
    check(&[4, 1, 3, 2], 50.000001, Some(3));
    let ten: Vec<i64> = (1..=10).collect();
    check(&ten, 90.0, Some(9));
    check(&ten, 90.1, Some(10));
    check(&ten, 10.0, Some(1));
    check(&[7], 50.0, Some(7));
    check(&[], 50.0, None);
    check(&d, -0.001, None);
    check(&d, 100.001, None);
    check(&d, f64::NAN, None);
    // float noise in p must not move the rank: 0.1*3*100 is not exactly 30
    let hundred: Vec<i64> = (1..=100).collect();
    check(&hundred, 0.1 * 3.0 * 100.0, Some(30));
}

proptest! {
    /// Against the definition: the smallest observed value v with #(x ≤ v)·100 ≥ p·n
    /// (integer p, so the comparison is exact), and the minimum for p = 0.
    #[test]
    fn percentile_matches_definition(data in prop::collection::vec(-1000i64..1000, 1..200), p in 0u32..=100) {
        let n = data.len() as u64;
        let got = percentile_of(&data, f64::from(p)).unwrap();
        prop_assert!(data.contains(&got));
        let le = data.iter().filter(|&&x| x <= got).count() as u64;
        let lt = data.iter().filter(|&&x| x < got).count() as u64;
        if p == 0 {
            prop_assert_eq!(got, *data.iter().min().unwrap());
        } else {
            prop_assert!(le * 100 >= u64::from(p) * n);
            prop_assert!(lt * 100 < u64::from(p) * n);
        }
        // monotone in p
        if p < 100 {
            prop_assert!(percentile_of(&data, f64::from(p + 1)).unwrap() >= got);
        }
    }
}

fn rec(
    id: &str,
    station: &str,
    prio: Priority,
    t: IncidentTimes,
    feedback: Option<i64>,
) -> IncidentRecord {
    IncidentRecord {
        id: id.into(),
        station: station.into(),
        category: Category::Criminal,
        subcategory: Subcategory::Theft,
        priority: prio,
        times: t,
        feedback,
    }
}

/// dispatched at +10 s, acknowledged `ack` s later, on scene `arr` s after dispatch, closed
/// `close` s after creation.
fn tl(ack: Option<i64>, arr: Option<i64>, close: Option<i64>) -> IncidentTimes {
    IncidentTimes {
        created: T0,
        dispatched: Some(T0 + 10 * S),
        acknowledged: ack.map(|a| T0 + (10 + a) * S),
        en_route: arr.map(|_| T0 + 10 * S),
        on_scene: arr.map(|a| T0 + (10 + a) * S),
        closed: close.map(|c| T0 + c * S),
    }
}

#[test]
fn summaries_per_group() {
    let records = vec![
        rec(
            "1",
            "A",
            Priority::P1,
            tl(Some(5), Some(60), Some(1000)),
            None,
        ),
        rec(
            "2",
            "A",
            Priority::P2,
            tl(Some(20), Some(180), Some(2000)),
            None,
        ),
        rec("3", "A", Priority::P1, tl(Some(40), Some(181), None), None),
        rec("4", "A", Priority::P3, tl(None, None, None), None),
        rec(
            "5",
            "B",
            Priority::P1,
            tl(Some(1), Some(300), Some(500)),
            None,
        ),
        // inconsistent: on scene before dispatch
        rec(
            "6",
            "B",
            Priority::P1,
            IncidentTimes {
                created: T0,
                dispatched: Some(T0 + 50 * S),
                on_scene: Some(T0 + 20 * S),
                ..Default::default()
            },
            None,
        ),
    ];
    let by_station = summarize(&records, |r| r.station.clone());
    let a = &by_station["A"];
    assert_eq!(
        (
            a.count,
            a.dispatched,
            a.arrived,
            a.closed,
            a.invalid_timelines
        ),
        (4, 4, 3, 2, 0)
    );
    assert_eq!(a.acknowledge_p50_us, Some(20 * S));
    assert_eq!(a.acknowledge_p90_us, Some(40 * S));
    assert_eq!(a.arrive_p50_us, Some(180 * S));
    assert_eq!(a.arrive_p90_us, Some(181 * S));
    assert_eq!(a.response_p50_us, Some(190 * S));
    assert_eq!(a.close_p50_us, Some(1000 * S));
    assert_eq!(a.close_p90_us, Some(2000 * S));
    assert_eq!(a.within_60s, Some(1.0 / 3.0));
    assert_eq!(a.within_180s, Some(2.0 / 3.0));
    assert_eq!(a.within_300s, Some(1.0));
    let b = &by_station["B"];
    assert_eq!((b.count, b.invalid_timelines, b.arrived), (2, 1, 1));
    assert_eq!(b.within_60s, Some(0.0));

    let by_prio = summarize(&records, |r| r.priority);
    assert_eq!(
        by_prio.keys().copied().collect::<Vec<_>>(),
        [Priority::P1, Priority::P2, Priority::P3]
    );
    assert_eq!(by_prio[&Priority::P3].arrive_p50_us, None);
    assert_eq!(by_prio[&Priority::P3].within_60s, None);

    let by_day = summarize(&records, |r| day_index(r.times.created, 8 * 3600));
    assert_eq!(by_day.len(), 1);
}

#[test]
fn day_and_week_keys() {
    // 1970-01-01T16:00:00Z is 1970-01-02 00:00 in UTC+8
    let check = |us: i64, off: i64, day: i64, week: i64| {
        assert_eq!(day_index(us, off), day, "{us}");
        assert_eq!(week_index(us, off), week, "{us}");
    };
    check(0, 0, 0, -1); // Thursday
    check(16 * 3600 * S - 1, 8 * 3600, 0, -1);
    check(16 * 3600 * S, 8 * 3600, 1, -1);
    check(4 * 86_400 * S, 0, 4, 0); // Monday 1970-01-05
    check(11 * 86_400 * S - 1, 0, 10, 0); // Sunday 1970-01-11
    check(11 * 86_400 * S, 0, 11, 1);
    check(-1, 0, -1, -1);
}

#[test]
fn bulletin_bucket_boundaries() {
    let check = |scheme: &BucketScheme, secs: i64, want: usize| {
        assert_eq!(scheme.bucket_of(secs * S), want, "{} {secs}", scheme.name);
    };
    check(&ACKNOWLEDGE_BUCKETS, 0, 0);
    check(&ACKNOWLEDGE_BUCKETS, 30, 0);
    check(&ACKNOWLEDGE_BUCKETS, 31, 1);
    check(&ACKNOWLEDGE_BUCKETS, 60, 1);
    check(&ACKNOWLEDGE_BUCKETS, 120, 2);
    check(&ACKNOWLEDGE_BUCKETS, 180, 3);
    check(&ACKNOWLEDGE_BUCKETS, 181, 4);
    assert_eq!(ACKNOWLEDGE_BUCKETS.bucket_of(30 * S + 1), 1);
    check(&TURNOUT_BUCKETS, 5 * 60, 0);
    check(&TURNOUT_BUCKETS, 5 * 60 + 1, 1);
    check(&TURNOUT_BUCKETS, 15 * 60, 2);
    check(&TURNOUT_BUCKETS, 30 * 60, 3);
    check(&TURNOUT_BUCKETS, 30 * 60 + 1, 4);
    check(&FEEDBACK_BUCKETS, 30 * 60, 0);
    check(&FEEDBACK_BUCKETS, 3600, 1);
    check(&FEEDBACK_BUCKETS, 2 * 3600, 2);
    check(&FEEDBACK_BUCKETS, 4 * 3600, 3);
    check(&FEEDBACK_BUCKETS, 4 * 3600 + 1, 4);
    for s in [&ACKNOWLEDGE_BUCKETS, &TURNOUT_BUCKETS, &FEEDBACK_BUCKETS] {
        assert_eq!(s.labels.len(), s.upper_bounds_s.len() + 1);
        assert!(s.upper_bounds_s.windows(2).all(|w| w[0] < w[1]));
    }
    assert_eq!(
        ACKNOWLEDGE_BUCKETS.histogram([0, 30 * S, 31 * S, 200 * S, 10_000 * S]),
        vec![2, 1, 0, 0, 2]
    );
}

#[test]
fn bulletin_tables() {
    let fb = |s: i64| Some(T0 + (10 + s) * S);
    let records = vec![
        rec(
            "1",
            "A",
            Priority::P1,
            tl(Some(5), Some(4 * 60), Some(1000)),
            fb(20 * 60),
        ),
        rec(
            "2",
            "A",
            Priority::P1,
            tl(Some(45), Some(12 * 60), None),
            fb(5 * 3600),
        ),
        rec("3", "A", Priority::P1, tl(Some(200), None, None), None),
        rec("4", "A", Priority::P1, tl(None, None, Some(50)), None),
    ];
    let b = bulletin(&records);
    assert_eq!(b.acknowledge, vec![1, 1, 0, 0, 1]);
    assert_eq!(b.turnout, vec![1, 0, 1, 0, 0]);
    assert_eq!(b.feedback, vec![1, 0, 0, 0, 1]);
    assert_eq!(b.unfinished, 2);
}

fn closing(cat: Category, code: Option<&str>, text: &str, photos: u32) -> ClosingReport {
    ClosingReport {
        category: cat,
        closed: true,
        dispatched: true,
        arrived: true,
        result_code: code.map(str::to_owned),
        result_text: text.into(),
        scene_photos: photos,
    }
}

#[test]
fn compliance_gaps_table() {
    let rule = ComplianceRule::default();
    let ok_text = "当事人已调解完毕双方签字确认离开"; // 16 characters
    let fifteen = "当事人已调解完毕双方签字确认离"; // 15
    let fourteen = "当事人已调解完毕双方签字确认"; // 14
    let check = |r: ClosingReport, want: Vec<ComplianceGap>| {
        assert_eq!(compliance_gaps(&rule, &r), want, "{r:?}")
    };
    check(closing(Category::Criminal, Some("10"), ok_text, 1), vec![]);
    check(closing(Category::Dispute, Some("10"), fifteen, 0), vec![]);
    check(
        closing(Category::Dispute, Some("10"), fourteen, 0),
        vec![ComplianceGap::ResultTextTooShort { chars: 14, min: 15 }],
    );
    check(
        closing(
            Category::Dispute,
            Some("10"),
            &format!("  {fourteen}\n "),
            0,
        ),
        vec![ComplianceGap::ResultTextTooShort { chars: 14, min: 15 }],
    );
    check(
        closing(Category::Traffic, Some("10"), ok_text, 0),
        vec![ComplianceGap::MissingScenePhotos { have: 0, need: 1 }],
    );
    check(
        closing(Category::Assistance, None, ok_text, 0),
        vec![ComplianceGap::MissingResultCode],
    );
    check(
        closing(Category::Assistance, Some("  "), ok_text, 0),
        vec![ComplianceGap::MissingResultCode],
    );
    let mut not_arrived = closing(Category::Dispute, Some("10"), ok_text, 0);
    not_arrived.arrived = false;
    check(not_arrived.clone(), vec![ComplianceGap::MissingArrival]);
    not_arrived.dispatched = false; // handled by phone
    check(not_arrived, vec![]);
    let mut open = closing(Category::Dispute, Some("10"), ok_text, 0);
    open.closed = false;
    check(open, vec![ComplianceGap::NotClosed]);
}

#[test]
fn compliance_rate_counts_closed_only() {
    let rule = ComplianceRule::default();
    let good = closing(
        Category::Dispute,
        Some("10"),
        "当事人已调解完毕双方签字确认离开",
        0,
    );
    let bad = closing(Category::Criminal, None, "x", 0);
    let mut open = good.clone();
    open.closed = false;
    let s = compliance(&rule, &[good.clone(), good.clone(), good, bad, open]);
    assert_eq!((s.closed, s.compliant), (4, 3));
    assert_eq!(s.rate_pct, Some(75.0));
    assert_eq!(compliance(&rule, &[]).rate_pct, None);
}

#[test]
fn the_compliance_rate_says_which_rule_failed_how_often() {
    let rule = ComplianceRule::default();
    let text = "当事人已调解完毕双方签字确认离开";
    let good = closing(Category::Dispute, Some("10"), text, 0);
    // A theft closed without a photo; another without a code, with a short text and no photo.
    let no_photo = closing(Category::Criminal, Some("10"), text, 0);
    let sloppy = closing(Category::Criminal, None, "已处理", 0);
    let mut not_arrived = closing(Category::Dispute, Some("10"), text, 0);
    not_arrived.dispatched = true;
    not_arrived.arrived = false;
    // Open incidents are not judged.
    let mut open = sloppy.clone();
    open.closed = false;
    let s = compliance(&rule, &[good, no_photo, sloppy, not_arrived, open]);
    assert_eq!((s.closed, s.compliant), (4, 1));
    assert_eq!(
        s.failures,
        RuleFailures {
            missing_result_code: 1,
            result_text_too_short: 1,
            missing_scene_photos: 2,
            missing_arrival: 1,
        }
    );
    assert_eq!(compliance(&rule, &[]).failures, RuleFailures::default());
}

#[test]
fn period_comparison_like_the_seed() {
    // incidents down 8.2%, compliance from 80.0% to 89.5%: +9.5 points, +11.875% relative
    let before = PeriodFigures {
        incidents: 1000,
        closed: 1000,
        compliant: 800,
    };
    let after = PeriodFigures {
        incidents: 918,
        closed: 900,
        compliant: 805,
    };
    let c = compare(before, after);
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
    assert!(close(c.incidents_change_pct, -8.2), "{c:?}");
    assert!(close(c.compliance_before_pct, 80.0));
    assert!(close(c.compliance_after_pct, 100.0 * 805.0 / 900.0));
    let after = PeriodFigures {
        incidents: 918,
        closed: 1000,
        compliant: 895,
    };
    let c = compare(before, after);
    assert!(close(c.compliance_change_pp, 9.5), "{c:?}");
    assert!(close(c.compliance_change_rel_pct, 11.875), "{c:?}");
    // empty bases
    let zero = PeriodFigures {
        incidents: 0,
        closed: 0,
        compliant: 0,
    };
    let c = compare(zero, after);
    assert_eq!(
        (
            c.incidents_change_pct,
            c.compliance_change_pp,
            c.compliance_change_rel_pct
        ),
        (None, None, None)
    );
    let zero_rate = PeriodFigures {
        incidents: 10,
        closed: 10,
        compliant: 0,
    };
    let c = compare(zero_rate, after);
    assert!(close(c.compliance_change_pp, 89.5));
    assert_eq!(c.compliance_change_rel_pct, None);
}

#[test]
fn csv_quoting() {
    let check = |cell: &str, want: &str| assert_eq!(csv_field(cell), want, "{cell:?}");
    check("plain", "plain");
    check("", "");
    check("鄞州区,东柳派出所", "\"鄞州区,东柳派出所\"");
    check("say \"hi\"", "\"say \"\"hi\"\"\"");
    check("two\nlines", "\"two\nlines\"");
    check("cr\r", "\"cr\r\"");
    check(" spaces kept ", " spaces kept ");
    let t = Table {
        header: vec!["station".into(), "n".into()],
        rows: vec![
            vec!["东柳,所".into(), "3".into()],
            vec!["B".into(), "".into()],
        ],
    };
    assert_eq!(t.to_csv(), "station,n\r\n\"东柳,所\",3\r\nB,\r\n");
}

/// A strict RFC 4180 reader for the round-trip test.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else {
            match c {
                '"' => quoted = true,
                ',' => row.push(std::mem::take(&mut field)),
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'));
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                c => field.push(c),
            }
        }
    }
    assert!(field.is_empty() && row.is_empty(), "missing final CRLF");
    rows
}

proptest! {
    #[test]
    fn csv_round_trips(cells in prop::collection::vec(prop::collection::vec("[a-z,\"\r\n 东 ]{0,6}", 3), 0..8)) {
        let t = Table { header: vec!["a".into(), "b".into(), "c".into()], rows: cells.clone() };
        let parsed = parse_csv(&t.to_csv());
        prop_assert_eq!(&parsed[0], &t.header);
        prop_assert_eq!(&parsed[1..], &cells[..]);
    }
}

#[test]
fn summary_table_renders_groups() {
    let records = vec![
        rec(
            "1",
            "东柳所",
            Priority::P1,
            tl(Some(5), Some(60), Some(1000)),
            None,
        ),
        rec("2", "B,所", Priority::P1, tl(None, None, None), None),
    ];
    let groups: BTreeMap<String, GroupSummary> = summarize(&records, |r| r.station.clone());
    let t = summary_table("station", &groups);
    assert_eq!(t.header.len(), 1 + SUMMARY_COLUMNS.len());
    assert!(t.rows.iter().all(|r| r.len() == t.header.len()));
    let csv = t.to_csv();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert!(lines[0].starts_with(
        "station,count,dispatched,arrived,closed,invalid_timelines,acknowledge_p50_s"
    ));
    assert_eq!(lines[1], "\"B,所\",1,1,0,0,0,,,,,,,,,,,");
    assert_eq!(
        lines[2],
        "东柳所,1,1,1,1,0,5.0,5.0,60.0,60.0,70.0,70.0,1000.0,1000.0,100.0,100.0,100.0"
    );
}
