use std::process::ExitCode;

/// The command's one error type: bad input (exit 2) or a failure (exit 1).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input or usage: a flag, a file, a value. Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// Something failed while doing the work. Exit code 1.
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    /// A use case's error for input given by flags: bad input names its flag
    /// (the field `time_zone` is `--time-zone`).
    pub fn flagged(e: onramp_app::Error) -> CliError {
        match e {
            onramp_app::Error::Invalid { field, message } => {
                CliError::Usage(format!("--{}: {message}", field.replace('_', "-")))
            }
            other => other.into(),
        }
    }

    /// [`CliError::flagged`] where a field's flag has another name:
    /// `renames` pairs a field with its flag (`("starts_at", "start")`).
    pub fn flagged_as(
        renames: &'static [(&'static str, &'static str)],
    ) -> impl Fn(onramp_app::Error) -> CliError {
        move |e| match e {
            onramp_app::Error::Invalid { field, message } => {
                let flag = renames
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or(field.as_str(), |(_, flag)| flag);
                CliError::Usage(format!("--{}: {message}", flag.replace('_', "-")))
            }
            other => other.into(),
        }
    }

    /// A use case's error for a positional argument: bad input is said as
    /// it is.
    pub fn positional(e: onramp_app::Error) -> CliError {
        match e {
            onramp_app::Error::Invalid { message, .. } => CliError::Usage(message),
            other => other.into(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Failed(_) => ExitCode::from(1),
        }
    }
}

impl From<onramp_store::StoreError> for CliError {
    fn from(e: onramp_store::StoreError) -> Self {
        use onramp_store::StoreError as E;
        match e {
            E::InvalidUrl { .. }
            | E::NoSuch { .. }
            | E::Rejected(_)
            | E::Backup(_)
            | E::InvalidReference(_)
            | E::NotFound(_)
            | E::Conflict(_) => CliError::Usage(e.to_string()),
            other => CliError::Failed(other.to_string()),
        }
    }
}

impl From<onramp_app::Error> for CliError {
    fn from(e: onramp_app::Error) -> Self {
        use onramp_app::Error as E;
        match e {
            E::Handbook(h) => h.into(),
            E::NotFound
            | E::Missing(_)
            | E::Invalid { .. }
            | E::Conflict(_)
            | E::Forbidden(_)
            | E::TooLarge(_) => CliError::Usage(e.to_string()),
            E::Busy(_) | E::Internal(_) => CliError::Failed(e.to_string()),
        }
    }
}

pub type CliResult<T> = Result<T, CliError>;
