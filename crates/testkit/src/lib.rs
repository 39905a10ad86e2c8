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

/// The repository's root folder. Read when the test runs (cargo names the
/// tested package's folder, `crates/NAME`), so a helper compiled in another
/// checkout of the same sources never points there.
pub fn repo_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .join("../..")
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

/// `python3` able to import the checkers of `requirements-test.txt` (the
/// independent implementations the tests compare Onramp with).
///
/// When the machine's Python has them, it is used as it is. Otherwise they
/// are installed once with pip into `test-python/` of the build's target
/// folder (from PyPI), so that `cargo test` works on a fresh clone.
///
/// # Panics
/// When Python or pip is missing, or the packages cannot be installed: the
/// message says what to install.
pub fn python3() -> std::process::Command {
    static SITE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let site = SITE.get_or_init(prepare_python);
    let mut command = std::process::Command::new("python3");
    if let Some(site) = site {
        command.env("PYTHONPATH", site);
    }
    command
}

/// The modules named by `requirements-test.txt`.
fn required_modules(requirements: &str) -> Vec<String> {
    requirements
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(['=', '<', '>', '[', ';', ' ', '~', '!'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
                .replace('-', "_")
        })
        .collect()
}

fn imports(modules: &[String], site: Option<&Path>) -> bool {
    let mut command = std::process::Command::new("python3");
    command
        .arg("-c")
        .arg(format!("import {}", modules.join(", ")))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(site) = site {
        command.env("PYTHONPATH", site);
    }
    command.status().is_ok_and(|s| s.success())
}

fn prepare_python() -> Option<PathBuf> {
    let requirements = repo_root().join("requirements-test.txt");
    let text = std::fs::read_to_string(&requirements).expect("requirements-test.txt is readable");
    let modules = required_modules(&text);
    if imports(&modules, None) {
        return None;
    }
    // target/<profile>/deps/<test binary> → target/test-python
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .unwrap_or_else(|| repo_root().join("target"));
    let site = target.join("test-python");
    let lock = target.join("test-python.lock");
    // Several test binaries may get here at once: one installs, the others wait.
    let started = std::time::Instant::now();
    while std::fs::create_dir(&lock).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(600),
            "waited 10 minutes for {} to go away",
            lock.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let ready = imports(&modules, Some(&site));
    let installed = ready
        || std::process::Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg("--target")
            .arg(&site)
            .arg("-r")
            .arg(&requirements)
            .status()
            .is_ok_and(|s| s.success());
    let _ = std::fs::remove_dir(&lock);
    assert!(
        installed && imports(&modules, Some(&site)),
        "the tests need python3 with the packages of {} (tried `python3 -m pip install --target {}`); install python3 and pip, or run `pip install -r requirements-test.txt`",
        requirements.display(),
        site.display()
    );
    Some(site)
}

#[cfg(test)]
mod tests {
    #[test]
    fn module_names_from_requirements() {
        assert_eq!(
            super::required_modules("# checkers\nicalendar==7.3.2\nPyOTP>=2 # totp\n\naiosmtpd\n"),
            vec!["icalendar", "pyotp", "aiosmtpd"]
        );
    }
}
