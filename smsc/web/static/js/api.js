// The HTTP API client: JSON calls with the admin bearer token, and the
// live event stream read with fetch + ReadableStream (so the token travels
// in the Authorization header, which EventSource cannot set).

const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') || '';

export const API = meta('smsc-api') || '/api/v1';
const KEY = 'smsc.adminToken';

let unauthorized = () => {};

export function onUnauthorized(f) { unauthorized = f; }

export function token() {
  return sessionStorage.getItem(KEY) || '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
}

// injectedToken is the token smscd wrote into a page opened over loopback.
export function injectedToken() { return meta('smsc-admin-token'); }

export class ApiError extends Error {
  constructor(status, msg, field) {
    super(msg);
    this.status = status;
    this.field = field || '';
  }
}

function authHeaders(t = token()) {
  return t ? { Authorization: 'Bearer ' + t } : {};
}

// call sends one request; the JSON answer (or null) resolves, an HTTP error
// rejects with ApiError carrying the server's message.
export async function call(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json', ...authHeaders(opts.token) };
  const init = { method, headers, signal: opts.signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'cannot reach the SMSC (' + e.message + ')');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.token) unauthorized();
    let msg = res.status + ' ' + res.statusText;
    let fieldName = '';
    if (data && typeof data === 'object') {
      const e = data.error && typeof data.error === 'object' ? data.error : data;
      msg = e.message || e.error || e.detail || e.title || msg;
      fieldName = e.field || '';
      if (fieldName && !msg.includes(fieldName)) msg = fieldName + ': ' + msg;
    } else if (typeof data === 'string' && data.trim()) {
      msg = data.trim();
    }
    throw new ApiError(res.status, msg, fieldName);
  }
  return data;
}

export const get = (p, o) => call('GET', p, undefined, o);
export const post = (p, b, o) => call('POST', p, b, o);
export const put = (p, b, o) => call('PUT', p, b, o);
export const patch = (p, b, o) => call('PATCH', p, b, o);
export const del = (p, o) => call('DELETE', p, undefined, o);

export const enc = encodeURIComponent;

// list accepts a bare array or an object wrapping one (e.g. {sessions:[…]}).
export function list(data, ...keys) {
  if (Array.isArray(data)) return data;
  if (data && typeof data === 'object') {
    for (const k of [...keys, 'items', 'data', 'results']) {
      if (Array.isArray(data[k])) return data[k];
    }
  }
  return [];
}

// EventStream reads GET /events (Server-Sent Events) and hands each event
// (an smsc.Event) to its listeners; it reconnects with back-off.
export class EventStream {
  constructor() {
    this.listeners = new Set();
    this.statusListeners = new Set();
    this.status = 'idle';
    this.ctrl = null;
    this.backoff = 500;
    this.running = false;
  }

  on(f) { this.listeners.add(f); return () => this.listeners.delete(f); }

  onStatus(f) { this.statusListeners.add(f); f(this.status); return () => this.statusListeners.delete(f); }

  setStatus(s) {
    if (s === this.status) return;
    this.status = s;
    for (const f of this.statusListeners) f(s);
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.loop();
  }

  stop() {
    this.running = false;
    if (this.ctrl) this.ctrl.abort();
    this.setStatus('idle');
  }

  async loop() {
    while (this.running) {
      this.ctrl = new AbortController();
      this.setStatus('connecting');
      try {
        await this.read(this.ctrl.signal);
      } catch (e) {
        if (!this.running) break;
        if (e instanceof ApiError && e.status === 401) {
          unauthorized();
          break;
        }
      }
      if (!this.running) break;
      this.setStatus('offline');
      await new Promise((r) => setTimeout(r, this.backoff));
      this.backoff = Math.min(this.backoff * 2, 10000);
    }
  }

  async read(signal) {
    const res = await fetch(API + '/events', {
      headers: { Accept: 'text/event-stream', ...authHeaders() },
      signal,
      cache: 'no-store',
    });
    if (!res.ok || !res.body) {
      throw new ApiError(res.status, 'event stream: ' + res.status);
    }
    this.setStatus('live');
    this.backoff = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    let data = [];
    let type = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value;
      let i;
      while ((i = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(buf[i] === '\r' && buf[i + 1] === '\n' ? i + 2 : i + 1);
        if (line === '') {
          if (data.length) this.dispatch(type, data.join('\n'));
          data = [];
          type = '';
        } else if (line.startsWith(':')) {
          // comment / keep-alive
        } else {
          const c = line.indexOf(':');
          const name = c < 0 ? line : line.slice(0, c);
          let v = c < 0 ? '' : line.slice(c + 1);
          if (v.startsWith(' ')) v = v.slice(1);
          if (name === 'data') data.push(v);
          else if (name === 'event') type = v;
        }
      }
    }
  }

  dispatch(type, raw) {
    let ev;
    try { ev = JSON.parse(raw); } catch { return; }
    if (!ev || typeof ev !== 'object') return;
    if (!ev.type && type) ev.type = type;
    for (const f of this.listeners) {
      try { f(ev); } catch (e) { console.warn('event listener', e); }
    }
  }
}
