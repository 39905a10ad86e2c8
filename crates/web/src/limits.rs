//! The upload gate: a Service Ping payload upload waits for an analysis slot
//! (`onramp_app::Limits`) before any of its body is read, so the bodies of
//! waiting uploads stay in the network buffers.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onramp_app::limits::slot;

/// The routes that take a Service Ping payload.
fn is_payload_upload(request: &Request) -> bool {
    request.method() == Method::POST
        && matches!(request.uri().path(), "/api/v1/ping/payloads" | "/ping")
}

/// Lets a payload upload in only when a slot is free, before its body is
/// read, and holds the slot until the answer is ready.
pub async fn gate_uploads(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !is_payload_upload(&request) {
        return next.run(request).await;
    }
    let api = request.uri().path().starts_with("/api/");
    match slot(&state.limits).await {
        Ok(permit) => {
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(e) if api => crate::api::ApiError(e.into()).into_response(),
        Err(e) => crate::WebError::from(e).into_response(),
    }
}
