//! The inbox: every notification of the signed-in person, newest first.

use super::Nav;
use crate::auth::{CurrentUser, VerifiedForm};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onramp_app::notify::{self, InboxItem};
use onramp_core::notify::{Channel, ChatFormat};

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    items: Vec<InboxItem>,
    csrf: String,
    /// The reader's time zone, and the time the page was made.
    zone: String,
    now: chrono::DateTime<chrono::Utc>,
}

impl InboxPage {
    fn moment(&self, at: &chrono::DateTime<chrono::Utc>) -> onramp_core::calendar::Moment {
        onramp_core::calendar::Moment::new(*at, &self.zone, self.now)
    }
}

/// `GET /inbox`.
pub async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let items = notify::inbox(&state, &user, 200).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        InboxPage {
            nav,
            items,
            csrf: user.csrf().to_string(),
            zone: user.account.time_zone.clone(),
            now: chrono::Utc::now(),
        }
        .render()?,
    ))
}

/// `POST /inbox/read`: all read.
pub async fn read_all(
    State(state): State<AppState>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    notify::mark_all_read(&state, &f.user).await?;
    Ok(Redirect::to("/inbox").into_response())
}

/// `POST /inbox/{id}/read`: one read.
pub async fn read_one(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    notify::mark_read(&state, &f.user, id).await?;
    Ok(Redirect::to(&format!("/inbox#n-{id}")).into_response())
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage {
    nav: Option<Nav>,
    token: String,
    kind: String,
    done: bool,
}

/// `GET /unsubscribe/{token}`: asks before it turns anything off (mail
/// programs and link checkers open links by themselves).
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let kind = notify::unsubscribe_target(&state, &token).await?;
    Ok(Html(
        UnsubscribePage {
            nav: None,
            token,
            kind,
            done: false,
        }
        .render()?,
    ))
}

/// `POST /unsubscribe/{token}`: one click, from the page or from a mail
/// program (RFC 8058); the address is the credential.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, WebError> {
    let kind = notify::unsubscribe(&state, &token).await?;
    Ok(Html(
        UnsubscribePage {
            nav: None,
            token,
            kind,
            done: true,
        }
        .render()?,
    ))
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailPage {
    nav: Option<Nav>,
    kept: Vec<notify::MailView>,
    failed: Vec<notify::MailView>,
    csrf: String,
    clock: super::Clock,
}

/// `GET /admin/mail`: the mail preview (what would have been sent while no
/// mail server is configured) and the emails that failed (administrators).
pub async fn mail(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Html<String>, WebError> {
    let base = state.public_url.clone();
    let kept = notify::mails(&state, &user, "kept", &base).await?;
    let failed = notify::mails(&state, &user, "failed", &base).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        MailPage {
            nav,
            kept,
            failed,
            csrf: user.csrf().to_string(),
            clock: super::Clock::of(&user),
        }
        .render()?,
    ))
}

/// `POST /admin/mail/{id}/retry`.
pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    f: VerifiedForm<super::session::Empty>,
) -> Result<Response, WebError> {
    notify::retry(&state, &f.user, id).await?;
    Ok(Redirect::to("/admin/mail").into_response())
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    nav: Option<Nav>,
    preferences: Vec<notify::Preference>,
    /// The person's connected chat, if any.
    chat: Option<notify::chat::MyChat>,
    formats: Vec<(&'static str, &'static str)>,
    /// The local hour of the daily digest.
    digest_hour: u32,
    saved: bool,
    csrf: String,
}

#[derive(serde::Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /settings/notifications`: which kinds of notification also come by
/// email.
pub async fn settings(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    let preferences = notify::preferences(&state, &user).await?;
    let chat = notify::chat::mine(&state, &user).await?;
    let digest_hour = notify::digest_hour(&state, &user).await?;
    let nav = Nav::of(&state, &user).await?;
    Ok(Html(
        SettingsPage {
            nav,
            preferences,
            chat,
            formats: ChatFormat::ALL
                .into_iter()
                .map(|f| (f.as_str(), f.label()))
                .collect(),
            digest_hour,
            saved: q.saved.is_some(),
            csrf: user.csrf().to_string(),
        }
        .render()?,
    ))
}

/// `POST /settings/notifications`: fields `email.KIND` and `chat.KIND` =
/// `now`, `digest` or `off`, and `digest_hour` (0–23).
pub async fn save_settings(
    State(state): State<AppState>,
    f: VerifiedForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    let changes: Vec<(Channel, String, String)> = f
        .form
        .iter()
        .filter_map(|(k, v)| {
            let (channel, kind) = k.split_once('.')?;
            Some((Channel::parse(channel)?, kind.to_string(), v.clone()))
        })
        .collect();
    if let Some(hour) = f.form.get("digest_hour") {
        let hour = hour
            .trim()
            .parse::<i64>()
            .map_err(|_| onramp_app::Error::bad("hour", format!("`{hour}` is not an hour")))?;
        notify::set_digest_hour(&state, &f.user, hour).await?;
    }
    notify::set_preferences(&state, &f.user, &changes).await?;
    Ok(Redirect::to("/settings/notifications?saved=1").into_response())
}

/// The chat form's fields.
#[derive(serde::Deserialize)]
pub struct ChatForm {
    #[serde(default)]
    format: String,
    #[serde(default)]
    url: String,
}

/// `POST /settings/chat`: connects the person's chat. The signing secret
/// of the `json` format is shown on the page that answers, this once.
pub async fn connect_chat(
    State(state): State<AppState>,
    f: VerifiedForm<ChatForm>,
) -> Result<Response, WebError> {
    let connected = notify::chat::connect(&state, &f.user, &f.form.format, &f.form.url).await?;
    let Some(secret) = connected.secret else {
        return Ok(Redirect::to("/settings/notifications?saved=1").into_response());
    };
    let nav = Nav::of(&state, &f.user).await?;
    Ok(Html(
        ChatSecretPage {
            nav,
            secret,
            url: connected.url,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "chat_secret.html")]
struct ChatSecretPage {
    nav: Option<Nav>,
    secret: String,
    url: String,
}

/// `POST /settings/chat/disconnect`.
pub async fn disconnect_chat(
    State(state): State<AppState>,
    f: VerifiedForm<std::collections::BTreeMap<String, String>>,
) -> Result<Response, WebError> {
    notify::chat::disconnect(&state, &f.user).await?;
    Ok(Redirect::to("/settings/notifications?saved=1").into_response())
}

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(read_all))
        .route("/inbox/{id}/read", post(read_one))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_form).post(unsubscribe),
        )
        .route("/admin/mail", get(mail))
        .route("/settings/notifications", get(settings).post(save_settings))
        .route("/settings/chat", post(connect_chat))
        .route("/settings/chat/disconnect", post(disconnect_chat))
        .route("/admin/mail/{id}/retry", post(retry))
}
