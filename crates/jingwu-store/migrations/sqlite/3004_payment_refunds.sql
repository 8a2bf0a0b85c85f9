-- Refunds through the payment channel. A refund is requested in the transaction of the decision
-- that causes it (a rejected or withdrawn application, a payment that settled nothing) and sent
-- by the refund job; `out_request_no` is the channel's idempotency key, so a refund sent twice
-- moves money once.

-- Where requests to a channel are posted (NULL: the built-in sandbox, called in process).
ALTER TABLE payment_channels ADD COLUMN gateway_url TEXT;

-- What has been refunded, or asked to be, of an order: never more than it paid.
ALTER TABLE payment_orders ADD COLUMN refunded_fen BIGINT NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen);

CREATE TABLE payment_refunds (
    id                 TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL REFERENCES payment_orders(id),
    out_request_no     TEXT NOT NULL UNIQUE,
    amount_fen         BIGINT NOT NULL CHECK (amount_fen > 0),
    reason             TEXT NOT NULL CHECK (reason IN ('rejected', 'withdrawn', 'not_settled')),
    status             TEXT NOT NULL CHECK (status IN ('requested', 'succeeded', 'failed_final')),
    attempts           INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at    BIGINT NOT NULL,
    last_error         TEXT,
    channel_refund_id  TEXT,
    requested_at       BIGINT NOT NULL,
    done_at            BIGINT,
    CHECK ((status = 'requested') = (done_at IS NULL))
);
CREATE INDEX payment_refunds_due ON payment_refunds(status, next_attempt_at);
CREATE INDEX payment_refunds_order ON payment_refunds(order_id);

-- The sandbox channel's own ledger, as a provider keeps it: the trades it took and the refunds
-- it paid out of them (at most the trade's amount in all; one refund per request number).
CREATE TABLE payment_sandbox_trades (
    trade_no      TEXT PRIMARY KEY,
    app_id        TEXT NOT NULL,
    out_trade_no  TEXT NOT NULL,
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    refunded_fen  BIGINT NOT NULL CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
    paid_at       BIGINT NOT NULL,
    -- A provider takes one payment per merchant order.
    UNIQUE (app_id, out_trade_no)
);
CREATE INDEX payment_sandbox_trades_paid ON payment_sandbox_trades(paid_at);

CREATE TABLE payment_sandbox_refunds (
    refund_id       TEXT PRIMARY KEY,
    trade_no        TEXT NOT NULL REFERENCES payment_sandbox_trades(trade_no),
    out_request_no  TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    reason          TEXT NOT NULL,
    refunded_at     BIGINT NOT NULL,
    UNIQUE (trade_no, out_request_no)
);
CREATE INDEX payment_sandbox_refunds_at ON payment_sandbox_refunds(refunded_at);
