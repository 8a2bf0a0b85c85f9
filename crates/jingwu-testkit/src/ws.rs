//! The terminal protocol over a real socket: [`TestApp::serve`] binds the router on
//! 127.0.0.1:0 and [`Terminal`] talks to `/api/v1/terminal/ws` with tokio-tungstenite, as a
//! unit's terminal does.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::TestApp;

/// Guards against a hang only; no test asserts how fast anything is.
pub const PATIENCE: Duration = Duration::from_secs(20);

impl TestApp {
    /// Serves the router on a loopback port for as long as the test runs.
    pub async fn serve(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }
}

/// A terminal connection. `ws` is public for tests that need the raw socket (close,
/// flooding without reading).
pub struct Terminal {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Terminal {
    pub async fn connect(addr: SocketAddr, bearer: Option<&str>) -> Terminal {
        Self::try_connect(addr, bearer)
            .await
            .expect("WebSocket upgrade")
    }

    /// Connects, optionally with a bearer header on the upgrade request; the error tells a
    /// refused upgrade (`Error::Http`) from anything else.
    pub async fn try_connect(
        addr: SocketAddr,
        bearer: Option<&str>,
    ) -> Result<Terminal, tokio_tungstenite::tungstenite::Error> {
        let mut req = format!("ws://{addr}/api/v1/terminal/ws").into_client_request()?;
        if let Some(t) = bearer {
            let v = format!("Bearer {t}")
                .parse()
                .expect("a token is a valid header value");
            req.headers_mut().insert("authorization", v);
        }
        let (ws, _) = tokio_tungstenite::connect_async(req).await?;
        Ok(Terminal { ws })
    }

    /// Connects with the token in `hello` and returns the terminal after its `welcome`.
    pub async fn open(addr: SocketAddr, token: &str, unit_id: &str, last_seq: i64) -> Terminal {
        let mut t = Terminal::connect(addr, None).await;
        t.send(serde_json::json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": last_seq, "token": token}))
            .await;
        let w = t.next().await;
        assert_eq!(w["type"], "welcome", "{w}");
        assert_eq!(w["resume_after"], last_seq);
        t
    }

    pub async fn send(&mut self, v: Value) {
        self.ws
            .send(Message::text(v.to_string()))
            .await
            .expect("send a frame");
    }

    /// The next JSON frame, pings included; `Null` when the connection ended.
    pub async fn raw(&mut self) -> Value {
        loop {
            match tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the server answers")
            {
                Some(Ok(Message::Text(t))) => {
                    let v: Value = serde_json::from_str(t.as_str()).expect("a JSON frame");
                    // Refusals over the socket use the same registry as the REST problems.
                    if v["type"] == "error" {
                        let bad = crate::http::unregistered_codes(&v);
                        assert!(bad.is_empty(), "unregistered codes {bad:?}: {v}");
                    }
                    return v;
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Value::Null,
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next frame that is not a heartbeat.
    pub async fn next(&mut self) -> Value {
        loop {
            let v = self.raw().await;
            if v["type"] != "ping" {
                return v;
            }
        }
    }

    /// Sends a command and returns its reply (`ack` or `error` echoing the id).
    pub async fn command(&mut self, v: Value) -> Value {
        let id = v["id"].clone();
        self.send(v).await;
        let r = self.next().await;
        assert_eq!(r["id"], id, "{r}");
        r
    }
}
