//! One error type for every handler: 4xx answers name the field and say what to do; 5xx answers
//! are logged and never show internals.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use nansen_domain::{FieldError, ValidationErrors};
use nansen_store::StoreError;
use serde::Serialize;

/// The body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code the UI can translate: `validation_failed`, `malformed_json`, `not_found`, `conflict`, …
    pub code: &'static str,
    /// What was wrong and what to do.
    pub message: String,
    /// Field-level problems, where the request had fields.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// For a conflict: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// An error answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request's content failed validation.
    #[error("{0}")]
    Validation(#[from] ValidationErrors),
    /// The body is not the JSON expected.
    #[error("{message}")]
    BadJson {
        /// Where in the body, when known.
        field: Option<String>,
        /// What was wrong.
        message: String,
    },
    /// The body is larger than accepted.
    #[error("the request body is larger than {0} bytes; send less data per request")]
    TooLarge(usize),
    /// The body is not JSON at all.
    #[error("send the body as JSON with the header Content-Type: application/json")]
    UnsupportedMediaType,
    /// A query parameter is wrong.
    #[error("{message}")]
    BadQuery {
        /// The parameter.
        field: String,
        /// What was wrong.
        message: String,
    },
    /// No valid session or token came with the request.
    #[error("sign in first: send a session cookie from /login or an API token as `Authorization: Bearer …`")]
    Unauthenticated,
    /// The signed-in user's roles do not carry the permission this request needs.
    #[error("your roles do not allow this ({0} is needed); ask your administrator if your work requires it")]
    Forbidden(String),
    /// The request came without the form's or header's CSRF token, or from another site.
    #[error("this form has expired or came from another site; reload the page and submit it again")]
    Csrf,
    /// Too many failed sign-ins.
    #[error("{0}")]
    Throttled(String),
    /// A storage error.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    /// A validation error on one field.
    pub fn field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let mut e = ValidationErrors::new();
        e.push(field, nansen_domain::ParseError { code, message: message.into() });
        Self::Validation(e)
    }

    /// HTTP status and body.
    pub fn parts(&self) -> (StatusCode, ErrorDetail) {
        let d = |code, message: String| ErrorDetail { code, message, fields: Vec::new(), current_version: None };
        match self {
            ApiError::Validation(v) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorDetail {
                    code: "validation_failed",
                    message: format!("the request was refused and nothing was changed: {self}"),
                    fields: v.errors.clone(),
                    current_version: None,
                },
            ),
            ApiError::BadJson { field, message } => (
                StatusCode::BAD_REQUEST,
                ErrorDetail {
                    code: "malformed_json",
                    message: format!("the body is not valid for this request: {message}; nothing was changed"),
                    fields: field
                        .iter()
                        .map(|f| FieldError { field: f.clone(), code: "malformed_json", message: message.clone() })
                        .collect(),
                    current_version: None,
                },
            ),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, d("body_too_large", self.to_string())),
            ApiError::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, d("unsupported_media_type", self.to_string())),
            ApiError::BadQuery { field, message } => (
                StatusCode::BAD_REQUEST,
                ErrorDetail {
                    code: "invalid_query",
                    message: message.clone(),
                    fields: vec![FieldError { field: field.clone(), code: "invalid_query", message: message.clone() }],
                    current_version: None,
                },
            ),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, d("unauthenticated", self.to_string())),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, d("forbidden", self.to_string())),
            ApiError::Csrf => (StatusCode::FORBIDDEN, d("csrf", self.to_string())),
            ApiError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, d("throttled", self.to_string())),
            ApiError::Store(e) => match e {
                StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, d("not_found", e.to_string())),
                StoreError::Conflict { current, .. } => (
                    StatusCode::CONFLICT,
                    ErrorDetail { code: "conflict", message: e.to_string(), fields: Vec::new(), current_version: Some(*current) },
                ),
                StoreError::Duplicate(_) => (StatusCode::CONFLICT, d("duplicate", e.to_string())),
                StoreError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, d("refused", e.to_string())),
                StoreError::Rule { code, message } => (StatusCode::UNPROCESSABLE_ENTITY, d(code, message.clone())),
                StoreError::WritesStopped(_) => (StatusCode::SERVICE_UNAVAILABLE, d("writes_stopped", e.to_string())),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    d("internal", "the server failed to complete the request; it has been logged. Try again, and tell your administrator if it persists".into()),
                ),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (status, Json(ErrorBody { error: detail })).into_response()
    }
}

/// Handler result.
pub type ApiResult<T> = Result<T, ApiError>;
