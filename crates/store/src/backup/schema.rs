//! The tables and columns a backup holds, read from the PostgreSQL
//! migrations (the richer of the two schemas), with each column's type.

use crate::POSTGRES_MIGRATIONS;

/// A column's type, as the PostgreSQL schema declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Column {
    pub(super) name: String,
    pub(super) kind: Kind,
    /// References a row of its own table (restored in a second step).
    pub(super) self_reference: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) name: String,
    pub(super) columns: Vec<Column>,
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
pub(super) fn schema() -> Vec<Table> {
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
}
