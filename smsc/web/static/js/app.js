// The dashboard shell: login, navigation, the live event stream and the
// counters in the top bar. Each view lives in views/ and is mounted into
// the main area by the hash router (#/sessions, #/phones/4477…, …).

import * as api from './api.js';
import { h, icon, clear, rate, num, toast } from './util.js';
import sessions from './views/sessions.js';
import flow from './views/flow.js';
import messages from './views/messages.js';
import accounts from './views/accounts.js';
import network from './views/network.js';
import phones from './views/phones.js';

const VIEWS = [sessions, flow, messages, accounts, network, phones];
const TITLE = document.querySelector('meta[name="smsc-title"]')?.getAttribute('content') || 'smscd';
const root = document.getElementById('app');

// Shared state of the signed-in page.
const ctx = {
  stream: new api.EventStream(),
  events: [], // the last events, oldest first
  maxEvents: 1000,
  stats: null,
  statsRate: {},
  navigate(hash) { location.hash = hash; },
  numbers: loadNumbers(),
  statsListeners: new Set(),
  onStats(f) { this.statsListeners.add(f); return () => this.statsListeners.delete(f); },
};

function loadNumbers() {
  try { return JSON.parse(sessionStorage.getItem('smsc.numbers') || '[]'); } catch { return []; }
}

ctx.rememberNumber = (n) => {
  if (!n) return;
  const i = ctx.numbers.indexOf(n);
  if (i === 0) return;
  if (i > 0) ctx.numbers.splice(i, 1);
  ctx.numbers.unshift(n);
  ctx.numbers.length = Math.min(ctx.numbers.length, 30);
  sessionStorage.setItem('smsc.numbers', JSON.stringify(ctx.numbers));
};

let statsSoon = null;

ctx.stream.on((ev) => {
  // Counters follow the traffic: poll soon after events (at most 3 times a second).
  if (!statsSoon && shell) statsSoon = setTimeout(() => { statsSoon = null; pollStats(); }, 330);
  ctx.events.push(ev);
  if (ctx.events.length > ctx.maxEvents) ctx.events.splice(0, ctx.events.length - ctx.maxEvents);
  if (ev.type === 'phone' && ev.to) ctx.rememberNumber(ev.to);
});

let current = null; // { view, unmount }
let shell = null;
let statsTimer = null;

api.onUnauthorized(() => {
  if (!api.token()) return;
  api.setToken('');
  toast('The admin token was refused; sign in again.', 'error');
  signOut();
});

function signOut() {
  api.setToken('');
  ctx.stream.stop();
  samples = [];
  clearInterval(statsTimer);
  statsTimer = null;
  if (current) current.unmount?.();
  current = null;
  shell = null;
  showLogin();
}

// ---- login ----

function showLogin(message) {
  clear(root);
  const input = h('input.input#token', { type: 'password', name: 'token', autocomplete: 'current-password', placeholder: 'admin token', required: true, spellcheck: 'false' });
  const err = h('p.login-error', { role: 'alert' }, message || '');
  const btn = h('button.btn.btn-primary.btn-block', { type: 'submit' }, 'Sign in');
  const form = h('form.login-card', { onsubmit: async (e) => {
    e.preventDefault();
    const t = input.value.trim();
    if (!t) return;
    btn.disabled = true;
    err.textContent = '';
    try {
      await tryToken(t);
    } catch (e2) {
      err.textContent = e2.status === 401 || e2.status === 403
        ? 'That token was refused. Check the admin token smscd printed when it started.'
        : e2.message;
      btn.disabled = false;
      input.select();
    }
  } },
  h('div.login-brand', logo(), h('span', TITLE)),
  h('h1', 'Sign in to the dashboard'),
  h('p.muted', 'Enter the admin token of this SMSC. It stays in this browser tab only (sessionStorage) and is sent as a bearer token to ', h('code', api.API), '.'),
  h('input', { type: 'text', name: 'username', autocomplete: 'username', value: 'admin', hidden: true, 'aria-hidden': 'true', tabindex: '-1' }),
  h('label.field', h('span.field-label', 'Admin token'), input),
  err, btn,
  h('details.login-help', h('summary', 'Where do I find the token?'),
    h('p', 'smscd prints it on start-up. When smscd listens on 127.0.0.1 and knows its admin token, the dashboard opened at ',
      h('code', 'http://127.0.0.1:…/'), ' signs in by itself.')));
  root.appendChild(h('div.login', form));
  input.focus();
}

async function tryToken(t) {
  await api.get('/admin/sessions', { token: t });
  api.setToken(t);
  start();
}

function logo() {
  return h('img.logo', { src: 'favicon.svg', alt: '', width: 28, height: 28 });
}

// ---- shell ----

function start() {
  clear(root);
  const links = VIEWS.map((v) => h('a.nav-link', { href: '#/' + v.id, dataset: { view: v.id }, title: v.title, 'aria-label': v.title }, icon(v.icon), h('span', v.title)));
  const live = h('span.live', { dataset: { status: 'idle' } }, h('span.dot'), h('span.live-label', 'offline'));
  const node = h('span.node.small.muted');
  const statsBox = h('div.stats');
  const title = h('h1.view-title');
  const subtitle = h('p.view-subtitle');
  const main = h('section.view#view');
  shell = { links, live, node, statsBox, title, subtitle, main };
  root.appendChild(h('div.shell',
    h('aside.sidebar',
      h('div.brand', logo(), h('div', h('div.brand-name', TITLE), h('div.brand-sub', 'SMSC dashboard'))),
      h('nav.nav', { 'aria-label': 'Views' }, links),
      h('div.sidebar-foot', h('div.foot-status', live, node),
        h('button.btn.btn-ghost.btn-sm.signout', { type: 'button', onclick: signOut, title: 'Forget the token in this tab' }, icon('logout'), 'Sign out'))),
    h('div.main',
      h('header.topbar', h('div.titles', title, subtitle), statsBox),
      main)));
  ctx.stream.onStatus((s) => {
    live.dataset.status = s;
    live.querySelector('.live-label').textContent = s === 'live' ? 'live' : s === 'connecting' ? 'connecting…' : 'offline';
    live.title = s === 'live' ? 'Following ' + api.API + '/events' : 'Event stream ' + s;
  });
  ctx.stream.start();
  pollStats();
  statsTimer = setInterval(pollStats, 2000);
  route();
}

// Samples of the counters over the last few seconds, for the rates.
const RATE_WINDOW_MS = 5000;
let samples = [];

async function pollStats() {
  let s;
  try {
    s = await api.get('/stats');
  } catch {
    return;
  }
  if (!shell) return;
  const now = performance.now();
  if (Array.isArray(s)) s = s[0] || {};
  if (s && s.nodes && !s.submitted) s = s.nodes[0] || s;
  samples.push({ s, at: now });
  // Keep one sample at least RATE_WINDOW_MS old (the base), drop older ones.
  while (samples.length > 2 && now - samples[1].at >= RATE_WINDOW_MS) samples.shift();
  const base = samples[0];
  const dt = (now - base.at) / 1000;
  for (const k of ['submitted', 'delivered', 'receipts']) {
    ctx.statsRate[k] = dt > 0.2 ? Math.max(0, ((s[k] || 0) - (base.s[k] || 0)) / dt) : 0;
  }
  ctx.stats = s;
  renderStats();
  for (const f of ctx.statsListeners) f(s);
}

function renderStats() {
  const s = ctx.stats || {};
  const r = ctx.statsRate;
  shell.node.textContent = s.node ? 'node ' + s.node : '';
  shell.node.title = s.node ? 'The SMSC node this dashboard talks to' : '';
  const card = (label, value, sub, key) => h('div.stat', { dataset: { stat: key } },
    h('div.stat-value', value), h('div.stat-label', label, sub ? h('span.stat-sub', sub) : null));
  clear(shell.statsBox).append(
    card('sessions', num(s.sessions), null, 'sessions'),
    card('submitted', num(s.submitted), ` ${rate(r.submitted)}/s`, 'submitted'),
    card('delivered', num(s.delivered), ` ${rate(r.delivered)}/s`, 'delivered'),
    card('receipts', num(s.receipts), ` ${rate(r.receipts)}/s`, 'receipts'),
  );
  if (s.queues && typeof s.queues === 'object') {
    const q = Object.values(s.queues).reduce((a, n) => a + (Number(n) || 0), 0);
    const el = card('queued', num(q), null, 'queued');
    el.title = Object.entries(s.queues).map(([k, n]) => `${k}: ${n}`).join('\n');
    shell.statsBox.append(el);
  }
}

function route() {
  if (!shell) return;
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const view = VIEWS.find((v) => v.id === parts[0]) || VIEWS[0];
  const params = new URLSearchParams(query || '');
  if (current && current.view === view && current.update) {
    current.update(parts.slice(1), params);
  } else {
    if (current) current.unmount?.();
    clear(shell.main);
    shell.title.textContent = view.title;
    shell.subtitle.textContent = view.subtitle;
    document.title = `${view.title} · ${TITLE}`;
    for (const l of shell.links) l.classList.toggle('active', l.dataset.view === view.id);
    const m = view.mount(shell.main, ctx, parts.slice(1), params) || {};
    current = { view, unmount: m.unmount, update: m.update };
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('unhandledrejection', (e) => {
  // Every call is awaited in a try; this is the last resort: shown to the
  // user, and still logged (the browser test fails on it).
  toast(String(e.reason?.message || e.reason), 'error');
});

// ---- boot ----

(async function boot() {
  const injected = api.injectedToken();
  if (!api.token() && injected) api.setToken(injected);
  if (!api.token()) {
    showLogin();
    return;
  }
  try {
    await tryToken(api.token());
  } catch (e) {
    api.setToken('');
    showLogin(e.status === 401 ? '' : e.message);
  }
})();
