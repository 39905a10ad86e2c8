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

use crate::{POSTGRES_MIGRATIONS, Pool, Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::types::Json;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

/// The version of the file format.
pub const FORMAT_VERSION: i64 = 1;

/// A column's type, as the PostgreSQL schema declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int64,
    Int32,
    Text,
    Bool,
    Timestamp,
    LocalTime,
    Date,
    Json,
    Bytes,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    /// References a row of its own table (restored in a second step).
    self_reference: bool,
}

#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<Column>,
}

fn kind_of(sql_type: &str) -> Option<Kind> {
    Some(
        match sql_type
            .trim_end_matches([',', ';'])
            .to_ascii_uppercase()
            .as_str()
        {
            "BIGINT" | "BIGSERIAL" => Kind::Int64,
            "INTEGER" | "INT" | "SERIAL" => Kind::Int32,
            "TEXT" => Kind::Text,
            "BOOLEAN" => Kind::Bool,
            "TIMESTAMPTZ" => Kind::Timestamp,
            "TIMESTAMP" => Kind::LocalTime,
            "DATE" => Kind::Date,
            "JSONB" | "JSON" => Kind::Json,
            "BYTEA" => Kind::Bytes,
            _ => return None,
        },
    )
}

/// A column definition line, `name TYPE …`, with its table's name.
fn column_of(line: &str, table: &str) -> Option<Column> {
    let mut words = line.split_whitespace();
    let name = words.next()?.trim_matches('"').to_string();
    let keyword = name.to_ascii_uppercase();
    if [
        "PRIMARY",
        "UNIQUE",
        "FOREIGN",
        "CHECK",
        "CONSTRAINT",
        ")",
        ");",
    ]
    .contains(&keyword.as_str())
    {
        return None;
    }
    let kind = kind_of(words.next()?)?;
    let rest = line.to_ascii_lowercase();
    let self_reference = rest.contains(&format!("references {table}("))
        || rest.contains(&format!("references {table} ("));
    Some(Column {
        name,
        kind,
        self_reference,
    })
}

/// The tables and their columns, read from the PostgreSQL migrations, in
/// the order they are created.
fn schema() -> Vec<Table> {
    let mut tables: Vec<Table> = Vec::new();
    for migration in POSTGRES_MIGRATIONS.iter() {
        let mut current: Option<usize> = None;
        for line in migration.sql.as_str().lines() {
            let trimmed = line.trim();
            let upper = trimmed.to_ascii_uppercase();
            if let Some(rest) = upper.strip_prefix("CREATE TABLE ") {
                let name = trimmed[trimmed.len() - rest.len()..]
                    .split(|c: char| c == '(' || c.is_whitespace())
                    .next()
                    .unwrap_or_default()
                    .to_string();
                tables.push(Table {
                    name,
                    columns: Vec::new(),
                });
                current = Some(tables.len() - 1);
            } else if upper.starts_with("ALTER TABLE ") && upper.contains(" ADD COLUMN ") {
                let words: Vec<&str> = trimmed.split_whitespace().collect();
                let table = words.get(2).copied().unwrap_or_default();
                let at = words.iter().position(|w| w.eq_ignore_ascii_case("COLUMN"));
                if let (Some(t), Some(at)) = (tables.iter_mut().find(|t| t.name == table), at)
                    && let Some(column) = column_of(&words[at + 1..].join(" "), table)
                {
                    t.columns.push(column);
                }
                current = None;
            } else if trimmed.starts_with(')') {
                current = None;
            } else if let Some(i) = current
                && let Some(column) = column_of(trimmed, &tables[i].name)
            {
                tables[i].columns.push(column);
            }
        }
    }
    tables
}

/// The newest schema version this Onramp knows.
pub fn schema_version() -> i64 {
    POSTGRES_MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

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
            StoreError::Invalid(format!(
                "backup: column `{}` holds a value that is not {:?}: {value}",
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
    let io = |e: std::io::Error| StoreError::Invalid(format!("backup file: {e}"));
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

fn finish(hasher: Sha256) -> String {
    hex(&hasher.finalize())
}

impl Store {
    /// Writes a consistent backup of every table to `out`.
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
            .map_err(|e| StoreError::Invalid(format!("backup file: {e}")))?;
        out.flush()
            .map_err(|e| StoreError::Invalid(format!("backup file: {e}")))?;
        Ok(report)
    }

    /// Restores a backup into this database, which must be empty. Nothing
    /// is written unless the whole file checks out.
    pub async fn restore(&self, input: &mut (dyn BufRead + Send)) -> Result<BackupReport> {
        let parsed = read_backup(input, schema_version())?;
        let tables = schema();
        for (name, columns, _) in &parsed.tables {
            let table = tables.iter().find(|t| &t.name == name).ok_or_else(|| {
                StoreError::Invalid(format!("backup: this Onramp has no table `{name}`"))
            })?;
            for c in columns {
                if !table.columns.iter().any(|k| &k.name == c) {
                    return Err(StoreError::Invalid(format!(
                        "backup: table `{name}` has no column `{c}` in this Onramp"
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

/// A backup read back and checked: tables in file order with their column
/// names and rows.
struct Parsed {
    schema_version: i64,
    tables: Vec<(String, Vec<String>, Vec<Vec<Value>>)>,
}

/// Reads and checks a backup: the header, every table's rows against the
/// manifest, and the checksum of the whole file.
fn read_backup(input: &mut dyn BufRead, known_schema: i64) -> Result<Parsed> {
    let bad = |m: String| StoreError::Invalid(format!("backup: {m}"));
    let mut whole = Sha256::new();
    let mut lines = input.lines().enumerate();
    let mut next_line = || -> Result<Option<(usize, String)>> {
        match lines.next() {
            None => Ok(None),
            Some((n, Ok(line))) => Ok(Some((n + 1, line))),
            Some((n, Err(e))) => Err(bad(format!("line {}: {e}", n + 1))),
        }
    };
    let (_, header_line) = next_line()?.ok_or_else(|| bad("the file is empty".into()))?;
    let header: Value = serde_json::from_str(&header_line)
        .map_err(|_| bad("line 1: not an Onramp backup (no header)".into()))?;
    if header["onramp_backup"] != json!(FORMAT_VERSION) {
        return Err(bad(format!(
            "line 1: not an Onramp backup of format {FORMAT_VERSION}"
        )));
    }
    let schema_version = header["schema_version"]
        .as_i64()
        .ok_or_else(|| bad("line 1: no schema_version".into()))?;
    if schema_version > known_schema {
        return Err(bad(format!(
            "it was made by a newer Onramp (schema version {schema_version}; this one knows up to {known_schema}); restore it with that version or a newer one"
        )));
    }
    whole.update(header_line.as_bytes());
    whole.update(b"\n");
    let mut tables: Vec<(String, Vec<String>, Vec<Vec<Value>>)> = Vec::new();
    let mut sums: Vec<Sha256> = Vec::new();
    loop {
        let Some((n, line)) = next_line()? else {
            return Err(bad(
                "the file ends before its manifest: it is truncated".into()
            ));
        };
        let value: Value =
            serde_json::from_str(&line).map_err(|e| bad(format!("line {n}: not JSON ({e})")))?;
        if let Some(manifest) = value.get("manifest") {
            let expected = value["sha256"].as_str().unwrap_or_default();
            let actual = finish(whole);
            if expected != actual {
                return Err(bad(format!(
                    "line {n}: the file's checksum does not match; it was altered or damaged"
                )));
            }
            for ((name, _, rows), sum) in tables.iter().zip(sums) {
                let entry = &manifest[name];
                if entry["rows"].as_u64() != Some(rows.len() as u64)
                    || entry["sha256"].as_str() != Some(finish(sum).as_str())
                {
                    return Err(bad(format!(
                        "table `{name}` does not match the manifest; the file was altered or damaged"
                    )));
                }
            }
            if let Some((extra, _)) = next_line()? {
                return Err(bad(format!("line {extra}: text after the manifest")));
            }
            return Ok(Parsed {
                schema_version,
                tables,
            });
        }
        whole.update(line.as_bytes());
        whole.update(b"\n");
        if let Some(name) = value.get("table").and_then(Value::as_str) {
            let columns: Vec<String> = value["columns"]
                .as_array()
                .ok_or_else(|| bad(format!("line {n}: a table without columns")))?
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect();
            tables.push((name.to_string(), columns, Vec::new()));
            sums.push(Sha256::new());
            continue;
        }
        let (Value::Array(values), Some((_, columns, rows)), Some(sum)) =
            (value, tables.last_mut(), sums.last_mut())
        else {
            return Err(bad(format!("line {n}: a row outside a table")));
        };
        if values.len() != columns.len() {
            return Err(bad(format!(
                "line {n}: {} values for {} columns",
                values.len(),
                columns.len()
            )));
        }
        sum.update(line.as_bytes());
        sum.update(b"\n");
        rows.push(values);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_read_from_the_migrations() {
        let tables = schema();
        let people = tables.iter().find(|t| t.name == "people").expect("people");
        let manager = people
            .columns
            .iter()
            .find(|c| c.name == "manager_id")
            .expect("manager_id");
        assert_eq!(manager.kind, Kind::Int64);
        assert!(manager.self_reference);
        let tasks = tables.iter().find(|t| t.name == "tasks").expect("tasks");
        assert!(
            tasks
                .columns
                .iter()
                .any(|c| c.name == "escalated_at" && c.kind == Kind::Timestamp)
        );
        let attachments = tables
            .iter()
            .find(|t| t.name == "attachments")
            .expect("attachments");
        assert!(
            attachments
                .columns
                .iter()
                .any(|c| c.name == "data" && c.kind == Kind::Bytes)
        );
        // Every table of both trees is known, and tables come before those that refer to them.
        assert!(tables.len() >= 36, "{}", tables.len());
        let position = |n: &str| tables.iter().position(|t| t.name == n).expect(n);
        assert!(position("people") < position("onboardings"));
        assert!(position("onboardings") < position("tasks"));
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
