//! Accounts: administrators add people with an account, change their roles,
//! disable them and make password reset links; everyone manages their own
//! API tokens.

use crate::{App, Caller, Error};
use chrono::Duration;
use onramp_core::people::{REGIONS, Role, SEGMENTS};
use onramp_store::{Account, ApiToken, NewPerson};

/// How long a reset link for a new account stays valid.
pub const NEW_ACCOUNT_LINK_HOURS: i64 = 3 * 24;
/// How long a reset link made for an existing account stays valid.
pub const RESET_LINK_HOURS: i64 = 24;

/// Administrators (and the operator) only; to others, account
/// administration does not exist.
fn administrator(by: Caller<'_>) -> Result<(), Error> {
    if by.may_administer() {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// Role names such as `new-hire,buddy` (commas or spaces), without repeats.
pub fn parse_roles(field: &str, text: &str) -> Result<Vec<Role>, Error> {
    let mut roles = Vec::new();
    for name in text
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let role: Role = name.parse().map_err(|message| Error::bad(field, message))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// An account, for those who administer accounts.
async fn administered(app: &App, by: Caller<'_>, account_id: i64) -> Result<Account, Error> {
    administrator(by)?;
    app.store
        .account(account_id)
        .await
        .map_err(|_| Error::NotFound)
}

/// Every account, for administrators.
pub async fn accounts(app: &App, by: Caller<'_>) -> Result<Vec<Account>, Error> {
    administrator(by)?;
    Ok(app.store.list_accounts().await?)
}

/// Gives the person with this email an account with these roles (adding
/// the person when nobody has the email), and returns it with the secret
/// of a reset link for its first password.
pub async fn add(
    app: &App,
    by: Caller<'_>,
    email: &str,
    name: &str,
    roles: &[Role],
) -> Result<(Account, String), Error> {
    administrator(by)?;
    let person = match app.store.person_by_email(email).await? {
        Some(p) => p,
        None => {
            let new = NewPerson {
                email: email.to_string(),
                name: name.to_string(),
                ..Default::default()
            };
            check_person(&new)?;
            app.store.upsert_person(by.person_id(), &new).await?.0
        }
    };
    let account = app
        .store
        .upsert_account(by.person_id(), person.id, roles, None)
        .await?;
    let secret = app
        .store
        .create_password_reset(account.id, Duration::hours(NEW_ACCOUNT_LINK_HOURS))
        .await?;
    Ok((account, secret))
}

/// Replaces an account's roles.
pub async fn set_roles(
    app: &App,
    by: Caller<'_>,
    account_id: i64,
    roles: &[Role],
) -> Result<Account, Error> {
    let account = administered(app, by, account_id).await?;
    Ok(app
        .store
        .upsert_account(by.person_id(), account.person_id, roles, None)
        .await?)
}

/// Disables an account: its sessions end and its tokens are revoked.
pub async fn disable(app: &App, by: Caller<'_>, account_id: i64) -> Result<(), Error> {
    administrator(by)?;
    Ok(app
        .store
        .disable_account(by.person_id(), account_id)
        .await?)
}

/// A new reset link's secret for an account.
pub async fn reset_link(app: &App, by: Caller<'_>, account_id: i64) -> Result<String, Error> {
    let account = administered(app, by, account_id).await?;
    Ok(app
        .store
        .create_password_reset(account.id, Duration::hours(RESET_LINK_HOURS))
        .await?)
}

/// What became of a reset link sent by email.
#[derive(Debug, PartialEq)]
pub enum ResetMail {
    /// Sent to this address.
    Sent(String),
    /// Not sent: the new link's secret, to share another way, and why.
    NotSent { secret: String, why: String },
}

/// Makes a new reset link (the account's earlier ones stop working) and
/// emails it to the person at once; `base` is the address Onramp is
/// reached at.
pub async fn email_reset_link(
    app: &App,
    by: Caller<'_>,
    account_id: i64,
    base: &str,
) -> Result<ResetMail, Error> {
    let account = administered(app, by, account_id).await?;
    let secret = app
        .store
        .create_password_reset(account.id, Duration::hours(RESET_LINK_HOURS))
        .await?;
    let link = format!("{}/reset/{secret}", base.trim_end_matches('/'));
    Ok(
        match crate::notify::deliver::send_reset(
            &app.mailer,
            &account.email,
            &account.name,
            &link,
            RESET_LINK_HOURS,
        )
        .await
        {
            Ok(()) => ResetMail::Sent(account.email),
            Err(why) => ResetMail::NotSent { secret, why },
        },
    )
}

/// The live sessions of one's own account; `current` (the secret of the
/// session asking, if any) marks "this one".
pub async fn sessions(
    app: &App,
    account_id: i64,
    current: Option<&str>,
) -> Result<Vec<onramp_store::SessionInfo>, Error> {
    Ok(app
        .store
        .sessions_of(account_id, chrono::Utc::now(), current)
        .await?)
}

/// Ends one of one's own sessions by its handle; another account's (or an
/// unknown) session is not found.
pub async fn end_session(app: &App, who: &Account, handle: &str) -> Result<(), Error> {
    let ended = app
        .store
        .end_sessions(Some(who.person_id), who.id, Some(handle.trim()), None)
        .await?;
    if ended == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Ends every session of one's own account but the one whose secret is
/// `keep`; answers how many ended.
pub async fn end_other_sessions(
    app: &App,
    who: &Account,
    keep: Option<&str>,
) -> Result<u64, Error> {
    Ok(app
        .store
        .end_sessions(Some(who.person_id), who.id, None, keep)
        .await?)
}

/// Ends every session of an account (administrators); answers how many.
pub async fn end_sessions_of(app: &App, by: Caller<'_>, account_id: i64) -> Result<u64, Error> {
    let account = administered(app, by, account_id).await?;
    Ok(app
        .store
        .end_sessions(by.person_id(), account.id, None, None)
        .await?)
}

/// The API tokens of one's own account (never their secrets).
pub async fn tokens(app: &App, account_id: i64) -> Result<Vec<ApiToken>, Error> {
    Ok(app.store.api_tokens(account_id).await?)
}

/// A new token for one's own account: its secret (shown once) and record.
pub async fn create_token(
    app: &App,
    account_id: i64,
    name: &str,
    scope: &str,
) -> Result<(String, ApiToken), Error> {
    onramp_core::rules::check_token(name, scope)?;
    Ok(app.store.create_api_token(account_id, name, scope).await?)
}

/// The domain's rules for a person (`core::rules::check_person`).
pub fn check_person(p: &NewPerson) -> Result<(), Error> {
    Ok(onramp_core::rules::check_person(
        &onramp_core::rules::PersonText {
            email: &p.email,
            name: &p.name,
            department: &p.department,
            job_role: &p.job_role,
            segment: p.segment.as_deref(),
            region: p.region.as_deref(),
            time_zone: &p.time_zone,
        },
    )?)
}

/// Sets a new password with the secret of a reset link (which works once);
/// answers the account. Every session of the account ends.
pub async fn reset_password(app: &App, secret: &str, password: &str) -> Result<i64, Error> {
    onramp_core::rules::check_password(password)?;
    app.store
        .reset_password(secret, password, chrono::Utc::now())
        .await?
        .ok_or_else(|| {
            Error::bad(
                "link",
                "this reset link is unknown, used or expired; ask for a new one",
            )
        })
}

/// Revokes one of one's own tokens; another account's token is not found.
pub async fn revoke_token(app: &App, account_id: i64, token_id: i64) -> Result<(), Error> {
    app.store
        .revoke_api_token(account_id, token_id)
        .await
        .map_err(|_| Error::NotFound)
}

/// A person with an account as the command line enrols them: every detail
/// given, an existing person's department, start date and manager kept
/// unless given.
#[derive(Debug, Default)]
pub struct Enrolment {
    pub email: String,
    pub name: String,
    pub job_role: String,
    pub roles: Vec<Role>,
    /// Set this password instead of making a reset link.
    pub password: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub time_zone: String,
    pub manager_email: Option<String>,
}

/// Adds or updates a person and their account; returns the account and,
/// when no password was given, the secret of a reset link. Errors name the
/// field: `email`, `name`, `job_role`, `roles`, `password`, `segment`,
/// `region`, `time_zone`, `manager`.
pub async fn enrol(
    app: &App,
    by: Caller<'_>,
    e: &Enrolment,
) -> Result<(Account, Option<String>), Error> {
    administrator(by)?;
    check_enrolment(e)?;
    let manager_id = match &e.manager_email {
        Some(m) => Some(
            app.store
                .person_by_email(m)
                .await?
                .ok_or_else(|| Error::bad("manager", format!("no person has the email {m}")))?
                .id,
        ),
        None => None,
    };
    let hash = match &e.password {
        Some(p) => {
            onramp_core::rules::check_password(p)?;
            Some(onramp_store::accounts::hash_password(p))
        }
        None => None,
    };
    let existing = app.store.person_by_email(&e.email).await?;
    let person = NewPerson {
        email: e.email.clone(),
        name: e.name.clone(),
        department: existing
            .as_ref()
            .map(|p| p.department.clone())
            .unwrap_or_else(|| "Customer Success".into()),
        job_role: e.job_role.clone(),
        segment: e.segment.clone(),
        region: e.region.clone(),
        time_zone: e.time_zone.clone(),
        start_date: existing.as_ref().and_then(|p| p.start_date),
        manager_id: manager_id.or(existing.as_ref().and_then(|p| p.manager_id)),
    };
    check_person(&person)?;
    let (person, _) = app.store.upsert_person(by.person_id(), &person).await?;
    let account = app
        .store
        .upsert_account(by.person_id(), person.id, &e.roles, hash.as_deref())
        .await?;
    let link = match hash {
        Some(_) => None,
        None => Some(
            app.store
                .create_password_reset(account.id, Duration::hours(NEW_ACCOUNT_LINK_HOURS))
                .await?,
        ),
    };
    Ok((account, link))
}

/// The rules an enrolment's fields must follow, each naming its field.
fn check_enrolment(e: &Enrolment) -> Result<(), Error> {
    onramp_core::text::check_email("email", e.email.trim())?;
    onramp_core::text::check("name", &e.name, onramp_core::text::NAME)?;
    onramp_core::text::check("job_role", &e.job_role, onramp_core::text::NAME)?;
    if e.roles.is_empty() {
        return Err(Error::bad("roles", "name at least one role"));
    }
    if !onramp_core::onboarding::is_time_zone(&e.time_zone) {
        return Err(Error::bad(
            "time_zone",
            format!(
                "`{}` is not an IANA time zone such as Europe/Berlin",
                e.time_zone
            ),
        ));
    }
    if let Some(s) = &e.segment
        && !SEGMENTS.contains(&s.as_str())
    {
        return Err(Error::bad(
            "segment",
            format!("`{s}` is not a segment ({})", SEGMENTS.join(", ")),
        ));
    }
    if let Some(r) = &e.region
        && !REGIONS.contains(&r.as_str())
    {
        return Err(Error::bad(
            "region",
            format!("`{r}` is not a region ({})", REGIONS.join(", ")),
        ));
    }
    Ok(())
}

/// The account of the person with this email.
pub async fn by_email(app: &App, by: Caller<'_>, email: &str) -> Result<Account, Error> {
    administrator(by)?;
    let person = app
        .store
        .person_by_email(email)
        .await?
        .ok_or_else(|| Error::bad("email", format!("no person has the email {email}")))?;
    app.store
        .account_of_person(person.id)
        .await?
        .ok_or_else(|| {
            Error::bad(
                "email",
                format!("{email} has no account; add one with `onramp user add`"),
            )
        })
}
