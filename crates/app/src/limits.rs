//! Bounds on what requests and people can make the server hold: the upload
//! size, each person's screenshot quota, and how many Service Ping uploads
//! and analyses run at once.
//!
//! A payload upload costs several times its size while it is received,
//! parsed, analysed and stored, so the gate is taken before its body is
//! read: the bodies of waiting uploads stay in the network buffers.

use crate::Error;
use std::sync::Arc;

/// Bounds on what one request or one person can make the server hold.
#[derive(Debug)]
pub struct Limits {
    /// The largest upload (a Service Ping payload or a screenshot), in bytes.
    pub upload_bytes: usize,
    /// How many bytes of screenshots one person may keep in total.
    pub attachment_quota_bytes: u64,
    /// Service Ping parses and analyses that run at once; others wait up to
    /// `analysis_wait`, then get 503 with `Retry-After`.
    pub analyses: Arc<tokio::sync::Semaphore>,
    pub analysis_wait: std::time::Duration,
}

impl Limits {
    pub const DEFAULT_UPLOAD_MB: usize = 10;
    pub const DEFAULT_ATTACHMENT_QUOTA_MB: u64 = 200;
    pub const DEFAULT_ANALYSES: usize = 2;

    pub fn new(upload_mb: usize, attachment_quota_mb: u64, analyses: usize) -> Limits {
        Limits {
            upload_bytes: upload_mb.saturating_mul(1024 * 1024),
            attachment_quota_bytes: attachment_quota_mb.saturating_mul(1024 * 1024),
            analyses: Arc::new(tokio::sync::Semaphore::new(analyses.max(1))),
            analysis_wait: std::time::Duration::from_secs(10),
        }
    }

    /// The largest request body: the largest upload and the form around it.
    pub fn body_bytes(&self) -> usize {
        self.upload_bytes.saturating_add(1024 * 1024)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::new(
            Limits::DEFAULT_UPLOAD_MB,
            Limits::DEFAULT_ATTACHMENT_QUOTA_MB,
            Limits::DEFAULT_ANALYSES,
        )
    }
}

/// Waits up to `analysis_wait` for a slot, or answers 503 with `Retry-After`.
pub async fn slot(limits: &Limits) -> Result<tokio::sync::OwnedSemaphorePermit, Error> {
    tokio::time::timeout(
        limits.analysis_wait,
        Arc::clone(&limits.analyses).acquire_owned(),
    )
    .await
    .map_err(|_| {
        Error::Busy("Service Ping analyses are all busy; try again in a few seconds.".into())
    })?
    .map_err(|e| Error::Internal(e.to_string()))
}
