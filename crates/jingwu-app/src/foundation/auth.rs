//! Passwords (Argon2id), opaque session tokens, login with rate limiting, and turning a
//! presented token back into a [`Principal`].

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

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
}

/// Sliding-window count of failed logins per key (username, client address). In memory: a
/// restart forgets it, which errs towards letting the rightful user back in.
#[derive(Debug, Default)]
pub(crate) struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl LoginLimiter {
    /// Seconds until `key` may try again, if it is over `max` failures within `window_us`.
    fn blocked_for(&self, key: &str, now: i64, window_us: i64, max: u32) -> Option<u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let q = map.get_mut(key)?;
        while q.front().is_some_and(|t| *t <= now - window_us) {
            q.pop_front();
        }
        if q.len() as u32 >= max {
            let oldest = q.front().copied().unwrap_or(now);
            let wait_us = (oldest + window_us - now).max(1_000_000);
            Some((wait_us / 1_000_000) as u64)
        } else {
            None
        }
    }

    fn record_failure(&self, key: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let q = map.entry(key.to_string()).or_default();
        q.push_back(now);
        if q.len() > 1_000 {
            q.pop_front();
        }
    }

    fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

/// A well-formed Argon2id hash that no password matches, verified against when the username is
/// unknown so that a wrong username costs the same time as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3cuSWq3i0OqBhuq1prNwDjT6xJnmk7p2rBYfrqnJvQo";

impl Foundation<'_> {
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: SessionClient,
        ctx: &RequestCtx,
    ) -> Result<LoginOutcome> {
        let cfg = self.config();
        let now = self.now_us();
        let window = cfg.login_window.as_micros() as i64;
        let user_key = format!("user:{}", username.to_lowercase());
        let addr_key = ctx.client_addr.as_ref().map(|a| format!("addr:{a}"));
        let limiter = &self.state().limiter;
        let blocked = limiter
            .blocked_for(&user_key, now, window, cfg.login_max_failures)
            .or_else(|| {
                addr_key
                    .as_ref()
                    .and_then(|k| limiter.blocked_for(k, now, window, cfg.login_max_failures * 4))
            });
        if let Some(retry_after_secs) = blocked {
            tracing::warn!(request_id = %ctx.request_id, "login throttled");
            return Err(AppError::TooManyAttempts { retry_after_secs });
        }

        let mut conn = self.k().read().await?;
        let found = users::by_username(&mut conn, username).await?;
        drop(conn);
        let stored = found
            .as_ref()
            .map_or(DUMMY_HASH.to_string(), |u| u.user.password_hash.clone());
        let pw = password.to_string();
        let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &stored))
            .await
            .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
        let found = match found {
            Some(u) if ok && u.user.disabled_at.is_none() => u,
            _ => {
                limiter.record_failure(&user_key, now);
                if let Some(k) = &addr_key {
                    limiter.record_failure(k, now);
                }
                tracing::info!(request_id = %ctx.request_id, "login failed");
                return Err(AppError::InvalidCredentials);
            }
        };
        limiter.clear(&user_key);

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
        })
        })
        .await
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
    fn limiter_blocks_after_max_failures_and_forgets_after_the_window() {
        let l = LoginLimiter::default();
        let w = 900_000_000;
        for i in 0..5 {
            assert_eq!(l.blocked_for("k", i, w, 5), None);
            l.record_failure("k", i);
        }
        assert!(l.blocked_for("k", 10, w, 5).is_some());
        assert_eq!(l.blocked_for("k", w + 5, w, 5), None);
    }
}
