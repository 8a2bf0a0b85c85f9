-- Login throttling kept in the database, so every node of a deployment sees the same
-- counts (issue 10): one row per throttle key (an account, an account from one address, or
-- a known device), with the failures in the current window and when the next attempt may
-- be evaluated. Written as telemetry (no audit entry per failed login).
-- Kept column-for-column identical to the other backend (checked by the parity test).

CREATE TABLE login_throttle (
    key            TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    last_at        BIGINT NOT NULL,
    blocked_until  BIGINT NOT NULL
);

-- Server secrets shared by the nodes (the device-cookie HMAC key), made once by the first
-- node that needs one.
CREATE TABLE auth_secrets (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
