//! Onramp's HTTP server: server-rendered pages, health checks and metrics.
//!
//! Handlers stay thin: they read the request, call the store or the domain,
//! and render. Errors are mapped to responses once, in [`error`].

use axum::Router;
use axum::routing::get;
use onramp_store::Store;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

mod api;
mod error;
mod health;
mod metrics;
mod pages;

pub use error::WebError;

/// The OpenAPI document of the JSON API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().split_for_parts().1
}
pub use metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            metrics: Arc::new(Metrics::new()),
        }
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
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
        .route("/programs", get(pages::programs))
        .route("/programs/{id}", get(pages::program))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` completes; requests in flight are allowed to
/// finish before this returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
