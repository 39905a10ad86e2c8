//! The app on a real socket (random port), driven over HTTP.

use chrono::{Days, Utc};
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::testing::{Backend, with_store};
use onramp_store::{Database, NewOnboarding, NewPerson, Store};
use tokio::net::TcpListener;

struct Running {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(store: Store) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = onramp_web::AppState::new(store);
    let handle = tokio::spawn(onramp_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Running {
        base,
        stop: Some(stop),
        handle,
    }
}

impl Running {
    async fn get(&self, path: &str) -> (u16, String) {
        let response = reqwest::get(format!("{}{path}", self.base))
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.handle
            .await
            .expect("server task")
            .expect("server stopped cleanly");
    }
}

async fn seed(store: &Store) {
    let files = vec![
        SourceFile {
            path: "program.md".into(),
            text: "---\nid: p\ntitle: Pilot program\nowner: Enablement\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {id: one, title: One, from_day: 0, to_day: 20}\n---\n".into(),
        },
        SourceFile {
            path: "tasks/a.md".into(),
            text: "---\nid: a\ntitle: First task\nowner: new-hire\nphase: one\ndue: 1\nkind: do\n---\n".into(),
        },
    ];
    let program = parse_program(&files, &[]).expect("valid");
    let imported = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import");
    let (hire, _) = store
        .upsert_person(
            None,
            &NewPerson {
                email: "robin@example.com".into(),
                name: "Robin <Quinn>".into(),
                segment: Some("Scale".into()),
                region: Some("EMEA".into()),
                ..Default::default()
            },
        )
        .await
        .expect("person");
    let start = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(4))
        .expect("date");
    store
        .create_onboarding(
            None,
            &NewOnboarding {
                person_id: hire.id,
                program_version_id: imported.version_id,
                start_date: start,
                manager_id: None,
                people_connect_id: None,
                enablement_id: None,
                buddy_id: None,
            },
            &WorkCalendar::default(),
        )
        .await
        .expect("onboarding");
}

async fn health_pages_and_metrics(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Nobody is onboarding yet"),
        "empty state: {body}"
    );

    seed(&store).await;
    assert_eq!(app.get("/healthz").await, (200, "ok\n".to_string()));
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 200);
    assert!(body.starts_with("ready ("), "{body}");

    let (status, body) = app.get("/").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Robin &#60;Quinn&#62;") && !body.contains("<Quinn>"),
        "names are escaped: {body}"
    );
    assert!(body.contains("day 5"), "since when: {body}");
    assert!(body.contains("Pilot program"), "{body}");
    assert!(body.contains("0/1 tasks"), "{body}");

    let (status, body) = app.get("/?page=zero").await;
    assert_eq!(status, 400);
    assert!(body.contains("page: must be a whole number"), "{body}");
    let (status, body) = app.get("/?page=2").await;
    assert_eq!(status, 200, "a page past the end is empty, not an error");
    assert!(!body.contains("Robin"), "{body}");
    let (status, _) = app.get("/no/such/page").await;
    assert_eq!(status, 404);

    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc.contains("\"/api/v1/programs/{id}\""), "{doc}");

    let (status, metrics) = app.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains(
            r#"onramp_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"route="/",status="400"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains("onramp_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    app.stop().await;
}

async fn readiness_fails_when_the_database_is_closed(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    store.close().await;
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("database does not answer"), "{body}");
    assert_eq!(
        app.get("/healthz").await.0,
        200,
        "liveness does not depend on the database"
    );
    app.stop().await;
}

async fn programs_pages_and_api(store: Store, _db: Database) {
    let app = start(store.clone()).await;
    let (status, body) = app.get("/programs").await;
    assert_eq!(status, 200);
    assert!(body.contains("No programs yet"), "empty state: {body}");
    assert_eq!(app.get("/api/v1/programs").await, (200, "[]".to_string()));

    seed(&store).await;
    let (status, body) = app.get("/api/v1/programs").await;
    assert_eq!(status, 200);
    let list: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(list[0]["id"], "p");
    assert_eq!(list[0]["latest_version"], 1);

    let (status, body) = app.get("/api/v1/programs/p").await;
    assert_eq!(status, 200);
    let detail: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(detail["title"], "Pilot program");
    assert_eq!(detail["tasks"][0]["id"], "a");
    assert_eq!(detail["tasks"][0]["due_day"], 1);
    assert_eq!(detail["phases"][0]["to_day"], 20);

    let (status, body) = app.get("/api/v1/programs/p?version=two").await;
    assert_eq!(status, 400);
    let error: serde_json::Value = serde_json::from_str(&body).expect("json error");
    assert_eq!(error["error"]["field"], "version");
    let (status, body) = app.get("/api/v1/programs/p?version=7").await;
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["error"]["status"],
        404
    );
    assert_eq!(app.get("/api/v1/programs/unknown").await.0, 404);

    let (status, body) = app.get("/programs").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(r#"<a href="/programs/p">Pilot program</a>"#),
        "{body}"
    );
    let (status, body) = app.get("/programs/p").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("First task") && body.contains("business days 0 to 20"),
        "{body}"
    );
    assert_eq!(app.get("/programs/p?version=x").await.0, 400);
    assert_eq!(app.get("/programs/nothing").await.0, 404);
    app.stop().await;
}

#[test]
fn the_openapi_document_describes_every_api_route() {
    let doc = serde_json::to_value(onramp_web::openapi()).expect("serialize");
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(paths, ["/api/v1/programs", "/api/v1/programs/{id}"]);
    assert!(
        doc["components"]["schemas"]["ProgramDetail"].is_object(),
        "{doc}"
    );
    assert!(
        doc["components"]["schemas"]["ErrorBody"].is_object(),
        "{doc}"
    );
}

#[tokio::test]
async fn sqlite_programs_pages_and_api() {
    with_store(Backend::Sqlite, programs_pages_and_api).await;
}

#[tokio::test]
async fn postgres_programs_pages_and_api() {
    with_store(Backend::Postgres, programs_pages_and_api).await;
}

#[tokio::test]
async fn sqlite_health_pages_and_metrics() {
    with_store(Backend::Sqlite, health_pages_and_metrics).await;
}

#[tokio::test]
async fn postgres_health_pages_and_metrics() {
    with_store(Backend::Postgres, health_pages_and_metrics).await;
}

#[tokio::test]
async fn sqlite_readiness_fails_when_the_database_is_closed() {
    with_store(Backend::Sqlite, readiness_fails_when_the_database_is_closed).await;
}
