//! `auth.authenticateDevice` (`POST /auth/device`): a device signs in with an access
//! key and its secret, and gets a token that acts for that device only, with the
//! scopes it asked for (`all.Device` when it asked for none).

use std::sync::Arc;

use axum::extract::State as AxumState;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::checks;
use crate::error::ApiError;
use crate::respond::{JsonBody, json};
use crate::store::{State, Token, lock};

type Shared = Arc<State>;

/// What a failed sign-in answers, whatever failed (the device, the key or the
/// secret): nothing to tell an attacker which.
fn refused() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "Invalid device credentials",
    )
}

pub(crate) async fn authenticate_device(
    AxumState(state): AxumState<Shared>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let credentials =
        checks::credentials(&body.unwrap_or_default()).map_err(ApiError::validation)?;
    let mut found = None;
    for (app, application) in state.all_applications() {
        let application = lock(&application);
        let Some(device) = application.fleet.get(&credentials.device) else {
            continue;
        };
        let allowed = application.fleet.keys.iter().any(|key| {
            key.key == credentials.key
                && key.secret == credentials.secret
                && key.allows(&credentials.device, device)
        });
        if !allowed {
            return Err(refused());
        }
        let class = device
            .doc
            .get("deviceClass")
            .cloned()
            .unwrap_or_else(|| json!("standalone"));
        found = Some((app, class));
        break;
    }
    let (app, class) = found.ok_or_else(refused)?;
    let scopes = if credentials.scopes.is_empty() {
        vec!["all.Device".to_owned()]
    } else {
        credentials.scopes
    };
    let token = crate::store::new_token();
    state.insert_token(
        token.clone(),
        Token {
            id: credentials.device.to_string(),
            name: format!("device {}", credentials.device),
            scopes,
            application: Some(app),
            device: Some(credentials.device),
        },
    );
    let body: Value = json!({
        "applicationId": app,
        "deviceId": credentials.device,
        "deviceClass": class,
        "token": token,
        "filterType": "all",
        "pubTopics": [],
        "subTopics": [],
    });
    Ok(json(StatusCode::OK, body, 0).await)
}
