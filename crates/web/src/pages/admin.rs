//! People and accounts (admins), the audit log, and one's own API tokens.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::{Caller, account};
use onramp_core::access::may_administer;
use onramp_core::people::Role;
use onramp_store::Account;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    nav: Option<Nav>,
    csrf: String,
    accounts: Vec<Account>,
    roles: Vec<&'static str>,
    reset: Option<ResetNotice>,
}

/// What the page says after a reset link was made or sent.
struct ResetNotice {
    /// Whose link it is.
    name: String,
    /// The whole link, when it is to be shared by hand.
    link: Option<String>,
    /// Where it was emailed.
    sent_to: Option<String>,
    /// Why it could not be emailed.
    not_sent: Option<String>,
}

impl ResetNotice {
    /// A link to share by hand, shown whole.
    fn shown(
        name: String,
        state: &AppState,
        headers: &axum::http::HeaderMap,
        secret: &str,
    ) -> ResetNotice {
        ResetNotice {
            name,
            link: Some(super::absolute(state, headers, &format!("/reset/{secret}"))),
            sent_to: None,
            not_sent: None,
        }
    }
}

pub async fn users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    users_page(&state, &user, None).await
}

async fn users_page(
    state: &AppState,
    user: &CurrentUser,
    reset: Option<ResetNotice>,
) -> Result<Html<String>, WebError> {
    let accounts = account::accounts(state, Caller::Person(user)).await?;
    let nav = Nav::of(state, user).await?;
    let roles = Role::ALL.iter().map(|r| r.as_str()).collect();
    Ok(Html(
        UsersPage {
            nav,
            csrf: user.csrf().to_string(),
            accounts,
            roles,
            reset,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct AddUser {
    email: String,
    name: String,
    #[serde(default)]
    roles: Vec<String>,
}

pub async fn add_user(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: axum::http::HeaderMap,
    raw: axum::body::Bytes,
) -> Result<Response, WebError> {
    // Checkbox lists repeat a key, which needs the multi-value form parser.
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&raw).map_err(|e| crate::auth::bad_form(&e))?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    user.check_csrf(&get("csrf"))?;
    let form = AddUser {
        email: get("email"),
        name: get("name"),
        roles: pairs
            .iter()
            .filter(|(k, _)| k == "roles")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    let roles = account::parse_roles("roles", &form.roles.join(","))?;
    let (_, secret) = account::add(
        &state,
        Caller::Person(&user),
        &form.email,
        &form.name,
        &roles,
    )
    .await?;
    let notice = ResetNotice::shown(form.name.trim().to_string(), &state, &headers, &secret);
    Ok(users_page(&state, &user, Some(notice))
        .await?
        .into_response())
}

#[derive(Deserialize)]
pub struct RolesForm {
    roles: String,
}

pub async fn set_roles(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<RolesForm>,
) -> Result<Response, WebError> {
    let roles = account::parse_roles("roles", &f.form.roles)?;
    account::set_roles(&state, Caller::Person(&f.user), id, &roles).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    account::disable(&state, Caller::Person(&f.user), id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn reset_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    let secret = account::reset_link(&state, Caller::Person(&f.user), id).await?;
    let notice = ResetNotice::shown(
        account_name(&state, &f.user, id).await?,
        &state,
        &headers,
        &secret,
    );
    Ok(users_page(&state, &f.user, Some(notice))
        .await?
        .into_response())
}

async fn account_name(state: &AppState, user: &CurrentUser, id: i64) -> Result<String, WebError> {
    Ok(account::accounts(state, Caller::Person(user))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .map(|a| a.name)
        .unwrap_or_default())
}

/// `POST /admin/users/{id}/reset/email`: a new reset link, emailed at once
/// (shown here instead when it cannot be sent).
pub async fn email_reset_link(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    let base = super::absolute(&state, &headers, "");
    let sent = account::email_reset_link(&state, Caller::Person(&f.user), id, &base).await?;
    let name = account_name(&state, &f.user, id).await?;
    let notice = match sent {
        account::ResetMail::Sent(to) => ResetNotice {
            name,
            link: None,
            sent_to: Some(to),
            not_sent: None,
        },
        account::ResetMail::NotSent { secret, why } => ResetNotice {
            not_sent: Some(why),
            ..ResetNotice::shown(name, &state, &headers, &secret)
        },
    };
    Ok(users_page(&state, &f.user, Some(notice))
        .await?
        .into_response())
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Option<Nav>,
    lines: Vec<onramp_app::audit::AuditLine>,
    everything: bool,
    zone: String,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    format: Option<String>,
}

/// The audit log: everything for admins, what concerns them for others.
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    match q.format.as_deref() {
        Some("csv") => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"onramp-audit.csv\"",
                ),
            ],
            onramp_app::audit::csv(&onramp_app::audit::events_for(&state, &user).await?),
        )
            .into_response()),
        Some("json") => {
            Ok(axum::Json(onramp_app::audit::events_for(&state, &user).await?).into_response())
        }
        None | Some("html") => {
            let nav = Nav::of(&state, &user).await?;
            let zone = user.account.time_zone.clone();
            Ok(Html(
                AuditPage {
                    nav,
                    everything: may_administer(&user.actor),
                    lines: onramp_app::audit::lines_for(&state, &user, &zone).await?,
                    zone,
                }
                .render()?,
            )
            .into_response())
        }
        Some(other) => Err(WebError::BadRequest {
            field: "format".into(),
            message: format!("`{other}` is not a format (html, csv or json)"),
        }),
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    nav: Option<Nav>,
    csrf: String,
    tokens: Vec<onramp_store::ApiToken>,
    sessions: Vec<onramp_store::SessionInfo>,
    created: Option<String>,
    clock: super::Clock,
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    created: Option<String>,
) -> Result<Html<String>, WebError> {
    let tokens = account::tokens(state, user.account.id).await?;
    let sessions = account::sessions(state, user.account.id, session_secret(user)).await?;
    let nav = Nav::of(state, user).await?;
    Ok(Html(
        TokensPage {
            nav,
            csrf: user.csrf().to_string(),
            tokens,
            sessions,
            created,
            clock: super::Clock::of(user),
        }
        .render()?,
    ))
}

/// The secret of the session a request came with (none for a token).
fn session_secret(user: &CurrentUser) -> Option<&str> {
    match &user.via {
        crate::auth::Via::Session { token, .. } => Some(token.as_str()),
        crate::auth::Via::Token { .. } => None,
    }
}

/// `POST /settings/sessions/{handle}/end`: ends one of one's own sessions.
pub async fn end_session(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    account::end_session(&state, &f.user.account, &handle).await?;
    Ok(Redirect::to("/settings/tokens#sessions-h").into_response())
}

/// `POST /settings/sessions/end-others`: every session but this one ends.
pub async fn end_other_sessions(
    State(state): State<AppState>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    account::end_other_sessions(&state, &f.user.account, session_secret(&f.user)).await?;
    Ok(Redirect::to("/settings/tokens#sessions-h").into_response())
}

/// `POST /admin/users/{id}/sessions/end`: an administrator signs someone out everywhere.
pub async fn end_sessions_of(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    account::end_sessions_of(&state, Caller::Person(&f.user), id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    tokens_page(&state, &user, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    scope: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    f: VerifiedForm<TokenForm>,
) -> Result<Html<String>, WebError> {
    let (secret, _) =
        account::create_token(&state, f.user.account.id, &f.form.name, &f.form.scope).await?;
    tokens_page(&state, &f.user, Some(secret)).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    account::revoke_token(&state, f.user.account.id, id).await?;
    Ok(Redirect::to("/settings/tokens").into_response())
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/users/{id}/roles", post(set_roles))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/sessions/end", post(end_sessions_of))
        .route("/admin/users/{id}/reset", post(reset_link))
        .route("/admin/users/{id}/reset/email", post(email_reset_link))
        .route("/audit", get(audit))
        .route("/settings/tokens", get(tokens).post(create_token))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
        .route("/settings/sessions/{handle}/end", post(end_session))
        .route("/settings/sessions/end-others", post(end_other_sessions))
}
