//! Service Ping: parse payloads, metrics dictionary, analysis and reports (issue #7). Nothing here yet.
