//! `jingwu traffic …`: the late fee as a stable JSON contract, reconciliation against a
//! database, one-line errors naming the flag.

use crate::support::{err, jingwu, out, seed};

fn late_fee(fine: &str, served: &str, paid: &str) -> std::process::Output {
    jingwu(
        &[
            "traffic",
            "late-fee",
            "--fine-fen",
            fine,
            "--served-on",
            served,
            "--paid-on",
            paid,
        ],
        None,
    )
}

#[test]
fn late_fee_prints_the_deadline_days_and_amounts() {
    let cases = [
        // Day 15 after service is the deadline: on time.
        (
            "20000",
            "2026-11-01",
            "2026-11-16",
            r#"{"deadline":"2026-11-16","days_late":0,"surcharge_fen":0,"amount_due_fen":20000}"#,
        ),
        // One day late: 3 %.
        (
            "20000",
            "2026-11-01",
            "2026-11-17",
            r#"{"deadline":"2026-11-16","days_late":1,"surcharge_fen":600,"amount_due_fen":20600}"#,
        ),
        // 33 days late: 99 %; 34: capped at the fine.
        (
            "20000",
            "2026-11-01",
            "2026-12-19",
            r#"{"deadline":"2026-11-16","days_late":33,"surcharge_fen":19800,"amount_due_fen":39800}"#,
        ),
        (
            "20000",
            "2026-11-01",
            "2026-12-20",
            r#"{"deadline":"2026-11-16","days_late":34,"surcharge_fen":20000,"amount_due_fen":40000}"#,
        ),
    ];
    for (fine, served, paid, want) in cases {
        let o = late_fee(fine, served, paid);
        assert!(o.status.success(), "{}", err(&o));
        assert_eq!(out(&o).trim(), want);
    }
}

#[test]
fn bad_input_is_one_line_naming_the_flag() {
    for (args, flag) in [
        (["-5", "2026-11-01", "2026-11-20"], "--fine-fen"),
        (["100", "2026-13-01", "2026-11-20"], "--served-on"),
        (["100", "2026-11-01", "20.11.2026"], "--paid-on"),
    ] {
        let o = late_fee(args[0], args[1], args[2]);
        assert!(!o.status.success());
        let e = err(&o);
        assert!(e.contains(flag), "{e}");
        assert_eq!(e.trim().lines().count(), 1, "{e}");
    }
}

#[test]
fn reconcile_reads_a_bill_against_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/traffic.db", dir.path().display());
    seed(&db);
    // The sandbox channel exists once a server started; a fresh database has none.
    let bill = dir.path().join("bill.csv");
    std::fs::write(
        &bill,
        "trade_no,out_trade_no,amount,status\nT1,no-such-order,200.00,TRADE_SUCCESS\n",
    )
    .unwrap();
    let o = jingwu(
        &[
            "traffic",
            "reconcile",
            "--database",
            &db,
            "--bill",
            bill.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(err(&o).contains("payment channel"), "{}", err(&o));
    // A bill that is not one is refused with its line.
    std::fs::write(&bill, "nonsense\n").unwrap();
    let o = jingwu(
        &[
            "traffic",
            "reconcile",
            "--database",
            &db,
            "--bill",
            bill.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert_eq!(err(&o).trim().lines().count(), 1, "{}", err(&o));
    let o = jingwu(
        &[
            "traffic",
            "reconcile",
            "--database",
            &db,
            "--bill",
            "/nonexistent/bill.csv",
        ],
        None,
    );
    assert!(err(&o).contains("--bill"), "{}", err(&o));
}
