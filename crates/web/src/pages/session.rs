//! Signing in and out, and setting a password from a reset link.

use crate::auth::{
    self, LOGIN_CSRF_COOKIE, SESSION_COOKIE, VerifiedForm, constant_time_eq, cookie, is_https,
    set_cookie,
};
use crate::{AppState, WebError};
use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, Utc};
use onramp_store::accounts::verify_password;
use serde::Deserialize;
use std::net::SocketAddr;

/// How long a session lasts.
pub const SESSION_DAYS: i64 = 7;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    nav: Option<super::Nav>,
    csrf: &'a str,
    next: &'a str,
    email: &'a str,
    message: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after signing in.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/home",
    }
}

fn login_page(
    csrf: &str,
    next: &str,
    email: &str,
    message: Option<&str>,
    status: StatusCode,
    secure: bool,
) -> Result<Response, WebError> {
    let html = LoginPage {
        nav: None,
        csrf,
        next,
        email,
        message,
    }
    .render()?;
    Ok((
        status,
        [(
            header::SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, csrf, 3600, secure),
        )],
        Html(html),
    )
        .into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let csrf = onramp_store::accounts::new_secret()?;
    login_page(
        &csrf,
        safe_next(q.next.as_deref()),
        "",
        None,
        StatusCode::OK,
        is_https(&state, &headers),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

/// Sign-in throttling, shared by every server through the database.
///
/// - per client address and account: 5 failures in 15 minutes lock that
///   pair for 15 minutes (someone guessing one person's password);
/// - per client address: 20 failures in 15 minutes lock the address
///   (someone trying many accounts);
/// - per account, from every address: from 10 failures in 15 minutes each
///   attempt waits a little longer (up to 5 s), and is never locked. Failures
///   from a locked pair or address are not counted, so one client adds at
///   most 5 to an account: 127.0.0.2 failing 20 times for an account does not
///   slow its owner signing in from elsewhere.
struct SignInThrottle {
    pair: String,
    client: String,
    account: String,
}

const PAIR_LIMIT: i64 = 5;
const CLIENT_LIMIT: i64 = 20;
const ACCOUNT_SLOW_AFTER: i64 = 10;

impl SignInThrottle {
    fn new(client: &str, email: &str) -> Self {
        Self {
            pair: format!("client-account:{client}|{email}"),
            client: format!("client:{client}"),
            account: format!("account:{email}"),
        }
    }

    async fn locked_until(
        &self,
        store: &onramp_store::Store,
        now: chrono::DateTime<Utc>,
    ) -> Result<Option<chrono::DateTime<Utc>>, WebError> {
        let pair = store.sign_in_locked_until(&self.pair, now).await?;
        let client = store.sign_in_locked_until(&self.client, now).await?;
        Ok(pair.max(client))
    }

    async fn account_delay(
        &self,
        store: &onramp_store::Store,
        now: chrono::DateTime<Utc>,
    ) -> Result<Option<std::time::Duration>, WebError> {
        let failures = store.sign_in_failures(&self.account, now).await?;
        Ok((failures >= ACCOUNT_SLOW_AFTER).then(|| {
            let steps = (failures - ACCOUNT_SLOW_AFTER + 1).min(10);
            std::time::Duration::from_millis(500 * u64::try_from(steps).unwrap_or(10))
        }))
    }

    async fn record_failure(
        &self,
        store: &onramp_store::Store,
        now: chrono::DateTime<Utc>,
    ) -> Result<(), WebError> {
        store
            .record_sign_in_failure(&self.pair, now, Some(PAIR_LIMIT))
            .await?;
        store
            .record_sign_in_failure(&self.client, now, Some(CLIENT_LIMIT))
            .await?;
        store
            .record_sign_in_failure(&self.account, now, None)
            .await?;
        Ok(())
    }

    async fn record_success(&self, store: &onramp_store::Store) -> Result<(), WebError> {
        store.clear_sign_in_failures(&self.pair).await?;
        Ok(())
    }
}

/// The same answer for an unknown email and a wrong password, after the
/// same (argon2) work, so accounts cannot be discovered.
const WRONG: &str = "Email or password is wrong.";

// Long: sign-in in order: form, throttle, password, session, cookies; each step may answer early.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let secure = is_https(&state, &headers);
    let next = safe_next(Some(&form.next)).to_string();
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        let fresh = onramp_store::accounts::new_secret()?;
        return login_page(
            &fresh,
            &next,
            &form.email,
            Some("The sign-in form expired; please try again."),
            StatusCode::FORBIDDEN,
            secure,
        );
    }
    let now = Utc::now();
    let email = form.email.trim().to_lowercase();
    let client =
        crate::client::client_address(connect.map(|c| c.0.0), &headers, &state.trusted_proxies)
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    let throttle = SignInThrottle::new(&client, &email);
    if let Some(until) = throttle.locked_until(&state.store, now).await? {
        let minutes = (until - now).num_minutes() + 1;
        let message = format!(
            "Too many failed sign-in attempts from this address. Try again in {minutes} minute(s), or ask an admin for a reset link."
        );
        return login_page(
            &form.csrf,
            &next,
            &form.email,
            Some(&message),
            StatusCode::TOO_MANY_REQUESTS,
            secure,
        );
    }
    // An account attacked from many addresses is slowed down, never locked:
    // a lock-out would be the attacker's to give.
    if let Some(delay) = throttle.account_delay(&state.store, now).await? {
        tokio::time::sleep(delay).await;
    }
    let found = state.store.account_for_sign_in(&email).await?;
    let (account, hash) = match &found {
        Some((account, hash)) => (Some(account), hash.as_deref()),
        None => (None, None),
    };
    let password_ok = verify_password(&form.password, hash);
    let account = account.filter(|a| password_ok && a.disabled_at.is_none());
    let Some(account) = account else {
        throttle.record_failure(&state.store, now).await?;
        tracing::info!(address = %client, "failed sign-in");
        return login_page(
            &form.csrf,
            &next,
            &form.email,
            Some(WRONG),
            StatusCode::UNAUTHORIZED,
            secure,
        );
    };
    throttle.record_success(&state.store).await?;
    // A new session at every sign-in: a session id planted before sign-in is never reused.
    if let Some(old) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&old).await?;
    }
    let device = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(onramp_core::text::device_name)
        .unwrap_or_else(|| onramp_core::text::device_name(""));
    let origin = onramp_store::SessionOrigin {
        device,
        address: client.clone(),
    };
    let (token, _) = state
        .store
        .start_session(account.id, Duration::days(SESSION_DAYS), &origin)
        .await?;
    let mut response = Redirect::to(&next).into_response();
    let headers = response.headers_mut();
    for value in [
        set_cookie(SESSION_COOKIE, &token, SESSION_DAYS * 86_400, secure),
        set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    ] {
        if let Ok(v) = header::HeaderValue::from_str(&value) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

fn signed_out(state: &AppState, headers: &HeaderMap) -> Response {
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) =
        header::HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "", 0, is_https(state, headers)))
    {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[derive(Deserialize)]
pub struct Empty {}

/// Ends this session.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    f: VerifiedForm<Empty>,
) -> Result<Response, WebError> {
    if let auth::Via::Session { token, .. } = &f.user.via {
        state.store.end_session(token).await?;
    }
    Ok(signed_out(&state, &headers))
}

/// Ends every session of the account, on every device.
pub async fn logout_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    f: VerifiedForm<Empty>,
) -> Result<Response, WebError> {
    state.store.end_all_sessions(f.user.account.id).await?;
    Ok(signed_out(&state, &headers))
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    nav: Option<super::Nav>,
    secret: &'a str,
    message: Option<&'a str>,
}

pub async fn reset_form(Path(secret): Path<String>) -> Result<Html<String>, WebError> {
    Ok(Html(
        ResetPage {
            nav: None,
            secret: &secret,
            message: None,
        }
        .render()?,
    ))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// Sets the password with a one-time link (the link itself is the secret).
pub async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, WebError> {
    match onramp_app::account::reset_password(&state, &secret, &form.password).await {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(onramp_app::Error::Invalid { field, message }) => {
            let message = match field.as_str() {
                "link" => message,
                _ => format!("{field}: {message}"),
            };
            let html = ResetPage {
                nav: None,
                secret: &secret,
                message: Some(&message),
            }
            .render()?;
            Ok((StatusCode::BAD_REQUEST, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/logout/everywhere", post(logout_everywhere))
        .route("/reset/{secret}", get(reset_form).post(reset))
}
