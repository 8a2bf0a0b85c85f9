//! Daily reconciliation against the channel's statement, payments and refunds. Mismatches go
//! to a work queue for a person to resolve; nothing here corrects a record.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::channel::TradeStatus;
use crate::money::Fen;
use crate::payment::OrderStatus;
use crate::refund::RefundStatus;

/// The statement's header, exactly: payments only.
pub const BILL_HEADER: [&str; 4] = ["trade_no", "out_trade_no", "amount", "status"];
/// The header of a statement with refunds: a refund's line has the status [`REFUND_SUCCESS`],
/// the refund's amount and our `out_request_no`; a payment's line leaves that column empty.
pub const STATEMENT_HEADER: [&str; 5] = [
    "trade_no",
    "out_trade_no",
    "amount",
    "status",
    "out_request_no",
];
/// The status of a refund's line.
pub const REFUND_SUCCESS: &str = "REFUND_SUCCESS";

/// One refund in the channel's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundLine {
    /// The payment's trade.
    pub trade_no: String,
    pub out_trade_no: String,
    pub out_request_no: String,
    pub amount: Fen,
}

/// A statement: its payments' lines and its refunds' lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Statement {
    pub trades: Vec<BillLine>,
    pub refunds: Vec<RefundLine>,
}

/// One line of the channel's statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillLine {
    pub trade_no: String,
    pub out_trade_no: String,
    pub amount: Fen,
    pub status: TradeStatus,
}

/// Why the statement was not read: the 1-based line and the field (or `"header"`, `"row"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("statement line {line}, {field}: {message}")]
pub struct BillError {
    pub line: u64,
    pub field: &'static str,
    pub message: String,
}

/// Reads a statement of payments: [`parse_statement`]'s trades.
pub fn parse_bill(csv_text: &str) -> Result<Vec<BillLine>, BillError> {
    parse_statement(csv_text).map(|s| s.trades)
}

/// Reads a statement: CSV with the header `trade_no,out_trade_no,amount,status` (payments
/// only) or [`STATEMENT_HEADER`] (with refunds), the amount in yuan (`200.00`) and the status a
/// [`TradeStatus`] code, or [`REFUND_SUCCESS`] for a refund, whose `out_request_no` is
/// required. Every line must be well formed; the first fault is reported with its line number
/// and field.
pub fn parse_statement(csv_text: &str) -> Result<Statement, BillError> {
    let err = |line: u64, field: &'static str, message: String| BillError {
        line,
        field,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| err(1, "header", e.to_string()))?;
    let with_refunds = header.iter().eq(STATEMENT_HEADER);
    if !with_refunds && header.iter().ne(BILL_HEADER) {
        return Err(err(
            1,
            "header",
            format!(
                "expected {} or {}",
                BILL_HEADER.join(","),
                STATEMENT_HEADER.join(",")
            ),
        ));
    }
    let mut out = Statement::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            err(line, "row", e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize, name: &'static str| {
            record
                .get(i)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| err(line, name, "missing".into()))
        };
        let trade_no = field(0, "trade_no")?.to_owned();
        let out_trade_no = field(1, "out_trade_no")?.to_owned();
        let amount = field(2, "amount")?;
        let amount = Fen::parse_yuan(amount).map_err(|e| err(line, "amount", e.to_string()))?;
        let status = field(3, "status")?;
        let request_no = record.get(4).filter(|v| !v.is_empty());
        if status == REFUND_SUCCESS {
            let out_request_no = request_no
                .ok_or_else(|| err(line, "out_request_no", "missing for a refund".into()))?;
            out.refunds.push(RefundLine {
                trade_no,
                out_trade_no,
                out_request_no: out_request_no.to_owned(),
                amount,
            });
            continue;
        }
        if request_no.is_some() {
            return Err(err(
                line,
                "out_request_no",
                "only a refund's line has one".into(),
            ));
        }
        out.trades.push(BillLine {
            trade_no,
            out_trade_no,
            amount,
            status: TradeStatus::parse(status).map_err(|e| err(line, "status", e.to_string()))?,
        });
    }
    Ok(out)
}

/// Our record of a payment order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OurPayment {
    pub out_trade_no: String,
    pub trade_no: Option<String>,
    pub amount: Fen,
    pub status: OrderStatus,
}

jingwu_core::text_enum! {
    /// How our records and the statement disagree.
    pub enum MismatchKind: "reconciliation mismatch" {
        /// The statement has a trade we have no (matching) record of.
        MissingHere = "missing_here" ("本地无记录", "Missing here"),
        /// We recorded a payment the statement does not have.
        MissingInBill = "missing_in_bill" ("对账单无记录", "Missing in the statement"),
        Amount = "amount" ("金额不符", "Amount differs"),
        /// Paid on one side, not on the other.
        Status = "status" ("状态不符", "Status differs"),
    }
}

/// One disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub kind: MismatchKind,
    pub out_trade_no: String,
    pub trade_no: Option<String>,
    /// The refund's number, for a refund's mismatch.
    pub out_request_no: Option<String>,
    pub ours: Option<Fen>,
    pub theirs: Option<Fen>,
}

/// Compares our orders with the statement.
///
/// Only paid orders are expected in the statement (a pending, expired or closed order may be
/// there as an unpaid trade without a mismatch). Statement lines are matched to our orders by
/// `out_trade_no`, and by `trade_no` when we recorded one: a line paying one of our orders by a
/// trade we do not know (a double payment), or a second line for the same order, is
/// `MissingHere`. Sorted by `out_trade_no`, then kind.
pub fn reconcile(ours: &[OurPayment], bill: &[BillLine]) -> Vec<Mismatch> {
    let mut by_order: BTreeMap<&str, Vec<&BillLine>> = BTreeMap::new();
    for line in bill {
        by_order
            .entry(line.out_trade_no.as_str())
            .or_default()
            .push(line);
    }
    let mut out = Vec::new();
    for p in ours {
        let lines = by_order.remove(p.out_trade_no.as_str()).unwrap_or_default();
        let mismatch = |kind, trade_no: Option<&str>, theirs| Mismatch {
            kind,
            out_trade_no: p.out_trade_no.clone(),
            trade_no: trade_no.map(str::to_owned),
            out_request_no: None,
            ours: Some(p.amount),
            theirs,
        };
        let matches_ours = |l: &&BillLine| p.trade_no.as_deref().is_none_or(|t| t == l.trade_no);
        let (matched, others): (Vec<&BillLine>, Vec<&BillLine>) =
            lines.into_iter().partition(matches_ours);
        let mut matched = matched.into_iter();
        let line = matched.next();
        for extra in matched.chain(others) {
            out.push(Mismatch {
                kind: MismatchKind::MissingHere,
                out_trade_no: extra.out_trade_no.clone(),
                trade_no: Some(extra.trade_no.clone()),
                out_request_no: None,
                ours: None,
                theirs: Some(extra.amount),
            });
        }
        let paid_here = p.status == OrderStatus::Paid;
        match line {
            None if paid_here => out.push(mismatch(
                MismatchKind::MissingInBill,
                p.trade_no.as_deref(),
                None,
            )),
            None => {}
            Some(l) => {
                let trade = Some(l.trade_no.as_str());
                if paid_here != l.status.is_paid() {
                    out.push(mismatch(MismatchKind::Status, trade, Some(l.amount)));
                }
                if (paid_here || l.status.is_paid()) && l.amount != p.amount {
                    out.push(mismatch(MismatchKind::Amount, trade, Some(l.amount)));
                }
            }
        }
    }
    for (_, lines) in by_order {
        for l in lines {
            out.push(Mismatch {
                kind: MismatchKind::MissingHere,
                out_trade_no: l.out_trade_no.clone(),
                trade_no: Some(l.trade_no.clone()),
                out_request_no: None,
                ours: None,
                theirs: Some(l.amount),
            });
        }
    }
    out.sort_by(|a, b| {
        (a.out_trade_no.as_str(), a.kind, a.trade_no.as_deref()).cmp(&(
            b.out_trade_no.as_str(),
            b.kind,
            b.trade_no.as_deref(),
        ))
    });
    out
}

/// Our record of a refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OurRefund {
    pub out_request_no: String,
    pub out_trade_no: String,
    pub trade_no: Option<String>,
    pub amount: Fen,
    pub status: RefundStatus,
}

/// Compares our refunds with the statement's refund lines, matched by `out_request_no` and
/// order: a refund we recorded as succeeded must be there with its amount (`missing_in_bill`,
/// `amount`); a line we have no refund for, or a second line for one, is `missing_here`; a
/// line for a refund we still hold as requested or gave up (`failed_final`) is `status` — the
/// channel moved money we do not know of. Sorted like [`reconcile`].
pub fn reconcile_refunds(ours: &[OurRefund], lines: &[RefundLine]) -> Vec<Mismatch> {
    let mut by_request: BTreeMap<(&str, &str), Vec<&RefundLine>> = BTreeMap::new();
    for l in lines {
        by_request
            .entry((l.out_request_no.as_str(), l.out_trade_no.as_str()))
            .or_default()
            .push(l);
    }
    let theirs = |l: &RefundLine, kind, ours: Option<Fen>| Mismatch {
        kind,
        out_trade_no: l.out_trade_no.clone(),
        trade_no: Some(l.trade_no.clone()),
        out_request_no: Some(l.out_request_no.clone()),
        ours,
        theirs: Some(l.amount),
    };
    let mut out = Vec::new();
    for r in ours {
        let found = by_request
            .remove(&(r.out_request_no.as_str(), r.out_trade_no.as_str()))
            .unwrap_or_default();
        let mut found = found.into_iter();
        let line = found.next();
        for extra in found {
            out.push(theirs(extra, MismatchKind::MissingHere, None));
        }
        let done_here = r.status == RefundStatus::Succeeded;
        match line {
            None if done_here => out.push(Mismatch {
                kind: MismatchKind::MissingInBill,
                out_trade_no: r.out_trade_no.clone(),
                trade_no: r.trade_no.clone(),
                out_request_no: Some(r.out_request_no.clone()),
                ours: Some(r.amount),
                theirs: None,
            }),
            None => {}
            Some(l) => {
                if !done_here {
                    out.push(theirs(l, MismatchKind::Status, Some(r.amount)));
                }
                if l.amount != r.amount {
                    out.push(theirs(l, MismatchKind::Amount, Some(r.amount)));
                }
            }
        }
    }
    for (_, ls) in by_request {
        for l in ls {
            out.push(theirs(l, MismatchKind::MissingHere, None));
        }
    }
    out.sort_by(|a, b| {
        (
            a.out_trade_no.as_str(),
            a.out_request_no.as_deref(),
            a.kind,
            a.trade_no.as_deref(),
        )
            .cmp(&(
                b.out_trade_no.as_str(),
                b.out_request_no.as_deref(),
                b.kind,
                b.trade_no.as_deref(),
            ))
    });
    out
}
