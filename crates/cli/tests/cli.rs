//! The `onramp` binary as users and scripts run it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `onramp` with a clean environment, run inside `cwd`.
fn onramp(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_onramp"));
    cmd.current_dir(cwd).stdin(Stdio::null());
    for (key, _) in std::env::vars() {
        if key.starts_with("ONRAMP_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run onramp");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

fn content_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/programs/csm-onboarding")
}

#[test]
fn help_documents_every_command_and_global_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, _) = run(onramp(dir.path()).arg("--help"));
    assert_eq!(code, 0);
    for word in [
        "demo",
        "serve",
        "seed-demo",
        "program",
        "handbook",
        "search-eval",
        "--data-dir",
        "--database-url",
        "--bind",
        "--json",
        "--config",
        "--log-format",
    ] {
        assert!(out.contains(word), "`{word}` missing from --help:\n{out}");
    }
    let (code, out, _) = run(onramp(dir.path()).args(["program", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("validate") && out.contains("import"), "{out}");
    let (code, _, err) = run(onramp(dir.path()).arg("no-such-command"));
    assert_eq!(code, 2, "usage errors exit with 2: {err}");
}

#[test]
fn an_unknown_key_in_onramp_toml_is_a_one_line_error_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("onramp.toml"),
        "bind = \"127.0.0.1:0\"\ndatabse_url = \"sqlite:x.db\"\n",
    )
    .expect("write");
    let (code, out, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: onramp.toml:2:1:"), "{err}");
    assert!(err.contains("databse_url"), "names the culprit: {err}");
    assert!(
        !dir.path().join("onramp-data").exists(),
        "nothing was created"
    );
}

#[test]
fn an_unparseable_database_url_is_a_one_line_error_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    for url in [
        "mysql://localhost/onramp",
        "postgres://user@host:notaport/db",
    ] {
        let (code, _, err) = run(onramp(dir.path()).args(["seed-demo", "--database-url", url]));
        assert_eq!(code, 2, "{url}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.starts_with("error: --database-url:"), "{err}");
    }
    let (code, _, err) = run(onramp(dir.path())
        .arg("seed-demo")
        .env("ONRAMP_DATABASE_URL", "oracle://x"));
    assert_eq!(
        code, 2,
        "the environment variable is checked the same way: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unwritable_data_directory_is_a_one_line_error_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").expect("write");
    let (code, _, err) = run(onramp(dir.path())
        .args(["seed-demo", "--data-dir"])
        .arg(blocker.join("data")));
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: --data-dir: cannot write to"),
        "{err}"
    );
    assert!(err.contains("a-file/data"), "names the directory: {err}");
}

#[test]
fn a_bad_bind_address_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).args(["serve", "--bind", "localhost"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: --bind:"), "{err}");
}

#[test]
fn seed_demo_is_idempotent_and_speaks_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(onramp(dir.path()).args(["seed-demo", "--json"]));
    assert_eq!(code, 0, "{err}");
    let first: serde_json::Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(first["seeded"], true);
    assert_eq!(first["program"], "csm-onboarding");
    assert_eq!(
        first["people"].as_array().map(Vec::len),
        Some(13),
        "twelve people (the new hires, one starting soon, their team and colleagues) and an admin"
    );
    assert!(
        dir.path().join("onramp-data/onramp.db").exists(),
        "default data dir is ./onramp-data"
    );

    let (code, out, _) = run(onramp(dir.path()).args(["seed-demo", "--json"]));
    assert_eq!(code, 0);
    let second: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(second["seeded"], false, "the second run changes nothing");
    assert_eq!(second["onboarding_id"], first["onboarding_id"]);
    assert_eq!(second["handbook_pages"], 0, "the handbook is imported once");
}

#[test]
fn the_demo_has_a_handbook_to_search_and_every_content_link_resolves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(onramp(dir.path()).args(["seed-demo", "--json"]));
    assert_eq!(code, 0, "{err}");
    let seeded: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let pages = seeded["handbook_pages"].as_u64().expect("handbook_pages");
    assert!((30..=60).contains(&pages), "{pages} sample pages");

    // A newcomer's question finds its page, answered office hours included.
    let (code, out, err) = run(onramp(dir.path()).args([
        "search",
        "how do I prepare an EBR",
        "--json",
        "--limit",
        "3",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let paths: Vec<&str> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert!(
        paths.contains(&"handbook/customer-success/csm/ebr.md"),
        "{paths:?}"
    );

    // Every handbook link of the built-in content pack leads to a sample page.
    let (code, out, err) = run(onramp(dir.path()).args(["--json", "content", "check"]));
    assert_eq!(code, 0, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["handbook_imported"], true, "{out}");
    assert!(
        report["links_checked"].as_u64().expect("count") > 10,
        "{out}"
    );
    let (code, out, _) = run(onramp(dir.path()).args(["handbook", "check-links"]));
    assert_eq!(code, 0, "the sample handbook has no broken link: {out}");
}

/// `git` with a fixed identity, inside `dir`.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=Onramp Test",
            "-c",
            "user.email=test@example.com",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn handbook_import_takes_a_git_url_and_updates_the_clone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("handbook-repo");
    let pages = repo.join("content/handbook/guide");
    std::fs::create_dir_all(&pages).expect("mkdir");
    std::fs::write(
        pages.join("_index.md"),
        "---\ntitle: Guide\n---\nSee [kickoff](/handbook/guide/kickoff/).\n",
    )
    .expect("write");
    std::fs::write(
        pages.join("kickoff.md"),
        "---\ntitle: Kickoff calls\n---\nThe kickoff call sets goals.\n",
    )
    .expect("write");
    std::fs::write(repo.join("README.md"), "Not a page.\n").expect("write");
    git(&repo, &["init", "--quiet"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "first"]);
    let url = format!("file://{}", repo.display());
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");

    let import = |dir: &Path| {
        let (code, out, err) =
            run(onramp(dir).args(["--data-dir", data, "--json", "handbook", "import", &url]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let first = import(dir.path());
    assert_eq!(first["added"].as_array().map(Vec::len), Some(2), "{first}");
    let clones: Vec<_> = std::fs::read_dir(dir.path().join("data/handbook-sources"))
        .expect("clones are kept in the data directory")
        .collect();
    assert_eq!(clones.len(), 1);

    // A new commit upstream: the next import fetches it and re-reads only it.
    std::fs::write(
        pages.join("kickoff.md"),
        "---\ntitle: Kickoff calls\n---\nThe kickoff call sets goals and a cadence.\n",
    )
    .expect("write");
    std::fs::remove_file(pages.join("_index.md")).expect("rm");
    git(&repo, &["commit", "--quiet", "-am", "second"]);
    let second = import(dir.path());
    assert_eq!(
        second["changed"],
        serde_json::json!(["handbook/guide/kickoff.md"])
    );
    assert_eq!(
        second["removed"],
        serde_json::json!(["handbook/guide/_index.md"])
    );
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "search", "cadence", "--json"]));
    assert_eq!(code, 0);
    assert!(out.contains("handbook/guide/kickoff.md"), "{out}");

    // An unreachable repository: a clear error, exit 2, nothing changed.
    let missing = format!("file://{}/no-such-repo", dir.path().display());
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "handbook", "import", &missing]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot clone"), "{err}");
    assert!(err.contains("no-such-repo"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("data/handbook-sources"))
            .expect("dir")
            .count(),
        1,
        "no half-made clone is left"
    );

    // A folder (or repository) without Markdown is not a handbook.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    std::fs::write(empty.join("notes.txt"), "text").expect("write");
    let (code, _, err) = run(onramp(dir.path())
        .args(["--data-dir", data, "handbook", "import"])
        .arg(&empty));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds no Markdown pages"), "{err}");
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "search", "kickoff", "--json"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("handbook/guide/kickoff.md"),
        "the pages are kept: {out}"
    );
}

#[test]
fn program_validate_accepts_the_content_pack_and_lists_every_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(onramp(dir.path())
        .args(["program", "validate"])
        .arg(content_dir()));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("is valid"), "{out}");

    let bad = dir.path().join("bad");
    std::fs::create_dir_all(bad.join("tasks")).expect("mkdir");
    std::fs::write(bad.join("program.md"), "---\nid: bad\ntitle: Bad\nowner: E\nsegments: [Scale]\nregions: [EMEA]\nreviewed_at: 2026-01-01\nphases:\n  - {id: one, title: One, from_day: 0, to_day: 5}\n---\n").expect("write");
    std::fs::write(
        bad.join("tasks/a.md"),
        "---\nid: a\ntitle: A\nowner: ceo\nphase: one\ndue: 9\nkind: do\ncolour: red\n---\n",
    )
    .expect("write");
    let (code, _, err) = run(onramp(dir.path()).args(["program", "validate"]).arg(&bad));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("tasks/a.md:4:8: unknown role `ceo`"), "{err}");
    assert!(
        err.contains("tasks/a.md:6:6: due offset outside its phase"),
        "{err}"
    );
    assert!(
        err.contains("tasks/a.md:8:1: unknown key `colour`"),
        "{err}"
    );

    let (code, _, err) = run(onramp(dir.path()).args(["program", "import"]).arg(&bad));
    assert_eq!(code, 2, "{err}");
    assert!(
        !dir.path().join("onramp-data").exists(),
        "an invalid program is never imported"
    );
}

/// Runs `test` with the URL of a fresh PostgreSQL database, dropped
/// afterwards (also when the test panics).
fn with_postgres_url(test: impl FnOnce(&str) + std::panic::UnwindSafe) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (db, name) = runtime.block_on(onramp_store::testing::create_postgres_database());
    let onramp_store::Database::Postgres(options) = db else {
        unreachable!("a PostgreSQL database")
    };
    let url = format!(
        "postgres://{}@{}:{}/{name}",
        options.get_username(),
        options.get_host(),
        options.get_port()
    );
    let outcome = std::panic::catch_unwind(|| test(&url));
    runtime.block_on(onramp_store::testing::drop_postgres_database(&name));
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// A running `onramp serve`: stopped with SIGTERM by `terminate`, and
/// killed when dropped otherwise (a failing test leaves no server behind).
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(cmd: &mut Command) -> Server {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            assert!(
                Instant::now() < deadline,
                "the server did not announce its URL"
            );
            let line = lines.next().expect("server output").expect("line");
            if let Some(url) = line.strip_prefix("Onramp is serving on http://") {
                break url.trim_end_matches('/').to_string();
            }
        };
        Server { child, address }
    }

    fn get(&self, path: &str) -> String {
        self.get_with(path, "")
    }

    fn get_with(&self, path: &str, token: &str) -> String {
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        let auth = if token.is_empty() {
            String::new()
        } else {
            format!("Authorization: Bearer {token}\r\n")
        };
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{auth}Connection: close\r\n\r\n",
            self.address
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    }

    /// A JSON POST with a bearer token; the whole response as text.
    fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> String {
        let body = body.to_string();
        let mut stream = TcpStream::connect(&self.address).expect("connect");
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        response
    }

    /// Sends SIGTERM and returns the exit code and stderr.
    fn terminate(mut self) -> (i32, String) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let output = std::mem::replace(
            &mut self.child,
            Command::new("true").spawn().expect("placeholder"),
        )
        .wait_with_output()
        .expect("wait");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

#[test]
fn serve_answers_on_a_random_port_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let server = Server::start(onramp(dir.path()).args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--log-format",
        "json",
    ]));
    assert!(server.get("/healthz").starts_with("HTTP/1.1 200"));
    let ready = server.get("/readyz");
    assert!(ready.contains("ready (sqlite)"), "{ready}");
    assert!(
        server.get("/").starts_with("HTTP/1.1 303"),
        "pages ask to sign in"
    );
    let (code, token, err) = run(onramp(dir.path()).args([
        "token",
        "create",
        "--email",
        "taylor.brooks@example.com",
        "--scope",
        "read",
    ]));
    assert_eq!(code, 0, "{err}");
    let list = server.get_with("/api/v1/onboardings", token.trim());
    assert!(
        list.contains("Alex Morgan"),
        "the seeded new hire is listed: {list}"
    );
    let (code, stderr) = server.terminate();
    assert_eq!(code, 0, "{stderr}");
    let last: serde_json::Value =
        serde_json::from_str(stderr.lines().last().expect("a log line")).expect("JSON logs");
    assert_eq!(
        last["fields"]["message"],
        "stopped accepting requests; closing the database"
    );
    assert!(
        !dir.path().join("onramp-data/onramp.db-wal").exists(),
        "the database was closed cleanly"
    );
}

#[test]
fn demo_and_serve_work_on_postgresql() {
    with_postgres_url(|url| {
        let url = url.to_string();
        let dir = tempfile::tempdir().expect("tempdir");
        let server = Server::start(
            onramp(dir.path())
                .args(["demo", "--bind", "127.0.0.1:0"])
                .env("ONRAMP_DATABASE_URL", &url),
        );
        let ready = server.get("/readyz");
        assert!(ready.contains("ready (postgres)"), "{ready}");
        let (code, token, err) = run(onramp(dir.path()).args([
            "token",
            "create",
            "--email",
            "avery.admin@example.com",
            "--database-url",
            &url,
        ]));
        assert_eq!(code, 0, "{err}");
        assert!(
            server
                .get_with("/api/v1/onboardings", token.trim())
                .contains("Alex Morgan")
        );
        let (code, stderr) = server.terminate();
        assert_eq!(code, 0, "{stderr}");
        let (code, out, err) =
            run(onramp(dir.path()).args(["seed-demo", "--json", "--database-url", &url]));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("\"seeded\": false"), "{out}");
    });
}

#[test]
fn gitlab_templates_import_and_onboardings_export_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures/gitlab/csm-onboarding-issue.md");
    let (code, out, err) = run(onramp(dir.path())
        .args(["program", "import-gitlab"])
        .arg(&fixture)
        .args(["--out", "converted"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Wrote program `csm-onboarding-issue` to converted: 9 tasks in 3 phases."),
        "{out}"
    );
    assert!(
        out.contains("line 21: @jsmith is a person, not a role"),
        "the unmapped parts are listed: {out}"
    );
    let (code, _, err) = run(onramp(dir.path()).args(["program", "validate", "converted"]));
    assert_eq!(code, 0, "the converted program validates: {err}");

    let (code, _, err) = run(onramp(dir.path())
        .args(["program", "import-gitlab"])
        .arg(&fixture)
        .args(["--out", "converted"]));
    assert_eq!(code, 2, "an existing, non-empty --out is refused: {err}");
    assert!(
        err.contains("--out: converted exists and is not empty"),
        "{err}"
    );

    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let (code, exported, err) =
        run(onramp(dir.path()).args(["onboarding", "export", "--format", "gitlab", "1"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        exported.starts_with("# CSM onboarding — Alex Morgan"),
        "{exported}"
    );
    assert!(exported.contains("## Days 1–30"), "{exported}");
    assert!(
        exported.contains("- [ ] Join the DACH team channel — @new-hire · due"),
        "region tasks are in: {exported}"
    );
    assert!(
        !exported.contains("Co-present a webinar"),
        "Scale-only tasks are not: {exported}"
    );
    std::fs::write(dir.path().join("export.md"), &exported).expect("write");
    let (code, out, err) = run(onramp(dir.path()).args([
        "program",
        "import-gitlab",
        "export.md",
        "--out",
        "back",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["program"], "csm-onboarding");
    assert_eq!(doc["unmapped"].as_array().map(Vec::len), Some(0), "{doc}");
    let exported_tasks = exported.lines().filter(|l| l.starts_with("- [")).count();
    assert_eq!(doc["tasks"].as_u64(), Some(exported_tasks as u64));

    let (code, _, err) = run(onramp(dir.path()).args(["onboarding", "export", "999"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("onboarding 999 not found"), "{err}");
    let (code, _, err) =
        run(onramp(dir.path()).args(["program", "import-gitlab", "missing.md", "--out", "x"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing.md: cannot read"), "{err}");
}

#[test]
fn program_import_adds_a_version_only_when_the_content_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("program");
    let (code, _, err) = run(Command::new("cp")
        .args(["-r"])
        .arg(content_dir())
        .arg(&copy));
    assert_eq!(code, 0, "{err}");
    let import = |dir: &Path| {
        let (code, out, err) = run(onramp(dir).args(["program", "import", "program", "--json"]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let first = import(dir.path());
    assert_eq!(
        (first["created"].as_bool(), first["version"].as_i64()),
        (Some(true), Some(1))
    );
    let again = import(dir.path());
    assert_eq!(
        (again["created"].as_bool(), again["version"].as_i64()),
        (Some(false), Some(1)),
        "unchanged: nothing added"
    );
    let task = copy.join("tasks/days-61-90/reflect.md");
    let text = std::fs::read_to_string(&task).expect("read");
    std::fs::write(&task, text.replace("due: 62", "due: 63")).expect("write");
    let changed = import(dir.path());
    assert_eq!(
        (changed["created"].as_bool(), changed["version"].as_i64()),
        (Some(true), Some(2))
    );
}

#[test]
fn users_tokens_onboardings_holidays_and_the_sweep_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok = |args: &[&str]| {
        let (code, out, err) = run(onramp(dir.path()).args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        out
    };
    let usage = |args: &[&str], expected: &str| {
        let (code, _, err) = run(onramp(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    };
    ok(&["program", "import", content_dir().to_str().expect("path")]);
    let out = ok(&[
        "user",
        "add",
        "--email",
        "mia@example.com",
        "--name",
        "Mia Manager",
        "--roles",
        "manager",
    ]);
    assert!(
        out.contains("/reset/"),
        "a one-time link to set the password: {out}"
    );
    ok(&[
        "user",
        "add",
        "--email",
        "nico@example.com",
        "--name",
        "Nico New",
        "--roles",
        "new-hire",
        "--segment",
        "Scale",
        "--region",
        "EMEA",
        "--time-zone",
        "Europe/Paris",
        "--manager",
        "mia@example.com",
        "--password",
        "a long enough password",
    ]);
    usage(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--roles",
            "wizard",
        ],
        "unknown role `wizard`",
    );
    usage(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--roles",
            "buddy",
            "--time-zone",
            "Mars/Base",
        ],
        "--time-zone",
    );
    usage(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--roles",
            "buddy",
            "--password",
            "short",
        ],
        "at least 12 characters",
    );
    usage(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--roles",
            "buddy",
            "--region",
            "Moon",
        ],
        "--region",
    );
    let list = ok(&["user", "list", "--json"]);
    let accounts: serde_json::Value = serde_json::from_str(&list).expect("json");
    assert_eq!(accounts.as_array().map(Vec::len), Some(2));
    ok(&["user", "set-roles", "mia@example.com", "manager,buddy"]);
    assert!(ok(&["user", "list"]).contains("manager,buddy"));

    let token = ok(&[
        "token",
        "create",
        "--email",
        "nico@example.com",
        "--scope",
        "write",
    ]);
    assert!(
        token.trim().starts_with("onr_") && token.lines().count() == 1,
        "only the token on stdout: {token}"
    );
    usage(
        &[
            "token",
            "create",
            "--email",
            "nico@example.com",
            "--scope",
            "admin",
        ],
        "--scope",
    );
    usage(
        &["token", "create", "--email", "ghost@example.com"],
        "no person has the email ghost@example.com",
    );

    ok(&[
        "holiday",
        "add",
        "--region",
        "EMEA",
        "--date",
        "2027-01-06",
        "--name",
        "Epiphany",
    ]);
    usage(
        &["holiday", "add", "--region", "EMEA", "--date", "6 Jan"],
        "--date",
    );
    assert!(ok(&["holiday", "list"]).contains("2027-01-06 Epiphany"));

    let created = ok(&[
        "onboarding",
        "create",
        "--email",
        "nico@example.com",
        "--start",
        "2027-01-04",
        "--json",
    ]);
    let created: serde_json::Value = serde_json::from_str(&created).expect("json");
    let id = created["onboarding"]["id"].as_i64().expect("id");
    assert_eq!(
        created["onboarding"]["manager_id"], accounts[0]["person_id"],
        "the person's manager by default"
    );
    // What the page would warn about comes with it (nobody fits as buddy here).
    let kinds: Vec<&str> = created["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["no-buddy-candidates"], "{created}");
    usage(
        &[
            "onboarding",
            "create",
            "--email",
            "nico@example.com",
            "--start",
            "tomorrow",
        ],
        "--start",
    );
    usage(
        &[
            "onboarding",
            "create",
            "--email",
            "ghost@example.com",
            "--start",
            "2027-01-04",
        ],
        "--email",
    );
    usage(
        &[
            "onboarding",
            "create",
            "--email",
            "nico@example.com",
            "--start",
            "2027-01-04",
            "--program",
            "nope",
        ],
        "no program `nope`",
    );
    let shown = ok(&["onboarding", "show", &id.to_string(), "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    let tasks = shown["tasks"].as_array().expect("tasks");
    assert!(
        tasks.iter().any(|t| t["task_key"] == "scale-webinar"),
        "Scale tasks are in"
    );
    assert!(
        !tasks.iter().any(|t| t["task_key"] == "account-planning"),
        "Mid-Touch/Strategic tasks are not"
    );
    assert!(
        tasks.iter().all(|t| t["due_date"] != "2027-01-06"),
        "no task is due on the holiday"
    );
    let listed = ok(&["onboarding", "list"]);
    assert!(listed.contains("Nico New"), "{listed}");
    usage(&["onboarding", "show", "999"], "onboarding 999 not found");
    let sweep = ok(&["sweep", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&sweep).expect("json");
    assert_eq!(report["closed_onboardings"], 0);
    ok(&["user", "disable", "nico@example.com"]);
    assert!(ok(&["user", "list"]).contains("disabled"));
    let reset = ok(&[
        "user",
        "reset-password",
        "mia@example.com",
        "--base-url",
        "https://onramp.example.com/",
    ]);
    assert!(
        reset.starts_with("https://onramp.example.com/reset/"),
        "{reset}"
    );
    // Sending needs a mail server: without one the new link is printed and
    // the command says why it failed.
    let (code, out, err) = run(onramp(dir.path()).env_remove("ONRAMP_SMTP_URL").args([
        "user",
        "reset-password",
        "mia@example.com",
        "--send",
        "--base-url",
        "https://onramp.example.com",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(
        out.starts_with("https://onramp.example.com/reset/"),
        "{out}"
    );
    assert!(err.contains("no mail server is configured"), "{err}");
}

#[test]
fn cert_plan_recommends_the_bundle_for_all_four() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = run(onramp(dir.path()).args([
        "cert",
        "plan",
        "git",
        "CI/CD",
        "project management",
        "security",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let plan: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(plan["bundle"], "devops-professional");
    assert_eq!(plan["steps"].as_array().map(Vec::len), Some(1));
    let (code, out, _) = run(onramp(dir.path()).args(["cert", "plan", "security", "git"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("1. GitLab Certified Git Associate")
            && out.contains("2. GitLab Certified Security Specialist"),
        "{out}"
    );
    let (code, _, err) = run(onramp(dir.path()).args(["cert", "plan", "kubernetes"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("no certification matches `kubernetes`"),
        "{err}"
    );
}

#[test]
fn handbook_import_search_and_eval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site");
    let write = |path: &str, text: &str| {
        let full = site.join("content").join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    write(
        "guide/_index.md",
        "---\ntitle: Guide\n---\nStart with [cadence calls](/guide/cadence/).\n",
    );
    write(
        "guide/cadence.md",
        "---\ntitle: Cadence calls\n---\nA cadence call happens every two weeks with the customer.\n",
    );
    write("guide/bad.md", "---\ntitle: [oops\n---\nBody.\n");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");

    // Searching before importing says what to do.
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "search", "cadence"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("onramp handbook import"), "{err}");

    let (code, out, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "handbook", "import", "site"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 added"), "{out}");
    assert!(
        err.contains("warning: guide/bad.md: front matter is not valid YAML"),
        "{err}"
    );
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "--json", "handbook", "import", "site"]));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["unchanged"], 3);

    let (code, out, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "search",
        "cadense cals",
        "--json",
        "--limit",
        "1",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let first = &v["results"][0];
    assert_eq!(first["path"], "guide/cadence.md");
    assert_eq!(first["url"], "/guide/cadence/");
    assert_eq!(first["title"], "Cadence calls");
    assert!(
        first["snippet"]
            .as_str()
            .expect("snippet")
            .contains("every two weeks")
    );
    assert_eq!(v["results"].as_array().expect("array").len(), 1);
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "search", "  "]));
    assert_eq!(code, 2);
    assert!(err.contains("the query is empty"), "{err}");

    std::fs::write(dir.path().join("q.tsv"), "# judged\nhow often is a cadence call\tguide/cadence.md\nwhere to start\tguide/_index.md\n").expect("write");
    let (code, out, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "search-eval", "q.tsv", "--json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    for key in [
        "recall_at_1",
        "recall_at_5",
        "recall_at_10",
        "mrr",
        "latency_p50_ms",
        "latency_p99_ms",
    ] {
        assert!(v[key].is_number(), "{key} in {out}");
    }
    assert_eq!(v["recall_at_1"], 1.0);
    std::fs::write(dir.path().join("bad.tsv"), "question without tab\n").expect("write");
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "search-eval", "bad.tsv"]));
    assert_eq!(code, 2);
    assert!(err.contains("bad.tsv:1:"), "{err}");

    // Broken links: listed with file and line, non-zero exit.
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "handbook", "check-links"]));
    assert_eq!(code, 0, "{out}");
    write(
        "guide/cadence.md",
        "---\ntitle: Cadence calls\n---\nSee [nothing](/guide/missing/).\n",
    );
    run(onramp(dir.path()).args(["--data-dir", data, "handbook", "import", "site"]));
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "handbook", "check-links"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("guide/cadence.md:4: no page at /guide/missing/"),
        "{out}"
    );
}

#[test]
fn buddy_suggestions_assignment_and_time_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "seed-demo"]));
    assert_eq!(code, 0, "{err}");
    let suggest = |dir: &Path| {
        let (code, out, err) = run(onramp(dir).args([
            "--data-dir",
            data,
            "buddy",
            "suggest",
            "--email",
            "alex.morgan@example.com",
            "--json",
        ]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let s = suggest(dir.path());
    // Sam (same segment and region) is suggested, among CSMs of the
    // demo's history who started months ago.
    let candidates = s["candidates"].as_array().expect("candidates");
    let sam = candidates
        .iter()
        .find(|c| c["email"] == "sam.fischer@example.com")
        .expect("Sam is suggested");
    let scores: Vec<i64> = candidates
        .iter()
        .filter_map(|c| c["score"].as_i64())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    assert!(sam["score"].is_number());
    assert!(
        sam["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .any(|r| r.as_str().expect("text").starts_with("same segment"))
    );
    let why = |email: &str| -> String {
        s["excluded"]
            .as_array()
            .expect("excluded")
            .iter()
            .find(|e| e["email"] == email)
            .map(|e| e["reason"].as_str().expect("reason").to_string())
            .unwrap_or_default()
    };
    assert_eq!(why("jordan.lee@example.com"), "is the new hire's manager");
    assert!(
        why("noah.becker@example.com").contains("under 3 months"),
        "{s}"
    );
    assert_eq!(
        why("priya.nair@example.com"),
        "already buddy to 2 people (at most 2)"
    );

    // Time off in the hire's first two weeks excludes; bad dates are refused.
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "timeoff",
        "add",
        "--email",
        "maria.costa@example.com",
        "--from",
        "2026-13-01",
        "--to",
        "2026-12-02",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--from: expected YYYY-MM-DD"), "{err}");
    let start = chrono::Utc::now().date_naive() - chrono::Duration::days(9);
    let (from, to) = (
        start.to_string(),
        (start + chrono::Duration::days(2)).to_string(),
    );
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "timeoff",
        "add",
        "--email",
        "maria.costa@example.com",
        "--from",
        &from,
        "--to",
        &to,
    ]));
    assert_eq!(code, 0, "{err}");
    let s = suggest(dir.path());
    assert!(
        s["excluded"]
            .as_array()
            .expect("excluded")
            .iter()
            .any(|e| e["email"] == "maria.costa@example.com"
                && e["reason"].as_str().expect("reason").starts_with("away")),
        "{s}"
    );

    // Assign, then end; the manager is refused.
    let (code, out, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "buddy",
        "assign",
        "--email",
        "alex.morgan@example.com",
        "--buddy",
        "diego.alvarez@example.com",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Diego Alvarez is now Alex Morgan's buddy"),
        "{out}"
    );
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "buddy",
        "assign",
        "--email",
        "alex.morgan@example.com",
        "--buddy",
        "jordan.lee@example.com",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("manager cannot be the buddy"), "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "buddy",
        "end",
        "--email",
        "alex.morgan@example.com",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "buddy",
        "suggest",
        "--email",
        "taylor.brooks@example.com",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("has no running onboarding"), "{err}");
}

/// Parses a feed with the Python `icalendar` package (requirements-test.txt).
fn parse_with_python(ics: &Path) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ical_check.py");
    let out = onramp_testkit::python3()
        .arg(script)
        .arg(ics)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the icalendar package could not read the feed (pip install -r requirements-test.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn calendar_feeds_read_by_an_independent_parser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "seed-demo"]));
    assert_eq!(code, 0, "{err}");
    // A Berlin series that crosses the end of summer time, with one session cancelled,
    // and a title with the characters iCalendar must escape.
    // A title is one line: a line break is refused, naming the flag's field.
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "add",
        "--title",
        "two\nlines",
        "--start",
        "2026-10-21T15:00",
        "--video-url",
        "https://meet.example.com/x",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("title: contains a line break"), "{err}");
    // Characters iCalendar must escape: `;`, `,` and `\`.
    let title = "EMEA office hours; Q&A, demos \\ and more";
    let (code, out, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "add",
        "--title",
        title,
        "--start",
        "2026-10-21T15:00",
        "--time-zone",
        "Europe/Berlin",
        "--repeat",
        "weekly",
        "--days",
        "wed",
        "--duration",
        "45",
        "--video-url",
        "https://meet.example.com/emea",
        "--host",
        "chris.okafor@example.com",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Every Wednesday at 15:00 (Europe/Berlin), from 21 October 2026"),
        "{out}"
    );
    // A day the first session is not on is refused, naming the flag.
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "add",
        "--title",
        "x",
        "--start",
        "2026-10-21T15:00",
        "--days",
        "thu",
        "--video-url",
        "https://x.example",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--days") && err.contains("Wednesday"), "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "cancel",
        "--id",
        "2",
        "--session",
        "2026-10-28T15:00",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "cancel",
        "--id",
        "2",
        "--session",
        "2026-10-29T15:00",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("is not a session"), "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "office-hours",
        "add",
        "--title",
        "x",
        "--start",
        "2026-10-21T15:00",
        "--rrule",
        "FREQ=NEVER",
        "--video-url",
        "https://x.example",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--rrule"), "{err}");

    let feed = |name: &str| {
        let (code, out, err) = run(onramp(dir.path()).args([
            "--data-dir",
            data,
            "calendar",
            "feed",
            "--email",
            "alex.morgan@example.com",
        ]));
        assert_eq!(code, 0, "{err}");
        let path = dir.path().join(name);
        std::fs::write(&path, out).expect("write");
        parse_with_python(&path)
    };
    let first = feed("a.ics");
    let second = feed("b.ics");
    let uids = |v: &serde_json::Value| -> Vec<String> {
        v["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["uid"].as_str().expect("uid").to_string())
            .collect()
    };
    let (a, b) = (uids(&first), uids(&second));
    assert_eq!(a, b, "UIDs are stable from one feed to the next");
    let mut unique = a.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), a.len(), "UIDs are unique");
    let event = |uid: &str| {
        first["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["uid"] == uid)
            .cloned()
            .expect(uid)
    };

    let utc = event("office-hours-1@onramp");
    assert_eq!(utc["rrule"], "FREQ=WEEKLY;BYDAY=WE");
    for s in utc["sessions"].as_array().expect("sessions") {
        assert!(s.as_str().expect("date").ends_with("T15:00:00Z"), "{utc}");
    }
    let berlin = event("office-hours-2@onramp");
    assert_eq!(
        berlin["summary"], title,
        "commas, semicolons and newlines survive"
    );
    assert_eq!(
        berlin["sessions"].as_array().expect("sessions")[..3],
        [
            serde_json::json!("2026-10-21T13:00:00Z"),
            serde_json::json!("2026-11-04T14:00:00Z"),
            serde_json::json!("2026-11-11T14:00:00Z")
        ],
        "15:00 Berlin is 13:00 UTC in summer and 14:00 after 25 October; 28 October is cancelled"
    );
    assert_eq!(berlin["end"], "2026-10-21T13:45:00Z");
    assert_eq!(first["timezones"], serde_json::json!(["Europe/Berlin"]));
    // Tasks are all-day events; the demo's shadowed meetings are there too.
    let tasks: Vec<serde_json::Value> = first["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["uid"].as_str().expect("uid").starts_with("task-"))
        .cloned()
        .collect();
    assert!(!tasks.is_empty());
    assert!(tasks.iter().all(|t| t["all_day"] == true));
    assert!(a.iter().any(|u| u.starts_with("meeting-")));

    // Office hours alone; anonymous authors never appear in feeds.
    let (code, out, _) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "calendar",
        "feed",
        "--email",
        "sam.fischer@example.com",
        "--office-hours",
    ]));
    assert_eq!(code, 0);
    assert!(!out.contains("task-") && out.contains("office-hours-2@onramp"));
    assert!(!out.contains("Alex") && !out.contains("Slack channels"));
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "calendar",
        "feed",
        "--email",
        "nobody@example.com",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("no person has the email"), "{err}");
}

#[test]
fn ping_analyze_reports_and_keeps_going_past_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let examples = onramp_testkit::ping_samples();
    let premium = examples.join("synthetic_premium_15.11_120users.json");
    let sept = examples.join("synthetic_ultimate_17.2_5000users_2024-09.json");
    let dec = examples.join("synthetic_ultimate_17.2_5000users_2024-12.json");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");

    let (code, out, err) = run(onramp(dir.path())
        .args(["--data-dir", data, "ping", "analyze", "--format", "json"])
        .arg(&premium));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    for key in ["instance", "scorecard", "failed_metrics", "stages"] {
        assert!(!v[key].is_null(), "{key} in {out}");
    }
    let scorecard = v["scorecard"].as_array().expect("scorecard");
    assert_eq!(scorecard.len(), 10);
    let license = scorecard
        .iter()
        .find(|s| s["measure_id"] == "license_utilization")
        .expect("license");
    assert_eq!(license["band"], "green");
    assert_eq!(license["source_key"], "license_billable_users");
    let ci = scorecard
        .iter()
        .find(|s| s["measure_id"] == "ci_builds_per_billable_user")
        .expect("ci");
    assert_eq!(ci["band"], "n/a");
    assert!(!out.contains("5f0c1e2a-7b3d"), "the uuid is masked: {out}");

    // A truncated file and a file that is not a Service Ping: reported, the rest analysed.
    std::fs::write(dir.path().join("cut.json"), "{\"version\": \"17.2").expect("write");
    std::fs::write(
        dir.path().join("other.json"),
        "{\"name\": \"package.json\"}",
    )
    .expect("write");
    let (code, out, err) = run(onramp(dir.path())
        .args([
            "--data-dir",
            data,
            "ping",
            "analyze",
            "--json",
            "--compare",
            "cut.json",
            "other.json",
        ])
        .arg(&sept)
        .arg(&dec));
    assert_eq!(code, 2);
    assert!(
        err.contains("cut.json: truncated JSON")
            && err.contains("other.json: not a Service Ping payload"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["analyses"].as_array().expect("analyses").len(), 2);
    assert_eq!(v["errors"].as_array().expect("errors").len(), 2);
    let changes = v["comparisons"][0]["score_changes"]
        .as_array()
        .expect("changes");
    assert!(
        changes
            .iter()
            .any(|c| c["measure_id"] == "ci_builds_per_billable_user"
                && c["before"] == "yellow"
                && c["after"] == "green"),
        "{out}"
    );

    let (code, csv, _) = run(onramp(dir.path())
        .args(["--data-dir", data, "ping", "analyze", "--format", "csv"])
        .arg(&premium));
    assert_eq!(code, 0);
    assert!(
        csv.starts_with("file,instance,version,plan,measure_id,value,unit,band,source_key,note\n")
    );
    assert_eq!(csv.lines().count(), 11);
    let (code, html, _) = run(onramp(dir.path())
        .args(["--data-dir", data, "ping", "analyze", "--format", "html"])
        .arg(&premium));
    assert_eq!(code, 0);
    assert!(html.contains("<svg class=\"scorecard\"") && !html.contains("<script"));
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "ping", "dictionary", "import", "."]));
    assert_eq!(code, 2);
    assert!(err.contains("expected a GitLab source checkout"), "{err}");
}

#[test]
fn ping_dictionary_import_from_a_checkout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let metrics = dir.path().join("gitlab/config/metrics/counts_28d");
    std::fs::create_dir_all(&metrics).expect("mkdir");
    std::fs::write(metrics.join("a.yml"), "key_path: counts.new_thing\ndescription: A new thing\nproduct_group: source_code\ntime_frame: [7d, 28d]\nstatus: active\ntiers: [free]\ndata_source: internal_events\n").expect("write");
    std::fs::write(metrics.join("broken.yml"), "key_path: [").expect("write");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    let (code, out, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "ping",
        "dictionary",
        "import",
        "gitlab",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Imported 2 definitions from 2 files (1 skipped)"),
        "{out}"
    );
    assert!(err.contains("broken.yml"), "{err}");
    std::fs::write(
        dir.path().join("p.json"),
        r#"{"version":"18.0.0-ee","uuid":"u","counts":{"new_thing_monthly":4}}"#,
    )
    .expect("write");
    let (code, out, _) =
        run(onramp(dir.path()).args(["--data-dir", data, "--json", "ping", "analyze", "p.json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v["keys_without_definition"], 0,
        "the imported definition is used: {out}"
    );
    assert!(
        v["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .any(|s| s["stage"] == "create"),
        "{out}"
    );
}

#[test]
fn content_check_lists_stale_entries_and_broken_links() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    // The built-in pack is fresh; without a handbook its links are not checked.
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "content", "check"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("internal links were not checked"), "{err}");

    // A pack of our own: one stale list, one link to a page the handbook lacks.
    let pack = dir.path().join("pack/catalogues");
    std::fs::create_dir_all(&pack).expect("mkdir");
    std::fs::write(
        pack.join("reading-list.yaml"),
        "owner: Enablement\nreviewed_at: 2020-01-01\nentries:\n  - id: intro\n    title: Intro\n    url: /handbook/team/\n    month: 1\n  - id: gone\n    title: Gone\n    url: /handbook/nowhere/\n    month: 2\n",
    )
    .expect("write");
    let site = dir.path().join("site/handbook/team");
    std::fs::create_dir_all(&site).expect("mkdir");
    std::fs::write(site.join("_index.md"), "---\ntitle: Team\n---\nHello.\n").expect("write");
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "handbook", "import", "site"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "content", "check", "pack"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(
            "stale: catalogues/reading-list.yaml: intro (owner Enablement, reviewed 2020-01-01"
        ),
        "{out}"
    );
    assert!(
        out.contains("broken link: catalogues/reading-list.yaml: gone → /handbook/nowhere/"),
        "{out}"
    );
    assert!(!out.contains("→ /handbook/team/"), "{out}");
    let (code, out, _) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "--json",
        "content",
        "check",
        "pack",
        "--max-age-days",
        "100000",
    ]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["stale"].as_array().expect("stale").len(), 0);
    assert_eq!(v["broken_links"].as_array().expect("broken").len(), 1);
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "content", "check", "no-such-dir"]));
    assert_eq!(code, 2);
    assert!(err.contains("is not a folder"), "{err}");
}

#[test]
fn learning_import_reports_bad_and_unknown_rows_and_webinars_are_added() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8 path");
    let (code, _, err) = run(onramp(dir.path()).args(["--data-dir", data, "seed-demo"]));
    assert_eq!(code, 0, "{err}");
    let good = "Learner Email,Course Title,Status,Completion Date,Certificate URL\n\
                alex.morgan@example.com,Where processes and tools live,Completed,2026-11-20,https://levelup.example.com/c/9\n\
                alex.morgan@example.com,Advanced knitting,Completed,2026-11-21,\n\
                nobody@example.com,Where processes and tools live,Completed,2026-11-21,\n\
                alex.morgan@example.com,The customer lifecycle and health,In progress,,\n";
    let bad = format!(
        "{good}alex.morgan@example.com,The customer lifecycle and health,Completed,soon,\n"
    );
    std::fs::write(dir.path().join("bad.csv"), bad).expect("write");
    std::fs::write(dir.path().join("good.csv"), good).expect("write");
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "learning", "import", "bad.csv"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bad.csv:line 6: completed: `soon` is not a date")
            && err.contains("nothing was imported"),
        "{err}"
    );
    // The bad file held the good rows too: none of them was stored.
    let import = |file: &str| {
        let (code, out, err) = run(onramp(dir.path()).args([
            "--data-dir",
            data,
            "--json",
            "learning",
            "import",
            file,
        ]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let report = import("good.csv");
    assert_eq!(
        (
            report["rows"].as_u64(),
            report["imported"].as_u64(),
            report["new"].as_u64()
        ),
        (Some(3), Some(1), Some(1)),
        "{report}"
    );
    let reasons: Vec<&str> = report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter_map(|s| s["reason"].as_str())
        .collect();
    assert_eq!(reasons.len(), 2, "{report}");
    assert!(
        reasons[0].starts_with("not a module of the pathway") && reasons[1].contains("no person"),
        "{report}"
    );
    assert_eq!(
        import("good.csv")["new"].as_u64(),
        Some(0),
        "a second import adds nothing new"
    );
    let (code, _, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "learning", "import", "missing.csv"]));
    assert_eq!(code, 2, "{err}");

    // Webinars from the command line.
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "webinar",
        "add",
        "--title",
        "Runners in depth",
        "--start",
        "2027-01-13T17:00",
        "--time-zone",
        "Europe/Berlin",
        "--duration",
        "50",
        "--host",
        "Sam Fischer",
    ]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "--data-dir",
        data,
        "webinar",
        "add",
        "--title",
        "X",
        "--start",
        "2027-01-13T17:00",
        "--time-zone",
        "Mars/Olympus",
        "--host",
        "Sam",
    ]));
    assert!(code == 2 && err.contains("--time-zone"), "{code} {err}");
    let (code, out, err) =
        run(onramp(dir.path()).args(["--data-dir", data, "--json", "webinar", "list"]));
    assert_eq!(code, 0, "{err}");
    let list: serde_json::Value = serde_json::from_str(&out).expect("json");
    let runners = list
        .as_array()
        .expect("list")
        .iter()
        .find(|w| w["title"] == "Runners in depth")
        .expect("added");
    assert_eq!(
        runners["starts_at"], "2027-01-13T16:00:00Z",
        "17:00 in Berlin is 16:00 UTC in winter"
    );
}

/// The JSON body of a raw HTTP response.
fn json_body(response: &str) -> serde_json::Value {
    let body = response.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"))
}

#[test]
fn an_answer_on_one_server_is_searchable_on_the_other_within_seconds() {
    with_postgres_url(|url| {
        let url = url.to_string();
        let dir = tempfile::tempdir().expect("tempdir");
        let (code, _, err) = run(onramp(dir.path()).args(["seed-demo", "--database-url", &url]));
        assert_eq!(code, 0, "{err}");
        // Two servers on one database, each with its own search index.
        let serve = |data: &str| {
            Server::start(
                onramp(dir.path())
                    .args(["serve", "--bind", "127.0.0.1:0", "--data-dir", data])
                    .env("ONRAMP_DATABASE_URL", &url),
            )
        };
        let a = serve("a");
        let b = serve("b");
        let token = |email: &str| {
            let (code, token, err) = run(onramp(dir.path()).args([
                "token",
                "create",
                "--email",
                email,
                "--scope",
                "write",
                "--database-url",
                &url,
            ]));
            assert_eq!(code, 0, "{err}");
            token.trim().to_string()
        };
        let hire = token("alex.morgan@example.com");
        let enablement = token("chris.okafor@example.com");
        // The sample handbook is searchable on B from the start.
        let search = |server: &Server, q: &str| {
            json_body(&server.get_with(&format!("/api/v1/search?q={q}"), &hire))
        };
        let first = search(&b, "EBR");
        assert!(
            first.to_string().contains("ebr.md"),
            "the handbook is searchable: {first}"
        );
        let series = json_body(&a.get_with("/api/v1/office-hours", &hire));
        let series_id = series[0]["id"].as_i64().expect("a demo series");
        let asked = json_body(&a.post_json(
            &format!("/api/v1/office-hours/{series_id}/questions"),
            &hire,
            &serde_json::json!({"body": "Where do I find the zeppelin checklist?"}),
        ));
        let question = asked["id"].as_i64().expect("question id");
        let answered = a.post_json(
            &format!("/api/v1/office-hours/questions/{question}/answer"),
            &enablement,
            &serde_json::json!({"answer": "The zeppelin checklist lives in the demo systems page."}),
        );
        assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
        // Server B finds it within five seconds (it polls every second).
        let started = Instant::now();
        loop {
            let found = search(&b, "zeppelin");
            if found
                .to_string()
                .contains(&format!("office-hours/questions/{question}"))
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "server B did not find the answer within 5 s: {found}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        for server in [a, b] {
            let (code, stderr) = server.terminate();
            assert_eq!(code, 0, "{stderr}");
        }
    });
}

#[test]
fn backup_restores_into_postgresql_and_back_and_refuses_bad_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let first = dir.path().join("first.backup");
    let (code, out, err) = run(onramp(dir.path()).arg("backup").arg(&first));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("Backed up "), "{out}");
    let text = std::fs::read_to_string(&first).expect("backup");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("\"onramp_backup\":1"), "{}", lines[0]);
    assert!(lines.last().expect("manifest").contains("\"manifest\""));
    // Rows without the header (time, source) and the manifest: the records.
    let records = |t: &str| -> Vec<String> {
        let l: Vec<&str> = t.lines().collect();
        l[1..l.len() - 1].iter().map(|s| s.to_string()).collect()
    };

    with_postgres_url(|url| {
        let (code, out, err) = run(onramp(dir.path())
            .args(["--database-url", url, "restore"])
            .arg(&first));
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with("Restored "), "{out}");
        // Backed up again from PostgreSQL: the same records.
        let second = dir.path().join("second.backup");
        let (code, _, err) = run(onramp(dir.path())
            .args(["--database-url", url, "backup"])
            .arg(&second));
        assert_eq!(code, 0, "{err}");
        let again = std::fs::read_to_string(&second).expect("second");
        assert_eq!(records(&text), records(&again));
        // The restored database takes new records (identities continue).
        let (code, _, err) = run(onramp(dir.path()).args([
            "--database-url",
            url,
            "user",
            "add",
            "--email",
            "after.restore@example.com",
            "--name",
            "After Restore",
            "--roles",
            "new-hire",
        ]));
        assert_eq!(code, 0, "{err}");
        // Only into an empty database: exit 2, nothing changed.
        let (code, _, err) = run(onramp(dir.path())
            .args(["--database-url", url, "restore"])
            .arg(&first));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("the database is not empty"), "{err}");
        // And back from PostgreSQL into a new SQLite database.
        let back = dir.path().join("back");
        let (code, _, err) = run(onramp(dir.path())
            .arg("--data-dir")
            .arg(&back)
            .arg("restore")
            .arg(&second));
        assert_eq!(code, 0, "{err}");
    });

    // Damaged files are refused before anything is written.
    let damaged = |name: &str, content: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let data = dir.path().join(format!("data-{name}"));
        let (code, _, err) = run(onramp(dir.path())
            .arg("--data-dir")
            .arg(&data)
            .arg("restore")
            .arg(&path));
        assert_eq!(code, 2, "{name}: {err}");
        let (_, out, _) = run(onramp(dir.path()).arg("--data-dir").arg(&data).args([
            "--json",
            "onboarding",
            "list",
        ]));
        assert!(!out.contains("Alex Morgan"), "{name}: nothing restored");
        err
    };
    let truncated = lines[..lines.len() - 3].join("\n");
    assert!(damaged("truncated", truncated).contains("truncated"));
    let altered = text.replacen("Alex Morgan", "Alex Morgen", 1);
    assert!(damaged("altered", altered).contains("altered"));
    let newer = text.replacen("\"schema_version\":", "\"schema_version\":9999,\"was\":", 1);
    assert!(damaged("newer", newer).contains("made by a newer Onramp"));
}

#[test]
fn tasks_lists_what_waits_for_a_person_across_onboardings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    // The demo manager's tasks in their report's onboarding, as JSON.
    let (code, out, err) =
        run(onramp(dir.path()).args(["--json", "tasks", "--email", "jordan.lee@example.com"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let all: Vec<&serde_json::Value> = ["overdue", "this_week", "later", "waiting"]
        .iter()
        .flat_map(|g| v[*g].as_array().expect("group").iter())
        .collect();
    assert!(!all.is_empty(), "the demo manager has tasks: {out}");
    assert!(all.iter().all(|t| t["role"] == "manager"), "{out}");
    assert!(
        all.iter().any(|t| t["new_hire"] == "Alex Morgan"),
        "in the new hire's onboarding: {out}"
    );
    // In words, filtered to the overdue ones.
    let (code, out, err) = run(onramp(dir.path()).args([
        "tasks",
        "--email",
        "alex.morgan@example.com",
        "--due",
        "week",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("Later:"), "only overdue and this week: {out}");
    // Bad input names the flag.
    let (code, _, err) = run(onramp(dir.path()).args(["tasks", "--email", "nobody@example.com"]));
    assert_eq!(code, 2);
    assert!(err.contains("--email: no person has the email"), "{err}");
    let (code, _, err) = run(onramp(dir.path()).args([
        "tasks",
        "--email",
        "jordan.lee@example.com",
        "--role",
        "chef",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("--role:"), "{err}");
}

#[test]
fn notify_test_sends_through_the_configured_server_and_a_bad_url_stops_start_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A real SMTP server (aiosmtpd) on a free port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let out = dir.path().join("received.jsonl");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../web/tests/smtp_sink.py");
    let mut sink = Command::new("python3")
        .args([
            script,
            &port.to_string(),
            &out.display().to_string(),
            "accept",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd");
    let mut ready = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(sink.stdout.take().expect("stdout")),
        &mut ready,
    )
    .expect("ready");
    assert_eq!(ready.trim(), "ready");
    let url = format!("smtp://127.0.0.1:{port}?tls=none");
    let (code, stdout, err) = run(onramp(dir.path())
        .env("ONRAMP_SMTP_URL", &url)
        .env("ONRAMP_MAIL_FROM", "Onramp <onramp@example.com>")
        .args(["notify", "test", "--email", "jordan.lee@example.com"]));
    sink.kill().ok();
    sink.wait().ok();
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("250"),
        "prints the server's answer: {stdout}"
    );
    let received = std::fs::read_to_string(&out).expect("received");
    assert_eq!(received.lines().count(), 1);
    assert!(received.contains("jordan.lee@example.com") && received.contains("Onramp test email"));

    // Without a server: a clear usage error.
    let (code, _, err) =
        run(onramp(dir.path()).args(["notify", "test", "--email", "a@example.com"]));
    assert_eq!(code, 2);
    assert!(err.contains("ONRAMP_SMTP_URL"), "{err}");
    // A bad URL stops the server before it starts.
    let (code, _, err) = run(onramp(dir.path())
        .env("ONRAMP_SMTP_URL", "http://mail.example.com")
        .args(["serve", "--bind", "127.0.0.1:0"]));
    assert_eq!(code, 2);
    assert!(err.contains("ONRAMP_SMTP_URL / smtp_url"), "{err}");
}

#[test]
fn chat_channels_are_added_listed_and_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(onramp(dir.path()).args(["chat", "list"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No chat channels"), "{out}");
    let (code, out, err) = run(onramp(dir.path()).args([
        "--json",
        "chat",
        "add",
        "--program",
        "csm-onboarding",
        "--format",
        "json",
        "--url",
        "https://tools.example.com/hooks/onramp-secret",
    ]));
    assert_eq!(code, 0, "{err}");
    let added: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(added["secret"].as_str().map(str::len), Some(64), "{out}");
    assert_eq!(added["url"], "https://tools.example.com/hooks/…");
    let (code, out, err) = run(onramp(dir.path()).args([
        "chat",
        "add",
        "--team",
        "jordan.lee@example.com",
        "--format",
        "slack",
        "--url",
        "https://hooks.slack.com/services/T0/B0/x",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("team jordan.lee@example.com"), "{out}");
    let (code, out, _) = run(onramp(dir.path()).args(["chat", "list"]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        !out.contains("onramp-secret"),
        "addresses are shown masked: {out}"
    );
    // Bad input names the flag and adds nothing.
    for (args, flag) in [
        (
            vec![
                "--program",
                "nope",
                "--format",
                "slack",
                "--url",
                "https://x.example/h",
            ],
            "--program",
        ),
        (
            vec![
                "--team",
                "nobody@example.com",
                "--format",
                "slack",
                "--url",
                "https://x.example/h",
            ],
            "--team",
        ),
        (
            vec![
                "--program",
                "csm-onboarding",
                "--format",
                "irc",
                "--url",
                "https://x.example/h",
            ],
            "--format",
        ),
        (
            vec![
                "--program",
                "csm-onboarding",
                "--format",
                "slack",
                "--url",
                "ftp://x.example/h",
            ],
            "--url",
        ),
    ] {
        let (code, _, err) = run(onramp(dir.path()).args(["chat", "add"]).args(&args));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
    let id = added["id"].as_i64().expect("id").to_string();
    let (code, _, err) = run(onramp(dir.path()).args(["chat", "remove", &id]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(onramp(dir.path()).args(["chat", "remove", &id]));
    assert_eq!(code, 2);
    assert!(err.contains("no chat channel has the id"), "{err}");
    let (_, out, _) = run(onramp(dir.path()).args(["chat", "list"]));
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn analytics_report_ramp_by_cohort_and_the_onboardings_at_risk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) =
        run(onramp(dir.path()).args(["analytics", "ramp", "--by", "segment", "--json"]));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["by"], "segment");
    let cohorts = report["cohorts"].as_array().expect("cohorts");
    let counted: u64 = cohorts
        .iter()
        .filter_map(|c| c["onboardings"].as_u64())
        .sum();
    assert_eq!(
        counted,
        report["onboardings"].as_array().expect("onboardings").len() as u64,
        "every onboarding is in one cohort"
    );
    let (code, csv, err) =
        run(onramp(dir.path()).args(["analytics", "ramp", "--by", "month", "--csv"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        csv.starts_with("cohort,onboardings,milestone,reached,min,q1,median,q3,max\n"),
        "{csv}"
    );
    assert!(csv.contains(",\"first-shadowed\","), "{csv}");
    let (code, out, err) = run(onramp(dir.path()).args(["analytics", "risk", "--json"]));
    assert_eq!(code, 0, "{err}");
    let risk: serde_json::Value = serde_json::from_str(&out).expect("json");
    let levels: Vec<&str> = risk
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert!(!levels.is_empty(), "{out}");
    let rank = |l: &str| {
        ["at-risk", "watch", "on-track"]
            .iter()
            .position(|x| *x == l)
    };
    assert!(
        levels.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "the most at risk first: {levels:?}"
    );
    let (code, _, err) = run(onramp(dir.path()).args(["analytics", "ramp", "--by", "weekday"]));
    assert_eq!(code, 2);
    assert!(err.contains("--by") && err.contains("quarter"), "{err}");

    // How each task of the program fares, the most often late first.
    let tasks = |extra: &[&str]| {
        let mut args = vec!["analytics", "tasks", "--program", "csm-onboarding"];
        args.extend_from_slice(extra);
        run(onramp(dir.path()).args(args))
    };
    let (code, out, err) = tasks(&["--sort", "late", "--json"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let late: Vec<f64> = report["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["late_rate"].as_f64().unwrap_or(-1.0))
        .collect();
    assert!(late.len() > 20, "{out}");
    assert!(late.windows(2).all(|w| w[0] >= w[1]), "{late:?}");
    // The history has reopened, commented and skipped tasks, read items and questions.
    let sum = |field: &str| -> f64 {
        report["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .filter_map(|t| t[field].as_f64())
            .sum()
    };
    assert!(
        sum("reopen_rate") > 0.0 && sum("comments") > 0.0 && sum("skipped_rate") > 0.0,
        "{out}"
    );
    assert!(
        report["reading"][0]["completed"]
            .as_u64()
            .is_some_and(|n| n > 0),
        "{out}"
    );
    assert!(
        report["office_hours"]["questions"]
            .as_u64()
            .is_some_and(|n| n > 10),
        "{out}"
    );
    let (code, csv, err) = tasks(&["--csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv.lines().count(), late.len() + 1, "{csv}");
    let (code, text, err) = tasks(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("Reading list") && text.contains("Office hours:"),
        "{text}"
    );
    let (code, _, err) = tasks(&["--version", "9"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--version") && err.contains("has versions"),
        "{err}"
    );
    // The two program versions side by side.
    let (code, out, err) = run(onramp(dir.path()).args([
        "analytics",
        "compare",
        "--by",
        "program",
        "CSM onboarding v1",
        "CSM onboarding v2",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let c: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert!(
        c["milestones"]
            .as_array()
            .expect("milestones")
            .iter()
            .any(|m| m["median_difference"].is_number()),
        "{out}"
    );
    let (code, _, err) = run(onramp(dir.path()).args([
        "analytics",
        "compare",
        "--by",
        "program",
        "CSM onboarding v9",
        "CSM onboarding v2",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("CSM onboarding v1, CSM onboarding v2"),
        "{err}"
    );
    let (code, _, err) = run(onramp(dir.path()).args(["analytics", "tasks", "--program", "nope"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--program") && err.contains("csm-onboarding"),
        "{err}"
    );
}

#[test]
fn the_demo_history_is_the_same_from_the_same_seed_and_has_every_kind_of_ramp() {
    let report = |dir: &Path| {
        let (code, _, err) = run(onramp(dir).arg("seed-demo"));
        assert_eq!(code, 0, "{err}");
        let (code, out, err) =
            run(onramp(dir).args(["analytics", "ramp", "--by", "quarter", "--json"]));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).expect("json")
    };
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let first = report(a.path());
    assert_eq!(
        first,
        report(b.path()),
        "the same seed draws the same history"
    );
    let onboardings = first["onboardings"].as_array().expect("onboardings");
    assert!(
        onboardings.len() >= 40,
        "about forty onboardings: {}",
        onboardings.len()
    );
    assert!(
        first["cohorts"].as_array().expect("cohorts").len() >= 3,
        "three cohorts or more"
    );
    let closed = onboardings
        .iter()
        .filter(|o| o["status"] == "closed")
        .count();
    assert!(closed >= 5, "completed onboardings: {closed}");
    let (_, out, _) =
        run(onramp(a.path()).args(["analytics", "ramp", "--by", "program", "--json"]));
    let by_program: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        by_program["cohorts"].as_array().expect("cohorts").len(),
        2,
        "two program versions"
    );
    let (_, out, _) = run(onramp(a.path()).args(["analytics", "risk", "--json"]));
    let risk: serde_json::Value = serde_json::from_str(&out).expect("json");
    for level in ["at-risk", "watch", "on-track"] {
        assert!(
            risk.as_array()
                .expect("list")
                .iter()
                .any(|r| r["level"] == level),
            "someone is {level}"
        );
    }
    // A larger synthetic history for benchmarks.
    let c = tempfile::tempdir().expect("c");
    let (code, out, err) =
        run(onramp(c.path()).args(["seed-synthetic", "--onboardings", "25", "--seed", "5"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Generated 25 onboardings (seed 5)."), "{out}");
    let (_, out, _) = run(onramp(c.path()).args(["analytics", "ramp", "--json"]));
    let synthetic: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(synthetic["onboardings"].as_array().expect("list").len(), 25);
}

#[test]
fn risk_thresholds_come_from_the_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, err) = run(onramp(dir.path()).arg("seed-demo"));
    assert_eq!(code, 0, "{err}");
    let quiet = || {
        let (code, out, err) = run(onramp(dir.path()).args(["analytics", "risk", "--json"]));
        assert_eq!(code, 0, "{err}");
        let rows: serde_json::Value = serde_json::from_str(&out).expect("json");
        rows.as_array()
            .expect("list")
            .iter()
            .flat_map(|r| r["signals"].as_array().cloned().unwrap_or_default())
            .filter(|s| s["kind"] == "quiet")
            .count()
    };
    let by_default = quiet();
    std::fs::write(
        dir.path().join("onramp.toml"),
        "[risk]\nquiet_business_days = 1\n",
    )
    .expect("write");
    assert!(
        quiet() > by_default,
        "a stricter threshold raises more signals"
    );
    std::fs::write(
        dir.path().join("onramp.toml"),
        "[risk]\nquiet_business_days = 0\n",
    )
    .expect("write");
    let (code, _, err) = run(onramp(dir.path()).args(["analytics", "risk"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("risk.quiet_business_days: must be from 1 to 60"),
        "{err}"
    );
    std::fs::write(dir.path().join("onramp.toml"), "[risk]\nquiet_days = 3\n").expect("write");
    let (code, _, err) = run(onramp(dir.path()).args(["analytics", "risk"]));
    assert_eq!(code, 2);
    assert!(err.contains("quiet_days"), "names the unknown field: {err}");
}
