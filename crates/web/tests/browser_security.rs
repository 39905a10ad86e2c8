//! Security headers on every response, and state-changing requests that a
//! browser marks as coming from another site refused before anything runs.

mod common;

use common::{session, start, task, world};
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(headers_and_origin_checks);

async fn headers_and_origin_checks(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    for path in ["/login", "/healthz", "/api/openapi.json", "/no/such/page"] {
        let res = app.client.get(app.url(path)).send().await.expect("get");
        let h = res.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "plain HTTP: no HSTS"
        );
    }
    // Behind an HTTPS proxy: HSTS.
    let res = app
        .client
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("get");
    assert!(
        res.headers()["strict-transport-security"]
            .to_str()
            .expect("ascii")
            .starts_with("max-age=")
    );

    // A form post from another site is refused, even with a valid CSRF token.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (task_id, version) = task(&store, w.onboarding, "a").await;
    let path = format!("/onboardings/{}/tasks/{task_id}", w.onboarding);
    let form = [
        ("action", "complete".to_string()),
        ("version", version.to_string()),
        ("csrf", csrf.clone()),
    ];
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let res = app
            .client
            .post(app.url(&path))
            .header("cookie", &cookie)
            .header(header, value)
            .form(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 403, "{header}: {value}");
        assert!(res.headers().get("content-security-policy").is_some());
    }
    assert_eq!(
        store.task(task_id).await.expect("task").version,
        version,
        "nothing changed"
    );
    // An API write from another site: refused with a problem document.
    let res = app
        .client
        .post(app.url(&format!(
            "/api/v1/onboardings/{}/tasks/{task_id}",
            w.onboarding
        )))
        .header("authorization", format!("Bearer {}", w.hire.1))
        .header("origin", "https://evil.example")
        .json(&serde_json::json!({"action": "complete", "version": version}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .contains("json")
    );
    // The same post from Onramp's own page (same origin) goes through.
    let origin = app.base.clone();
    let res = app
        .client
        .post(app.url(&path))
        .header("cookie", &cookie)
        .header("origin", &origin)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(store.task(task_id).await.expect("task").status, "done");
    app.stop().await;
}
