//! People: new hires, managers, buddies, People Connect and Enablement staff.

use crate::audit::audit;
use crate::{NewPerson, Person, Result, Store, StoreError, on_db};
use chrono::Utc;

const PERSON_COLUMNS: &str = "id, email, name, department, job_role, segment, region, time_zone, start_date, manager_id, created_at, updated_at";

impl Store {
    /// Adds a person, or updates the person with that email. Returns the
    /// stored person and whether anything changed.
    // Long: one transaction: the person and their roles, with each field checked first.
    pub async fn upsert_person(
        &self,
        actor_id: Option<i64>,
        p: &NewPerson,
    ) -> Result<(Person, bool)> {
        let email = p.email.trim().to_lowercase();
        let now = Utc::now();
        let sql_select = format!("SELECT {PERSON_COLUMNS} FROM people WHERE email = $1");
        let sql_insert = format!(
            "INSERT INTO people (email, name, department, job_role, segment, region, time_zone, start_date, manager_id, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {PERSON_COLUMNS}"
        );
        let sql_update = format!(
            "UPDATE people SET name = $2, department = $3, job_role = $4, segment = $5, region = $6,
                    time_zone = $7, start_date = $8, manager_id = $9, updated_at = $10
             WHERE email = $1 RETURNING {PERSON_COLUMNS}"
        );
        let time_zone = if p.time_zone.is_empty() {
            "UTC"
        } else {
            p.time_zone.as_str()
        };
        Ok(on_db!(self, |pool, begin| {
            let mut tx = pool.begin_with(begin).await?;
            let existing: Option<Person> = sqlx::query_as(sqlx::AssertSqlSafe(sql_select))
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            let unchanged = existing.as_ref().is_some_and(|e| {
                e.name == p.name
                    && e.department == p.department
                    && e.job_role == p.job_role
                    && e.segment == p.segment
                    && e.region == p.region
                    && e.time_zone == time_zone
                    && e.start_date == p.start_date
                    && e.manager_id == p.manager_id
            });
            if let (true, Some(person)) = (unchanged, existing.clone()) {
                tx.rollback().await?;
                return Ok((person, false));
            }
            let sql = if existing.is_some() {
                sql_update
            } else {
                sql_insert
            };
            let person: Person = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&email)
                .bind(p.name.trim())
                .bind(&p.department)
                .bind(&p.job_role)
                .bind(&p.segment)
                .bind(&p.region)
                .bind(time_zone)
                .bind(p.start_date)
                .bind(p.manager_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            let action = if existing.is_some() {
                "update"
            } else {
                "create"
            };
            let old = existing.map(|e| serde_json::json!(e));
            audit!(
                tx,
                actor_id,
                action,
                "person",
                Some(person.id),
                old,
                Some(serde_json::json!(person))
            );
            tx.commit().await?;
            (person, true)
        }))
    }

    pub async fn person(&self, id: i64) -> Result<Person> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE id = $1");
        let found: Option<Person> = on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        found.ok_or_else(|| StoreError::NotFound(format!("person {id}")))
    }

    /// Several people by id, in one query (unknown ids are left out).
    pub async fn people_by_ids(&self, ids: &[i64]) -> Result<Vec<Person>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE id IN ({})",
            placeholders.join(", ")
        );
        Ok(on_db!(self, |pool, _begin| {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for id in ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await?
        }))
    }

    pub async fn person_by_email(&self, email: &str) -> Result<Option<Person>> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE email = $1");
        let email = email.trim().to_lowercase();
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&email)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// People by name, a page at a time.
    pub async fn list_people(&self, limit: i64, offset: i64) -> Result<Vec<Person>> {
        let sql =
            format!("SELECT {PERSON_COLUMNS} FROM people ORDER BY name, id LIMIT $1 OFFSET $2");
        Ok(on_db!(self, |pool, _begin| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        }))
    }
}
