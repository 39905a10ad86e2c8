//! Backup and restore in one portable format for both backends.
//!
//! A backup is a text file of JSON lines:
//!
//! 1. a header: `{"onramp_backup": 1, "schema_version": N, "created_at": …, "source": "sqlite"}`;
//! 2. for each table, in the order the migrations create them (so every
//!    reference points to a table already restored): a line
//!    `{"table": NAME, "columns": [...]}` and one JSON array per row;
//! 3. a manifest: rows and a SHA-256 per table, and a SHA-256 of every line
//!    before it.
//!
//! Values are written by their type in the PostgreSQL schema (the richer of
//! the two): numbers, text, booleans, RFC 3339 times, dates, JSON, and bytes
//! as hex, so a SQLite backup restores into PostgreSQL and back.
//!
//! The backup reads one snapshot (a read transaction; on PostgreSQL
//! `REPEATABLE READ`), so writes made while it runs are either wholly in it
//! or not at all. A restore goes only into an empty database, checks every
//! checksum before writing anything, and writes everything in one transaction.

mod file;
mod schema;

use crate::{Pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use file::{hex, read_backup, unhex};
pub use schema::schema_version;
use schema::{Column, Kind, schema};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::types::Json;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// The version of the file format.
pub const FORMAT_VERSION: i64 = 1;

/// What a backup holds, per table.
#[derive(Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct BackupReport {
    pub schema_version: i64,
    pub tables: BTreeMap<String, usize>,
}

macro_rules! read_value {
    ($row:expr, $i:expr, $kind:expr) => {{
        let row = $row;
        let i = $i;
        let v: Value = match $kind {
            Kind::Int64 => json!(row.try_get::<Option<i64>, _>(i)?),
            Kind::Int32 => json!(row.try_get::<Option<i32>, _>(i)?),
            Kind::Text => json!(row.try_get::<Option<String>, _>(i)?),
            Kind::Bool => json!(row.try_get::<Option<bool>, _>(i)?),
            // Microseconds: what both backends keep.
            Kind::Timestamp => json!(
                row.try_get::<Option<DateTime<Utc>>, _>(i)?
                    .map(|t| t.trunc_subsecs(6))
            ),
            Kind::LocalTime => json!(
                row.try_get::<Option<NaiveDateTime>, _>(i)?
                    .map(|t| t.trunc_subsecs(6))
            ),
            Kind::Date => json!(row.try_get::<Option<NaiveDate>, _>(i)?),
            Kind::Json => row
                .try_get::<Option<Json<Value>>, _>(i)?
                .map_or(Value::Null, |j| j.0),
            Kind::Bytes => json!(row.try_get::<Option<Vec<u8>>, _>(i)?.map(|b| hex(&b))),
        };
        v
    }};
}

/// The SQL value of a backed-up JSON value of `kind`, bound to `query`.
macro_rules! bind_value {
    ($query:expr, $value:expr, $kind:expr, $column:expr) => {{
        let value: &Value = $value;
        let bad = || {
            StoreError::Backup(format!(
                "column `{}` holds a value that is not {:?}: {value}",
                $column, $kind
            ))
        };
        match $kind {
            Kind::Int64 | Kind::Int32 if value.is_null() => $query.bind(None::<i64>),
            Kind::Int64 => $query.bind(Some(value.as_i64().ok_or_else(bad)?)),
            Kind::Int32 => $query.bind(Some(
                i32::try_from(value.as_i64().ok_or_else(bad)?).map_err(|_| bad())?,
            )),
            Kind::Text => $query.bind(value.as_str().map(str::to_string)),
            Kind::Bool => $query.bind(if value.is_null() {
                None
            } else {
                Some(value.as_bool().ok_or_else(bad)?)
            }),
            Kind::Timestamp => $query.bind(if value.is_null() {
                None
            } else {
                Some(serde_json::from_value::<DateTime<Utc>>(value.clone()).map_err(|_| bad())?)
            }),
            Kind::LocalTime => $query.bind(if value.is_null() {
                None
            } else {
                Some(serde_json::from_value::<NaiveDateTime>(value.clone()).map_err(|_| bad())?)
            }),
            Kind::Date => $query.bind(if value.is_null() {
                None
            } else {
                Some(serde_json::from_value::<NaiveDate>(value.clone()).map_err(|_| bad())?)
            }),
            Kind::Json => $query.bind(if value.is_null() {
                None
            } else {
                Some(Json(value.clone()))
            }),
            Kind::Bytes => $query.bind(if value.is_null() {
                None
            } else {
                Some(unhex(value.as_str().ok_or_else(bad)?).ok_or_else(bad)?)
            }),
        }
    }};
}

/// Writes one line and feeds it to the checksums.
fn emit(
    out: &mut dyn Write,
    line: &str,
    whole: &mut Sha256,
    table: Option<&mut Sha256>,
) -> Result<()> {
    let io = |e: std::io::Error| StoreError::Backup(format!("file: {e}"));
    out.write_all(line.as_bytes()).map_err(io)?;
    out.write_all(b"\n").map_err(io)?;
    whole.update(line.as_bytes());
    whole.update(b"\n");
    if let Some(t) = table {
        t.update(line.as_bytes());
        t.update(b"\n");
    }
    Ok(())
}

pub(super) fn finish(hasher: Sha256) -> String {
    hex(&hasher.finalize())
}

impl Store {
    /// Writes a consistent backup of every table to `out`.
    // Long: one read transaction across every table, so the backup is consistent.
    pub async fn backup(&self, out: &mut (dyn Write + Send)) -> Result<BackupReport> {
        let tables = schema();
        let applied = self.applied_migrations().await?;
        let version = applied.last().copied().unwrap_or(0);
        let mut whole = Sha256::new();
        let header = json!({
            "onramp_backup": FORMAT_VERSION,
            "schema_version": version,
            "created_at": Utc::now(),
            "source": self.backend(),
        });
        emit(out, &header.to_string(), &mut whole, None)?;
        let mut manifest = serde_json::Map::new();
        let mut report = BackupReport {
            schema_version: version,
            ..Default::default()
        };
        macro_rules! dump {
            ($tx:expr, $columns_sql:expr) => {{
                for table in &tables {
                    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
                    // Every column the database has must be in the backup.
                    let present: Vec<(String,)> =
                        sqlx::query_as(sqlx::AssertSqlSafe($columns_sql.to_string()))
                            .bind(&table.name)
                            .fetch_all(&mut *$tx)
                            .await?;
                    if let Some((missing,)) =
                        present.iter().find(|(c,)| !names.contains(&c.as_str()))
                    {
                        return Err(StoreError::Corrupt(format!(
                            "backup: column `{}.{missing}` is not known to the backup format",
                            table.name
                        )));
                    }
                    let select = format!(
                        "SELECT {} FROM {} ORDER BY 1",
                        names.join(", "),
                        table.name
                    );
                    let rows = sqlx::query(sqlx::AssertSqlSafe(select))
                        .fetch_all(&mut *$tx)
                        .await?;
                    emit(
                        out,
                        &json!({"table": table.name, "columns": names}).to_string(),
                        &mut whole,
                        None,
                    )?;
                    let mut sum = Sha256::new();
                    for row in &rows {
                        let values: Vec<Value> = table
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, c)| Ok(read_value!(row, i, c.kind)))
                            .collect::<Result<_>>()?;
                        emit(out, &Value::Array(values).to_string(), &mut whole, Some(&mut sum))?;
                    }
                    manifest.insert(
                        table.name.clone(),
                        json!({"rows": rows.len(), "sha256": finish(sum)}),
                    );
                    report.tables.insert(table.name.clone(), rows.len());
                }
            }};
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN").await?;
                dump!(tx, "SELECT name FROM pragma_table_info($1)");
                tx.commit().await?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?;
                dump!(
                    tx,
                    "SELECT column_name::TEXT FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1"
                );
                tx.commit().await?;
            }
        }
        let digest = finish(whole);
        let footer = json!({"manifest": manifest, "sha256": digest});
        out.write_all(format!("{footer}\n").as_bytes())
            .map_err(|e| StoreError::Backup(format!("file: {e}")))?;
        out.flush()
            .map_err(|e| StoreError::Backup(format!("file: {e}")))?;
        Ok(report)
    }

    /// Restores a backup into this database, which must be empty. Nothing
    /// is written unless the whole file checks out.
    // Long: one write transaction across every table, so nothing is written unless all of it is.
    pub async fn restore(&self, input: &mut (dyn BufRead + Send)) -> Result<BackupReport> {
        let parsed = read_backup(input, schema_version())?;
        let tables = schema();
        for (name, columns, _) in &parsed.tables {
            let table = tables
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| StoreError::Backup(format!("this Onramp has no table `{name}`")))?;
            for c in columns {
                if !table.columns.iter().any(|k| &k.name == c) {
                    return Err(StoreError::Backup(format!(
                        "table `{name}` has no column `{c}` in this Onramp"
                    )));
                }
            }
        }
        for table in &tables {
            let (n,): (i64,) = match &self.pool {
                Pool::Sqlite(pool) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT COUNT(*) FROM {}",
                        table.name
                    )))
                    .fetch_one(pool)
                    .await?
                }
                Pool::Postgres(pool) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT COUNT(*) FROM {}",
                        table.name
                    )))
                    .fetch_one(pool)
                    .await?
                }
            };
            if n > 0 {
                return Err(StoreError::Conflict(format!(
                    "restore: the database is not empty (table `{}` has {n} rows); restore into a new, empty database",
                    table.name
                )));
            }
        }
        macro_rules! load {
            ($tx:expr, $postgres:expr) => {{
                for (name, names, rows) in &parsed.tables {
                    let Some(table) = tables.iter().find(|t| &t.name == name) else {
                        continue;
                    };
                    let columns: Vec<&Column> = names
                        .iter()
                        .filter_map(|n| table.columns.iter().find(|c| &c.name == n))
                        .collect();
                    let placeholders: Vec<String> =
                        (1..=columns.len()).map(|i| format!("${i}")).collect();
                    let insert = format!(
                        "INSERT INTO {name} ({}) VALUES ({})",
                        names.join(", "),
                        placeholders.join(", ")
                    );
                    let later: Vec<usize> = columns
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.self_reference)
                        .map(|(i, _)| i)
                        .collect();
                    for row in rows {
                        let mut query = sqlx::query(sqlx::AssertSqlSafe(insert.clone()));
                        for (i, c) in columns.iter().enumerate() {
                            // A reference to a row of the same table is set once all are in.
                            let value = if later.contains(&i) { &Value::Null } else { &row[i] };
                            query = bind_value!(query, value, c.kind, c.name);
                        }
                        query.execute(&mut *$tx).await?;
                    }
                    let id_at = names.iter().position(|n| n == "id");
                    for &i in &later {
                        let Some(id_at) = id_at else { continue };
                        let update = format!("UPDATE {name} SET {} = $1 WHERE id = $2", names[i]);
                        for row in rows.iter().filter(|r| !r[i].is_null()) {
                            let query = sqlx::query(sqlx::AssertSqlSafe(update.clone()));
                            let query = bind_value!(query, &row[i], columns[i].kind, columns[i].name);
                            let query = bind_value!(query, &row[id_at], Kind::Int64, "id");
                            query.execute(&mut *$tx).await?;
                        }
                    }
                    let numeric_id = id_at.is_some_and(|i| columns[i].kind == Kind::Int64);
                    if $postgres && numeric_id {
                        // Identity columns continue after the restored ids.
                        let reset = format!(
                            "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        );
                        sqlx::query(sqlx::AssertSqlSafe(reset))
                            .execute(&mut *$tx)
                            .await?;
                    }
                }
            }};
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                load!(tx, false);
                tx.commit().await?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                load!(tx, true);
                tx.commit().await?;
            }
        }
        Ok(BackupReport {
            schema_version: parsed.schema_version,
            tables: parsed
                .tables
                .iter()
                .map(|(n, _, rows)| (n.clone(), rows.len()))
                .collect(),
        })
    }
}
