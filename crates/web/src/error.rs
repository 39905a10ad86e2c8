use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use onramp_store::StoreError;

/// The web layer's one error type, mapped once to a status and a page.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("{field}: {message}")]
    BadRequest { field: String, message: String },
    #[error("conflict: {0}")]
    Conflict(String),
    /// Known to exist, but not the requester's to change.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The request body is not of a type the endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The request body is larger than the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// Too much work in flight (e.g. Service Ping analyses): try again soon.
    /// Answered with 503 and `Retry-After`.
    #[error("{0}")]
    Busy(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<onramp_app::Error> for WebError {
    fn from(e: onramp_app::Error) -> Self {
        use onramp_app::Error as E;
        match e {
            E::NotFound | E::Missing(_) => WebError::NotFound,
            E::Invalid { field, message } => WebError::BadRequest { field, message },
            E::Conflict(m) => WebError::Conflict(m),
            E::Forbidden(m) => WebError::Forbidden(m),
            E::Busy(m) => WebError::Busy(m),
            E::TooLarge(m) => WebError::TooLarge(m),
            E::Handbook(onramp_handbook::Error::Query(q)) => WebError::BadRequest {
                field: "q".into(),
                message: q.to_string(),
            },
            E::Handbook(other) => WebError::Internal(other.to_string()),
            E::Internal(m) => WebError::Internal(m),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        onramp_app::Error::from(e).into()
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl WebError {
    /// Bad input in one request field.
    pub fn bad(field: &str, message: impl Into<String>) -> WebError {
        WebError::BadRequest {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The status, the message for people, and the request field at fault:
    /// what both presentations (HTML pages and JSON) show. Internal causes
    /// are logged here and never shown.
    pub fn parts(self) -> (StatusCode, String, Option<String>) {
        match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "Not found.".to_string(), None),
            WebError::BadRequest { field, message } => {
                (StatusCode::BAD_REQUEST, message, Some(field))
            }
            WebError::Conflict(m) => (StatusCode::CONFLICT, m, None),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, m, None),
            WebError::TooManyRequests(m) => (StatusCode::TOO_MANY_REQUESTS, m, None),
            WebError::Busy(m) => (StatusCode::SERVICE_UNAVAILABLE, m, None),
            WebError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, m, None),
            WebError::UnsupportedMediaType(m) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                m,
                Some("content-type".into()),
            ),
            WebError::Internal(cause) => {
                tracing::error!(%cause, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side; it has been logged.".to_string(),
                    None,
                )
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message, field) = self.parts();
        let problem = field
            .clone()
            .map(|field| crate::pages::refill::FieldProblem {
                field,
                message: message.clone(),
            });
        let text = match field {
            Some(f) => format!("{f}: {message}"),
            None => message,
        };
        let page = crate::pages::ErrorPage {
            nav: None,
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("Error"),
            message: &text,
        };
        let body = askama::Template::render(&page).unwrap_or(text);
        let mut response = (status, Html(body)).into_response();
        if let Some(problem) = problem {
            // Lets a refused form come back filled (`pages::refill`).
            response.extensions_mut().insert(problem);
        }
        retry_later(&mut response);
        response
    }
}

/// Seconds after which a 503 (busy) may be tried again.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// Adds `Retry-After` to a 503 answer.
pub fn retry_later(response: &mut Response) {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
}
