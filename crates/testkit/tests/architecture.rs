//! The invariants of ARCHITECTURE.md, checked on every test run: which
//! crate may depend on which, pages and API never import each other, the
//! CLI uses the web crate only to start the server, no library reads the
//! environment, no SQL outside the store, and no source file over the size
//! limit without an entry (and a reason) in the allow-list below.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Lines a source file may have before it must be split.
const MAX_LINES: usize = 600;

/// Files allowed over [`MAX_LINES`], each with why (and what would split it).
const LONG_FILES: &[(&str, &str)] = &[];

/// Lines a function may have before the reason for its length must be
/// written above it, as a comment starting `// Long:`.
const MAX_FUNCTION_LINES: usize = 80;

/// Which workspace crates each crate may depend on (normal dependencies).
const MAY_DEPEND_ON: &[(&str, &[&str])] = &[
    ("core", &[]),
    ("store", &["onramp-core"]),
    ("handbook", &["onramp-core"]),
    ("ping", &["onramp-core"]),
    (
        "app",
        &[
            "onramp-core",
            "onramp-store",
            "onramp-handbook",
            "onramp-ping",
        ],
    ),
    (
        "web",
        &[
            "onramp-app",
            "onramp-core",
            "onramp-store",
            "onramp-handbook",
            "onramp-ping",
        ],
    ),
    (
        "cli",
        &[
            "onramp-app",
            "onramp-web",
            "onramp-core",
            "onramp-store",
            "onramp-handbook",
            "onramp-ping",
        ],
    ),
    ("testkit", &[]),
];

/// CLI files that may name the web crate: starting the server and its settings.
const CLI_MAY_USE_WEB: &[&str] = &["crates/cli/src/serve.rs", "crates/cli/src/config.rs"];

fn root() -> PathBuf {
    onramp_testkit::repo_root()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source files of a crate's library or binary (`src/`), relative to the root.
fn sources(krate: &str) -> Vec<(String, String)> {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("crates").join(krate).join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).expect("read source");
            let rel = p
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, text)
        })
        .collect()
}

fn crates() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("crates"))
        .expect("crates")
        .flatten()
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The workspace crates named under `[dependencies]` of a manifest.
fn workspace_dependencies(manifest: &str) -> BTreeSet<String> {
    let mut in_dependencies = false;
    let mut out = BTreeSet::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies && line.starts_with("onramp-") {
            let name = line
                .split(|c: char| c == '=' || c == '.' || c.is_whitespace())
                .next()
                .unwrap_or_default();
            out.insert(name.to_string());
        }
    }
    out
}

#[test]
fn crates_depend_only_on_what_they_may() {
    let mut problems = Vec::new();
    for krate in crates() {
        let manifest = fs::read_to_string(root().join("crates").join(&krate).join("Cargo.toml"))
            .expect("manifest");
        let Some((_, allowed)) = MAY_DEPEND_ON.iter().find(|(name, _)| *name == krate) else {
            problems.push(format!(
                "crates/{krate}: a new crate; add it to MAY_DEPEND_ON and ARCHITECTURE.md"
            ));
            continue;
        };
        for dependency in workspace_dependencies(&manifest) {
            if !allowed.contains(&dependency.as_str()) {
                problems.push(format!("crates/{krate} must not depend on {dependency}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pages_and_api_never_import_each_other() {
    let mut problems = Vec::new();
    for (path, text) in sources("web") {
        let forbidden = if path.starts_with("crates/web/src/pages/") {
            "crate::api"
        } else if path.starts_with("crates/web/src/api/") {
            "crate::pages"
        } else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains(forbidden) {
                problems.push(format!("{path}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "pages and API share through onramp_app or a neutral web module:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_cli_uses_the_web_crate_only_to_start_the_server() {
    let problems: Vec<String> = sources("cli")
        .into_iter()
        .filter(|(path, text)| {
            text.contains("onramp_web") && !CLI_MAY_USE_WEB.contains(&path.as_str())
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        problems.is_empty(),
        "use cases belong in onramp_app: {problems:?}"
    );
}

#[test]
fn no_library_reads_the_environment() {
    let mut problems = Vec::new();
    for krate in ["core", "store", "handbook", "ping", "app", "web"] {
        for (path, text) in sources(krate) {
            // The store's test support finds the test PostgreSQL server.
            if path == "crates/store/src/testing.rs" {
                continue;
            }
            if text.contains("env::var") {
                problems.push(path);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "settings come from the binary's Config: {problems:?}"
    );
}

#[test]
fn no_sql_outside_the_store() {
    let mut problems = Vec::new();
    for krate in crates().into_iter().filter(|k| k != "store") {
        for (path, text) in sources(&krate) {
            if text.contains("sqlx::") || text.contains("sqlx::query") {
                problems.push(path);
            }
        }
    }
    assert!(
        problems.is_empty(),
        "SQL lives in crates/store: {problems:?}"
    );
}

#[test]
fn source_files_stay_small() {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for krate in crates() {
        for (path, text) in sources(&krate) {
            let lines = text.lines().count();
            let allowed = LONG_FILES.iter().any(|(p, _)| *p == path);
            if allowed {
                seen.insert(path.clone());
            }
            if lines > MAX_LINES && !allowed {
                problems.push(format!("{path}: {lines} lines (limit {MAX_LINES}); split it or add it to LONG_FILES with a reason"));
            }
        }
    }
    for (path, _) in LONG_FILES {
        if !seen.contains(*path) {
            problems.push(format!(
                "{path} is in LONG_FILES but no longer exists; remove the entry"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Functions of `text` longer than [`MAX_FUNCTION_LINES`] with no `// Long:`
/// comment among the lines just above them (doc comments, attributes):
/// (line, name, length).
fn long_functions_without_reason(text: &str) -> Vec<(usize, String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let declaration = [
            "fn ",
            "pub fn ",
            "async fn ",
            "pub async fn ",
            "pub(crate) fn ",
            "pub(super) fn ",
            "pub(crate) async fn ",
            "const fn ",
            "pub const fn ",
        ]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p));
        let Some(rest) = declaration else {
            i += 1;
            continue;
        };
        if line.trim_end().ends_with(';') {
            i += 1;
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let closing = format!("{indent}}}");
        let end = (i + 1..lines.len())
            .find(|&j| lines[j].trim_end() == closing)
            .unwrap_or(lines.len() - 1);
        let length = end - i + 1;
        if length > MAX_FUNCTION_LINES {
            let reason = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let t = l.trim_start();
                    t.starts_with("//") || t.starts_with("#[")
                })
                .any(|l| l.trim_start().starts_with("// Long:"));
            if !reason {
                out.push((i + 1, name, length));
            }
        }
        i = end + 1;
    }
    out
}

#[test]
fn long_functions_say_why() {
    let mut problems = Vec::new();
    for krate in crates() {
        for (path, text) in sources(&krate) {
            for (line, name, length) in long_functions_without_reason(&text) {
                problems.push(format!(
                    "{path}:{line}: fn {name} has {length} lines (limit {MAX_FUNCTION_LINES}); split it or write `// Long: why` above it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_function_length_check_finds_long_functions() {
    let body = "    let x = 1;\n".repeat(MAX_FUNCTION_LINES);
    let long = format!("/// Does it.\nfn long() {{\n{body}}}\n\nfn short() {{\n}}\n");
    assert_eq!(
        long_functions_without_reason(&long),
        vec![(2, "long".to_string(), MAX_FUNCTION_LINES + 2)]
    );
    let explained = format!("/// Does it.\n// Long: one table of cases.\nfn long() {{\n{body}}}\n");
    assert!(long_functions_without_reason(&explained).is_empty());
}

/// Store methods that change something, by their first word.
const CHANGING: &[&str] = &[
    "create", "add", "update", "upsert", "delete", "revoke", "move", "set", "disable", "rotate",
    "answer", "mark", "start", "upgrade", "apply", "assign", "cancel", "import", "record", "end",
    "remove", "vote", "claim", "close", "give", "save", "decide", "sweep",
];

/// The store methods called right after `.store` in `text`: `(line, method)`.
fn store_calls(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(".store") {
        let start = from + at + ".store".len();
        from = start;
        let rest = &text[start..];
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = rest.trim_start();
        let Some(call) = rest.strip_prefix('.') else {
            continue;
        };
        let method: String = call
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let line = text[..start].matches('\n').count() + 1;
        out.push((line, method));
    }
    out
}

#[test]
fn pages_and_api_reach_the_store_only_through_the_application() {
    let mut problems = Vec::new();
    for (path, text) in sources("web") {
        let handler =
            path.starts_with("crates/web/src/pages/") || path.starts_with("crates/web/src/api/");
        // Signing in and out is authentication, at the edge (see below).
        if !handler || path == "crates/web/src/pages/session.rs" {
            continue;
        }
        for (line, method) in store_calls(&text) {
            problems.push(format!(
                "{path}:{line}: store.{method} (call a use case in onramp_app)"
            ));
        }
        if text.contains("&state.store") {
            problems.push(format!(
                "{path}: passes the store on (call a use case in onramp_app)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_change_from_the_web_goes_through_the_application() {
    let mut problems = Vec::new();
    for (path, text) in sources("web") {
        // Sessions and sign-in throttling are the web's own: authentication
        // happens at the edge, before anyone acts.
        if path == "crates/web/src/pages/session.rs" || path == "crates/web/src/auth.rs" {
            continue;
        }
        for (line, method) in store_calls(&text) {
            let first = method.split('_').next().unwrap_or_default();
            if CHANGING.contains(&first) {
                problems.push(format!(
                    "{path}:{line}: store.{method} (call a use case in onramp_app)"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn store_calls_are_found_across_lines() {
    let text = "let a = state.store.person(1);\nstate\n    .store\n    .create_token(x);\nlet s = self.stored;\n";
    assert_eq!(
        store_calls(text),
        vec![(1, "person".to_string()), (3, "create_token".to_string())]
    );
}

/// Command-line files that may call the store themselves: starting the
/// server (its background work), backup and restore (a copy of the whole
/// database), the demo seed (fixture data written as it is) and the generated
/// history of the demo and of `seed-synthetic` (a past written with its dates).
const CLI_MAY_USE_STORE: &[&str] = &[
    "crates/cli/src/serve.rs",
    "crates/cli/src/backup.rs",
    "crates/cli/src/demo/mod.rs",
    "crates/cli/src/demo/history.rs",
    "crates/cli/src/history.rs",
];

/// The methods called on a value named `store` (or a `.store` field) in
/// `text`, other than opening, cloning and closing it: `(line, method)`.
fn calls_on_a_store(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("store") {
        let begin = from + at;
        let end = begin + "store".len();
        from = end;
        let before = text[..begin].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &text[end..];
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(call) = rest.trim_start().strip_prefix('.') else {
            continue;
        };
        let method: String = call
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !matches!(method.as_str(), "close" | "clone" | "") {
            let line = text[..begin].matches('\n').count() + 1;
            out.push((line, method));
        }
    }
    out
}

#[test]
fn the_cli_reaches_the_store_only_through_the_application() {
    let mut problems = Vec::new();
    for (path, text) in sources("cli") {
        if CLI_MAY_USE_STORE.contains(&path.as_str()) {
            continue;
        }
        for (line, method) in calls_on_a_store(&text) {
            problems.push(format!(
                "{path}:{line}: store.{method} (call a use case in onramp_app)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn calls_on_a_store_are_found_in_any_spelling() {
    let text = "let p = store.person(1);\nstore\n    .close().await;\napp.store\n  .webinars(a);\nonramp_store::Store::open(x);\nlet restored = 1;\n";
    assert_eq!(
        calls_on_a_store(text),
        vec![(1, "person".to_string()), (4, "webinars".to_string())]
    );
}
