//! The JSON API under `/api/v1`, described by the OpenAPI document served at
//! `/api/openapi.json`, which is generated from these handlers.

use crate::{AppState, WebError};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

mod account;
mod analytics;
mod buddy;
mod handbook;
mod learning;
mod notify;
mod office_hours;
mod onboarding;
mod ping;
mod program;
mod reminders;
mod workspace;

#[derive(OpenApi)]
#[openapi(info(
    title = "Onramp API",
    description = "Onboarding programs and onboardings of Customer Success Managers."
))]
struct ApiDoc;

/// The API's routes and their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(program::routes())
        .merge(analytics::routes())
        .merge(onboarding::routes())
        .merge(account::routes())
        .merge(handbook::routes())
        .merge(buddy::routes())
        .merge(office_hours::routes())
        .merge(ping::routes())
        .merge(learning::routes())
        .merge(reminders::routes())
        .merge(workspace::routes())
        .merge(notify::routes())
}

/// An error as the API answers it: an RFC 9457 problem document
/// (`application/problem+json`) with the field at fault as an extension.
/// `error` repeats status, message and field as the API answered before
/// problem documents (kept for existing clients).
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// The status's reason phrase, e.g. "Bad Request".
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong, for people.
    pub detail: String,
    /// The request field at fault, when one is.
    pub field: Option<String>,
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
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail: message.clone(),
        field: field.clone(),
        error: ErrorDetail {
            status: status.as_u16(),
            message,
            field,
        },
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(PROBLEM_JSON),
    );
    response
}

/// The media type of the API's error documents (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Every error under `/api` is a problem document: rejections made before a
/// handler runs (a path id that is not a number, a bad query, an unknown
/// route, a wrong method, a body too large or of the wrong type) come as
/// text from the framework and are turned into one here, keeping the status.
pub async fn problems_as_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = if text.is_empty() {
        match status {
            StatusCode::NOT_FOUND => "Not found.".to_string(),
            StatusCode::METHOD_NOT_ALLOWED => {
                "This method is not allowed here; the Allow header lists the ones that are."
                    .to_string()
            }
            other => other.canonical_reason().unwrap_or("Error").to_string(),
        }
    } else {
        text
    };
    let mut problem = error_response(status, message, None);
    for name in [axum::http::header::ALLOW, axum::http::header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            problem.headers_mut().insert(name, v.clone());
        }
    }
    problem
}

/// The finished OpenAPI document: every route in, then [`Conventions`].
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    utoipa::Modify::modify(&Conventions, &mut doc);
    doc
}

/// Adds the `bearer` security scheme (API tokens) to every operation, and
/// makes operation ids unique (a handler name used in two modules gets its
/// tag in front).
struct Conventions;

impl utoipa::Modify for Conventions {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token (`onramp token create`, or Settings → Tokens): `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for item in doc.paths.paths.values() {
            for op in operations(item) {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for item in doc.paths.paths.values_mut() {
            for op in operations_mut(item) {
                op.security = Some(vec![SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )]);
                document_errors(&mut op.responses);
                if let Some(id) = op.operation_id.clone()
                    && seen.get(&id).copied().unwrap_or(0) > 1
                {
                    let tag = op
                        .tags
                        .as_ref()
                        .and_then(|t| t.first())
                        .map(|t| t.replace('-', "_"))
                        .unwrap_or_default();
                    op.operation_id = Some(format!("{tag}_{id}"));
                }
            }
        }
    }
}

/// The errors any operation can answer, each a problem document: bad input
/// (400), no or a bad token (401), not allowed (403), not found (404), a stale
/// version or a taken value (409), a body too large (413) or not JSON (415),
/// throttled (429), busy (503). Error responses an operation documents
/// itself are described as `application/problem+json` too.
fn document_errors(responses: &mut utoipa::openapi::Responses) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    for (code, response) in responses.responses.iter_mut() {
        let is_error = code.starts_with('4') || code.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response)
            && let Some(content) = response.content.shift_remove("application/json")
        {
            response.content.insert(PROBLEM_JSON.to_string(), content);
        }
    }
    for (code, what) in [
        ("400", "Bad input; `field` names the request field at fault"),
        ("401", "No credentials, or an unknown or revoked token"),
        ("403", "Not allowed (e.g. a read token writing)"),
        ("404", "Not found, or not visible to the caller"),
        ("409", "A stale version, or a value that is taken"),
        ("413", "The request body is larger than the upload limit"),
        ("415", "The request body is not of the expected type"),
        ("429", "Too many attempts; try again later"),
        ("503", "Busy; try again after the seconds in Retry-After"),
    ] {
        responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(what)
                        .content(
                            PROBLEM_JSON,
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                        .build(),
                )
            });
    }
}

fn operations(item: &utoipa::openapi::PathItem) -> Vec<&utoipa::openapi::path::Operation> {
    [
        &item.get,
        &item.put,
        &item.post,
        &item.delete,
        &item.options,
        &item.head,
        &item.patch,
        &item.trace,
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> Vec<&mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
    .collect()
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
            return Err(ApiError(WebError::UnsupportedMediaType(
                "send the body as application/json".into(),
            )));
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
