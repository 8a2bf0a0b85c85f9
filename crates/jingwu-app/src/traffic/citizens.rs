//! Citizens: a one-time code to the mobile number, registration with real name and resident
//! ID, and the profile a citizen sees (their licence, vehicles and points).

use jingwu_core::{Principal, Role, UserId, new_id};
use jingwu_store::foundation::{orgs, users};
use jingwu_store::traffic::{self as q, OtpCode};

use crate::notify::OutboxMessage;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::records::{Citizen, Licence, Vehicle};
use sha2::{Digest, Sha256};

use super::Traffic;
use crate::{AppError, FieldError, RequestCtx, Result, hash_password};

/// Wrong guesses a code survives.
const OTP_MAX_ATTEMPTS: i64 = 5;
/// Codes sent to one number: at most one a minute, five an hour.
const OTP_GAP_US: i64 = 60_000_000;
const OTP_PER_HOUR: i64 = 5;

jingwu_core::text_enum! {
    /// What a one-time code is for.
    pub enum OtpPurpose: "one-time code purpose" {
        Register = "register" ("注册", "Registration"),
    }
}

/// A code was sent (the code itself goes only to the phone: the notifier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpSent {
    pub mobile_masked: String,
    pub expires_at_us: i64,
    /// Seconds before another code may be asked for.
    pub resend_after_s: i64,
}

#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub real_name: String,
    pub resident_id: String,
    pub mobile: String,
    pub code: String,
    pub password: String,
}

/// What a citizen sees of themself.
#[derive(Debug, Clone)]
pub struct CitizenProfile {
    pub citizen: Citizen,
    pub licence: Option<Licence>,
    pub vehicles: Vec<Vehicle>,
}

fn code_hash(otp_id: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{otp_id}:{code}").as_bytes()))
}

fn parse_mobile(mobile: &str) -> Result<String> {
    let mut errs = Vec::new();
    let m = super::checked_mobile("mobile", mobile, &mut errs);
    super::no_errors(errs).map(|()| m)
}

impl Traffic<'_> {
    /// Sends a one-time code to `mobile` through the notifier (the built-in one writes the
    /// message to the outbox table and the log). Throttled per number.
    pub async fn send_code(
        &self,
        mobile: &str,
        purpose: OtpPurpose,
        ctx: &RequestCtx,
    ) -> Result<OtpSent> {
        let mobile = parse_mobile(mobile)?;
        let now = self.now_us();
        let code = format!(
            "{:06}",
            rand::Rng::gen_range(&mut rand::thread_rng(), 0..1_000_000)
        );
        let expires_at = now + self.config().otp_ttl.as_micros() as i64;
        let mut conn = self.k().read().await?;
        let root = orgs::root(&mut conn)
            .await?
            .ok_or_else(|| AppError::Precondition("the bureau has no org tree yet".into()))?;
        drop(conn);
        let who = Principal::system(&root.id, &root.path);
        self.k()
            .write(&who, ctx, async |tx| {
                if q::otps_sent_since(tx.db(), &mobile, now - OTP_GAP_US).await? > 0
                    || q::otps_sent_since(tx.db(), &mobile, now - 3_600_000_000).await?
                        >= OTP_PER_HOUR
                {
                    return Err(AppError::TooManyAttempts {
                        retry_after_secs: (OTP_GAP_US / 1_000_000) as u64,
                    });
                }
                let id = new_id();
                q::insert_otp(
                    tx.db(),
                    &OtpCode {
                        code_hash: code_hash(&id, &code),
                        id: id.clone(),
                        mobile: mobile.clone(),
                        purpose: purpose.as_str().into(),
                        created_at: now,
                        expires_at,
                        attempts: 0,
                        used_at: None,
                    },
                )
                .await?;
                // The built-in notifier: the outbox (an SMS gateway drains it) and the log,
                // so a demo or a test can read the code. The audit entry never holds it.
                let body = format!("【警务】验证码 {code}，10 分钟内有效。请勿告诉他人。");
                crate::notify::sms(tx, &mobile, body, "one-time code").await?;
                tracing::info!(mobile = %jingwu_core::privacy::mask_phone(&mobile), %code, "one-time code (built-in notifier)");
                tx.audit(
                    "traffic.otp.send",
                    ("otp", &id),
                    &root.path,
                    serde_json::json!({
                        "mobile": jingwu_core::privacy::mask_phone(&mobile),
                        "purpose": purpose,
                    }),
                )
                .await?;
                Ok(OtpSent {
                    mobile_masked: jingwu_core::privacy::mask_phone(&mobile),
                    expires_at_us: expires_at,
                    resend_after_s: OTP_GAP_US / 1_000_000,
                })
            })
            .await
    }

    /// Registers a citizen: real name, resident ID (GB 11643), a mobile number proved by its
    /// one-time code, and a password. The account's username is the mobile number.
    pub async fn register(&self, n: &NewCitizen, ctx: &RequestCtx) -> Result<CitizenProfile> {
        let today = self.today();
        let mut errs = Vec::new();
        let name = n.real_name.trim().to_owned();
        let name_len = name.chars().count();
        if !(2..=30).contains(&name_len)
            || name.chars().any(|c| c.is_ascii_digit() || c.is_control())
        {
            errs.push(FieldError::new(
                "real_name",
                field::NAME.code,
                "2 to 30 characters, no digits",
            ));
        }
        let resident_id =
            super::checked_resident_id("resident_id", &n.resident_id, today, &mut errs);
        let mobile = super::checked_mobile("mobile", &n.mobile, &mut errs);
        if !(6..=6).contains(&n.code.trim().len())
            || !n.code.trim().chars().all(|c| c.is_ascii_digit())
        {
            errs.push(FieldError::new(
                "code",
                field::OTP.code,
                "the 6-digit code sent to the phone",
            ));
        }
        if n.password.chars().count() < 8 || n.password.len() > 256 {
            errs.push(FieldError::new(
                "password",
                jingwu_core::problem_codes::field::PASSWORD_LENGTH.code,
                "8 to 256 characters",
            ));
        }
        super::no_errors(errs)?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let root = orgs::root(&mut conn)
            .await?
            .ok_or_else(|| AppError::Precondition("the bureau has no org tree yet".into()))?;
        let otp = q::live_otp(&mut conn, &mobile, OtpPurpose::Register.as_str(), now).await?;
        drop(conn);
        let who = Principal::system(&root.id, &root.path);
        let code = n.code.trim().to_owned();
        let Some(otp) = otp.filter(|o| o.attempts < OTP_MAX_ATTEMPTS) else {
            return Err(AppError::Unprocessable {
                code: codes::OTP_INVALID.code,
                detail: "no live code for this number: ask for a new one".into(),
            });
        };
        if code_hash(&otp.id, &code) != otp.code_hash {
            // The wrong guess is counted (a code dies after five); nothing else changes.
            self.k()
                .write(&who, ctx, async |tx| {
                    q::otp_failed(tx.db(), &otp.id).await?;
                    tx.audit(
                        "traffic.otp.failed",
                        ("otp", &otp.id),
                        &root.path,
                        serde_json::json!({}),
                    )
                    .await
                })
                .await?;
            return Err(AppError::Unprocessable {
                code: codes::OTP_INVALID.code,
                detail: "the code is wrong".into(),
            });
        }
        let cost = self.k().config().password_cost;
        let pw = n.password.clone();
        let password_hash = tokio::task::spawn_blocking(move || hash_password(&pw, cost))
            .await
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))??;
        let user = users::User {
            id: new_id(),
            username: mobile.clone(),
            display_name: name.clone(),
            role: Role::Citizen,
            org_id: root.id.clone(),
            password_hash,
            created_at: now,
            disabled_at: None,
        };
        let citizen = Citizen {
            user_id: UserId::from(user.id.as_str()),
            real_name: name,
            resident_id,
            mobile,
            created_at: now,
        };
        // Every rule here is a conditional update (the code used once) or a unique constraint
        // (resident ID, mobile number, username), so the guarded door keeps two registrations
        // racing for one identity to one without serializable retries.
        let taken = |code: &'static str, detail: &str| AppError::Conflict {
            code,
            detail: detail.into(),
        };
        self.k()
            .write_guarded(&who, ctx, async |tx| {
                if !q::use_otp(tx.db(), &otp.id, now).await? {
                    return Err(AppError::Unprocessable {
                        code: codes::OTP_INVALID.code,
                        detail: "the code was used already".into(),
                    });
                }
                if q::citizen_by_resident_id(tx.db(), &citizen.resident_id)
                    .await?
                    .is_some()
                {
                    return Err(AppError::Conflict {
                        code: codes::ID_TAKEN.code,
                        detail: "an account with this resident ID exists; log in instead".into(),
                    });
                }
                if q::mobile_taken(tx.db(), &citizen.mobile).await?
                    || users::by_username(tx.db(), &citizen.mobile)
                        .await?
                        .is_some()
                {
                    return Err(AppError::Conflict {
                        code: codes::MOBILE_TAKEN.code,
                        detail: "this mobile number is registered already".into(),
                    });
                }
                // The checks above answer the common case; the constraints decide a race.
                users::insert(tx.db(), &user).await.map_err(|e| {
                    if e.is_unique_violation() {
                        taken(
                            codes::MOBILE_TAKEN.code,
                            "this mobile number is registered already",
                        )
                    } else {
                        e.into()
                    }
                })?;
                q::insert_citizen(tx.db(), &citizen).await.map_err(|e| {
                    if e.is_unique_violation() {
                        taken(
                            codes::ID_TAKEN.code,
                            "an account with this resident ID exists; log in instead",
                        )
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "traffic.citizen.register",
                    ("user", &user.id),
                    &root.path,
                    serde_json::json!({
                        "real_name": jingwu_core::privacy::mask_name(&citizen.real_name),
                        "mobile": jingwu_core::privacy::mask_phone(&citizen.mobile),
                    }),
                )
                .await?;
                let licence = q::licence_of(tx.db(), &citizen.resident_id)
                    .await?
                    .map(|(l, _)| l);
                let vehicles = q::vehicles_of(tx.db(), &citizen.resident_id)
                    .await?
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect();
                Ok(CitizenProfile {
                    citizen: citizen.clone(),
                    licence,
                    vehicles,
                })
            })
            .await
    }

    /// The caller's own profile: identity, licence, vehicles.
    pub async fn my_profile(&self, who: &Principal) -> Result<CitizenProfile> {
        let mut conn = self.k().read().await?;
        let (citizen, licence) = super::citizen_of(&mut conn, who).await?;
        let vehicles = q::vehicles_of(&mut conn, &citizen.resident_id)
            .await?
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        Ok(CitizenProfile {
            citizen,
            licence: licence.map(|(l, _)| l),
            vehicles,
        })
    }
}

impl Traffic<'_> {
    /// The built-in notifier's outbox for one recipient, newest first: what an SMS gateway
    /// would deliver. Administrators only (they run the notifier).
    pub async fn outbox(&self, who: &Principal, recipient: &str) -> Result<Vec<OutboxMessage>> {
        jingwu_core::authorize(
            who,
            jingwu_core::Action::ManageUsers,
            jingwu_core::Scope::Org(&who.org_path),
        )
        .map_err(AppError::denied_scope)?;
        let mobile = parse_mobile(recipient)?;
        let mut conn = self.k().read().await?;
        Ok(jingwu_store::notifications::outbox_for(&mut conn, &mobile, 50).await?)
    }
}

impl Traffic<'_> {
    /// Verifies an existing citizen account's identity in person at a window (the clerk has
    /// seen the identity card and the phone): the same records as online registration, without
    /// a one-time code. Traffic clerks and administrators.
    pub async fn verify_in_person(
        &self,
        who: &Principal,
        user_id: &str,
        real_name: &str,
        resident_id: &str,
        mobile: &str,
        ctx: &RequestCtx,
    ) -> Result<Citizen> {
        jingwu_core::authorize(
            who,
            jingwu_core::Action::ManageTraffic,
            jingwu_core::Scope::Org(&who.org_path),
        )
        .map_err(AppError::denied_scope)?;
        let today = self.today();
        let mut errs = Vec::new();
        let rid = super::checked_resident_id("resident_id", resident_id, today, &mut errs);
        let mobile = super::checked_mobile("mobile", mobile, &mut errs);
        super::no_errors(errs)?;
        let c = Citizen {
            user_id: UserId::from(user_id),
            real_name: real_name.trim().to_owned(),
            resident_id: rid,
            mobile,
            created_at: self.now_us(),
        };
        self.k()
            .write(who, ctx, async |tx| {
                let u = users::get(tx.db(), user_id)
                    .await?
                    .filter(|u| {
                        u.user.role == Role::Citizen
                            && jingwu_core::path_contains(&who.org_path, &u.org_path)
                    })
                    .ok_or(AppError::NotFound {
                        what: "citizen account",
                    })?;
                if q::citizen(tx.db(), user_id).await?.is_some()
                    || q::citizen_by_resident_id(tx.db(), &c.resident_id)
                        .await?
                        .is_some()
                {
                    return Err(AppError::Conflict {
                        code: codes::ID_TAKEN.code,
                        detail: "this account or resident ID is verified already".into(),
                    });
                }
                if q::mobile_taken(tx.db(), &c.mobile).await? {
                    return Err(AppError::Conflict {
                        code: codes::MOBILE_TAKEN.code,
                        detail: "this mobile number is registered already".into(),
                    });
                }
                q::insert_citizen(tx.db(), &c).await?;
                tx.audit(
                    "traffic.citizen.verify_in_person",
                    ("user", user_id),
                    &u.org_path,
                    serde_json::json!({
                        "real_name": jingwu_core::privacy::mask_name(&c.real_name),
                        "mobile": jingwu_core::privacy::mask_phone(&c.mobile),
                    }),
                )
                .await?;
                Ok(c.clone())
            })
            .await
    }
}
