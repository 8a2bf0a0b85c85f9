//! Daily reconciliation against a channel's statement: every mismatch is listed, none is
//! corrected automatically (traffic.md §4).

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_payments::reconcile::{Mismatch, OurPayment, parse_bill, reconcile};
use jingwu_store::payments as q;

use super::Payments;
use crate::{AppError, Result};

impl Payments<'_> {
    /// Compares the channel's bill (CSV text) with our orders of that channel made on `day`
    /// (Asia/Shanghai) — or, when `day` is `None`, on the days of the orders the bill names.
    pub async fn reconcile(
        &self,
        who: &Principal,
        channel: &str,
        day: Option<jiff::civil::Date>,
        bill_csv: &str,
    ) -> Result<Vec<Mismatch>> {
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let bill = parse_bill(bill_csv).map_err(|e| {
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
                for line in &bill {
                    if let Some((o, _)) = q::order(&mut conn, &line.out_trade_no).await? {
                        ds.push(jingwu_payments::local_date(o.created_at));
                    }
                }
                ds
            }
        };
        days.sort();
        days.dedup();
        let mut ours = Vec::new();
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
        }
        Ok(reconcile(&ours, &bill))
    }
}
