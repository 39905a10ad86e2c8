//! Settings, layered: defaults < `onramp.toml` < `ONRAMP_*` environment
//! variables < command-line flags (clap merges the last two).

use crate::error::{CliError, CliResult};
use onramp_store::Database;
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_DATA_DIR: &str = "./onramp-data";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const CONFIG_FILE: &str = "onramp.toml";

/// The keys `onramp.toml` may hold; any other key is an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub log_format: Option<String>,
    pub auto_close_days: Option<u32>,
    pub secure_cookies: Option<bool>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded headers are believed (CIDRs).
    pub trusted_proxies: Option<Vec<String>>,
    /// The largest upload (Service Ping payload, screenshot) in MB.
    pub upload_limit_mb: Option<usize>,
    /// Screenshots one person may keep, in MB.
    pub attachment_quota_mb: Option<u64>,
    /// Service Ping analyses that run at once.
    pub analysis_concurrency: Option<usize>,
    /// Buddy matching rules (see `onramp_core::buddy::BuddyRules`).
    pub buddy: Option<onramp_core::buddy::BuddyRules>,
    /// Early-warning thresholds (see `onramp_core::ramp::risk::Thresholds`).
    pub risk: Option<onramp_core::ramp::risk::Thresholds>,
    /// The address people reach Onramp at, for links in calendar feeds.
    pub public_url: Option<String>,
    /// Remember search results per index version (default true).
    pub search_cache: Option<bool>,
    /// Search weights to replace, `title=2,body=1,…` (for tuning).
    pub search_weights: Option<String>,
    /// The mail server: smtp://user:pass@host:587, smtps://host, smtp://host:25.
    pub smtp_url: Option<String>,
    /// The sender of notification emails.
    pub mail_from: Option<String>,
    /// A PEM file with a root certificate to trust for the mail server.
    pub smtp_ca_file: Option<PathBuf>,
    /// Let people connect chat hooks on this machine or a private network.
    pub chat_allow_local: Option<bool>,
}

/// What flags and environment variables gave (clap fills these).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub log_format: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

/// The resolved settings.
#[derive(Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database: Database,
    pub bind: std::net::SocketAddr,
    pub log_format: LogFormat,
    /// Onboardings still open this many days after their last due date are closed.
    pub auto_close_days: u32,
    /// Mark session cookies Secure (set when serving over HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies whose forwarding headers name the client.
    pub trusted_proxies: onramp_web::client::TrustedProxies,
    /// Upload size, attachment quota, analyses at once (MB, MB, count).
    pub upload_limit_mb: usize,
    pub attachment_quota_mb: u64,
    pub analysis_concurrency: usize,
    /// How buddies are suggested (`[buddy]` in onramp.toml).
    pub buddy_rules: onramp_core::buddy::BuddyRules,
    /// When onboardings are "watch" or "at risk" (`[risk]` in onramp.toml).
    pub risk: onramp_core::ramp::risk::Thresholds,
    /// The address people reach Onramp at (links in calendar feeds), or empty.
    pub public_url: String,
    /// The search result cache and weights.
    pub search: onramp_handbook::SearchSettings,
    /// Where notification emails go (checked at start-up; the mail preview
    /// when no server is configured).
    pub mailer: onramp_app::notify::deliver::Mailer,
    /// The mail server as configured, without its password (for messages).
    pub mail_server: Option<String>,
    /// People's own chat hooks may point inside the network.
    pub chat_allow_local: bool,
}

/// A true/false setting: the environment variable, else the file's, else
/// false.
fn yes_no(variable: &str, from_file: Option<bool>) -> CliResult<bool> {
    match std::env::var(variable).ok().as_deref() {
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(other) => Err(CliError::Usage(format!(
            "{variable}: `{other}` is not true or false"
        ))),
        None => Ok(from_file.unwrap_or(false)),
    }
}

/// Reads `onramp.toml` (the given file, or `./onramp.toml` when present).
pub fn read_file_config(explicit: Option<&Path>) -> CliResult<FileConfig> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let default = PathBuf::from(CONFIG_FILE);
            if !default.exists() {
                return Ok(FileConfig::default());
            }
            default
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::Usage(format!(
            "{}: cannot read the configuration file: {e}",
            path.display()
        ))
    })?;
    toml::from_str(&text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_column(&text, s.start));
        CliError::Usage(format!(
            "{}:{line}:{column}: {}",
            path.display(),
            e.message().trim()
        ))
    })
}

/// A positive whole number from the environment variable `var`, else the
/// file's value, else `default`.
fn number_setting<T: std::str::FromStr + PartialOrd + From<u8>>(
    var: &str,
    from_file: Option<T>,
    default: T,
) -> CliResult<T> {
    let value = match std::env::var(var).ok() {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| CliError::Usage(format!("{var}: `{v}` is not a whole number")))?,
        None => from_file.unwrap_or(default),
    };
    if value < T::from(1) {
        return Err(CliError::Usage(format!("{var}: must be at least 1")));
    }
    Ok(value)
}

/// `ONRAMP_SEARCH_CACHE` (0 turns the result cache off) and
/// `ONRAMP_SEARCH_WEIGHTS`, else the file's `search_cache` and
/// `search_weights`.
fn search_settings(
    cache: Option<bool>,
    weights: Option<String>,
) -> CliResult<onramp_handbook::SearchSettings> {
    let cache = match std::env::var("ONRAMP_SEARCH_CACHE").ok().as_deref() {
        Some("0" | "false" | "no") => false,
        Some("1" | "true" | "yes") => true,
        Some(other) => {
            return Err(CliError::Usage(format!(
                "ONRAMP_SEARCH_CACHE: `{other}` is not true or false"
            )));
        }
        None => cache.unwrap_or(true),
    };
    let weights = match std::env::var("ONRAMP_SEARCH_WEIGHTS").ok() {
        Some(spec) => onramp_handbook::Weights::parse(&spec)
            .map_err(|e| CliError::Usage(format!("ONRAMP_SEARCH_WEIGHTS: {e}")))?,
        None => match weights {
            Some(spec) => onramp_handbook::Weights::parse(&spec)
                .map_err(|e| CliError::Usage(format!("onramp.toml: search_weights: {e}")))?,
            None => onramp_handbook::Weights::default(),
        },
    };
    Ok(onramp_handbook::SearchSettings { cache, weights })
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Settings {
    /// Resolves the settings without touching the disk or the network.
    // Long: one setting after another, each with its own source order and error; splitting would only move the list.
    pub fn resolve(over: &Overrides) -> CliResult<Settings> {
        let file = read_file_config(over.config.as_deref())?;
        let data_dir = over
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database = match over.database_url.clone().or(file.database_url) {
            Some(url) if !url.trim().is_empty() => Database::from_url(url.trim())
                .map_err(|e| CliError::Usage(format!("--database-url: {e}")))?,
            _ => Database::sqlite_in(&data_dir),
        };
        let bind_text = over
            .bind
            .clone()
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind = bind_text.parse().map_err(|_| {
            CliError::Usage(format!(
                "--bind: `{bind_text}` is not an address with a port, such as 127.0.0.1:8080"
            ))
        })?;
        let log_format = match over.log_format.clone().or(file.log_format).as_deref() {
            None | Some("human") => LogFormat::Human,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(CliError::Usage(format!(
                    "--log-format: `{other}` is not a log format (human or json)"
                )));
            }
        };
        let auto_close_days = match std::env::var("ONRAMP_AUTO_CLOSE_DAYS").ok() {
            Some(v) => v.parse().map_err(|_| {
                CliError::Usage(format!(
                    "ONRAMP_AUTO_CLOSE_DAYS: `{v}` is not a number of days"
                ))
            })?,
            None => file.auto_close_days.unwrap_or(60),
        };
        let secure_cookies = yes_no("ONRAMP_SECURE_COOKIES", file.secure_cookies)?;
        let chat_allow_local = yes_no("ONRAMP_CHAT_ALLOW_LOCAL", file.chat_allow_local)?;
        let trusted_proxies = match std::env::var("ONRAMP_TRUSTED_PROXIES").ok() {
            Some(v) => onramp_web::client::TrustedProxies::parse(&v)
                .map_err(|e| CliError::Usage(format!("ONRAMP_TRUSTED_PROXIES: {e}")))?,
            None => onramp_web::client::TrustedProxies::parse(
                &file.trusted_proxies.unwrap_or_default().join(","),
            )
            .map_err(|e| CliError::Usage(format!("onramp.toml: trusted_proxies: {e}")))?,
        };
        let upload_limit_mb = number_setting(
            "ONRAMP_UPLOAD_LIMIT_MB",
            file.upload_limit_mb,
            onramp_app::Limits::DEFAULT_UPLOAD_MB,
        )?;
        let attachment_quota_mb = number_setting(
            "ONRAMP_ATTACHMENT_QUOTA_MB",
            file.attachment_quota_mb,
            onramp_app::Limits::DEFAULT_ATTACHMENT_QUOTA_MB,
        )?;
        let analysis_concurrency = number_setting(
            "ONRAMP_ANALYSIS_CONCURRENCY",
            file.analysis_concurrency,
            onramp_app::Limits::DEFAULT_ANALYSES,
        )?;
        let buddy_rules = file.buddy.unwrap_or_default();
        buddy_rules.validate().map_err(CliError::Usage)?;
        let risk = file.risk.unwrap_or_default();
        risk.validate().map_err(CliError::Usage)?;
        let public_url = std::env::var("ONRAMP_PUBLIC_URL")
            .ok()
            .or(file.public_url)
            .unwrap_or_default()
            .trim()
            .trim_end_matches('/')
            .to_string();
        if !public_url.is_empty()
            && !public_url.starts_with("http://")
            && !public_url.starts_with("https://")
        {
            return Err(CliError::Usage(format!(
                "ONRAMP_PUBLIC_URL / public_url: `{public_url}` is not an http:// or https:// address"
            )));
        }
        let search = search_settings(file.search_cache, file.search_weights)?;
        let smtp_url = std::env::var("ONRAMP_SMTP_URL").ok().or(file.smtp_url);
        let mail_from = std::env::var("ONRAMP_MAIL_FROM")
            .ok()
            .or(file.mail_from)
            .unwrap_or_else(|| "Onramp <onramp@localhost>".into());
        let ca_file = std::env::var("ONRAMP_SMTP_CA_FILE")
            .ok()
            .map(PathBuf::from)
            .or(file.smtp_ca_file);
        let ca_pem = match &ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|e| {
                CliError::Usage(format!(
                    "ONRAMP_SMTP_CA_FILE / smtp_ca_file: cannot read {}: {e}",
                    path.display()
                ))
            })?),
            None => None,
        };
        let mailer = onramp_app::notify::deliver::Mailer::from_settings(
            smtp_url.as_deref(),
            &mail_from,
            ca_pem.as_deref(),
        )
        .map_err(|e| match e {
            onramp_app::Error::Invalid { field, message } => CliError::Usage(format!(
                "ONRAMP_{} / {field}: {message}",
                field.to_uppercase()
            )),
            other => other.into(),
        })?;
        let mail_server = match &mailer {
            onramp_app::notify::deliver::Mailer::Smtp { server, .. } => Some(server.clone()),
            onramp_app::notify::deliver::Mailer::Preview => None,
        };
        Ok(Settings {
            chat_allow_local,
            mailer,
            mail_server,
            search,
            public_url,
            buddy_rules,
            risk,
            data_dir,
            database,
            bind,
            log_format,
            auto_close_days,
            secure_cookies,
            trusted_proxies,
            upload_limit_mb,
            attachment_quota_mb,
            analysis_concurrency,
        })
    }

    /// Creates the data directory if needed and checks it can be written.
    pub fn prepare_data_dir(&self) -> CliResult<()> {
        let dir = &self.data_dir;
        let unwritable = |e: std::io::Error| {
            CliError::Usage(format!(
                "--data-dir: cannot write to {}: {e}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(unwritable)?;
        let probe = dir.join(".onramp-write-check");
        std::fs::write(&probe, b"ok").map_err(unwritable)?;
        std::fs::remove_file(&probe).map_err(unwritable)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_reported_with_their_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("onramp.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:9000\"\ncolour = \"blue\"\n").expect("write");
        let err = read_file_config(Some(&path)).expect_err("unknown key");
        let message = err.to_string();
        assert!(message.contains("onramp.toml:2:1:"), "{message}");
        assert!(message.contains("colour"), "{message}");
        assert!(!message.contains('\n'), "one line: {message}");
    }

    #[test]
    fn the_public_url_and_search_settings_come_from_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("onramp.toml");
        std::fs::write(
            &path,
            "public_url = \"https://onramp.example.com/\"\nsearch_cache = false\nsearch_weights = \"title=3\"\n",
        )
        .expect("write");
        let settings = Settings::resolve(&Overrides {
            config: Some(path.clone()),
            ..Default::default()
        })
        .expect("settings");
        assert_eq!(settings.public_url, "https://onramp.example.com");
        assert!(!settings.search.cache);
        assert_eq!(settings.search.weights.title, 3.0);
        std::fs::write(&path, "search_weights = \"titel=3\"\n").expect("write");
        let err = Settings::resolve(&Overrides {
            config: Some(path.clone()),
            ..Default::default()
        })
        .expect_err("unknown weight");
        assert!(err.to_string().contains("search_weights: `titel`"), "{err}");
        std::fs::write(&path, "public_url = \"onramp.example.com\"\n").expect("write");
        let err = Settings::resolve(&Overrides {
            config: Some(path),
            ..Default::default()
        })
        .expect_err("not an address");
        assert!(err.to_string().contains("public_url"), "{err}");
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("onramp.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:9000\"\ndata_dir = \"/srv/onramp\"\n",
        )
        .expect("write");
        let from_file = Settings::resolve(&Overrides {
            config: Some(path.clone()),
            ..Default::default()
        })
        .expect("file");
        assert_eq!(from_file.bind.to_string(), "127.0.0.1:9000");
        assert_eq!(from_file.data_dir, PathBuf::from("/srv/onramp"));
        assert!(from_file.database.is_sqlite());
        let flagged = Settings::resolve(&Overrides {
            config: Some(path),
            bind: Some("127.0.0.1:9100".into()),
            ..Default::default()
        })
        .expect("flags");
        assert_eq!(flagged.bind.to_string(), "127.0.0.1:9100");
        assert_eq!(flagged.data_dir, PathBuf::from("/srv/onramp"));
        let defaults = Settings::resolve(&Overrides {
            config: Some(dir.path().join("missing.toml")),
            ..Default::default()
        });
        assert!(
            matches!(defaults, Err(CliError::Usage(_))),
            "an explicit config file must exist"
        );
    }

    #[test]
    fn bad_values_name_their_flag() {
        let err = Settings::resolve(&Overrides {
            bind: Some("localhost".into()),
            ..Default::default()
        })
        .expect_err("bad bind");
        assert!(err.to_string().starts_with("--bind:"), "{err}");
        let err = Settings::resolve(&Overrides {
            database_url: Some("mysql://x".into()),
            config: None,
            ..Default::default()
        })
        .expect_err("bad url");
        assert!(err.to_string().starts_with("--database-url:"), "{err}");
    }
}
