//! The company's working calendar: holidays per region (`ALL` for
//! everyone), which due dates skip.

use crate::{App, Caller, Error};
use chrono::NaiveDate;
use onramp_core::people::REGIONS;

/// Adds a holiday for a region, or for everyone with `ALL`
/// (administrators and the operator).
pub async fn add_holiday(
    app: &App,
    by: Caller<'_>,
    region: &str,
    day: NaiveDate,
    name: &str,
) -> Result<(), Error> {
    if !by.may_administer() {
        return Err(Error::NotFound);
    }
    if region != "ALL" && !REGIONS.contains(&region) {
        return Err(Error::bad(
            "region",
            format!("`{region}` is not a region (ALL, {})", REGIONS.join(", ")),
        ));
    }
    onramp_core::rules::check_holiday(region, name)?;
    Ok(app.store.add_holiday(region, day, name).await?)
}

/// Every holiday: (region, day, name), by region and day.
pub async fn holidays(app: &App) -> Result<Vec<(String, NaiveDate, String)>, Error> {
    Ok(app.store.holidays().await?)
}
