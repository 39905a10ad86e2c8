//! Serving: logging, the listener, and a graceful stop on SIGINT or SIGTERM.

use crate::config::{LogFormat, Settings};
use crate::error::{CliError, CliResult};
use onramp_store::Store;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Logs go to stderr, human-readable or as JSON lines. `ONRAMP_LOG` (or
/// `RUST_LOG`) sets the filter.
pub fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = std::env::var("ONRAMP_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|f| EnvFilter::try_new(f).ok())
        // html5ever warns on every repaired tag of a handbook page; the page
        // view logs one debug line per page instead.
        .unwrap_or_else(|| EnvFilter::new("info,sqlx=warn,html5ever=off"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Opens the store named by the settings (creating the data directory).
pub async fn open_store(settings: &Settings) -> CliResult<Store> {
    settings.prepare_data_dir()?;
    Store::open(&settings.database)
        .await
        .map_err(|e| CliError::Failed(format!("{:?}: {e}", settings.database)))
}

/// Runs one command's work on the application of these settings (without
/// a search index; with the configured buddy rules and public address),
/// and closes the store after it, whatever the outcome.
pub async fn with_app<T, F, Fut>(settings: &Settings, work: F) -> CliResult<T>
where
    F: FnOnce(onramp_app::App) -> Fut,
    Fut: std::future::Future<Output = CliResult<T>>,
{
    let store = open_store(settings).await?;
    let result = match onramp_app::App::without_search(store.clone()) {
        Ok(mut app) => {
            app.buddy_rules = Arc::new(settings.buddy_rules.clone());
            app.public_url = settings.public_url.clone();
            app.mailer = settings.mailer.clone();
            app.risk = Arc::new(settings.risk.clone());
            work(app).await
        }
        Err(e) => Err(e.into()),
    };
    store.close().await;
    result
}

/// Binds, announces the URL on stdout, and serves until a stop signal.
pub async fn run(
    settings: &Settings,
    store: Store,
    before_serving: impl FnOnce(&str),
) -> CliResult<()> {
    let listener = TcpListener::bind(settings.bind)
        .await
        .map_err(|e| CliError::Usage(format!("--bind: cannot listen on {}: {e}", settings.bind)))?;
    let address = listener
        .local_addr()
        .map_err(|e| CliError::Failed(format!("cannot read the bound address: {e}")))?;
    let url = format!("http://{address}/");
    let index = Arc::new(
        crate::handbook::configured_index(settings)
            .map_err(|e| CliError::Failed(format!("search index: {e}")))?,
    );
    // Search answers from the first request: bring the index up to date
    // before announcing the address (later changes follow every second).
    if let Err(e) = onramp_app::handbook::sync_index(&store, &index).await {
        tracing::warn!(error = %e, "search index update failed; retrying in the background");
    }
    before_serving(&url);
    println!("Onramp is serving on {url}");
    tracing::info!(%address, database = ?settings.database, "serving");
    let mut app = onramp_app::App::new(store.clone(), Arc::clone(&index));
    app.limits = Arc::new(onramp_app::Limits::new(
        settings.upload_limit_mb,
        settings.attachment_quota_mb,
        settings.analysis_concurrency,
    ));
    app.buddy_rules = Arc::new(settings.buddy_rules.clone());
    app.chat_local_hooks = settings.chat_allow_local;
    app.mailer = settings.mailer.clone();
    app.risk = Arc::new(settings.risk.clone());
    // Links in mail and feeds are absolute: the configured address, or the
    // one served on.
    app.public_url = if settings.public_url.is_empty() {
        url.trim_end_matches('/').to_string()
    } else {
        settings.public_url.clone()
    };
    let mut state = onramp_web::AppState::with(app);
    state.secure_cookies = settings.secure_cookies;
    state.trusted_proxies = Arc::new(settings.trusted_proxies.clone());
    let sweeper = tokio::spawn(sweep_periodically(
        state.app.clone(),
        settings.auto_close_days,
    ));
    let indexer = tokio::spawn(keep_index_current(store.clone(), index));
    let postman = tokio::spawn(deliver_periodically(
        state.app.clone(),
        settings.mailer.clone(),
    ));
    let served = onramp_web::serve(listener, state, shutdown_signal()).await;
    // Stop the background work and wait until it has stopped: a round still
    // running would otherwise meet the closed database.
    for task in [sweeper, indexer, postman] {
        task.abort();
        let _ = task.await;
    }
    tracing::info!("stopped accepting requests; closing the database");
    store.close().await;
    served.map_err(|e| CliError::Failed(format!("server error: {e}")))
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received: finishing requests in flight"),
        () = terminate => tracing::info!("SIGTERM received: finishing requests in flight"),
    }
}

/// Escalations and automatic closing, every ten minutes. Several servers may
/// run it together: the store claims each change once.
/// Brings the search index up to date when another process (or server)
/// changed the searchable content in the database: at start, then every
/// second (one small query; the changes themselves are applied
/// incrementally), so an answer given on one server is searchable on every
/// server within a few seconds.
async fn keep_index_current(store: Store, index: Arc<onramp_handbook::SearchIndex>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match onramp_app::handbook::sync_index(&store, &index).await {
            Ok(true) => tracing::debug!(entries = index.len(), "search index brought up to date"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "search index update failed"),
        }
    }
}

/// Sends the outbox every few seconds (at once again while batches are
/// full). Deliveries are claimed with a lease, so several servers share the
/// work and one stopped mid-send leaves nothing lost.
async fn deliver_periodically(app: onramp_app::App, mailer: onramp_app::notify::deliver::Mailer) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
    loop {
        tick.tick().await;
        match onramp_app::notify::deliver::make_digests(&app, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(made) => tracing::info!(made, "daily digests"),
            Err(e) => tracing::warn!(error = %e, "daily digests failed"),
        }
        loop {
            let base = app.public_url.clone();
            match onramp_app::notify::deliver::deliver_due(&app, &mailer, &base, chrono::Utc::now())
                .await
            {
                Ok(round) if round.sent + round.kept + round.retried + round.failed > 0 => {
                    tracing::info!(
                        sent = round.sent,
                        kept = round.kept,
                        retried = round.retried,
                        failed = round.failed,
                        "outbox"
                    );
                    let done = round.sent + round.kept + round.retried + round.failed;
                    if (done as i64) < onramp_app::notify::deliver::BATCH {
                        break;
                    }
                }
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "outbox delivery failed");
                    break;
                }
            }
        }
    }
}

async fn sweep_periodically(app: onramp_app::App, auto_close_days: u32) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        match onramp_app::onboarding::sweep(&app, chrono::Utc::now(), auto_close_days).await {
            Ok(report) if report != onramp_store::SweepReport::default() => {
                tracing::info!(
                    escalated = report.escalated_tasks,
                    closed = report.closed_onboardings,
                    reminded = report.reminded_tasks,
                    sessions = report.reminded_sessions,
                    rolled_over = report.rolled_over_questions,
                    summaries = report.weekly_summaries,
                    level_changes = report.level_changes,
                    "sweep"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep failed"),
        }
    }
}
