// DOM and formatting helpers. Every text from the server goes through
// textContent (never innerHTML): message texts are user data.

// h builds an element: h('div.card#main', {onclick, class, data-x}, children…).
export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined && attrs !== null) children.unshift(attrs);
    attrs = {};
  }
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const tag = (m && m[1]) || 'div';
  const el = document.createElement(tag);
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v); // CSSOM: allowed by the CSP, unlike a style attribute
    else if (k === 'value' || k === 'checked' || k === 'selected' || k === 'disabled') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

// svg icons (paths from a 24×24 grid, stroked).
const ICONS = {
  sessions: 'M4 6h16M4 12h16M4 18h10 M19 16l2 2-2 2',
  flow: 'M3 12h4l3-8 4 16 3-8h4',
  messages: 'M11 4a7 7 0 1 0 4.9 12L20 20M11 8v6M8 11h6',
  accounts: 'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M21 19v-1a4 4 0 0 0-3-3.9M15.5 4.1a3 3 0 0 1 0 5.8',
  network: 'M12 3v3M12 18v3M4.2 7.5l2.6 1.5M17.2 15l2.6 1.5M4.2 16.5l2.6-1.5M17.2 9l2.6-1.5 M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6',
  phones: 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2M11 18h2',
  logout: 'M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 16l-4-4 4-4M6 12h10',
  send: 'M4 12l16-8-6 16-2-7z',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 4l12 8-12 8z',
  trash: 'M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3',
  plus: 'M12 5v14M5 12h14',
  x: 'M6 6l12 12M18 6L6 18',
  check: 'M5 12l4 4 10-10',
  info: 'M12 8h.01M11 12h1v5h1 M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18',
};

export function icon(name, cls) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon' + (cls ? ' ' + cls : ''));
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', ICONS[name] || '');
  svg.appendChild(p);
  return svg;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

export function clock(t, ms) {
  const d = t instanceof Date ? t : new Date(t);
  if (isNaN(d)) return '';
  const s = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return ms ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
}

export function dateTime(t) {
  const d = new Date(t);
  if (!t || isNaN(d) || d.getFullYear() < 1971) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d, true)}`;
}

// ago is "12s", "5m", "3h 2m", "2d 4h" since t.
export function ago(t, now = Date.now()) {
  const d = new Date(t);
  if (!t || isNaN(d) || d.getFullYear() < 1971) return '—';
  let s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const hr = Math.floor(m / 60);
  if (hr < 24) return `${hr}h ${m % 60}m`;
  return `${Math.floor(hr / 24)}d ${hr % 24}h`;
}

export function rate(x) {
  if (!isFinite(x) || x <= 0) return '0';
  if (x < 10) return x.toFixed(1);
  return Math.round(x).toLocaleString('en');
}

export function num(x) {
  return (x || 0).toLocaleString('en');
}

// Message states → a badge colour.
const STATE_CLASS = {
  DELIVERED: 'ok', DELIVRD: 'ok', ACCEPTED: 'ok', ACCEPTD: 'ok',
  ENROUTE: 'pending', SCHEDULED: 'pending', UNKNOWN: 'pending',
  UNDELIVERABLE: 'bad', UNDELIV: 'bad', REJECTED: 'bad', REJECTD: 'bad', FAILED: 'bad',
  EXPIRED: 'warn', DELETED: 'warn', SKIPPED: 'warn',
};

export function stateBadge(state) {
  if (!state) return null;
  return h('span.badge', { class: 'badge-' + (STATE_CLASS[state] || 'neutral'), dataset: { state } }, state);
}

// toast shows a short notice at the bottom right.
export function toast(msg, kind = 'info') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div#toasts', { role: 'status' });
    document.body.appendChild(box);
  }
  const t = h('div.toast', { class: 'toast-' + kind }, msg);
  box.appendChild(t);
  setTimeout(() => t.classList.add('fade'), 3800);
  setTimeout(() => t.remove(), 4300);
}

// emptyState explains what to do when a list is empty.
export function emptyState(title, body, code) {
  return h('div.empty', h('div.empty-title', title), body ? h('p', body) : null,
    code ? h('pre.cmd', h('code', code)) : null);
}

// twoStep is a button that asks "Sure?" before acting (no native dialogs).
export function twoStep(label, confirmLabel, action, cls = 'btn-danger') {
  const b = h('button.btn.btn-sm', { class: cls, type: 'button' }, label);
  let armed = null;
  b.addEventListener('click', async () => {
    if (!armed) {
      b.textContent = confirmLabel;
      b.classList.add('armed');
      armed = setTimeout(() => { armed = null; b.textContent = label; b.classList.remove('armed'); }, 3000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    b.disabled = true;
    try { await action(); } finally { b.disabled = false; b.textContent = label; b.classList.remove('armed'); }
  });
  return b;
}

export function field(label, input, hint) {
  return h('label.field', h('span.field-label', label), input, hint ? h('span.field-hint', hint) : null);
}

export function debounce(f, ms) {
  let t;
  return (...a) => { clearTimeout(t); t = setTimeout(() => f(...a), ms); };
}
