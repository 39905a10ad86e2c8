//! Service Ping over HTTP: upload, report, history and practice.

use crate::common::{bearer, session, start, world};
use crate::on_both;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, Store};

on_both!(
    service_ping_upload_report_history_and_practice,
    instances_go_by_readable_names_and_reports_speak_plainly
);

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
    // The analysis masks the instance's uuid and host; the upload is named
    // by its host so people know which customer it is.
    assert_eq!(first["analysis"]["instance"]["uuid"], "b8e4…", "{body}");
    assert_eq!(first["upload"]["label"], "gitlab.globex.example", "{body}");
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
            && page.contains("✘ Which use-case measures are going well (green)?")
            && page.contains("Expected: Seats in use, Active users"),
        "{page}"
    );
    app.stop().await;
}

// Long: one instance followed from upload to renaming, page by page.
async fn instances_go_by_readable_names_and_reports_speak_plainly(store: Store, _db: Database) {
    let w = world(&store).await;
    let app = start(store.clone()).await;
    let examples = onramp_testkit::ping_samples();
    let read = |name: &str| std::fs::read_to_string(examples.join(name)).expect("example payload");
    let upload = |body: String| {
        let req = app
            .client
            .post(app.url("/api/v1/ping/payloads"))
            .header("authorization", bearer(&w.hire.1))
            .body(body);
        async move {
            let res = req.send().await.expect("upload");
            let status = res.status().as_u16();
            let body: serde_json::Value =
                serde_json::from_str(&res.text().await.expect("body")).expect("json");
            assert_eq!(status, 201, "{body}");
            body["upload"].clone()
        }
    };
    let september = upload(read("synthetic_ultimate_17.2_5000users_2024-09.json")).await;
    let december = upload(read("synthetic_ultimate_17.2_5000users_2024-12.json")).await;
    let key = september["instance_key"].as_str().expect("key").to_string();
    let (cookie, csrf) = session(&store, w.hire_account).await;

    // The payload page has its own heading; health reads in words.
    let (_, page) = app
        .get(
            &format!("/ping/payloads/{}", december["id"]),
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        page.contains("<h1>gitlab.globex.example, recorded 16 December 2024</h1>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<td>Deployments per user</td><td>2.22</td><td class=\"yellow\">Room to grow</td>"
        ) && page.contains("Seats in use")
            && !page.contains(">license_utilization<")
            && !page.contains(">green<"),
        "{page}"
    );
    // Both charts write their values, and the stages have a table too.
    assert!(
        page.contains("Room to grow</text>")
            && page.contains("<th scope=\"col\">Metrics in use</th>"),
        "{page}"
    );

    // The instance page: named by host, health over time as a table, changes in words.
    let (_, page) = app
        .get(&format!("/ping/instances/{key}"), &[("cookie", &cookie)])
        .await;
    assert!(page.contains("<h1>gitlab.globex.example</h1>"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">Deployments per user</th><td>Needs attention</td><td>Room to grow</td>"),
        "{page}"
    );
    assert!(
        page.contains("<li>CI builds per user: Room to grow → Going well</li>")
            && page.contains("Payloads of 2024-09-16 and 2024-12-16"),
        "{page}"
    );

    // Renamed on the page: every payload of the instance goes by the name,
    // and so does the next one uploaded.
    let res = app
        .client
        .post(app.url(&format!("/ping/instances/{key}/label")))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str()), ("label", "  Globex production ")])
        .send()
        .await
        .expect("rename");
    assert_eq!(res.status().as_u16(), 303);
    let later = read("synthetic_ultimate_17.2_5000users_2024-12.json")
        .replace("2024-12-16T03:05:11.000Z", "2025-03-17T03:05:11.000Z");
    let march = upload(later).await;
    assert_eq!(march["label"], "Globex production");
    let (_, list) = app.get("/ping", &[("cookie", &cookie)]).await;
    assert_eq!(list.matches(">Globex production</a>").count(), 3, "{list}");
    assert!(!list.contains("gitlab.globex.example"), "{list}");

    // The API renames too; a blank name or an unknown instance is refused.
    let put = |key: String, label: &'static str| {
        let req = app
            .client
            .put(app.url(&format!("/api/v1/ping/instances/{key}/label")))
            .header("authorization", bearer(&w.manager.1))
            .json(&serde_json::json!({ "label": label }));
        async move {
            let res = req.send().await.expect("rename");
            (res.status().as_u16(), res.text().await.expect("body"))
        }
    };
    let (status, body) = put(key.clone(), "   ").await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"field\":\"label\""), "{body}");
    assert_eq!(put("0000000000000000".into(), "Nobody").await.0, 404);
    let (status, body) = put(key.clone(), "Globex (EU)").await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = app
        .get(
            &format!("/api/v1/ping/instances/{key}"),
            &[("authorization", &bearer(&w.hire.1))],
        )
        .await;
    let history: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(history["label"], "Globex (EU)");
    assert_eq!(history["trend"][0]["measure"], "Seats in use");
    assert_eq!(
        history["trend"][0]["health"].as_array().map(Vec::len),
        Some(3)
    );
    app.stop().await;
}
