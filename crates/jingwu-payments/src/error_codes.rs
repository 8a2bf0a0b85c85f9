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
        /// A refund larger than what the order paid minus its earlier refunds, or of an order
        /// not paid. Nothing changed.
        REFUND_EXCEEDS = ("payment_refund_exceeds", 409, "The refund exceeds what the order paid and has not had refunded", "退款金额超出订单可退金额");
    }
    fields {
        BILL = ("bill.invalid", "Not a statement this service reads (trade_no,out_trade_no,amount,status[,out_request_no])", "对账单格式不符");
        REFUND_STATUS = ("refund_status.invalid", "Not a refund status (requested, succeeded, failed_final)", "退款状态不存在");
        GATEWAY_URL = ("gateway_url.invalid", "Not an http:// URL of the channel's gateway", "支付渠道网关地址无效");
    }
}
