//! Posting a signed request to a channel's gateway and taking its answer's body as it is: the
//! caller verifies the channel's signature on it (`jingwu_payments::refund::read_answer`), the
//! same way whichever transport brought it. A channel with a gateway URL is called over
//! HTTP/1.1 (plain `http://`, bounded in time and size: put a TLS proxy in front of an
//! `https://` gateway); the built-in sandbox without one is called in process, where its
//! gateway builds the very body its HTTP route (`POST /api/v1/payments/sandbox/gateway`) sends.

use std::collections::BTreeMap;
use std::time::Duration;

use jingwu_payments::records::Channel;

use super::{Payments, SANDBOX};

/// How long a channel has to connect and to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read.
const MAX_BODY: usize = 256 * 1024;

/// Host, port and path of an `http://` URL.
pub(crate) fn http_target(url: &str) -> Result<(String, u16, String), String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// gateways (put a TLS proxy in front for https)".into());
    }
    let host = uri.host().filter(|h| !h.is_empty()).ok_or("no host")?;
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    Ok((host.to_owned(), uri.port_u16().unwrap_or(80), path))
}

impl Payments<'_> {
    /// The channel's answer to `params` (form-encoded), or why there is none.
    pub(crate) async fn post_to_gateway(
        &self,
        channel: &Channel,
        params: &BTreeMap<String, String>,
        ctx: &crate::RequestCtx,
    ) -> Result<String, String> {
        match &channel.gateway_url {
            Some(url) => post_form(url, params).await,
            None if channel.code == SANDBOX => self
                .sandbox_gateway(params, ctx)
                .await
                .map_err(|e| format!("sandbox: {e}")),
            None => Err(format!("channel {} has no gateway URL", channel.code)),
        }
    }
}

async fn post_form(url: &str, params: &BTreeMap<String, String>) -> Result<String, String> {
    use http_body_util::{BodyExt, Full, Limited};
    use hyper::body::Bytes;
    let (host, port, path) = http_target(url)?;
    let stream = tokio::time::timeout(
        TIMEOUT,
        tokio::net::TcpStream::connect((host.as_str(), port)),
    )
    .await
    .map_err(|_| "connection timed out".to_string())?
    .map_err(|e| format!("cannot connect: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let body = form_body(params);
    let req = hyper::Request::post(path)
        .header("host", format!("{host}:{port}"))
        .header(
            "content-type",
            "application/x-www-form-urlencoded;charset=utf-8",
        )
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let resp = tokio::time::timeout(TIMEOUT, sender.send_request(req))
        .await
        .map_err(|_| "no answer in time".to_string())?
        .map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("answered {}", resp.status()));
    }
    let bytes = tokio::time::timeout(TIMEOUT, Limited::new(resp.into_body(), MAX_BODY).collect())
        .await
        .map_err(|_| "the answer did not end in time".to_string())?
        .map_err(|e| format!("unreadable answer: {e}"))?
        .to_bytes();
    String::from_utf8(bytes.to_vec()).map_err(|_| "the answer is not UTF-8".to_string())
}

/// `application/x-www-form-urlencoded` text of the parameters.
fn form_body(params: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (k, v) in params {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

/// Percent-encoding of a form value (unreserved characters kept, space as `+`).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
