//! The API's contract: every error under /api is an RFC 9457 problem
//! document, rejections before a handler included; the bearer scheme word is
//! case-insensitive; the OpenAPI document declares the bearer scheme on every
//! operation and has unique operation ids.

mod common;

use common::{start, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(errors_are_problem_documents);

async fn errors_are_problem_documents(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let token = format!("Bearer {}", w.admin.1);
    let check = |res: reqwest::Response, status: u16| async move {
        assert_eq!(res.status().as_u16(), status);
        let kind = res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_string();
        let allow = res
            .headers()
            .get("allow")
            .map(|v| v.to_str().expect("ascii").to_string());
        let body: serde_json::Value = res.json().await.expect("a JSON body");
        assert_eq!(kind, "application/problem+json", "{body}");
        assert_eq!(body["status"], status, "{body}");
        assert_eq!(body["type"], "about:blank");
        assert!(
            body["title"].is_string() && body["detail"].is_string(),
            "{body}"
        );
        (body, allow)
    };
    let get = |path: &str, auth: Option<&str>| {
        let mut req = app.client.get(app.url(path));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    // Without credentials, unknown routes, a path id that is not a number, a bad query.
    check(get("/api/v1/onboardings", None).await.expect("req"), 401).await;
    check(
        get("/api/v1/no-such-thing", Some(&token))
            .await
            .expect("req"),
        404,
    )
    .await;
    check(
        get("/api/v1/onboardings/abc", Some(&token))
            .await
            .expect("req"),
        400,
    )
    .await;
    check(
        get("/api/v1/onboardings/999999", Some(&token))
            .await
            .expect("req"),
        404,
    )
    .await;
    check(
        get("/api/v1/onboardings?page=-3", Some(&token))
            .await
            .expect("req"),
        400,
    )
    .await;
    // A method the route does not have: 405 with Allow.
    let res = app
        .client
        .delete(app.url("/api/v1/onboardings"))
        .header("authorization", &token)
        .send()
        .await
        .expect("req");
    let (_, allow) = check(res, 405).await;
    assert!(allow.is_some_and(|a| a.contains("GET")), "Allow is kept");
    // A body that is not JSON: 415; a body of bad JSON: 400 naming the member.
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("authorization", &token)
        .header("content-type", "text/plain")
        .body("name=x")
        .send()
        .await
        .expect("req");
    check(res, 415).await;
    let res = app
        .client
        .post(app.url("/api/v1/tokens"))
        .header("authorization", &token)
        .json(&serde_json::json!({"name": 5, "scope": "read"}))
        .send()
        .await
        .expect("req");
    let (body, _) = check(res, 400).await;
    assert_eq!(body["field"], "name", "{body}");
    // The older `error` member is kept for existing clients.
    assert_eq!(body["error"]["field"], "name");

    // The scheme word is case-insensitive.
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let res = get(
            "/api/v1/onboardings",
            Some(&format!("{scheme} {}", w.admin.1)),
        )
        .await
        .expect("req");
        assert_eq!(res.status().as_u16(), 200, "{scheme}");
    }
    app.stop().await;
}

#[test]
fn the_document_declares_bearer_and_unique_operation_ids() {
    let doc = serde_json::to_value(onramp_web::openapi()).expect("json");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path}"));
            assert!(ids.insert(id.to_string()), "operationId {id} twice");
            assert_eq!(
                op["security"][0]["bearer"],
                serde_json::json!([]),
                "{method} {path}"
            );
        }
    }
    assert!(ids.len() > 40, "{} operations", ids.len());
}
