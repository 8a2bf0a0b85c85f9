//! Daily reconciliation against a channel's statement, payments and refunds: every mismatch
//! is listed, none is corrected automatically (traffic.md §4).

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_payments::reconcile::{
    Mismatch, OurPayment, OurRefund, parse_statement, reconcile, reconcile_refunds,
};
use jingwu_store::payments::{self as q, refunds as rq};

use super::Payments;
use crate::{AppError, Result};

impl Payments<'_> {
    /// Compares the channel's bill (CSV text) with our orders of that channel made on `day`
    /// (Asia/Shanghai) — or, when `day` is `None`, on the days of the orders the bill names —
    /// and its refund lines with our refunds done on those days and those the lines name.
    pub async fn reconcile(
        &self,
        who: &Principal,
        channel: &str,
        day: Option<jiff::civil::Date>,
        bill_csv: &str,
    ) -> Result<Vec<Mismatch>> {
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let statement = parse_statement(bill_csv).map_err(|e| {
            AppError::invalid(
                "bill",
                jingwu_payments::error_codes::field::BILL.code,
                e.to_string(),
            )
        })?;
        let mut conn = self.k().read().await?;
        if q::channel(&mut conn, channel).await?.is_none() {
            return Err(AppError::NotFound {
                what: "payment channel",
            });
        }
        let mut days: Vec<jiff::civil::Date> = match day {
            Some(d) => vec![d],
            None => {
                let mut ds = Vec::new();
                for line in &statement.trades {
                    if let Some((o, _)) = q::order(&mut conn, &line.out_trade_no).await? {
                        ds.push(jingwu_payments::local_date(o.created_at));
                    }
                }
                for line in &statement.refunds {
                    if let Some(done) = rq::by_request_no(&mut conn, &line.out_request_no)
                        .await?
                        .and_then(|r| r.done_at)
                    {
                        ds.push(jingwu_payments::local_date(done));
                    }
                }
                ds
            }
        };
        days.sort();
        days.dedup();
        let mut ours = Vec::new();
        let mut refunds = std::collections::BTreeMap::new();
        for d in days {
            let from = jingwu_payments::local_midnight(d);
            let to = jingwu_payments::next_local_midnight(from);
            for o in q::orders_between(&mut conn, channel, from, to).await? {
                ours.push(OurPayment {
                    out_trade_no: o.id.into_string(),
                    trade_no: o.trade_no,
                    amount: o.amount,
                    status: o.status,
                });
            }
            for r in rq::done_between(&mut conn, channel, from, to).await? {
                refunds.insert(r.out_request_no.clone(), r);
            }
        }
        // A line may name a refund we have not recorded done (still requested, or given up
        // while the channel paid it): it is compared too.
        for line in &statement.refunds {
            if let Some(r) = rq::by_request_no(&mut conn, &line.out_request_no).await? {
                refunds.insert(r.out_request_no.clone(), r);
            }
        }
        let mut our_refunds = Vec::new();
        for r in refunds.into_values() {
            let Some((o, _)) = q::order(&mut conn, r.order_id.as_str()).await? else {
                continue;
            };
            if o.channel != channel {
                continue;
            }
            our_refunds.push(OurRefund {
                out_request_no: r.out_request_no,
                out_trade_no: o.id.into_string(),
                trade_no: o.trade_no,
                amount: r.amount,
                status: r.status,
            });
        }
        let mut found = reconcile(&ours, &statement.trades);
        found.extend(reconcile_refunds(&our_refunds, &statement.refunds));
        Ok(found)
    }
}
