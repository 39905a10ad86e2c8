//! Protections on every request and response: security headers (a strict
//! Content-Security-Policy without inline script, no framing, no sniffing,
//! same-origin referrers, HSTS over HTTPS); state-changing requests refused
//! when the browser says they come from another site (`Origin`,
//! `Sec-Fetch-Site`), in addition to the CSRF token; and form and JSON
//! bodies whose text holds NUL or other control characters refused with
//! 400 naming the field, before any handler runs (`onramp_core::text`).

use crate::{AppState, WebError};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Scripts and styles only from Onramp itself; images also inline (SVG
/// charts, `data:`); nothing may frame the pages; forms post only here.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// HSTS when served over HTTPS: a year, subdomains included.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

pub async fn browser_security(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let https = crate::auth::is_https(&state, request.headers());
    if changes_state(request.method())
        && let Some(reason) = cross_site(request.headers())
    {
        let error = WebError::Forbidden(format!(
            "This request came from another site ({reason}); it was refused. Use Onramp's own pages."
        ));
        let mut response = if request.uri().path().starts_with("/api/") {
            crate::api::ApiError(error).into_response()
        } else {
            error.into_response()
        };
        add_headers(response.headers_mut(), https);
        return response;
    }
    let api = request.uri().path().starts_with("/api/");
    let request = match clean_input(request, state.limits.body_bytes()).await {
        Ok(request) => request,
        Err(error) => {
            let mut response = if api {
                crate::api::ApiError(error).into_response()
            } else {
                error.into_response()
            };
            add_headers(response.headers_mut(), https);
            return response;
        }
    };
    let mut response = next.run(request).await;
    add_headers(response.headers_mut(), https);
    response
}

/// Checks the text of a form or JSON body (every field, every member) and
/// hands the request on unchanged, or says which field holds what.
async fn clean_input(request: Request, limit: usize) -> Result<Request, WebError> {
    if !changes_state(request.method()) {
        return Ok(request);
    }
    let kind = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json");
    if !form && !json {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        WebError::TooLarge(format!(
            "the request is larger than {} MB",
            limit / 1024 / 1024
        ))
    })?;
    let checked = if form {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map_err(|_| ())
            .map(|pairs| {
                pairs.iter().try_for_each(|(name, value)| {
                    onramp_core::text::check(
                        name,
                        value,
                        onramp_core::text::Field::Lines(usize::MAX),
                    )
                })
            })
    } else if json_may_hold_control_characters(&bytes) {
        // Rare: parse to name the member at fault.
        serde_json::from_slice::<serde_json::Value>(&bytes)
            .map_err(|_| ())
            .map(|value| onramp_core::text::check_all_strings(&value))
    } else {
        // The usual case, and the only one for large uploads: a scan of the
        // bytes, without building the document in memory.
        Ok(Ok(()))
    };
    // A body that does not parse is left to the handler, which says why.
    if let Ok(Err(onramp_core::error::Error::Invalid { field, message })) = checked {
        return Err(WebError::BadRequest { field, message });
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// Whether JSON text may carry a control character in a string: an escape
/// `\u0000`–`\u001f` other than tab, line feed and carriage return, an
/// escape `\u007f`–`\u009f`, or a raw C1 character (UTF-8 `C2 80`–`C2 9F`).
/// Raw C0 characters are not valid inside JSON strings at all.
fn json_may_hold_control_characters(bytes: &[u8]) -> bool {
    let escaped = bytes.windows(6).any(|w| {
        if w[0] != b'\\' || w[1] != b'u' {
            return false;
        }
        let hex = std::str::from_utf8(&w[2..6])
            .ok()
            .and_then(|h| u16::from_str_radix(h, 16).ok());
        matches!(hex, Some(c) if (c < 0x20 && !matches!(c, 0x09 | 0x0A | 0x0D)) || (0x7F..=0x9F).contains(&c))
    });
    escaped
        || bytes
            .windows(2)
            .any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Why the browser's own headers say the request is from another site, if
/// they do. Clients that send neither header (scripts with an API token)
/// are not browsers being tricked, and pass.
fn cross_site(headers: &HeaderMap) -> Option<String> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site.eq_ignore_ascii_case("cross-site")
    {
        return Some("Sec-Fetch-Site: cross-site".into());
    }
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?.trim();
    if origin.eq_ignore_ascii_case("null") {
        return Some("Origin: null".into());
    }
    let authority = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    let ours = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|host| {
                host.split(',')
                    .next()
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case(authority))
            })
    };
    if ours("host") || ours("x-forwarded-host") {
        None
    } else {
        Some(format!("Origin: {origin}"))
    }
}

fn add_headers(headers: &mut HeaderMap, https: bool) {
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn json_control_characters_are_spotted_without_parsing() {
        assert!(!json_may_hold_control_characters(
            br#"{"a":"line\nnext\ttab \u00e9"}"#
        ));
        assert!(json_may_hold_control_characters(br#"{"a":"x\u0000y"}"#));
        assert!(json_may_hold_control_characters(br#"{"a":"\u001B[2J"}"#));
        assert!(json_may_hold_control_characters(
            "{\"a\":\"\u{85}\"}".as_bytes()
        ));
    }

    #[test]
    fn same_site_requests_pass_and_others_are_named() {
        let host = ("host", "onramp.example.com");
        assert_eq!(cross_site(&headers(&[host])), None, "no browser headers");
        assert_eq!(
            cross_site(&headers(&[host, ("origin", "https://onramp.example.com")])),
            None
        );
        assert_eq!(
            cross_site(&headers(&[host, ("sec-fetch-site", "same-origin")])),
            None
        );
        assert_eq!(
            cross_site(&headers(&[host, ("origin", "https://evil.example")])).as_deref(),
            Some("Origin: https://evil.example")
        );
        assert_eq!(
            cross_site(&headers(&[host, ("sec-fetch-site", "cross-site")])).as_deref(),
            Some("Sec-Fetch-Site: cross-site")
        );
        assert!(cross_site(&headers(&[host, ("origin", "null")])).is_some());
        // Behind a proxy that rewrites Host but says which host was asked for.
        assert_eq!(
            cross_site(&headers(&[
                ("host", "10.0.0.5:8080"),
                ("x-forwarded-host", "onramp.example.com"),
                ("origin", "https://onramp.example.com")
            ])),
            None
        );
    }
}
