//! Onramp's HTTP server: server-rendered pages, health checks and metrics.
//!
//! Handlers stay thin: they read the request, call the store or the domain,
//! and render. Errors are mapped to responses once, in [`error`].

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use onramp_store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

mod api;
pub mod auth;
pub mod client;
mod comment_form;
mod error;
mod health;
pub mod limits;
mod metrics;
mod pages;
mod paging;
mod protect;

pub use error::WebError;

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::finish(api::router().split_for_parts().1)
}
pub use metrics::Metrics;

/// What every handler can reach: the application (its use cases' context,
/// reached through `Deref`, so `state.store` reads the application's store)
/// and what only the web needs.
#[derive(Clone)]
pub struct AppState {
    pub app: onramp_app::App,
    pub metrics: Arc<Metrics>,
    /// Mark cookies Secure even without a proxy saying HTTPS.
    pub secure_cookies: bool,
    /// Reverse proxies whose forwarding headers name the client.
    pub trusted_proxies: Arc<client::TrustedProxies>,
}

impl AppState {
    /// A server state around an application built by the caller.
    pub fn with(app: onramp_app::App) -> Self {
        Self {
            app,
            metrics: Arc::new(Metrics::new()),
            secure_cookies: false,
            trusted_proxies: Arc::new(client::TrustedProxies::default()),
        }
    }

    /// A server state with the shipped rules and default limits.
    pub fn new(store: Store, index: Arc<onramp_handbook::SearchIndex>) -> Self {
        Self::with(onramp_app::App::new(store, index))
    }
}

impl std::ops::Deref for AppState {
    type Target = onramp_app::App;
    fn deref(&self) -> &onramp_app::App {
        &self.app
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let pages = application(state);
    let again = pages.clone();
    pages.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            pages::refill::keep_input(again.clone(), request, next)
        },
    ))
}

/// Every route and protection, without the refilling of refused forms
/// (which renders pages again through this).
fn application(state: AppState) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let body_limit = state.limits.body_bytes();
    let api = api
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(api::problems_as_json));
    let openapi = Arc::new(api::finish(openapi));
    Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .route("/", get(pages::home))
        .route(
            "/login",
            get(pages::session::login_form).post(pages::session::login),
        )
        .route("/logout", post(pages::session::logout))
        .route(
            "/logout/everywhere",
            post(pages::session::logout_everywhere),
        )
        .route(
            "/reset/{secret}",
            get(pages::session::reset_form).post(pages::session::reset),
        )
        .route("/home", get(pages::onboarding::my_home))
        .route("/team", get(pages::onboarding::team))
        .route("/starts", get(pages::onboarding::starts))
        .route("/inbox", get(pages::onboarding::inbox))
        .route("/inbox/read", post(pages::onboarding::inbox_read))
        .route("/onboardings/new", get(pages::onboarding::new_form))
        .route("/onboardings", post(pages::onboarding::create))
        .route("/onboardings/{id}", get(pages::onboarding::detail))
        .route(
            "/onboardings/{id}/tasks/{task_id}",
            get(pages::onboarding::task_page).post(pages::onboarding::task_action),
        )
        .route(
            "/onboardings/{id}/comments",
            post(pages::onboarding::comment).layer(DefaultBodyLimit::max(body_limit)),
        )
        .route(
            "/onboardings/{id}/start",
            post(pages::onboarding::move_start),
        )
        .route(
            "/onboardings/{id}/upgrade",
            get(pages::onboarding::upgrade_preview).post(pages::onboarding::upgrade),
        )
        .route(
            "/onboardings/{id}/buddy",
            get(pages::buddy::page).post(pages::buddy::assign),
        )
        .route("/onboardings/{id}/buddy/end", post(pages::buddy::end))
        .route(
            "/onboardings/{id}/meetings",
            get(pages::buddy::log).post(pages::buddy::add),
        )
        .route(
            "/onboardings/{id}/meetings/{meeting_id}/feedback",
            get(pages::buddy::feedback_form).post(pages::buddy::give_feedback),
        )
        .route(
            "/office-hours",
            get(pages::office_hours::board).post(pages::office_hours::create),
        )
        .route(
            "/office-hours/{id}/questions",
            post(pages::office_hours::ask),
        )
        .route(
            "/office-hours/{id}/sessions/{file}",
            get(pages::office_hours::session_ics),
        )
        .route(
            "/office-hours/{id}/cancel/{start}",
            post(pages::office_hours::cancel),
        )
        .route(
            "/office-hours/questions/{id}",
            get(pages::office_hours::question),
        )
        .route(
            "/office-hours/questions/{id}/vote",
            post(pages::office_hours::vote),
        )
        .route(
            "/office-hours/questions/{id}/answer",
            post(pages::office_hours::answer),
        )
        .route("/calendar/token", post(pages::office_hours::rotate_feed))
        .route(
            "/calendar/token/revoke",
            post(pages::office_hours::revoke_feed),
        )
        .route("/calendar/{file}", get(pages::office_hours::feed))
        .route(
            "/calendar/{secret}/office-hours.ics",
            get(pages::office_hours::office_hours_feed),
        )
        .route(
            "/ping",
            get(pages::ping::index)
                .post(pages::ping::upload)
                .layer(DefaultBodyLimit::max(body_limit)),
        )
        .route("/ping/payloads/{id}", get(pages::ping::payload))
        .route("/ping/instances/{key}", get(pages::ping::instance))
        .route(
            "/ping/practice",
            get(pages::ping::practice).post(pages::ping::check),
        )
        .route("/ping/practice/{file}", get(pages::ping::sample_file))
        .route("/onboardings/{id}/learning", get(pages::learning::page))
        .route(
            "/onboardings/{id}/learning/modules",
            post(pages::learning::module),
        )
        .route(
            "/onboardings/{id}/learning/certifications/{certification}",
            post(pages::learning::certification),
        )
        .route(
            "/onboardings/{id}/learning/channels",
            post(pages::learning::channels),
        )
        .route(
            "/onboardings/{id}/learning/reading",
            post(pages::learning::reading),
        )
        .route(
            "/onboardings/{id}/learning/access",
            post(pages::learning::request_access),
        )
        .route("/access-requests", get(pages::learning::queue))
        .route("/access-requests/{id}", post(pages::learning::move_access))
        .route(
            "/webinars",
            get(pages::learning::webinar_list).post(pages::learning::add_webinar),
        )
        .route("/webinars/{id}/attendance", post(pages::learning::attend))
        .route("/webinars/{id}/recording", post(pages::learning::recording))
        .route("/content", get(pages::learning::content))
        .route("/attachments/{id}", get(pages::onboarding::attachment))
        .route(
            "/admin/users",
            get(pages::admin::users).post(pages::admin::add_user),
        )
        .route("/admin/users/{id}/roles", post(pages::admin::set_roles))
        .route("/admin/users/{id}/disable", post(pages::admin::disable))
        .route("/admin/users/{id}/reset", post(pages::admin::reset_link))
        .route("/audit", get(pages::admin::audit))
        .route(
            "/settings/tokens",
            get(pages::admin::tokens).post(pages::admin::create_token),
        )
        .route(
            "/settings/tokens/{id}/revoke",
            post(pages::admin::revoke_token),
        )
        .route("/search", get(pages::handbook::search))
        .route("/docs/{*path}", get(pages::handbook::page))
        .route("/docs", get(pages::handbook::root))
        .route("/static/search.js", get(pages::handbook::script))
        .route("/programs", get(pages::programs))
        .route("/programs/{id}", get(pages::program))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            protect::browser_security,
        ))
        // Outside the protections, which read JSON bodies: an upload waits
        // for its slot before any of its body is read.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::gate_uploads,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// No route: a page, or a problem document under `/api`.
pub async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        api::ApiError(WebError::NotFound).into_response()
    } else {
        WebError::NotFound.into_response()
    }
}

/// Serves until `shutdown` completes; requests in flight are allowed to
/// finish before this returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
