//! `/home`, the first page after sign-in: the new hire's own onboarding
//! (what is due, progress, their people) and, for everyone, the tasks that
//! wait for them in every onboarding they take part in.

use super::Nav;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use chrono::Days;
use onramp_app::onboarding::{self, OnboardingView, TaskView};
use onramp_app::workspace::{self, MyTask, MyTasks, TaskFilter};
use onramp_core::access::OnboardingAction;
use serde::Deserialize;

/// The filters of the task list, as the page's query.
#[derive(Debug, Default, Deserialize)]
pub struct TaskQuery {
    #[serde(default)]
    due: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    onboarding: Option<String>,
}

impl TaskQuery {
    fn filter(&self) -> Result<TaskFilter, WebError> {
        Ok(TaskFilter::parse(
            self.due.as_deref(),
            self.role.as_deref(),
            self.onboarding.as_deref(),
        )?)
    }

    /// This page's address with these filters, to come back to.
    fn back(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("due", self.due.as_deref()),
            ("role", self.role.as_deref()),
            ("onboarding", self.onboarding.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
        match serde_urlencoded::to_string(&pairs) {
            Ok(query) if !query.is_empty() => format!("/home?{query}"),
            _ => "/home".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "my_home.html")]
struct MyHome {
    nav: Option<Nav>,
    back: String,
    o: Option<OnboardingView>,
    /// The person has an onboarding of their own.
    has_own: bool,
    due_this_week: Vec<TaskView>,
    overdue: Vec<TaskView>,
    next_up: Vec<TaskView>,
    /// Tasks waiting for this person in other people's onboardings.
    tasks: MyTasks,
    /// The panels of the person's roles (team, buddy, People Connect,
    /// Enablement, administrators).
    panels: workspace::Panels,
    /// For a new hire: when their last visit was, and what others changed
    /// in their onboarding since (not on the first visit).
    since_visit: Option<(String, Vec<workspace::RecentChange>)>,
    filtered: bool,
    due: String,
    role: String,
    onboarding: String,
    csrf: String,
    clock: super::Clock,
}

impl MyHome {
    fn groups(&self) -> [(&'static str, &'static str, &Vec<MyTask>); 4] {
        [
            ("overdue", "Overdue", &self.tasks.overdue),
            ("this-week", "Due this week", &self.tasks.this_week),
            ("later", "Later", &self.tasks.later),
            ("waiting", "Waiting on someone else", &self.tasks.waiting),
        ]
    }
}

/// The tasks of the person's own onboarding that are theirs: overdue, due
/// this week, and the next five.
fn own_groups(o: &OnboardingView) -> (Vec<TaskView>, Vec<TaskView>, Vec<TaskView>) {
    let week_end = o.today.checked_add_days(Days::new(7)).unwrap_or(o.today);
    let to_do: Vec<&TaskView> = o
        .phases
        .iter()
        .flat_map(|p| p.tasks.iter())
        .filter(|t| t.owner == "new-hire" && !matches!(t.status.as_str(), "done" | "skipped"))
        .collect();
    let overdue = to_do
        .iter()
        .filter(|t| t.overdue)
        .map(|t| (*t).clone())
        .collect();
    let due_this_week = to_do
        .iter()
        .filter(|t| !t.overdue && t.due_date <= week_end)
        .map(|t| (*t).clone())
        .collect();
    let next_up = to_do
        .iter()
        .filter(|t| t.due_date > week_end && t.status == "open")
        .take(5)
        .map(|t| (*t).clone())
        .collect();
    (overdue, due_this_week, next_up)
}

/// `GET /home`.
pub async fn my_home(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TaskQuery>,
) -> Result<Html<String>, WebError> {
    let filter = q.filter()?;
    let own_view = async {
        let mine = onboarding::own(&state, &user).await?;
        let own = mine.iter().find(|o| o.status == "active").or(mine.first());
        Ok::<_, onramp_app::Error>(match own {
            Some(current) => {
                let loaded =
                    onboarding::load(&state, &user, current.id, OnboardingAction::Read).await?;
                Some(onboarding::view(&state, &user, &loaded).await?)
            }
            None => None,
        })
    };
    let (o, (mut tasks, panels)) = tokio::try_join!(
        own_view,
        workspace::home(&state, &user, &user.account.time_zone, &filter)
    )?;
    let since_visit = match &o {
        // The page's own onboarding is the viewer's: its zone is theirs.
        Some(o) => workspace::since_last_visit(&state, &user, o.id, &o.time_zone).await?,
        None => None,
    };
    let nav = Nav::of(&state, &user).await?;
    let (overdue, due_this_week, next_up) = o.as_ref().map(own_groups).unwrap_or_default();
    if let Some(o) = &o {
        // The new hire's own tasks are listed above; here only the others'.
        for group in [
            &mut tasks.overdue,
            &mut tasks.this_week,
            &mut tasks.later,
            &mut tasks.waiting,
        ] {
            group.retain(|t| t.onboarding_id != o.id);
        }
        tasks.onboardings.retain(|c| c.id != o.id);
    }
    let page = MyHome {
        nav,
        back: q.back(),
        has_own: o.is_some(),
        o,
        due_this_week,
        overdue,
        next_up,
        filtered: filter != TaskFilter::default(),
        due: q.due.unwrap_or_default(),
        role: q.role.unwrap_or_default(),
        onboarding: q.onboarding.unwrap_or_default(),
        tasks,
        panels,
        since_visit,
        csrf: user.csrf().to_string(),
        clock: super::Clock::of(&user),
    };
    Ok(Html(page.render()?))
}

/// This module's pages, for `pages::routes`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/home", get(my_home))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_comes_back_with_its_filters() {
        assert_eq!(TaskQuery::default().back(), "/home");
        let q = TaskQuery {
            due: Some("week".into()),
            role: Some("".into()),
            onboarding: Some("12".into()),
        };
        assert_eq!(q.back(), "/home?due=week&onboarding=12");
        let odd = TaskQuery {
            role: Some("a&b".into()),
            ..TaskQuery::default()
        };
        assert_eq!(odd.back(), "/home?role=a%26b");
    }
}
