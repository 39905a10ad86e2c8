//! Helpers for the crates' tests.
//!
//! Most tests run on fixtures kept in the repository (the sample handbook in
//! `content/sample-handbook`, the sample payloads in `content/ping-samples`).
//! A few suites also run on the real corpus (the GitLab handbook and the
//! Service Ping reference data), which is not part of the repository. They
//! find it through [`corpus`]:
//!
//! - `ONRAMP_TEST_CORPUS=DIR` names the folder that holds `handbook/` and
//!   `service-ping/`; when it is set and the folder is not there, the test
//!   fails (CI sets it, so these suites never skip silently there);
//! - otherwise `../shared/data` beside the repository is used when present;
//! - otherwise the suite is skipped with a line on stderr saying so.

use std::path::{Path, PathBuf};

/// The environment variable that names the corpus folder.
pub const CORPUS_VAR: &str = "ONRAMP_TEST_CORPUS";

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sample handbook written for the project (a Hugo site).
pub fn sample_handbook() -> PathBuf {
    repo_root().join("content/sample-handbook")
}

/// The sample Service Ping payloads written for the project.
pub fn ping_samples() -> PathBuf {
    repo_root().join("content/ping-samples")
}

/// `part` (`handbook` or `service-ping`) of the real corpus, or `None` when
/// no corpus is given (the caller then skips; `test` names it on stderr).
///
/// # Panics
/// When `ONRAMP_TEST_CORPUS` is set but does not hold `part`: a corpus that
/// was asked for must be there.
pub fn corpus(part: &str, test: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CORPUS_VAR).filter(|v| !v.is_empty()) {
        let path = PathBuf::from(dir).join(part);
        assert!(
            path.is_dir(),
            "{CORPUS_VAR} is set, but {} is not a folder",
            path.display()
        );
        return Some(path);
    }
    let beside = repo_root().join("../shared/data").join(part);
    if beside.is_dir() {
        return Some(beside);
    }
    eprintln!(
        "skipped {test}: it needs the real corpus; set {CORPUS_VAR}=DIR (the folder holding {part}/)"
    );
    None
}
