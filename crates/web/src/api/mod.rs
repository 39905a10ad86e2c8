//! The JSON API under `/api/v1`, described by the OpenAPI document served at
//! `/api/openapi.json`, which is generated from these handlers.

use crate::{AppState, WebError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) mod programs;

#[derive(OpenApi)]
#[openapi(info(
    title = "Onramp API",
    description = "Onboarding programs and onboardings of Customer Success Managers."
))]
struct ApiDoc;

/// The API's routes and their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(programs::list_programs))
        .routes(routes!(programs::get_program))
}

/// An error as the API answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for people.
    pub message: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
}

/// A [`WebError`] presented as JSON.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, message, field) = match self.0 {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not found".to_string(), None),
            WebError::BadRequest { field, message } => {
                (StatusCode::BAD_REQUEST, message, Some(field))
            }
            WebError::Conflict(m) => (StatusCode::CONFLICT, m, None),
            WebError::Internal(cause) => {
                tracing::error!(%cause, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error; it has been logged".to_string(),
                    None,
                )
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                message,
                field,
            },
        };
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;
