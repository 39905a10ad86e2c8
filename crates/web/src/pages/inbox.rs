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

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    items: Vec<InboxItem>,
    csrf: String,
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

/// This module's pages and forms, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(read_all))
        .route("/inbox/{id}/read", post(read_one))
}
