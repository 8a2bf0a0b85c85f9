//! The payment service's stable error codes (see `jingwu_core::problem_codes` for the
//! registry's rules).

jingwu_core::problem_codes! {
    problems {
        /// A channel's notification failed a check (signature, app id, order, amount, time,
        /// another transaction): the detail names which. Nothing changed.
        NOTIFY_REJECTED = ("payment_notification_rejected", 422, "The payment notification was rejected", "支付通知未通过校验");
        /// Used inside the service: the order was settled by this same transaction before.
        ALREADY_SETTLED = ("payment_already_settled", 409, "The order was settled by this payment before", "该订单已由此笔交易结清");
        CHANNEL_UNKNOWN = ("payment_channel_unknown", 409, "No such payment channel", "无此支付渠道");
        /// The sandbox channel refused a payment request (signature, expiry, amount).
        CHANNEL_REFUSED = ("payment_channel_refused", 422, "The payment channel refused the request", "支付渠道拒绝了该请求");
    }
    fields {
        BILL = ("bill.invalid", "Not a statement this service reads (trade_no,out_trade_no,amount,status)", "对账单格式不符");
    }
}
