//! A JSON body extractor whose errors name the field (`members[0].person.sex`), refuse a body over
//! the limit with 413, and refuse a body that is not JSON with 415.

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

/// The largest JSON body accepted (1 MiB): far above any household, far below harm.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// A parsed JSON body.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let m = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                m == "application/json" || m.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let body = axum::body::to_bytes(req.into_body(), MAX_JSON_BODY).await.map_err(|_| ApiError::TooLarge(MAX_JSON_BODY))?;
        parse(&body).map(JsonBody)
    }
}

/// Parses JSON, reporting the path of the offending field.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != "." && !path.is_empty()).then_some(path);
        ApiError::BadJson { field, message: e.into_inner().to_string() }
    })
}
