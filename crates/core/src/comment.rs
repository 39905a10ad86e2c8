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

/// Why a mention did not notify anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unreached {
    /// Nobody's email starts with the handle.
    NoSuchPerson,
    /// A role mention (`@buddy`) on an onboarding without that person.
    RoleVacant,
    /// The person has no account, so no inbox.
    NoAccount,
    /// The person's account is disabled.
    Disabled,
    /// The person may not see this onboarding, so they are not told of it.
    CannotSee,
}

impl Unreached {
    /// The reason in words, for the writer of the comment.
    pub fn text(self) -> &'static str {
        match self {
            Unreached::NoSuchPerson => "nobody has that handle",
            Unreached::RoleVacant => "this onboarding has nobody in that role",
            Unreached::NoAccount => "they have no Onramp account",
            Unreached::Disabled => "their account is disabled",
            Unreached::CannotSee => "they may not see this onboarding",
        }
    }

    /// The stable code of the reason (as in the JSON API).
    pub fn code(self) -> &'static str {
        match self {
            Unreached::NoSuchPerson => "no-such-person",
            Unreached::RoleVacant => "role-vacant",
            Unreached::NoAccount => "no-account",
            Unreached::Disabled => "disabled",
            Unreached::CannotSee => "cannot-see",
        }
    }

    pub fn from_code(code: &str) -> Option<Unreached> {
        [
            Unreached::NoSuchPerson,
            Unreached::RoleVacant,
            Unreached::NoAccount,
            Unreached::Disabled,
            Unreached::CannotSee,
        ]
        .into_iter()
        .find(|u| u.code() == code)
    }
}

/// A mention that notified nobody, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnreachedMention {
    /// The handle as written, without the `@`.
    pub mention: String,
    pub reason: Unreached,
}

/// Whether a mentioned person may be told of a comment on the onboarding of
/// `parties`: they need an enabled account that may read it (the same rule
/// as the pages), so a notification never shows a comment to someone who
/// could not open it.
pub fn reaches(
    person_id: i64,
    account: Option<(Vec<Role>, bool)>,
    parties: &crate::access::Parties,
) -> Result<(), Unreached> {
    let Some((roles, disabled)) = account else {
        return Err(Unreached::NoAccount);
    };
    if disabled {
        return Err(Unreached::Disabled);
    }
    let actor = crate::access::Actor { person_id, roles };
    if crate::access::may(&actor, parties, crate::access::OnboardingAction::Read) {
        Ok(())
    } else {
        Err(Unreached::CannotSee)
    }
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
    fn only_people_who_may_see_the_onboarding_are_reached() {
        use crate::access::Parties;
        let parties = Parties {
            new_hire: 1,
            manager: Some(2),
            ..Parties::default()
        };
        assert_eq!(
            reaches(2, Some((vec![Role::Manager], false)), &parties),
            Ok(())
        );
        // A manager of someone else, an outsider CSM: not told.
        assert_eq!(
            reaches(9, Some((vec![Role::Manager], false)), &parties),
            Err(Unreached::CannotSee)
        );
        // People Connect and admins may read every onboarding.
        assert_eq!(
            reaches(8, Some((vec![Role::PeopleConnect], false)), &parties),
            Ok(())
        );
        assert_eq!(
            reaches(7, Some((vec![Role::Admin], false)), &parties),
            Ok(())
        );
        assert_eq!(
            reaches(2, Some((vec![Role::Manager], true)), &parties),
            Err(Unreached::Disabled)
        );
        assert_eq!(reaches(2, None, &parties), Err(Unreached::NoAccount));
        for u in [
            Unreached::NoSuchPerson,
            Unreached::RoleVacant,
            Unreached::CannotSee,
        ] {
            assert_eq!(Unreached::from_code(u.code()), Some(u));
        }
    }

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
