// Live sessions: the SMPP binds of every node of the cluster, with PDU rates computed from
// the deltas of their counters between two polls, and a kick button.

import * as api from '../api.js';
import { h, clear, ago, dateTime, rate, num, emptyState, twoStep, toast } from '../util.js';

const POLL_MS = 2000;

const MODES = { tx: 'transmitter', rx: 'receiver', trx: 'transceiver' };

// The counters of a session (GET /admin/sessions: pdus_sent, pdus_received,
// in_flight, timeouts, errors).
const counter = (s, name) => Number(s[name]) || 0;

export default {
  id: 'sessions',
  title: 'Live sessions',
  subtitle: 'ESMEs bound to this SMSC over SMPP, with their PDU rates. Kick unbinds a session.',
  icon: 'sessions',
  mount(el, ctx) {
    const prev = new Map(); // id → { sent, received, at }
    const rates = new Map(); // id → { in, out }
    let list = null;
    let timer = null;
    let busy = false;
    let error = '';
    const body = h('div');
    const note = h('p.muted.small', `Rates are PDUs per second over the last ${POLL_MS / 1000}s, from each session's counters.`);
    el.append(body, note);

    async function refresh() {
      if (busy) return;
      busy = true;
      try {
        const data = await api.get('/admin/sessions');
        list = api.list(data, 'sessions');
        error = '';
        const now = performance.now();
        const seen = new Set();
        for (const s of list) {
          seen.add(s.id);
          const cur = { sent: counter(s, 'pdus_sent'), received: counter(s, 'pdus_received'), at: now };
          const p = prev.get(s.id);
          if (p && now > p.at) {
            const dt = (now - p.at) / 1000;
            rates.set(s.id, { in: (cur.received - p.received) / dt, out: (cur.sent - p.sent) / dt });
          }
          prev.set(s.id, cur);
        }
        for (const id of prev.keys()) if (!seen.has(id)) { prev.delete(id); rates.delete(id); }
      } catch (e) {
        error = e.message;
      } finally {
        busy = false;
      }
      render();
    }

    function render() {
      clear(body);
      if (error) body.append(h('div.alert.alert-error', 'Cannot list sessions: ', error));
      if (list === null) {
        body.append(h('div.loading', 'Loading sessions…'));
        return;
      }
      if (list.length === 0) {
        body.append(emptyState('No sessions yet',
          'Nothing is bound right now. Bind an ESME — for example the smpp command-line client of this repository, which prints every message it receives:',
          'go run ./cmd/smpp listen --addr 127.0.0.1:2775 --system-id smppclient1 --password PASSWORD --bind trx'));
        body.append(h('p.muted.small', 'Accounts and their passwords are on the ', h('a', { href: '#/accounts' }, 'Accounts'), ' page. The session appears here as soon as the bind succeeds.'));
        return;
      }
      const sorted = [...list].sort((a, b) => String(a.system_id).localeCompare(String(b.system_id)) || String(a.id).localeCompare(String(b.id)));
      const rows = sorted.map((s) => {
        const r = rates.get(s.id);
        const boundAt = s.bound_at;
        return h('tr', { dataset: { sessionId: s.id, systemId: s.system_id } },
          h('td', h('strong', s.system_id), h('div.sub.mono', s.id)),
          h('td', h('span.pill', { title: MODES[s.mode] || '' }, s.mode), s.state && !/^bound/i.test(s.state) ? h('div.sub', s.state) : null),
          h('td.mono', s.remote),
          h('td', { title: dateTime(boundAt) }, ago(boundAt), h('div.sub', dateTime(boundAt).slice(11, 19))),
          h('td.num', h('span.rate', r ? rate(r.in) : '–'), h('div.sub', num(counter(s, 'pdus_received')) + ' total')),
          h('td.num', h('span.rate', r ? rate(r.out) : '–'), h('div.sub', num(counter(s, 'pdus_sent')) + ' total')),
          h('td.num', num(counter(s, 'in_flight')),
            counter(s, 'timeouts') ? h('div.sub.warn', counter(s, 'timeouts') + ' timeouts') : null,
            counter(s, 'errors') ? h('div.sub.warn', counter(s, 'errors') + ' errors') : null),
          h('td.actions', twoStep('Kick', 'Unbind?', async () => {
            try {
              await api.del('/admin/sessions/' + api.enc(s.id));
              toast(`Unbound ${s.system_id} (${s.id})`, 'ok');
            } catch (e) {
              toast('Kick failed: ' + e.message, 'error');
            }
            refresh();
          })));
      });
      body.append(h('div.table-wrap', h('table.table#sessions-table',
        h('thead', h('tr', h('th', 'System ID'), h('th', 'Bind'), h('th', 'Remote address'), h('th', 'Bound for'),
          h('th.num', 'In PDU/s'), h('th.num', 'Out PDU/s'), h('th.num', 'In flight'), h('th', ''))),
        h('tbody', rows))));
    }

    const off = ctx.stream.on((ev) => {
      if (ev.type === 'bound' || ev.type === 'unbound') refresh();
    });
    render();
    refresh();
    timer = setInterval(refresh, POLL_MS);
    return { unmount() { clearInterval(timer); off(); } };
  },
};
