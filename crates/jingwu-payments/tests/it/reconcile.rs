use jingwu_payments::{
    BillError, BillLine, Fen, Mismatch, MismatchKind, OrderStatus, OurPayment, TradeStatus,
    parse_bill, reconcile,
};

#[test]
fn parses_a_statement() {
    let text = "trade_no,out_trade_no,amount,status\nX1,T1,200.00,TRADE_SUCCESS\nX2, T2 ,6.5,TRADE_CLOSED\n";
    assert_eq!(
        parse_bill(text).unwrap(),
        vec![
            BillLine {
                trade_no: "X1".into(),
                out_trade_no: "T1".into(),
                amount: Fen(20_000),
                status: TradeStatus::TradeSuccess
            },
            BillLine {
                trade_no: "X2".into(),
                out_trade_no: "T2".into(),
                amount: Fen(650),
                status: TradeStatus::TradeClosed
            },
        ]
    );
    assert_eq!(
        parse_bill("trade_no,out_trade_no,amount,status\n").unwrap(),
        vec![]
    );
}

#[test]
fn statement_errors_name_line_and_field() {
    let bad = |text: &str| parse_bill(text).unwrap_err();
    let e = bad("trade_no,out_trade_no,status,amount\n");
    assert_eq!((e.line, e.field), (1, "header"));
    let e = bad(
        "trade_no,out_trade_no,amount,status\nX1,T1,200.00,TRADE_SUCCESS\nX2,T2,1.001,TRADE_SUCCESS\n",
    );
    assert_eq!((e.line, e.field), (3, "amount"));
    let e = bad("trade_no,out_trade_no,amount,status\nX1,T1,200.00,PAID\n");
    assert_eq!((e.line, e.field), (2, "status"));
    let e = bad("trade_no,out_trade_no,amount,status\n,T1,200.00,TRADE_SUCCESS\n");
    assert_eq!((e.line, e.field), (2, "trade_no"));
    let e: BillError = bad("trade_no,out_trade_no,amount,status\nX1,T1,200.00\n");
    assert_eq!((e.line, e.field), (2, "row"));
    assert!(e.to_string().starts_with("statement line 2, row:"), "{e}");
}

fn ours(out: &str, trade: Option<&str>, yuan: i64, status: OrderStatus) -> OurPayment {
    OurPayment {
        out_trade_no: out.into(),
        trade_no: trade.map(str::to_owned),
        amount: Fen::from_yuan(yuan),
        status,
    }
}

fn line(trade: &str, out: &str, yuan: i64, status: TradeStatus) -> BillLine {
    BillLine {
        trade_no: trade.into(),
        out_trade_no: out.into(),
        amount: Fen::from_yuan(yuan),
        status,
    }
}

#[test]
fn finds_every_kind_of_mismatch_sorted_by_order() {
    use OrderStatus as O;
    use TradeStatus as S;
    let our = [
        ours("T5", Some("X5"), 200, O::Paid), // fine
        ours("T4", Some("X4"), 200, O::Paid), // missing in the statement
        ours("T3", Some("X3"), 200, O::Paid), // amount
        ours("T2", None, 200, O::Pending),    // status: paid there, pending here
        ours("T6", None, 100, O::Expired),    // unpaid both sides
        ours("T7", Some("X7"), 100, O::Paid), // double payment in the statement
    ];
    let bill = [
        line("X5", "T5", 200, S::TradeSuccess),
        line("X3", "T3", 206, S::TradeSuccess),
        line("X2", "T2", 200, S::TradeSuccess),
        line("X6", "T6", 100, S::TradeClosed),
        line("X1", "T1", 50, S::TradeSuccess), // unknown here
        line("X7", "T7", 100, S::TradeFinished),
        line("X7b", "T7", 100, S::TradeSuccess),
    ];
    let got = reconcile(&our, &bill);
    let m = |kind, out: &str, trade: Option<&str>, o: Option<i64>, t: Option<i64>| Mismatch {
        kind,
        out_trade_no: out.into(),
        trade_no: trade.map(str::to_owned),
        out_request_no: None,
        ours: o.map(Fen::from_yuan),
        theirs: t.map(Fen::from_yuan),
    };
    use MismatchKind::*;
    assert_eq!(
        got,
        vec![
            m(MissingHere, "T1", Some("X1"), None, Some(50)),
            m(Status, "T2", Some("X2"), Some(200), Some(200)),
            m(Amount, "T3", Some("X3"), Some(200), Some(206)),
            m(MissingInBill, "T4", Some("X4"), Some(200), None),
            m(MissingHere, "T7", Some("X7b"), None, Some(100)),
        ]
    );
    assert!(reconcile(&[], &[]).is_empty());
}
