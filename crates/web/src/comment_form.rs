//! Reading a comment form (multipart, with an optional screenshot), for the
//! onboarding pages and the JSON API alike, and the notice after a comment.

use crate::WebError;
use axum::extract::Multipart;
use onramp_app::onboarding::CommentInput;
use onramp_core::comment::{MAX_ATTACHMENT_BYTES, image_type};
use serde::Deserialize;

/// Reads a comment form: the CSRF token sent with it (empty when none) and
/// the comment, checking the screenshot's size and type.
pub async fn read_comment_form(
    mut multipart: Multipart,
) -> Result<(String, CommentInput), WebError> {
    let bad = |field: &str, message: String| WebError::BadRequest {
        field: field.into(),
        message,
    };
    let mut csrf = String::new();
    let mut input = CommentInput {
        body: String::new(),
        task_id: None,
        screenshot: None,
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad("form", e.body_text()))?
    {
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "csrf" => csrf = field.text().await.map_err(|e| bad("csrf", e.body_text()))?,
            "body" => input.body = field.text().await.map_err(|e| bad("body", e.body_text()))?,
            "task_id" => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| bad("task_id", e.body_text()))?;
                if !text.is_empty() {
                    input.task_id = Some(
                        text.parse()
                            .map_err(|_| bad("task_id", format!("`{text}` is not a task id")))?,
                    );
                }
            }
            "screenshot" | "file" => {
                let file_name = field.file_name().unwrap_or("screenshot").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    bad(
                        &name,
                        format!(
                            "the upload failed or is larger than 10 MB ({})",
                            e.body_text()
                        ),
                    )
                })?;
                if bytes.is_empty() {
                    continue;
                }
                if bytes.len() > MAX_ATTACHMENT_BYTES {
                    return Err(bad(
                        &name,
                        format!(
                            "the file is {} bytes; screenshots may be up to 10 MB",
                            bytes.len()
                        ),
                    ));
                }
                if image_type(&bytes).is_none() {
                    return Err(bad(&name, "only PNG, JPEG, GIF and WebP images can be attached (judged from the file's content)".into()));
                }
                input.screenshot = Some((file_name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok((csrf, input))
}

/// `?unreached=handle:reason,…`: the mentions of the comment just written
/// that notified nobody (see `comment`).
#[derive(Deserialize, Default)]
pub struct AfterComment {
    #[serde(default)]
    unreached: String,
}

impl AfterComment {
    /// One sentence per unreached mention; unknown entries are ignored.
    pub fn lines(&self) -> Vec<String> {
        self.unreached
            .split(',')
            .filter_map(|entry| {
                let (handle, code) = entry.split_once(':')?;
                let reason = onramp_core::comment::Unreached::from_code(code)?;
                let handle_ok = !handle.is_empty()
                    && handle.len() <= 64
                    && handle
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
                handle_ok.then(|| format!("@{handle} was not notified: {}.", reason.text()))
            })
            .collect()
    }

    /// The query for a redirect after a comment.
    pub fn query(unreached: &[onramp_core::comment::UnreachedMention]) -> String {
        if unreached.is_empty() {
            return String::new();
        }
        let list: Vec<String> = unreached
            .iter()
            .map(|u| format!("{}:{}", u.mention, u.reason.code()))
            .collect();
        format!(
            "?{}",
            serde_urlencoded::to_string([("unreached", list.join(","))]).unwrap_or_default()
        )
    }
}
