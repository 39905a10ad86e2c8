//! Comments on an onboarding or one of its tasks, with screenshots.

use crate::{Actor, App, Error};
use onramp_core::access::OnboardingAction;
use onramp_core::comment::image_type;

pub struct CommentLine {
    pub task_id: Option<i64>,
    pub author: String,
    /// When, in the reader's time zone.
    pub at: onramp_core::calendar::Moment,
    pub html: String,
    pub attachments: Vec<(i64, String)>,
}

pub async fn comment_lines(
    state: &App,
    onboarding_id: i64,
    task_id: Option<i64>,
    zone: &str,
) -> Result<Vec<CommentLine>, Error> {
    let now = chrono::Utc::now();
    let comments = state.store.comments_named(onboarding_id).await?;
    let attachments = if comments.is_empty() {
        Vec::new()
    } else {
        state.store.attachments_of(onboarding_id).await?
    };
    let mut out = Vec::new();
    for (c, author) in comments
        .into_iter()
        .filter(|(c, _)| task_id.is_none() || c.task_id == task_id)
    {
        out.push(CommentLine {
            task_id: c.task_id,
            author,
            at: onramp_core::calendar::Moment::new(c.created_at, zone, now),
            html: crate::markdown::render(&c.body),
            attachments: attachments
                .iter()
                .filter(|a| a.comment_id == Some(c.id))
                .map(|a| (a.id, a.file_name.clone()))
                .collect(),
        });
    }
    Ok(out)
}

/// A comment as written: its text, the task it is about, and an optional
/// screenshot (file name, bytes).
pub struct CommentInput {
    pub body: String,
    pub task_id: Option<i64>,
    pub screenshot: Option<(String, Vec<u8>)>,
}

/// Stores a comment and its screenshot; returns the comment.
pub async fn save_comment(
    state: &App,
    user: &Actor,
    onboarding_id: i64,
    input: CommentInput,
) -> Result<
    (
        onramp_store::Comment,
        Vec<onramp_core::comment::UnreachedMention>,
    ),
    Error,
> {
    super::load(state, user, onboarding_id, OnboardingAction::Comment).await?;
    let body = if input.body.trim().is_empty() && input.screenshot.is_some() {
        "(screenshot)".to_string()
    } else {
        input.body
    };
    if body.trim().is_empty() {
        return Err(Error::Invalid {
            field: "body".into(),
            message: "write a comment or attach a screenshot".into(),
        });
    }
    if body.len() > 20_000 {
        return Err(Error::Invalid {
            field: "body".into(),
            message: "comments may be up to 20,000 characters".into(),
        });
    }
    if let Some((_, data)) = &input.screenshot {
        let used = state.store.attachment_bytes_of(user.person_id).await?;
        let quota = state.limits.attachment_quota_bytes;
        if used.saturating_add(data.len() as u64) > quota {
            return Err(Error::bad(
                "screenshot",
                format!(
                    "your screenshots use {} MB of your {} MB; this one does not fit",
                    used / 1024 / 1024,
                    quota / 1024 / 1024
                ),
            ));
        }
    }
    onramp_core::rules::check_comment(&body)?;
    let (comment, unreached) = state
        .store
        .add_comment(onboarding_id, input.task_id, user.person_id, &body)
        .await?;
    if let Some((file_name, data)) = input.screenshot {
        let content_type = image_type(&data)
            .unwrap_or("application/octet-stream")
            .to_string();
        state
            .store
            .add_attachment(&onramp_store::NewAttachment {
                onboarding_id,
                comment_id: Some(comment.id),
                uploader_id: user.person_id,
                file_name,
                content_type,
                data,
            })
            .await?;
    }
    Ok((comment, unreached))
}
