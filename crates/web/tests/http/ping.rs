//! Service Ping over HTTP: upload, report, history and practice.

use crate::common::{bearer, session, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(service_ping_upload_report_history_and_practice);

async fn service_ping_upload_report_history_and_practice(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let json = |body: &str| -> serde_json::Value { serde_json::from_str(body).expect("json") };
    let examples = onramp_testkit::ping_samples();
    let read = |name: &str| std::fs::read(examples.join(name)).expect("example payload");
    let post_raw = |token: String, body: Vec<u8>| {
        let app = &app;
        async move {
            let mut req = app.client.post(app.url("/api/v1/ping/payloads")).body(body);
            if !token.is_empty() {
                req = req.header("authorization", bearer(&token));
            }
            let res = req.send().await.expect("upload");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    assert_eq!(post_raw(String::new(), b"{}".to_vec()).await.0, 401);
    let (status, body) = post_raw(w.hire.1.clone(), b"{\"version\": \"17".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("\"field\":\"payload\"") && body.contains("truncated JSON"),
        "{body}"
    );
    let (status, body) = post_raw(
        w.hire.1.clone(),
        read("synthetic_ultimate_17.2_5000users_2024-09.json"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let first = json(&body);
    assert_eq!(
        first["analysis"]["scorecard"]
            .as_array()
            .expect("scorecard")
            .len(),
        10
    );
    assert!(
        !body.contains("gitlab.") || !body.contains("5000users"),
        "personal data masked"
    );
    let key = first["upload"]["instance_key"]
        .as_str()
        .expect("key")
        .to_string();
    assert_eq!(
        post_raw(
            w.hire.1.clone(),
            read("synthetic_ultimate_17.2_5000users_2024-09.json")
        )
        .await
        .0,
        409
    );
    let (status, body) = post_raw(
        w.manager.1.clone(),
        read("synthetic_ultimate_17.2_5000users_2024-12.json"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let second = json(&body)["upload"]["id"].as_i64().expect("id");

    let auth = bearer(&w.hire.1);
    let (status, body) = app
        .get(
            &format!("/api/v1/ping/instances/{key}"),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let history = json(&body);
    assert_eq!(history["analyses"].as_array().expect("analyses").len(), 2);
    assert!(
        history["comparisons"][0]["score_changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["measure_id"] == "ci_builds_per_billable_user" && c["after"] == "green"),
        "{body}"
    );
    let (status, body) = app
        .get(
            &format!("/api/v1/ping/payloads/{second}/keys?q=deployments"),
            &[("authorization", &auth)],
        )
        .await;
    assert_eq!(status, 200);
    let keys = json(&body);
    assert!(keys["total"].as_u64().expect("total") > 0);
    assert!(keys["keys"].as_array().expect("keys").iter().all(|k| {
        k["key"].as_str().expect("key").contains("deployments")
            || k["description"]
                .as_str()
                .expect("d")
                .to_lowercase()
                .contains("deployments")
    }));
    assert!(!body.contains("\"key\":\"uuid\""));
    assert_eq!(
        app.get(
            "/api/v1/ping/payloads/999/keys",
            &[("authorization", &auth)]
        )
        .await
        .0,
        404
    );
    // The customer's identity never reaches the explorer.
    for q in ["licensee", "license_subscription_id", "hostname", "uuid"] {
        let (_, body) = app
            .get(
                &format!("/api/v1/ping/payloads/{second}/keys?q={q}"),
                &[("authorization", &auth)],
            )
            .await;
        assert!(!body.contains(&format!("\"key\":\"{q}")), "{q}: {body}");
    }

    // Pages: the report with its charts and explorer, the history, the practice.
    let (cookie, csrf) = session(&store, w.hire_account).await;
    let (status, page) = app
        .get(
            &format!("/ping/payloads/{second}?q=ci_builds"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<svg class=\"scorecard\"")
            && page.contains("usage_activity_by_stage.verify.ci_builds")
            && page.contains("failed"),
        "{page}"
    );
    let (status, page) = app
        .get(&format!("/ping/instances/{key}"), &[("cookie", &cookie)])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg class=\"trends\""), "{page}");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "payload",
            reqwest::multipart::Part::bytes(read("synthetic_premium_15.11_120users.json"))
                .file_name("premium.json"),
        );
    let res = app
        .client
        .post(app.url("/ping"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 303);
    let form = reqwest::multipart::Form::new()
        .text("csrf", "forged".to_string())
        .part(
            "payload",
            reqwest::multipart::Part::bytes(b"{}".to_vec()).file_name("x.json"),
        );
    let res = app
        .client
        .post(app.url("/ping"))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 403);

    // Practice: the right answers for the Premium sample are recognised, wrong ones not.
    let right = serde_json::json!({"green": ["license_utilization", "user_engagement", "scm_git_operation_utilization", "cd_successful_deployments_pct"], "unused_seats": "3", "ci_metric": "counts.count_total_create_ci_build_monthly"});
    let (status, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/ping/practice/premium-15.11",
            &w.hire.1,
            right,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        json(&body)
            .as_array()
            .expect("checked")
            .iter()
            .all(|c| c["correct"] == true),
        "{body}"
    );
    let wrong = serde_json::json!({"green": ["license_utilization"], "unused_seats": "7", "ci_metric": "counts_monthly.deployments"});
    let (_, body) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/ping/practice/premium-15.11",
            &w.hire.1,
            wrong,
        )
        .await;
    assert!(
        json(&body)
            .as_array()
            .expect("checked")
            .iter()
            .all(|c| c["correct"] == false),
        "{body}"
    );
    let (status, page) = app
        .get(
            "/ping/practice?sample=ultimate-17.2-december",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Which metric would support a CI adoption objective?"),
        "{page}"
    );
    let res = app
        .client
        .post(app.url("/ping/practice"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("sample", "premium-15.11"),
            ("unused_seats", "3"),
            ("ci_metric", "counts.count_total_create_ci_build_monthly"),
        ])
        .send()
        .await
        .expect("check");
    let page = res.text().await.expect("page");
    assert!(
        page.contains("✔ How many licensed seats are unused?")
            && page.contains("✘ Which use-case measures are green?"),
        "{page}"
    );
    app.stop().await;
}
