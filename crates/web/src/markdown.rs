//! Markdown from users and programs, rendered to HTML that cannot run script.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown and sanitizes the result: scripts, event handlers,
/// `javascript:` URLs, styles and unknown tags are removed, and links get
/// `rel="noopener noreferrer nofollow"`.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_is_rendered_and_script_is_removed() {
        assert_eq!(render("**bold** and [a link](https://example.com)"), "<p><strong>bold</strong> and <a href=\"https://example.com\" rel=\"noopener noreferrer nofollow\">a link</a></p>\n");
        let dirty = render("<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))");
        assert!(!dirty.contains("<script") && !dirty.contains("onerror") && !dirty.contains("javascript:"), "{dirty}");
    }
}
