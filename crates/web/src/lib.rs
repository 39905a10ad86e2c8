//! Onramp's HTTP server: server-rendered pages, health checks and metrics.
//!
//! Handlers stay thin: they read the request, call the store or the domain,
//! and render. Errors are mapped to responses once, in [`error`].

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
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
        .merge(pages::routes(body_limit))
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
