//! A page form refused for bad input comes back as the page it was sent
//! from, with what the person typed still in the form and the reason beside
//! the field at fault (answered 400).
//!
//! This works for every form without each handler knowing about it: when a
//! form post (not the API) is answered 400 with a [`FieldProblem`], the page
//! named by the form's `back` field (or the same-site `Referer`) is rendered
//! again for the same person, and the form that posted is filled from the
//! submitted body. Passwords, CSRF tokens and other hidden fields are never
//! filled from the submission: hidden fields keep the page's fresh values.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::collections::HashMap;
use tower::ServiceExt;

/// The request field at fault and why, carried on a 400 answer.
#[derive(Clone, Debug)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// Largest page read back for refilling; larger pages are left as they are.
const PAGE_LIMIT: usize = 4 * 1024 * 1024;
/// The largest form body read (axum's default body limit for forms).
const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// The middleware: `pages` is the application without this layer.
pub async fn keep_input(pages: axum::Router, request: Request, next: Next) -> Response {
    if request.method() != Method::POST
        || request.uri().path().starts_with("/api/")
        || !is_form(request.headers())
    {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return crate::WebError::TooLarge("the form is too large".into()).into_response();
    };
    let action = parts.uri.path().to_string();
    let headers = parts.headers.clone();
    let client = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .cloned();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if response.status() != StatusCode::BAD_REQUEST {
        return response;
    }
    let Some(problem) = response.extensions().get::<FieldProblem>().cloned() else {
        return response;
    };
    let submitted: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let Some(page) = page_sent_from(&submitted, &headers) else {
        return response;
    };
    match render_again(pages, &page, &headers, client).await {
        Some(html) => match refill(&html, &action, &submitted, &problem) {
            Some(filled) => {
                let mut again =
                    (StatusCode::BAD_REQUEST, axum::response::Html(filled)).into_response();
                for (name, value) in response.headers() {
                    if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
                        again.headers_mut().insert(name.clone(), value.clone());
                    }
                }
                again
            }
            None => response,
        },
        None => response,
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// The page of this site the form was on: its `back` field, or the
/// `Referer` when that names this host.
fn page_sent_from(submitted: &[(String, String)], headers: &HeaderMap) -> Option<String> {
    let local = |p: &str| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\');
    if let Some((_, back)) = submitted.iter().find(|(k, _)| k == "back")
        && local(back)
    {
        return Some(back.clone());
    }
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer.split_once("://")?.1;
    let (authority, path) = rest.split_at(rest.find('/')?);
    (authority.eq_ignore_ascii_case(host) && local(path)).then(|| path.to_string())
}

async fn render_again(
    pages: axum::Router,
    page: &str,
    headers: &HeaderMap,
    client: Option<axum::extract::ConnectInfo<std::net::SocketAddr>>,
) -> Option<String> {
    let mut get = Request::get(page).body(Body::empty()).ok()?;
    for (name, value) in headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            get.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if let Some(client) = client {
        get.extensions_mut().insert(client);
    }
    let response = pages.oneshot(get).await.ok()?;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !html {
        return None;
    }
    let bytes = axum::body::to_bytes(response.into_body(), PAGE_LIMIT)
        .await
        .ok()?;
    String::from_utf8(bytes.to_vec()).ok()
}

/// Fills the form posting to `action` in `html` with `submitted` and puts
/// the problem beside its field (or at the top of the form when no field
/// of that name is shown). `None` when the page has no such form.
pub fn refill(
    html: &str,
    action: &str,
    submitted: &[(String, String)],
    problem: &FieldProblem,
) -> Option<String> {
    let mut values: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, value) in submitted {
        values
            .entry(name.as_str())
            .or_default()
            .push(value.as_str());
    }
    let sink = Refiller {
        state: RefCell::new(State {
            out: String::with_capacity(html.len() + 256),
            action,
            values,
            problem: Some(problem),
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let state = tokenizer.sink.state.into_inner();
    state.found_form.then_some(state.out)
}

#[derive(Default)]
struct State<'a> {
    out: String,
    action: &'a str,
    values: HashMap<&'a str, Vec<&'a str>>,
    problem: Option<&'a FieldProblem>,
    /// Inside the form that posted.
    in_form: bool,
    found_form: bool,
    /// Where the form's content starts, for a problem with no field shown.
    form_start: usize,
    problem_shown: bool,
    /// Inside a `<textarea>` being refilled: its original text is dropped.
    replacing_text: bool,
    /// Inside a `<select>` of the form: its name.
    select: Option<String>,
    /// Inside `<script>` or `<style>`: text is written as it came.
    raw: bool,
    /// Write the problem after the end tag of this element.
    problem_after: Option<String>,
}

struct Refiller<'a> {
    state: RefCell<State<'a>>,
}

impl<'a> TokenSink for Refiller<'a> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.state.borrow_mut();
        match token {
            Token::DoctypeToken(d) => {
                s.out.push_str("<!DOCTYPE ");
                s.out.push_str(d.name.as_deref().unwrap_or("html"));
                s.out.push('>');
            }
            Token::CommentToken(text) => {
                s.out.push_str("<!--");
                s.out.push_str(&text);
                s.out.push_str("-->");
            }
            Token::CharacterTokens(text) => {
                if !s.replacing_text {
                    if s.raw {
                        s.out.push_str(&text);
                    } else {
                        escape_into(&mut s.out, &text, false);
                    }
                }
            }
            Token::NullCharacterToken => s.out.push('\u{FFFD}'),
            Token::TagToken(tag) => return s.tag(tag),
            Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

impl State<'_> {
    fn tag(&mut self, mut tag: Tag) -> TokenSinkResult<()> {
        let name = tag.name.to_string();
        if tag.kind == TagKind::EndTag {
            self.end_tag(&name);
            return TokenSinkResult::Continue;
        }
        if name == "form" && !self.found_form && attr(&tag, "action") == Some(self.action) {
            self.in_form = true;
            self.found_form = true;
            write_tag(&mut self.out, &tag);
            self.form_start = self.out.len();
            return TokenSinkResult::Continue;
        }
        let mut problem_here = false;
        if self.in_form {
            problem_here = self.fill(&name, &mut tag);
        }
        write_tag(&mut self.out, &tag);
        if problem_here {
            if name == "input" {
                self.write_problem();
            } else {
                self.problem_after = Some(name.clone());
            }
        }
        if self.replacing_text
            && let Some(value) = attr(&tag, "name").and_then(|n| self.value(n)).map(visible)
        {
            escape_into(&mut self.out, &value, false);
        }
        match name.as_str() {
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "script" => {
                self.raw = true;
                TokenSinkResult::RawData(RawKind::ScriptData)
            }
            "style" => {
                self.raw = true;
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            _ => TokenSinkResult::Continue,
        }
    }

    fn end_tag(&mut self, name: &str) {
        match name {
            "form" if self.in_form => {
                self.in_form = false;
                if !self.problem_shown {
                    let at = self.form_start;
                    let mut note = String::new();
                    problem_html(&mut note, self.problem, true);
                    self.out.insert_str(at, &note);
                    self.problem_shown = true;
                }
            }
            "textarea" => self.replacing_text = false,
            "select" => self.select = None,
            "script" | "style" => self.raw = false,
            _ => {}
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        if self.problem_after.as_deref() == Some(name) {
            self.problem_after = None;
            self.write_problem();
        }
    }

    /// The first submitted value of a field.
    fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(|v| v.first()).copied()
    }

    /// Fills one element of the form; says whether it is the field at fault.
    fn fill(&mut self, name: &str, tag: &mut Tag) -> bool {
        let field = attr(tag, "name").map(str::to_string);
        match name {
            "input" => {
                let kind = attr(tag, "type").unwrap_or("text").to_ascii_lowercase();
                let Some(field) = field else { return false };
                match kind.as_str() {
                    "hidden" | "password" | "submit" | "button" | "file" | "image" | "reset" => {}
                    "checkbox" | "radio" => {
                        let own = attr(tag, "value").unwrap_or("on").to_string();
                        let on = self
                            .values
                            .get(field.as_str())
                            .is_some_and(|v| v.contains(&own.as_str()));
                        set_flag(tag, "checked", on);
                    }
                    _ => {
                        if let Some(value) = self.value(&field) {
                            set_attr(tag, "value", &visible(value));
                        }
                    }
                }
                self.mark_if_at_fault(&field, tag)
            }
            "textarea" => {
                let Some(field) = field else { return false };
                self.replacing_text = self.values.contains_key(field.as_str());
                self.mark_if_at_fault(&field, tag)
            }
            "select" => {
                let Some(field) = field else { return false };
                self.select = Some(field.clone());
                self.mark_if_at_fault(&field, tag)
            }
            "option" => {
                if let (Some(select), Some(own)) = (self.select.clone(), attr(tag, "value"))
                    && let Some(chosen) = self.values.get(select.as_str())
                {
                    let on = chosen.contains(&own);
                    set_flag(tag, "selected", on);
                }
                false
            }
            _ => false,
        }
    }

    fn mark_if_at_fault(&mut self, field: &str, tag: &mut Tag) -> bool {
        let at_fault = !self.problem_shown && self.problem.is_some_and(|p| p.field == field);
        if at_fault {
            set_attr(tag, "aria-invalid", "true");
            set_attr(tag, "aria-describedby", "field-problem");
        }
        at_fault
    }

    fn write_problem(&mut self) {
        problem_html(&mut self.out, self.problem, false);
        self.problem_shown = true;
    }
}

/// The problem as shown: beside its field, the reason; at the top of the
/// form, also the field's name.
fn problem_html(out: &mut String, problem: Option<&FieldProblem>, name_field: bool) {
    if let Some(p) = problem {
        out.push_str(r#"<span class="field-problem" id="field-problem" role="alert">"#);
        if name_field {
            escape_into(out, &p.field, false);
            out.push_str(": ");
        }
        escape_into(out, &p.message, false);
        out.push_str("</span>");
    }
}

/// A submitted value as it can be shown: control characters other than
/// tab and line breaks become U+FFFD, so the person sees where they were.
fn visible(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

fn set_attr(tag: &mut Tag, name: &str, value: &str) {
    match tag.attrs.iter_mut().find(|a| &*a.name.local == name) {
        Some(a) => a.value = StrTendril::from_slice(value),
        None => tag.attrs.push(html5ever::Attribute {
            name: html5ever::QualName::new(None, html5ever::ns!(), name.into()),
            value: StrTendril::from_slice(value),
        }),
    }
}

fn set_flag(tag: &mut Tag, name: &str, on: bool) {
    tag.attrs.retain(|a| &*a.name.local != name);
    if on {
        set_attr(tag, name, "");
    }
}

fn write_tag(out: &mut String, tag: &Tag) {
    out.push('<');
    out.push_str(&tag.name);
    for a in &tag.attrs {
        out.push(' ');
        out.push_str(&a.name.local);
        out.push_str("=\"");
        escape_into(out, &a.value, true);
        out.push('"');
    }
    if tag.self_closing {
        out.push_str(" /");
    }
    out.push('>');
}

fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(field: &str) -> FieldProblem {
        FieldProblem {
            field: field.into(),
            message: "must not hold <control> characters".into(),
        }
    }

    const PAGE: &str = r#"<!DOCTYPE html><html><head><title>Q &amp; A</title></head><body>
<form method="post" action="/other"><input name="title" value="x"></form>
<form method="post" action="/ask"><input type="hidden" name="csrf" value="fresh">
<label>Title <input name="title" required></label>
<input type="password" name="secret">
<textarea name="body">old</textarea>
<select name="kind"><option value="a" selected>A</option><option value="b">B</option></select>
<input type="checkbox" name="anonymous" value="yes">
<button>Ask</button></form></body></html>"#;

    fn submitted() -> Vec<(String, String)> {
        [
            ("csrf", "stale"),
            ("title", "Bad \u{0} \"quoted\""),
            ("secret", "hunter2"),
            ("body", "line one\n<b>two</b>"),
            ("kind", "b"),
            ("anonymous", "yes"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn the_form_that_posted_is_filled_and_the_problem_is_beside_its_field() {
        let out = refill(PAGE, "/ask", &submitted(), &problem("title")).expect("form");
        // The other form is untouched.
        assert!(out.contains(
            r#"<form method="post" action="/other"><input name="title" value="x"></form>"#
        ));
        assert!(out.contains(
            r#"<input name="title" required="" value="Bad � &quot;quoted&quot;" aria-invalid="true" aria-describedby="field-problem"><span class="field-problem" id="field-problem" role="alert">must not hold &lt;control&gt; characters</span>"#
        ), "{out}");
        assert!(
            out.contains(r#"value="fresh""#),
            "hidden fields keep the page's values"
        );
        assert!(!out.contains("hunter2"), "passwords are never echoed");
        assert!(
            out.contains("<textarea name=\"body\">line one\n&lt;b&gt;two&lt;/b&gt;</textarea>")
        );
        assert!(
            out.contains(r#"<option value="a">A</option><option value="b" selected="">B</option>"#)
        );
        assert!(out.contains(r#"<input type="checkbox" name="anonymous" value="yes" checked="">"#));
        assert!(out.contains("<title>Q &amp; A</title>"));
    }

    #[test]
    fn a_problem_with_no_field_shown_goes_to_the_top_of_the_form() {
        let out = refill(PAGE, "/ask", &submitted(), &problem("request")).expect("form");
        assert!(out.contains(
            r#"action="/ask"><span class="field-problem" id="field-problem" role="alert">request: must"#
        ));
        let out = refill(PAGE, "/ask", &submitted(), &problem("body")).expect("form");
        assert!(
            out.contains("</textarea><span class=\"field-problem\""),
            "{out}"
        );
    }

    #[test]
    fn a_page_without_the_form_is_not_refilled() {
        assert!(refill(PAGE, "/elsewhere", &submitted(), &problem("title")).is_none());
    }
}
