//! Pagination shared by pages and the API: `?page=` and the page size.

use crate::WebError;

/// Rows per page of a listing.
pub const PAGE_SIZE: i64 = 50;

/// Parses `?page=`: a whole number from 1.
pub fn page_number(page: Option<&str>) -> Result<i64, WebError> {
    match page {
        None | Some("") => Ok(1),
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| WebError::BadRequest {
                field: "page".into(),
                message: format!("must be a whole number of at least 1 (got `{p}`)"),
            }),
    }
}
