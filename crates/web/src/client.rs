//! Who is asking: the client's address, taken from the connection, or from
//! `X-Forwarded-For` / `Forwarded` when the connection comes from a trusted
//! reverse proxy (`ONRAMP_TRUSTED_PROXIES`).

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};

/// The networks whose forwarding headers are believed. Empty by default: the
/// peer address is the client.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses comma-separated CIDRs (`10.0.0.0/8, 127.0.0.1`); a bare address
    /// is one host. The error names the entry that is not a network.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{entry}` is not an IP address or CIDR network"))?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// IPv4 addresses mapped into IPv6 are compared as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address: the peer, unless the peer is a trusted proxy; then
/// the nearest address in the forwarding chain that is not a trusted proxy
/// (walking from the right, so a client cannot forge its way past the proxy).
pub fn client_address(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = canonical(peer?.ip());
    if !trusted.contains(peer) {
        return Some(peer);
    }
    let mut chain = forwarded_for(headers);
    if chain.is_empty() {
        chain = x_forwarded_for(headers);
    }
    Some(
        chain
            .into_iter()
            .rev()
            .map(canonical)
            .find(|ip| !trusted.contains(*ip))
            .unwrap_or(peer),
    )
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| parse_node(part.trim()))
        .collect()
}

/// The `for=` nodes of RFC 7239 `Forwarded` headers, in order.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.trim().split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim().trim_matches('"')))
                    .flatten()
            })
        })
        .collect()
}

/// `1.2.3.4`, `1.2.3.4:5678`, `[::1]`, `[::1]:80` or `::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|ip| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().expect("ip"), 40000))
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_address(peer("198.51.100.7"), &forged, &none),
            Some("198.51.100.7".parse().expect("ip"))
        );
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").expect("valid");
        // Behind the proxy: the right-most address that is not a proxy.
        let chain = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7, 10.1.2.3")]);
        assert_eq!(
            client_address(peer("10.0.0.1"), &chain, &proxies),
            Some("198.51.100.7".parse().expect("ip"))
        );
        let forwarded = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http, for=\"[2001:db8::17]:4711\"",
        )]);
        assert_eq!(
            client_address(peer("127.0.0.1"), &forwarded, &proxies),
            Some("2001:db8::17".parse().expect("ip"))
        );
        // A trusted proxy without a header is the client itself.
        assert_eq!(
            client_address(peer("::ffff:127.0.0.1"), &HeaderMap::new(), &proxies),
            Some("127.0.0.1".parse().expect("ip"))
        );
        assert_eq!(client_address(None, &chain, &proxies), None);
    }

    #[test]
    fn bad_networks_are_named() {
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8,proxy.internal").unwrap_err(),
            "`proxy.internal` is not an IP address or CIDR network"
        );
        assert!(TrustedProxies::parse("").expect("empty").0.is_empty());
    }
}
