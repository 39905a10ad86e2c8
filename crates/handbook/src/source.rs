//! Where a handbook comes from: a folder on the disk, or a git repository
//! that is cloned shallowly and brought up to date on the next import.
//!
//! Git itself does the work (the `git` program, as installed for the
//! operator's own checkouts): it knows every transport, proxy and credential
//! helper the operator has set up, which no library here would.

use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the user named: a folder, or a git URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Folder(PathBuf),
    Git(String),
}

impl Source {
    /// A git URL (`https://`, `http://`, `ssh://`, `git://` or `file://`) or a
    /// folder path.
    pub fn parse(text: &str) -> Source {
        const SCHEMES: [&str; 5] = ["https://", "http://", "ssh://", "git://", "file://"];
        if SCHEMES.iter().any(|s| text.starts_with(s)) {
            Source::Git(text.to_string())
        } else {
            Source::Folder(PathBuf::from(text))
        }
    }
}

/// The folder below `checkouts` that holds the clone of `url`: readable, and
/// distinct for distinct URLs.
pub fn checkout_dir(checkouts: &Path, url: &str) -> PathBuf {
    let readable: String = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let readable: String = readable.trim_matches('-').chars().take(60).collect();
    let hash = onramp_core::sha256_hex(url.as_bytes());
    checkouts.join(format!("{readable}-{}", &hash[..12]))
}

/// Clones `url` (depth 1) into its folder below `checkouts`, or, when it was
/// cloned before, fetches the newest commit and moves the checkout to it.
/// Returns the checkout's folder. With `show_progress`, git writes its
/// progress to stderr; otherwise its messages are kept for the error.
pub fn fetch(url: &str, checkouts: &Path, show_progress: bool) -> Result<PathBuf> {
    let dir = checkout_dir(checkouts, url);
    if dir.join(".git").is_dir() {
        git(
            &["fetch", "--depth", "1", "--no-tags", "origin"],
            Some(&dir),
            url,
            show_progress,
        )?;
        git(
            &["reset", "--hard", "--quiet", "FETCH_HEAD"],
            Some(&dir),
            url,
            false,
        )?;
        return Ok(dir);
    }
    std::fs::create_dir_all(checkouts).map_err(|e| Error::io(checkouts, e))?;
    let target = dir.to_string_lossy().into_owned();
    let result = git(
        &[
            "clone",
            "--depth",
            "1",
            "--single-branch",
            "--no-tags",
            "--",
            url,
            &target,
        ],
        None,
        url,
        show_progress,
    );
    if result.is_err() && dir.exists() {
        // A half-made clone would look like a finished one next time.
        let _ = std::fs::remove_dir_all(&dir);
    }
    result.map(|()| dir)
}

fn git(args: &[&str], cwd: Option<&Path>, url: &str, show_progress: bool) -> Result<()> {
    let mut command = Command::new("git");
    // `--progress` belongs to the subcommand and must come before `--`.
    command.arg(args[0]);
    if show_progress {
        command.arg("--progress").stderr(Stdio::inherit());
    } else {
        command.stderr(Stdio::piped());
    }
    command
        .args(&args[1..])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let output = command.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::Source(format!(
                "importing from a URL needs the `git` program, which was not found; install git, or clone {url} yourself and import the folder"
            ))
        } else {
            Error::Source(format!("cannot run git: {e}"))
        }
    })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let reason = said
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("see git's message above")
        .trim_start_matches("fatal: ");
    Err(Error::Source(format!(
        "cannot {} {url}: {reason}",
        if args[0] == "clone" {
            "clone"
        } else {
            "update the clone of"
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_folders() {
        assert_eq!(
            Source::parse("https://gitlab.com/gitlab-com/content-sites/handbook.git"),
            Source::Git("https://gitlab.com/gitlab-com/content-sites/handbook.git".into())
        );
        assert_eq!(
            Source::parse("file:///tmp/repo"),
            Source::Git("file:///tmp/repo".into())
        );
        assert_eq!(
            Source::parse("../shared/data/handbook"),
            Source::Folder(PathBuf::from("../shared/data/handbook"))
        );
    }

    #[test]
    fn checkout_folders_are_readable_and_distinct() {
        let root = Path::new("/data/handbook-sources");
        let a = checkout_dir(
            root,
            "https://gitlab.com/gitlab-com/content-sites/handbook.git",
        );
        let b = checkout_dir(root, "https://gitlab.com/gitlab-com/content-sites/handbook");
        assert!(
            a.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("gitlab-com-gitlab-com-content-sites-handbook-")),
            "{a:?}"
        );
        assert_ne!(a, b);
    }
}
