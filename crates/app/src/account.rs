//! Accounts: administrators add people with an account, change their roles,
//! disable them and make password reset links; everyone manages their own
//! API tokens.

use crate::{Actor, App, Error};
use chrono::Duration;
use onramp_core::access::may_administer;
use onramp_core::people::Role;
use onramp_store::{Account, ApiToken, NewPerson};

/// How long a reset link for a new account stays valid.
pub const NEW_ACCOUNT_LINK_HOURS: i64 = 3 * 24;
/// How long a reset link made for an existing account stays valid.
pub const RESET_LINK_HOURS: i64 = 24;

/// Administrators only; to others, account administration does not exist.
fn administrator(actor: &Actor) -> Result<(), Error> {
    if may_administer(actor) {
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

/// Every account, for administrators.
pub async fn accounts(app: &App, actor: &Actor) -> Result<Vec<Account>, Error> {
    administrator(actor)?;
    Ok(app.store.list_accounts().await?)
}

/// Gives the person with this email an account with these roles (adding
/// the person when nobody has the email), and returns it with the secret
/// of a reset link for its first password.
pub async fn add(
    app: &App,
    actor: &Actor,
    email: &str,
    name: &str,
    roles: &[Role],
) -> Result<(Account, String), Error> {
    administrator(actor)?;
    let person = match app.store.person_by_email(email).await? {
        Some(p) => p,
        None => {
            let new = NewPerson {
                email: email.to_string(),
                name: name.to_string(),
                ..Default::default()
            };
            app.store
                .upsert_person(Some(actor.person_id), &new)
                .await?
                .0
        }
    };
    let account = app
        .store
        .upsert_account(Some(actor.person_id), person.id, roles, None)
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
    actor: &Actor,
    account_id: i64,
    roles: &[Role],
) -> Result<Account, Error> {
    administrator(actor)?;
    let account = app
        .store
        .account(account_id)
        .await
        .map_err(|_| Error::NotFound)?;
    Ok(app
        .store
        .upsert_account(Some(actor.person_id), account.person_id, roles, None)
        .await?)
}

/// Disables an account: its sessions end and its tokens are revoked.
pub async fn disable(app: &App, actor: &Actor, account_id: i64) -> Result<(), Error> {
    administrator(actor)?;
    Ok(app
        .store
        .disable_account(Some(actor.person_id), account_id)
        .await?)
}

/// A new reset link's secret for an account.
pub async fn reset_link(app: &App, actor: &Actor, account_id: i64) -> Result<String, Error> {
    administrator(actor)?;
    let account = app
        .store
        .account(account_id)
        .await
        .map_err(|_| Error::NotFound)?;
    Ok(app
        .store
        .create_password_reset(account.id, Duration::hours(RESET_LINK_HOURS))
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
    Ok(app.store.create_api_token(account_id, name, scope).await?)
}

/// Revokes one of one's own tokens; another account's token is not found.
pub async fn revoke_token(app: &App, account_id: i64, token_id: i64) -> Result<(), Error> {
    app.store
        .revoke_api_token(account_id, token_id)
        .await
        .map_err(|_| Error::NotFound)
}
