//! Who is asking: the session cookie of a signed-in person, or an API token.
//! Also CSRF checks for forms and for API requests made with a session.

use crate::{AppState, WebError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use onramp_core::access::Actor;
use onramp_store::Account;
use serde::de::DeserializeOwned;

pub const SESSION_COOKIE: &str = "onramp_session";
pub const LOGIN_CSRF_COOKIE: &str = "onramp_login_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session; forms and API writes must carry its CSRF token.
    Session {
        token: String,
        csrf: String,
        /// Unread notifications, read with the session.
        unread: i64,
    },
    /// An API token with its scope (`read` or `write`).
    Token { scope: String },
}

/// The signed-in person.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub account: Account,
    pub actor: Actor,
    pub via: Via,
}

/// The signed-in person acts as their [`Actor`] in every use case.
impl std::ops::Deref for CurrentUser {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.actor
    }
}

impl CurrentUser {
    /// The CSRF token to put in forms (empty for token requests, which have no forms).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token { .. } => "",
        }
    }

    /// Checks a form's CSRF token against the session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), WebError> {
        match &self.via {
            Via::Session { csrf, .. } if constant_time_eq(csrf.as_bytes(), presented.as_bytes()) => Ok(()),
            Via::Session { .. } => Err(WebError::Forbidden("the form is out of date or was not sent from Onramp (CSRF check failed); reload the page and try again".into())),
            Via::Token { .. } => Ok(()),
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Whether cookies must be marked Secure: the server is configured so, or a
/// proxy in front says the request came over HTTPS.
pub fn is_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value with the safe defaults.
pub fn set_cookie(name: &str, value: &str, max_age_seconds: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Why a request is not authenticated, answered as the client expects.
#[derive(Debug)]
pub enum AuthRejection {
    /// A page: go and sign in, then come back.
    SignIn {
        next: String,
    },
    /// The API: 401 (or 403 for a refused token scope or CSRF check).
    Api(StatusCode, String),
    Failed(WebError),
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignIn { next } => {
                let target = format!("/login?next={}", urlencode(&next));
                Redirect::to(&target).into_response()
            }
            AuthRejection::Api(status, message) => {
                let mut response = crate::api::error_response(status, message, None);
                if status == StatusCode::UNAUTHORIZED {
                    response.headers_mut().insert(
                        header::WWW_AUTHENTICATE,
                        header::HeaderValue::from_static("Bearer"),
                    );
                }
                response
            }
            AuthRejection::Failed(e) => e.into_response(),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn is_api(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/api/")
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AuthRejection;

    // Long: sessions and tokens are two ways in, each with its checks (expiry, rotation, scope, CSRF for writes).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<CurrentUser>() {
            return Ok(user.clone());
        }
        let now = Utc::now();
        let api = is_api(parts);
        let failed = |e: onramp_store::StoreError| AuthRejection::Failed(e.into());
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            // The scheme word is case-insensitive (RFC 9110 §11.1).
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_string());
        let user = if let Some(secret) = bearer {
            let Some((token, account)) = state
                .store
                .use_api_token(&secret, now)
                .await
                .map_err(failed)?
            else {
                return Err(AuthRejection::Api(
                    StatusCode::UNAUTHORIZED,
                    "the token is unknown or revoked".into(),
                ));
            };
            if is_write(&parts.method) && token.scope != "write" {
                return Err(AuthRejection::Api(
                    StatusCode::FORBIDDEN,
                    "this token has the read scope; create a write token to change data".into(),
                ));
            }
            user_of(account, Via::Token { scope: token.scope })
        } else {
            let session = match cookie(&parts.headers, SESSION_COOKIE) {
                Some(token) => state
                    .store
                    .session(&token, now)
                    .await
                    .map_err(failed)?
                    .map(|s| (token, s)),
                None => None,
            };
            let Some((token, (session, account))) = session else {
                return Err(if api {
                    AuthRejection::Api(
                        StatusCode::UNAUTHORIZED,
                        "sign in or send `Authorization: Bearer <token>`".into(),
                    )
                } else {
                    let next = parts
                        .uri
                        .path_and_query()
                        .map_or("/", |p| p.as_str())
                        .to_string();
                    AuthRejection::SignIn { next }
                });
            };
            // "Your sessions" says when each was last used, to a few minutes.
            if now - session.last_seen_at
                > chrono::Duration::minutes(onramp_store::SEEN_EVERY_MINUTES)
            {
                state
                    .store
                    .session_seen(&session.id, now)
                    .await
                    .map_err(failed)?;
            }
            if api && is_write(&parts.method) {
                let presented = parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if !constant_time_eq(presented.as_bytes(), session.csrf_token.as_bytes()) {
                    return Err(AuthRejection::Api(
                        StatusCode::FORBIDDEN,
                        format!(
                            "a session request that changes data needs the `{CSRF_HEADER}` header"
                        ),
                    ));
                }
            }
            user_of(
                account,
                Via::Session {
                    token,
                    csrf: session.csrf_token,
                    unread: session.unread_notifications,
                },
            )
        };
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

fn user_of(account: Account, via: Via) -> CurrentUser {
    let actor = Actor {
        person_id: account.person_id,
        roles: account.roles(),
    };
    CurrentUser {
        account,
        actor,
        via,
    }
}

/// The signed-in person, if any (for pages that also serve visitors).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(MaybeUser(Some(user))),
            Err(AuthRejection::SignIn { .. }) => Ok(MaybeUser(None)),
            Err(other) => Err(other),
        }
    }
}

/// A URL-encoded form from a signed-in person whose `csrf` field matched
/// their session: the only way pages accept state-changing forms.
pub struct VerifiedForm<T> {
    pub user: CurrentUser,
    pub form: T,
}

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for VerifiedForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let bytes = axum::body::to_bytes(body, 64 * 1024).await.map_err(|_| {
            WebError::BadRequest {
                field: "form".into(),
                message: "the form is too large".into(),
            }
            .into_response()
        })?;
        let csrf: CsrfField =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| bad_form(&e).into_response())?;
        user.check_csrf(&csrf.csrf)
            .map_err(IntoResponse::into_response)?;
        let form =
            serde_urlencoded::from_bytes(&bytes).map_err(|e| bad_form(&e).into_response())?;
        Ok(VerifiedForm { user, form })
    }
}

/// A form that does not parse, with the field named when serde says which.
pub fn bad_form(e: &serde_urlencoded::de::Error) -> WebError {
    let text = e.to_string();
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.starts_with("missing field") || text.starts_with("unknown field"))
        .unwrap_or("form")
        .to_string();
    WebError::BadRequest {
        field,
        message: text,
    }
}
