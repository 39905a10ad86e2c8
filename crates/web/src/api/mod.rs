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

mod account;
mod buddy;
pub(crate) mod handbook;
pub(crate) mod learning;
mod office_hours;
mod onboardings;
mod ping;
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
        .routes(routes!(onboardings::list, onboardings::create))
        .routes(routes!(onboardings::get_one, onboardings::update))
        .routes(routes!(onboardings::change_task))
        .routes(routes!(onboardings::comments, onboardings::add_comment))
        .routes(routes!(onboardings::timeline))
        .routes(routes!(onboardings::upgrade_preview, onboardings::upgrade))
        .routes(routes!(onboardings::notifications))
        .routes(routes!(account::tokens, account::create_token))
        .routes(routes!(account::revoke_token))
        .routes(routes!(account::audit))
        .routes(routes!(handbook::search))
        .routes(routes!(buddy::suggestions))
        .routes(routes!(buddy::assign))
        .routes(routes!(buddy::log, buddy::add))
        .routes(routes!(buddy::feedback))
        .routes(routes!(office_hours::list))
        .routes(routes!(office_hours::ask))
        .routes(routes!(office_hours::get_question))
        .routes(routes!(office_hours::vote))
        .routes(routes!(office_hours::answer))
        .routes(routes!(ping::list, ping::upload))
        .routes(routes!(ping::get_one))
        .routes(routes!(ping::keys))
        .routes(routes!(ping::instance))
        .routes(routes!(ping::practice))
        .routes(routes!(learning::get_learning))
        .routes(routes!(learning::complete_module))
        .routes(routes!(learning::undo_module))
        .routes(routes!(learning::save_certification))
        .routes(routes!(learning::set_channels))
        .routes(routes!(learning::set_read))
        .routes(routes!(learning::request_access))
        .routes(routes!(learning::open_requests))
        .routes(routes!(learning::move_request))
        .routes(routes!(learning::list_webinars, learning::add_webinar))
        .routes(routes!(learning::set_recording))
        .routes(routes!(learning::attend))
        .routes(routes!(learning::freshness))
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
        let (status, message, field) = self.0.parts();
        let mut response = error_response(status, message, field);
        crate::error::retry_later(&mut response);
        response
    }
}

/// The JSON error body with its status.
pub fn error_response(status: StatusCode, message: String, field: Option<String>) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            status: status.as_u16(),
            message,
            field,
        },
    };
    (status, Json(body)).into_response()
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// A JSON request body whose errors name the field at fault.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json_type {
            return Err(ApiError(WebError::BadRequest {
                field: "content-type".into(),
                message: "send the body as application/json".into(),
            }));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                ApiError(WebError::BadRequest {
                    field: "body".into(),
                    message: e.body_text(),
                })
            })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner().to_string();
                let field = if path == "." {
                    // Missing and unknown fields are named in the message itself.
                    inner
                        .split('`')
                        .nth(1)
                        .filter(|_| inner.contains("field"))
                        .unwrap_or("body")
                        .to_string()
                } else {
                    path
                };
                ApiError(WebError::BadRequest {
                    field,
                    message: inner,
                })
            })
    }
}
