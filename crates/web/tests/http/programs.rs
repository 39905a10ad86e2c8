//! Program pages and API.

use crate::common::{bearer, session, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(programs_pages_and_api);

async fn programs_pages_and_api(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let auth = bearer(&w.hire.1);
    let (status, body) = app
        .get("/api/v1/programs", &[("authorization", &auth)])
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("\"id\":\"pilot\""), "{body}");
    let (status, body) = app
        .get(
            "/api/v1/programs/pilot?version=two",
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(body.contains("\"field\":\"version\""), "{body}");
    assert_eq!(
        app.get(
            "/api/v1/programs/pilot?version=7",
            &[("authorization", &auth)]
        )
        .await
        .0,
        404
    );
    let (cookie, _) = session(&store, w.hire_account).await;
    let (status, body) = app.get("/programs/pilot", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Task a") && body.contains("business days 0 to 30"),
        "{body}"
    );
    app.stop().await;
}
