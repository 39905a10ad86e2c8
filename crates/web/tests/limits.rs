//! Bounded work: uploads over the configured size are refused, Service Ping
//! analyses run a few at a time (the others wait, then get 503 with
//! Retry-After), and each person's screenshots have a quota.

mod common;

use common::{start_configured, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};
use std::sync::Arc;

on_both!(uploads_and_analyses_are_bounded);

async fn uploads_and_analyses_are_bounded(store: Store, _db: Database) {
    let w = world(&store).await;
    let limits = Arc::new(onramp_app::Limits {
        upload_bytes: 1024 * 1024,
        attachment_quota_bytes: 100,
        analyses: Arc::new(tokio::sync::Semaphore::new(1)),
        analysis_wait: std::time::Duration::from_millis(300),
    });
    let index = Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    let configured = Arc::clone(&limits);
    let app = start_configured(store.clone(), index, move |state| {
        state.app.limits = configured
    })
    .await;
    let sample =
        std::fs::read(onramp_testkit::ping_samples().join("synthetic_premium_15.11_120users.json"))
            .expect("sample");
    let upload = |body: Vec<u8>| {
        let app = &app;
        let token = w.hire.1.clone();
        async move {
            let res = app
                .client
                .post(app.url("/api/v1/ping/payloads"))
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("upload");
            let status = res.status().as_u16();
            let retry = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            (status, retry, res.text().await.expect("body"))
        }
    };
    let (status, _, body) = upload(sample.clone()).await;
    assert_eq!(status, 201, "{body}");

    // Larger than the configured limit (1 MB here): refused, nothing stored.
    let mut big = b"{\"version\":\"17.2.0-ee\",\"uuid\":\"x\",\"pad\":\"".to_vec();
    big.resize(2 * 1024 * 1024, b'a');
    big.extend_from_slice(b"\"}");
    let (status, _, body) = upload(big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(store.ping_uploads().await.expect("uploads").len(), 1);

    // Every analysis slot taken: the upload waits, then gets 503 and Retry-After.
    let held = Arc::clone(&limits.analyses)
        .acquire_owned()
        .await
        .expect("permit");
    let (status, retry, body) = upload(sample.clone()).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry.as_deref(), Some("5"));
    assert!(body.contains("busy"), "{body}");
    drop(held);
    let other = std::fs::read(
        onramp_testkit::ping_samples().join("synthetic_ultimate_17.2_5000users_2024-09.json"),
    )
    .expect("sample");
    let (status, _, body) = upload(other).await;
    assert_eq!(status, 201, "a slot free again: {body}");

    // The screenshot quota (100 bytes here): the first fits, the second not.
    let pixel = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pixel.png"),
    )
    .expect("pixel");
    assert!(
        pixel.len() * 2 > 100 && pixel.len() <= 100,
        "{}",
        pixel.len()
    );
    let comment = |n: u32| {
        let app = &app;
        let token = w.hire.1.clone();
        let pixel = pixel.clone();
        async move {
            let part = reqwest::multipart::Part::bytes(pixel).file_name("pixel.png");
            let form = reqwest::multipart::Form::new()
                .text("body", format!("screenshot {n}"))
                .part("screenshot", part);
            let res = app
                .client
                .post(app.url(&format!("/api/v1/onboardings/{}/comments", w.onboarding)))
                .header("authorization", format!("Bearer {token}"))
                .multipart(form)
                .send()
                .await
                .expect("comment");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    assert_eq!(comment(1).await.0, 201);
    let (status, body) = comment(2).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"screenshot\""), "{body}");
    assert_eq!(
        store
            .comments_named(w.onboarding)
            .await
            .expect("comments")
            .len(),
        1,
        "the refused comment is not stored"
    );
    app.stop().await;
}
