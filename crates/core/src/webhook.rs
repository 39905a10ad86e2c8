//! The rule for a chat webhook's address (`rules::check_chat_hook`): which
//! addresses a person may make the server call.

use crate::error::Error;
use crate::rules::LINK;
use crate::text;

/// A chat webhook address: an `https://` link (`http://` too when
/// `may_be_local`), one line, without a user or password in it. Unless
/// `may_be_local` (an administrator's channel, or a server configured to
/// allow it), it must not name this machine or a private network by its
/// address, so that a person's hook cannot make the server call inside the
/// company network.
pub fn check_chat_hook(url: &str, may_be_local: bool) -> Result<(), Error> {
    let field = "url";
    text::check(field, url, LINK)?;
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some(("https", rest)) => rest,
        Some(("http", rest)) if may_be_local => rest,
        _ => {
            return Err(Error::invalid(
                field,
                if may_be_local {
                    "must start with https:// or http://"
                } else {
                    "must start with https://"
                },
            ));
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Error::invalid(
            field,
            "must not hold a user name or password before the host",
        ));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if host.is_empty() {
        return Err(Error::invalid(field, "names no host"));
    }
    if !may_be_local && is_local_host(host) {
        return Err(Error::invalid(
            field,
            format!(
                "`{host}` is this machine or a private network; use the chat service's public address"
            ),
        ));
    }
    Ok(())
}

/// Whether `host` is `localhost` or an address of this machine, a private
/// network or a link.
fn is_local_host(host: &str) -> bool {
    use std::net::IpAddr;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            a.is_loopback()
                || a.is_private()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64
        }
        Ok(IpAddr::V6(a)) => {
            a.is_loopback()
                || a.is_unspecified()
                || (a.segments()[0] & 0xfe00) == 0xfc00
                || (a.segments()[0] & 0xffc0) == 0xfe80
                || a.to_ipv4_mapped()
                    .is_some_and(|v4| is_local_host(&v4.to_string()))
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_chat_hook_is_public_https() {
        assert!(check_chat_hook("https://hooks.slack.com/services/T0/B0/x", false).is_ok());
        assert!(check_chat_hook("https://chat.example.com:8443/hooks/abc", false).is_ok());
        for bad in [
            "http://hooks.example.com/x",
            "ftp://example.com/x",
            "https://127.0.0.1/x",
            "https://localhost:8065/hooks/x",
            "https://10.1.2.3/x",
            "https://192.168.0.9/x",
            "https://169.254.169.254/latest",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[::ffff:127.0.0.1]/x",
            "https://user:pw@example.com/x",
            "https:///x",
            "https://example.com/a\nb",
        ] {
            match check_chat_hook(bad, false) {
                Err(Error::Invalid { field, .. }) => assert_eq!(field, "url", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        // An administrator's channel (or a server that allows it) may use a
        // relay inside the network.
        assert!(check_chat_hook("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(check_chat_hook("http://mattermost.internal/hooks/x", true).is_ok());
    }
}
