// The terminal protocol (version 1) over WebSocket, as the native terminals speak it
// (see the OpenAPI schemas TerminalClientMessage / TerminalServerMessage): hello with the
// last sequence kept by the caller, the durable log pushed in order, commands answered by
// ack/error with their id, heartbeats answered, reconnect with backoff. The page's session
// cookie authenticates the upgrade (the server accepts it from the same origin only).

const VERSION = 1;
const MAX_BACKOFF_MS = 30_000;

export class TerminalSocket {
  /**
   * @param {string} unitId
   * @param {object} on - callbacks: lastSeq() → number, message(m), resync(r), state(online),
   *   fatal(error) for refusals that a reconnect would not cure (signed out, not the crew).
   */
  constructor(unitId, on) {
    this.unitId = unitId;
    this.on = on;
    this.ws = null;
    this.pending = new Map();
    this.nextId = 1;
    this.failures = 0;
    this.stopped = false;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }

  connect() {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${window.location.host}/api/v1/terminal/ws`);
    this.ws = ws;
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify({ type: 'hello', version: VERSION, unit_id: this.unitId, last_seq: this.on.lastSeq() }));
    });
    ws.addEventListener('message', (ev) => this.receive(ev.data));
    ws.addEventListener('close', () => this.closed(ws));
  }

  receive(data) {
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      return;
    }
    switch (m.type) {
      case 'welcome':
        this.failures = 0;
        this.on.state(true);
        break;
      case 'resync':
        this.on.resync(m);
        break;
      case 'message':
        this.on.message(m);
        break;
      case 'ping':
        this.send({ type: 'pong' });
        break;
      case 'ack':
      case 'error':
        this.settle(m);
        break;
      default:
        break;
    }
  }

  settle(m) {
    const p = m.id ? this.pending.get(m.id) : null;
    if (p) {
      this.pending.delete(m.id);
      if (m.type === 'ack') p.resolve(m.result);
      else p.reject(m);
      return;
    }
    // An error without a command: the session itself was refused.
    if (m.type === 'error' && ['unauthenticated', 'not_found', 'forbidden'].includes(m.code)) {
      this.stopped = true;
      this.on.fatal(m);
    }
  }

  closed(ws) {
    if (ws !== this.ws) return;
    this.on.state(false);
    for (const p of this.pending.values()) p.reject({ code: 'offline' });
    this.pending.clear();
    if (this.stopped) return;
    // 1 s, 2 s, 4 s … up to 30 s, with jitter so a restarted server is not hit by every
    // terminal at once.
    const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures);
    this.failures += 1;
    this.timer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }

  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  /** Sends a command; resolves with the ack's result, rejects with the error frame. */
  command(frame) {
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, id })) {
        reject({ code: 'offline' });
        return;
      }
      this.pending.set(id, { resolve, reject });
    });
  }
}
