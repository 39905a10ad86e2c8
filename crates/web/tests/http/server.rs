//! Health checks, metrics and the OpenAPI document, over HTTP.

use crate::common::start;
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(health_metrics_and_openapi);

async fn health_metrics_and_openapi(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    assert_eq!(app.get("/healthz", &[]).await, (200, "ok\n".to_string()));
    let (status, body) = app.get("/readyz", &[]).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("ready ("), "{body}");
    let (status, doc) = app.get("/api/openapi.json", &[]).await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/onboardings",
        "/api/v1/onboardings/{id}",
        "/api/v1/onboardings/{id}/tasks/{task_id}",
        "/api/v1/programs",
        "/api/v1/onboardings/{id}/learning",
        "/api/v1/access-requests/{id}",
        "/api/v1/webinars",
        "/api/v1/content/freshness",
    ] {
        assert!(
            doc.contains(&format!("\"{path}\"")),
            "{path} missing from the OpenAPI document"
        );
    }
    assert_eq!(app.get("/no/such/page", &[]).await.0, 404);
    let (_, metrics) = app.get("/metrics", &[]).await;
    assert!(
        metrics.contains(
            r#"onramp_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains("onramp_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    store.close().await;
    let (status, body) = app.get("/readyz", &[]).await;
    assert_eq!(status, 503, "readiness follows the database: {body}");
    assert_eq!(app.get("/healthz", &[]).await.0, 200, "liveness does not");
    app.stop().await;
}
