//! Markdown from users and programs, rendered to HTML that cannot run script.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown and sanitizes the result: scripts, event handlers,
/// `javascript:` URLs, styles and unknown tags are removed, and links get
/// `rel="noopener noreferrer nofollow"`. A link to a handbook site path leads
/// to Onramp's view of that page ([`onramp_core::handbook::href`]).
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(ammonia::UrlRelative::Custom(Box::new(followed)))
        .clean(&unsafe_html)
        .to_string()
}

/// Where a relative link in Markdown leads.
fn followed(url: &str) -> Option<std::borrow::Cow<'_, str>> {
    Some(std::borrow::Cow::Owned(onramp_core::handbook::href(url)))
}

/// Whether HTML could run script: a script-capable tag, an event-handler
/// attribute or a `javascript:` URL inside any tag. Text is not looked at.
pub fn is_active(html: &str) -> bool {
    let lower = html.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start + 1..start + end];
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let dangerous_tag = matches!(
            name,
            "script"
                | "iframe"
                | "object"
                | "embed"
                | "base"
                | "meta"
                | "form"
                | "style"
                | "svg"
                | "math"
                | "link"
        );
        let handler = tag
            .split_whitespace()
            .skip(1)
            .any(|attr| attr.starts_with("on") && attr.contains('='));
        if dangerous_tag || handler || tag.contains("javascript:") || tag.contains("style=") {
            return true;
        }
        rest = &rest[start + end + 1..];
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{is_active, render};

    #[test]
    fn markdown_is_rendered_and_script_is_removed() {
        assert_eq!(
            render("**bold** and [a link](https://example.com)"),
            "<p><strong>bold</strong> and <a href=\"https://example.com\" rel=\"noopener noreferrer nofollow\">a link</a></p>\n"
        );
        let dirty = render(
            "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))",
        );
        assert!(!is_active(&dirty), "{dirty}");
        assert!(
            is_active("<a href=\"javascript:x\">")
                && is_active("<img src=x onerror=y>")
                && !is_active("<p>onerror=x javascript:y</p>")
        );
    }

    #[test]
    fn handbook_links_lead_to_the_page_view() {
        let html = render(
            "[kickoff](/handbook/cs/kickoff/#agenda), [practice](/ping/practice), [top](#top)",
        );
        assert!(
            html.contains("href=\"/docs/handbook/cs/kickoff/#agenda\""),
            "{html}"
        );
        assert!(html.contains("href=\"/ping/practice\""), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
    }
}
