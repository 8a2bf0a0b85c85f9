//! Passwords (Argon2id), opaque session tokens, login with rate limiting, and turning a
//! presented token back into a [`Principal`].

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::foundation::{orgs, sessions, users};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::Foundation;
use crate::{AppError, LiveEvent, RequestCtx, Result, UserView};

/// Argon2id cost. The default follows OWASP's password-storage guidance (m=19 MiB, t=2, p=1);
/// tests lower it so the suite stays fast.
#[derive(Debug, Clone, Copy)]
pub struct PasswordCost {
    pub memory_kib: u32,
    pub iterations: u32,
}

impl Default for PasswordCost {
    fn default() -> Self {
        PasswordCost {
            memory_kib: 19_456,
            iterations: 2,
        }
    }
}

pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| AppError::Internal(format!("argon2 parameters: {e}")))?;
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Session tokens are 256 random bits; only their SHA-256 is stored.
fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "jw_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionClient {
    /// Cookie session of the web pages.
    Browser,
    /// Bearer token for terminals and API clients.
    Api,
}

impl SessionClient {
    fn as_str(self) -> &'static str {
        match self {
            SessionClient::Browser => "browser",
            SessionClient::Api => "api",
        }
    }
}

#[derive(Debug, Clone)]
pub struct LoginOutcome {
    pub token: String,
    pub expires_at_us: i64,
    /// Seconds the session lives (for the cookie's Max-Age).
    pub ttl_secs: i64,
    pub user: UserView,
    /// The device cookie to keep (`DEVICE_COOKIE`), for a year.
    pub device_cookie: String,
}

/// Sign-in throttling, after OWASP's Authentication Cheat Sheet ("Login Throttling",
/// "Device Cookies") rather than lock-outs, with its state in the database so every node
/// counts the same attempts:
///
/// - Each attempt is counted *before* its password is verified, on the keys it falls under,
///   by one conditional update per key. A key that is blocked answers 429 with Retry-After
///   without any verification, so parallel guesses cannot all be evaluated at once.
/// - A browser or terminal that signed in as this account before presents the device cookie
///   it got then (HMAC'd with a key the nodes share, bound to the username): it is counted
///   on its own key alone. The owner on a known device is thus never held back by what
///   others do to the account; a stolen cookie buys its holder only that device's budget.
/// - Anything else is counted on the account from that address and on the account from
///   anywhere (untrusted clients share the account's budget, a higher one).
/// - The first `free` failures of a key cost nothing; each further failure doubles the
///   delay from one second up to `login_max_delay`. A key quiet for `login_window` starts
///   again; a successful sign-in clears the keys it was counted on.
/// - Password verification itself takes a slot of a semaphore (`login_hash_concurrency`);
///   past `login_hash_wait` without one the answer is 503 with Retry-After, so a flood of
///   attempts cannot take memory without bound (each Argon2id run takes ~19 MiB).
pub(crate) fn delay_us(failures: i64, free: u32, max: jiff::SignedDuration) -> i64 {
    let over = failures - i64::from(free);
    if over <= 0 {
        return 0;
    }
    let max_us = max.as_micros() as i64;
    // 2^(over-1) seconds, computed without overflowing: 2^40 s is far past any cap.
    let secs = 1_i64 << (over - 1).min(40);
    secs.saturating_mul(1_000_000).min(max_us)
}

/// The cookie a client gets at a successful sign-in and presents at the next.
pub const DEVICE_COOKIE: &str = "jingwu_device";

type HmacSha256 = hmac::Hmac<Sha256>;

fn device_mac(key: &[u8], username: &str, nonce: &str) -> Option<String> {
    use hmac::Mac;
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    mac.update(username.to_lowercase().as_bytes());
    mac.update(b"\n");
    mac.update(nonce.as_bytes());
    Some(hex::encode(mac.finalize().into_bytes()))
}

/// `nonce.mac` for `username`, when the presented cookie is one this deployment issued for
/// that account; its nonce names the device's throttle key.
fn known_device<'a>(key: &[u8], username: &str, cookie: &'a str) -> Option<&'a str> {
    use hmac::Mac;
    let (nonce, mac) = cookie.split_once('.')?;
    let mac = hex::decode(mac).ok()?;
    let mut expected = HmacSha256::new_from_slice(key).ok()?;
    expected.update(username.to_lowercase().as_bytes());
    expected.update(b"\n");
    expected.update(nonce.as_bytes());
    expected.verify_slice(&mac).ok()?;
    Some(nonce)
}

/// A well-formed Argon2id hash that no password matches, verified against when the username is
/// unknown so that a wrong username costs the same time as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3cuSWq3i0OqBhuq1prNwDjT6xJnmk7p2rBYfrqnJvQo";

impl Foundation<'_> {
    /// Signs in. `device` is the device cookie the client presented, if any; the outcome
    /// carries the one to keep (see [`delay_us`] for the throttling).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: SessionClient,
        device: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<LoginOutcome> {
        let cfg = self.config();
        let now = self.now_us();
        let account = username.to_lowercase();
        let key = self.device_key().await?;
        let keys: Vec<String> = match device.and_then(|c| known_device(&key, &account, c)) {
            Some(nonce) => vec![format!("device:{nonce}")],
            None => vec![
                format!(
                    "pair:{account}|{}",
                    ctx.client_addr.as_deref().unwrap_or("-")
                ),
                format!("account:{account}"),
            ],
        };
        let free = |i: usize| {
            if keys.len() == 2 && i == 1 {
                cfg.login_account_free_failures
            } else {
                cfg.login_free_failures
            }
        };
        let stale_before = now - cfg.login_window.as_micros() as i64;
        let claimed = self
            .k()
            .claim_login(&keys, now, stale_before, |i, n| {
                delay_us(n, free(i), cfg.login_max_delay)
            })
            .await?;
        if let Err(until) = claimed {
            tracing::warn!(request_id = %ctx.request_id, "login throttled");
            let secs = ((until - now).max(0) as u64).div_ceil(1_000_000).max(1);
            return Err(AppError::TooManyAttempts {
                retry_after_secs: secs,
            });
        }

        let mut conn = self.k().read().await?;
        let found = users::by_username(&mut conn, username).await?;
        drop(conn);
        let stored = found
            .as_ref()
            .map_or(DUMMY_HASH.to_string(), |u| u.user.password_hash.clone());
        let pw = password.to_string();
        let slot = tokio::time::timeout(cfg.login_hash_wait, self.state().hashing.acquire())
            .await
            .map_err(|_| AppError::LoginBusy)?
            .map_err(|_| AppError::LoginBusy)?;
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &stored))
            .await
            .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
        drop(slot);
        let found = match found {
            Some(u) if ok && u.user.disabled_at.is_none() => u,
            _ => {
                tracing::info!(request_id = %ctx.request_id, "login failed");
                return Err(AppError::InvalidCredentials);
            }
        };
        self.k().clear_login(&keys).await?;
        // A device that signed in keeps its cookie; a new one gets its own.
        let device_cookie = match device.filter(|c| known_device(&key, &account, c).is_some()) {
            Some(c) => c.to_string(),
            None => {
                let mut nonce = [0u8; 16];
                rand::rngs::OsRng.fill_bytes(&mut nonce);
                let nonce = hex::encode(nonce);
                let mac = device_mac(&key, &account, &nonce)
                    .ok_or_else(|| AppError::Internal("device cookie key".into()))?;
                format!("{nonce}.{mac}")
            }
        };

        let token = new_token();
        let expires_at_us = now + cfg.session_ttl.as_micros() as i64;
        let who = self.principal_of(&found)?;
        self.k().write(&who, ctx, async |tx| {
        sessions::insert(
            tx.db(),
            &sessions::Session {
                token_hash: token_hash(&token),
                user_id: found.user.id.clone(),
                client: client.as_str().into(),
                created_at: now,
                expires_at: expires_at_us,
                revoked_at: None,
            },
        )
        .await?;
        let detail =
            serde_json::json!({ "client": client.as_str(), "expires_at_us": expires_at_us });
        tx.audit("auth.login",
            ("user", &who.user_id),
            &found.org_path,
            detail).await?;
                let user = self.user_view(found).await?;
        Ok(LoginOutcome {
            token,
            expires_at_us,
            ttl_secs: cfg.session_ttl.as_secs(),
            user,
            device_cookie,
        })
        })
        .await
    }

    /// The device-cookie HMAC key every node shares (made by the first that needs it).
    async fn device_key(&self) -> Result<Vec<u8>> {
        self.state()
            .device_key
            .get_or_try_init(|| async {
                let mut candidate = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut candidate);
                let secret = self
                    .k()
                    .shared_secret("device_cookie_hmac", &hex::encode(candidate))
                    .await?;
                hex::decode(secret).map_err(|e| AppError::Internal(format!("device key: {e}")))
            })
            .await
            .cloned()
    }

    /// The principal behind a presented token, checked against the database on every call so
    /// that a revoked token stops working at once.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        let mut conn = self.k().read().await?;
        let user_id = sessions::live_user(&mut conn, &token_hash(token), self.now_us())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let u = users::get(&mut conn, &user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        self.principal_of(&u)
    }

    pub async fn logout(&self, who: &Principal, token: &str, ctx: &RequestCtx) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                sessions::revoke(tx.db(), &token_hash(token), self.now_us()).await?;
                tx.audit(
                    "auth.logout",
                    ("user", &who.user_id),
                    &who.org_path,
                    serde_json::json!({}),
                )
                .await?;
                tx.publish(LiveEvent::SessionsRevoked {
                    user_id: who.user_id.clone(),
                    org_path: who.org_path.clone(),
                });
                Ok(())
            })
            .await
    }

    pub async fn me(&self, who: &Principal) -> Result<UserView> {
        authorize(
            who,
            Action::ReadSelf,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: &who.org_path,
            },
        )
        .map_err(|d| AppError::denied_object(d, "user"))?;
        let mut conn = self.k().read().await?;
        let u = users::get(&mut conn, &who.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        drop(conn);
        self.user_view(u).await
    }

    pub(crate) fn principal_of(&self, u: &users::ScopedUser) -> Result<Principal> {
        let role = u.user.role;
        Ok(Principal {
            user_id: u.user.id.clone(),
            username: u.user.username.clone(),
            role,
            org_id: u.user.org_id.clone(),
            org_path: u.org_path.clone(),
        })
    }

    pub(crate) async fn user_view(&self, u: users::ScopedUser) -> Result<UserView> {
        let mut conn = self.k().read().await?;
        let org = orgs::get(&mut conn, &u.user.org_id)
            .await?
            .ok_or_else(|| AppError::Internal("user without org".into()))?;
        Ok(UserView { user: u.user, org })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dummy_hash_is_a_valid_argon2id_hash() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("anything", DUMMY_HASH));
    }

    #[test]
    fn passwords_round_trip_at_low_cost() {
        let cost = PasswordCost {
            memory_kib: 64,
            iterations: 1,
        };
        let h = hash_password("s3cret", cost).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("s3cret", &h));
        assert!(!verify_password("s3cret!", &h));
    }

    #[test]
    fn tokens_are_distinct_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.starts_with("jw_") && a.len() > 40);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn delays_start_after_the_free_failures_double_and_stop_at_the_cap() {
        let cap = jiff::SignedDuration::from_mins(15);
        let s = 1_000_000;
        assert_eq!(
            (1..=9).map(|n| delay_us(n, 5, cap) / s).collect::<Vec<_>>(),
            [0, 0, 0, 0, 0, 1, 2, 4, 8]
        );
        assert_eq!(delay_us(100, 5, cap), 900 * s);
        assert_eq!(delay_us(i64::MAX, 0, cap), 900 * s);
    }

    #[test]
    fn a_device_cookie_is_bound_to_its_key_and_account() {
        let key = [7u8; 32];
        let mac = device_mac(&key, "Officer", "abc").unwrap();
        let cookie = format!("abc.{mac}");
        assert_eq!(known_device(&key, "officer", &cookie), Some("abc"));
        assert_eq!(known_device(&key, "admin", &cookie), None);
        assert_eq!(known_device(&[8u8; 32], "officer", &cookie), None);
        assert_eq!(known_device(&key, "officer", "abc.00"), None);
        assert_eq!(known_device(&key, "officer", "nonsense"), None);
    }
}
