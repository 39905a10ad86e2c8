//! A running app on a random port, with people, accounts and one onboarding.
// Each test binary uses part of this shared harness.
#![allow(dead_code)]

use chrono::{Days, Utc};
use onramp_core::people::Role;
use onramp_core::program::{SourceFile, content_hash, parse_program};
use onramp_core::schedule::WorkCalendar;
use onramp_store::{NewOnboarding, NewPerson, Store};
use tokio::net::TcpListener;

/// Makes `sqlite::NAME` and `postgres::NAME` tests of `async fn NAME(Store,
/// Database)`: each runs on a fresh database of its backend. The invoking
/// file imports `with_store` and `Backend` (`onramp_store::testing`).
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::with_store(super::Backend::Sqlite, super::$name).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::with_store(super::Backend::Postgres, super::$name).await } )* }
    };
}

pub struct App {
    pub base: String,
    pub client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

pub async fn start(store: Store) -> App {
    let index = std::sync::Arc::new(onramp_handbook::SearchIndex::in_memory().expect("index"));
    start_with_index(store, index).await
}

pub async fn start_with_index(
    store: Store,
    index: std::sync::Arc<onramp_handbook::SearchIndex>,
) -> App {
    start_configured(store, index, |_| {}).await
}

/// An app whose state the test adjusts first (limits, proxies…).
pub async fn start_configured(
    store: Store,
    index: std::sync::Arc<onramp_handbook::SearchIndex>,
    configure: impl FnOnce(&mut onramp_web::AppState),
) -> App {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut state = onramp_web::AppState::new(store, index);
    configure(&mut state);
    let handle = tokio::spawn(onramp_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    App {
        base,
        client,
        stop: Some(stop),
        handle,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET with optional headers; status and body.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// A JSON request with a bearer token (empty: none); status and body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> (u16, String) {
        let mut req = self.client.request(method, self.url(path)).json(&body);
        if !token.is_empty() {
            req = req.header("authorization", format!("Bearer {token}"));
        }
        let res = req.send().await.expect("request");
        (res.status().as_u16(), res.text().await.expect("body"))
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.handle
            .await
            .expect("server task")
            .expect("server stopped cleanly");
    }
}

/// The use cases over `store`, as a server's background work reaches them.
pub fn app_of(store: &Store) -> onramp_app::App {
    onramp_app::App::without_search(store.clone()).expect("app")
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A person with an account; returns (person id, account id).
pub async fn person(
    store: &Store,
    email: &str,
    roles: &[Role],
    manager: Option<i64>,
) -> (i64, i64) {
    let (p, _) = store
        .upsert_person(
            None,
            &NewPerson {
                email: email.into(),
                name: email.split('@').next().unwrap_or(email).replace('.', " "),
                department: "Customer Success".into(),
                job_role: "CSM".into(),
                segment: Some("Scale".into()),
                region: Some("EMEA".into()),
                time_zone: "Europe/London".into(),
                start_date: None,
                manager_id: manager,
            },
        )
        .await
        .expect("person");
    let hash = onramp_store::accounts::hash_password("correct horse battery staple");
    let a = store
        .upsert_account(None, p.id, roles, Some(&hash))
        .await
        .expect("account");
    (p.id, a.id)
}

pub async fn token(store: &Store, account_id: i64, scope: &str) -> String {
    store
        .create_api_token(account_id, "test", scope)
        .await
        .expect("token")
        .0
}

/// A session cookie header and its CSRF token.
/// A session for the account of person `person_id` (cookie, CSRF token).
pub async fn session_of(store: &Store, person_id: i64) -> (String, String) {
    let account = store
        .account_of_person(person_id)
        .await
        .expect("account")
        .expect("the person has an account")
        .id;
    session(store, account).await
}

pub async fn session(store: &Store, account_id: i64) -> (String, String) {
    let (secret, s) = store
        .create_session(account_id, chrono::Duration::hours(1))
        .await
        .expect("session");
    (format!("onramp_session={secret}"), s.csrf_token)
}

pub const PROGRAM: &str = "---\nid: pilot\ntitle: Pilot program\nowner: Enablement\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-11-01\nphases:\n  - {id: one, title: Phase one, from_day: 0, to_day: 30}\n---\nWelcome.\n";

pub fn program_files() -> Vec<SourceFile> {
    let task = |id: &str, owner: &str, due: u32, extra: &str| SourceFile {
        path: format!("tasks/{id}.md"),
        text: format!(
            "---\nid: {id}\ntitle: Task {id}\nowner: {owner}\nphase: one\ndue: {due}\nkind: do\n{extra}---\nDo **{id}**.\n"
        ),
    };
    vec![
        SourceFile {
            path: "program.md".into(),
            text: PROGRAM.into(),
        },
        task(
            "a",
            "new-hire",
            1,
            "links:\n  - {title: Kickoff calls, url: /handbook/cs/kickoff/#agenda}\n  - {title: Practice, url: /ping/practice}\n",
        ),
        task("b", "new-hire", 2, "depends_on: [a]\n"),
        task("m", "manager", 3, "compliance_critical: true\n"),
        task("c", "buddy", 4, ""),
        task(
            "s",
            "new-hire",
            5,
            "target:\n  count: 2\n  measure: shadowed-meetings\ngraduation:\n  - shadowed-meetings: 2\n",
        ),
    ]
}

/// Everyone around one onboarding, with write tokens.
pub struct World {
    pub onboarding: i64,
    pub hire: (i64, String),
    pub manager: (i64, String),
    pub buddy: (i64, String),
    pub people_connect: (i64, String),
    pub enablement: (i64, String),
    pub admin: (i64, String),
    pub other_hire: (i64, String),
    pub other_manager: (i64, String),
    pub hire_account: i64,
    pub other_onboarding: i64,
}

pub async fn world(store: &Store) -> World {
    let files = program_files();
    let program = parse_program(&files, &[]).expect("valid");
    let version = store
        .import_program(None, &program, &content_hash(&files))
        .await
        .expect("import")
        .version_id;
    let (manager, manager_acc) = person(store, "manager@example.com", &[Role::Manager], None).await;
    let (other_manager, other_manager_acc) =
        person(store, "other.manager@example.com", &[Role::Manager], None).await;
    let (hire, hire_acc) = person(store, "hire@example.com", &[Role::NewHire], Some(manager)).await;
    let (other_hire, other_hire_acc) = person(
        store,
        "other.hire@example.com",
        &[Role::NewHire],
        Some(other_manager),
    )
    .await;
    let (buddy, buddy_acc) = person(store, "buddy@example.com", &[Role::Buddy], None).await;
    let (pc, pc_acc) = person(store, "pc@example.com", &[Role::PeopleConnect], None).await;
    let (en, en_acc) = person(store, "enablement@example.com", &[Role::Enablement], None).await;
    let (admin, admin_acc) = person(store, "admin@example.com", &[Role::Admin], None).await;
    let start = Utc::now()
        .date_naive()
        .checked_sub_days(Days::new(3))
        .expect("date");
    let make = |person_id, manager_id, buddy_id| NewOnboarding {
        person_id,
        program_version_id: version,
        start_date: start,
        manager_id: Some(manager_id),
        people_connect_id: Some(pc),
        enablement_id: Some(en),
        buddy_id,
    };
    let o = store
        .create_onboarding(
            Some(pc),
            &make(hire, manager, Some(buddy)),
            &WorkCalendar::default(),
        )
        .await
        .expect("onboarding");
    let other = store
        .create_onboarding(
            Some(pc),
            &make(other_hire, other_manager, None),
            &WorkCalendar::default(),
        )
        .await
        .expect("onboarding");
    World {
        onboarding: o.id,
        hire: (hire, token(store, hire_acc, "write").await),
        manager: (manager, token(store, manager_acc, "write").await),
        buddy: (buddy, token(store, buddy_acc, "write").await),
        people_connect: (pc, token(store, pc_acc, "write").await),
        enablement: (en, token(store, en_acc, "write").await),
        admin: (admin, token(store, admin_acc, "write").await),
        other_hire: (other_hire, token(store, other_hire_acc, "write").await),
        other_manager: (
            other_manager,
            token(store, other_manager_acc, "write").await,
        ),
        hire_account: hire_acc,
        other_onboarding: other.id,
    }
}

/// The task of `onboarding` with this program id: (task id, version).
pub async fn task(store: &Store, onboarding: i64, key: &str) -> (i64, i64) {
    let t = store
        .tasks(onboarding)
        .await
        .expect("tasks")
        .into_iter()
        .find(|t| t.task_key == key)
        .expect("task");
    (t.id, t.version)
}

/// An office-hours series (UTC, 30 minutes) whose first session is `first`;
/// its id.
pub async fn office_hours(
    store: &Store,
    host: Option<i64>,
    title: &str,
    rrule: &str,
    first: chrono::NaiveDateTime,
) -> i64 {
    store
        .create_office_hours(
            host,
            title,
            &onramp_core::calendar::Recurrence {
                rrule: rrule.into(),
                start: first,
                time_zone: "UTC".into(),
                duration_minutes: 30,
                cancelled: vec![],
            },
            "https://meet.example.com/oh",
            host,
        )
        .await
        .expect("office hours")
        .id
}
