//! API tokens: scopes and revocation.

use crate::common::{bearer, session, start, task, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(tokens_scopes_and_revocation);

async fn tokens_scopes_and_revocation(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "laptop", "scope": "read"}))
        .send()
        .await
        .expect("create");
    assert_eq!(res.status().as_u16(), 201);
    let created: serde_json::Value = res.json().await.expect("json");
    let read = created["token"].as_str().expect("token").to_string();
    let read_auth = bearer(&read);
    assert_eq!(
        app.get(
            &format!("/api/v1/onboardings/{}", w.onboarding),
            &[("authorization", &read_auth)]
        )
        .await
        .0,
        200
    );
    let (id, version) = task(&store, w.onboarding, "a").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/onboardings/{}/tasks/{id}", w.onboarding)))
        .header("authorization", &read_auth)
        .json(&serde_json::json!({"action": "complete", "version": version}))
        .send()
        .await
        .expect("write");
    assert_eq!(res.status().as_u16(), 403, "a read token cannot write");
    let (_, list) = app
        .get("/api/v1/tokens", &[("authorization", &read_auth)])
        .await;
    assert!(
        list.contains("laptop") && !list.contains(&read),
        "tokens are listed, never their secrets"
    );
    let token_id = created["id"].as_i64().expect("id");
    let res = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{token_id}")))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .expect("revoke");
    assert_eq!(res.status().as_u16(), 204);
    assert_eq!(
        app.get("/api/v1/onboardings", &[("authorization", &read_auth)])
            .await
            .0,
        401,
        "revoked"
    );
    assert_eq!(
        app.get(
            "/api/v1/onboardings",
            &[("authorization", "Bearer onr_made_up")]
        )
        .await
        .0,
        401
    );
    let (_, audit) = app
        .get("/api/v1/audit", &[("authorization", &bearer(&w.admin.1))])
        .await;
    assert!(
        audit.contains("\"api_token\"") && audit.contains("\"revoke\""),
        "token changes are audited"
    );
    let res = app
        .client
        .get(app.url("/audit?format=csv"))
        .header("authorization", bearer(&w.admin.1))
        .send()
        .await
        .expect("csv");
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = res.text().await.expect("csv");
    assert!(csv.starts_with("id,at,actor_id,action,entity"), "{csv}");
    app.stop().await;
}
