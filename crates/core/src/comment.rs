//! Comments: @mentions and attached screenshots.

use crate::people::Role;

/// Who a comment mentions: roles of the onboarding, and people by handle
/// (the part of their email before the `@`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    pub roles: Vec<Role>,
    pub handles: Vec<String>,
}

/// The @mentions in Markdown text. Mentions inside code are ignored, and
/// so are email addresses.
pub fn mentions(text: &str) -> Mentions {
    use pulldown_cmark::{Event, Parser};
    let mut out = Mentions::default();
    for event in Parser::new(text) {
        let Event::Text(t) = event else { continue };
        let chars: Vec<char> = t.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let starts_word = i == 0
                || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '.' | '_' | '-'));
            if chars[i] == '@' && starts_word {
                let handle: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
                    .collect();
                let handle = handle.trim_end_matches(['.', '-', '_']).to_lowercase();
                i += handle.len();
                if handle.is_empty() {
                    i += 1;
                    continue;
                }
                match crate::gitlab::role_for_mention(&handle) {
                    Some(role) => {
                        if !out.roles.contains(&role) {
                            out.roles.push(role);
                        }
                    }
                    None => {
                        if !out.handles.contains(&handle) {
                            out.handles.push(handle);
                        }
                    }
                }
            }
            i += 1;
        }
    }
    out
}

/// Largest screenshot accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The image type of some bytes, judged from their content (never from a
/// file name): PNG, JPEG, GIF or WebP.
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        m @ ("image/png" | "image/jpeg" | "image/gif" | "image/webp") => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_role_and_people_mentions() {
        let m = mentions(
            "Hi @manager and @Buddy, see @jordan.lee. Mail me at a@b.com. `@people-connect` @enablement!",
        );
        assert_eq!(m.roles, [Role::Manager, Role::Buddy, Role::Enablement]);
        assert_eq!(m.handles, ["jordan.lee"]);
        assert_eq!(mentions("no mentions @ all").handles, Vec::<String>::new());
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        assert_eq!(image_type(&png), Some("image/png"));
        assert_eq!(
            image_type(&[0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
            Some("image/jpeg")
        );
        assert_eq!(image_type(b"GIF89a\x01\x00"), Some("image/gif"));
        assert_eq!(
            image_type(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(
            image_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            None
        );
        assert_eq!(image_type(b"%PDF-1.7"), None);
        assert_eq!(image_type(b"not an image at all"), None);
    }
}
