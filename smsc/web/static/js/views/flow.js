// Live message flow: every event of the SMSC as it happens, newest first,
// from the event stream (fetch streaming with the bearer token).

import { h, clear, clock, icon, emptyState, stateBadge } from '../util.js';

const TYPES = {
  submitted: 'An ESME submitted a message (submit_sm, or POST /messages)',
  mo: 'A handset sent a message to an account (mobile originated)',
  delivered: 'An ESME acknowledged a deliver_sm (deliver_sm_resp OK)',
  phone: 'The simulated network settled a message on a handset',
  receipt: 'A delivery receipt was sent to the submitting ESME',
  failed: 'Delivery to an ESME failed for good',
  expired: 'A message expired before it could be delivered',
  bound: 'An ESME bound',
  unbound: 'An ESME unbound or was disconnected',
};

const MAX_ROWS = 500;

export default {
  id: 'flow',
  title: 'Live message flow',
  subtitle: 'Every submission, delivery, receipt and bind as it happens, newest first.',
  icon: 'flow',
  mount(el, ctx) {
    const hidden = new Set(JSON.parse(sessionStorage.getItem('smsc.flowHidden') || '[]'));
    let paused = false;
    let queued = [];
    let filter = '';
    const tbody = h('tbody');
    const count = h('span.muted.small');
    const pauseBtn = h('button.btn.btn-sm', { type: 'button', onclick: () => setPaused(!paused) });
    const chips = Object.keys(TYPES).map((t) => h('button.chip', {
      type: 'button', class: 'ev-' + t, title: TYPES[t], 'aria-pressed': String(!hidden.has(t)), dataset: { type: t },
      onclick: (e) => {
        if (hidden.has(t)) hidden.delete(t); else hidden.add(t);
        e.currentTarget.setAttribute('aria-pressed', String(!hidden.has(t)));
        sessionStorage.setItem('smsc.flowHidden', JSON.stringify([...hidden]));
        rebuild();
      },
    }, t));
    const search = h('input.input.input-sm', { type: 'search', placeholder: 'Filter: account, number, id, text…', oninput: (e) => { filter = e.target.value.trim().toLowerCase(); rebuild(); } });
    const empty = h('div');
    const table = h('div.table-wrap', h('table.table.table-flow#flow-table',
      h('thead', h('tr', h('th', 'Time'), h('th', 'Event'), h('th', 'Account'), h('th', 'From → To'), h('th', 'State'), h('th', 'Text / details'), h('th', 'Message'))),
      tbody));
    el.append(
      h('div.toolbar', h('div.chips', chips), h('div.toolbar-right', search, pauseBtn,
        h('button.btn.btn-sm', { type: 'button', onclick: () => { ctx.events.length = 0; queued = []; rebuild(); } }, icon('trash'), 'Clear'))),
      empty, table, count);

    function setPaused(p) {
      paused = p;
      clear(pauseBtn).append(icon(p ? 'play' : 'pause'), p ? `Resume${queued.length ? ` (${queued.length} new)` : ''}` : 'Pause');
      if (!p && queued.length) {
        const q = queued;
        queued = [];
        for (const ev of q) addRow(ev);
        updateCount();
      }
    }

    function visible(ev) {
      if (hidden.has(ev.type)) return false;
      if (!filter) return true;
      return [ev.account, ev.from, ev.to, ev.id, ev.text, ev.session, ev.state, ev.type].some((v) => v && String(v).toLowerCase().includes(filter));
    }

    // ownerOf is the account that submitted the event's message (the API
    // shows a message to its owner): the event's account for submitted,
    // phone and receipt events; for deliveries (whose account is the
    // receiver) the submitter seen earlier, if any.
    function ownerOf(ev) {
      if (ev.type === 'submitted' || ev.type === 'phone' || ev.type === 'receipt') return ev.account || '';
      const sub = ctx.events.find((e) => e.id === ev.id && e.type === 'submitted');
      return sub ? sub.account : '';
    }

    function row(ev) {
      let details = ev.text || '';
      if (ev.type === 'bound' || ev.type === 'unbound') details = [ev.mode, ev.session, ev.type === 'bound' ? ev.from : ''].filter(Boolean).join(' · ');
      const fromTo = ev.type === 'bound' || ev.type === 'unbound' ? '' : [ev.from || '—', ev.to || '—'].join(' → ');
      const owner = ownerOf(ev);
      const msgLink = !ev.id ? '' : owner
        ? h('a.mono', { href: `#/messages/${encodeURIComponent(ev.id)}?account=${encodeURIComponent(owner)}`, title: `Open the message (submitted by ${owner})` }, ev.id)
        : h('span.mono', { title: ev.type === 'mo' ? 'Mobile originated: sent by a handset' : '' }, ev.id);
      return h('tr', { class: 'ev-row-' + ev.type, dataset: { type: ev.type, id: ev.id || '' } },
        h('td.mono.nowrap', clock(ev.time, true)),
        h('td', h('span.tag', { class: 'ev-' + ev.type, title: TYPES[ev.type] || '' }, ev.type)),
        h('td', ev.account || ''),
        h('td.mono.nowrap', fromTo),
        h('td', stateBadge(ev.state)),
        h('td.text-cell', details),
        h('td', msgLink));
    }

    function addRow(ev) {
      if (!visible(ev)) return;
      tbody.insertBefore(row(ev), tbody.firstChild);
      while (tbody.childElementCount > MAX_ROWS) tbody.lastChild.remove();
      showEmpty();
    }

    function showEmpty() {
      const none = tbody.childElementCount === 0;
      table.hidden = none;
      clear(empty);
      if (!none) return;
      if (ctx.events.length) {
        empty.append(emptyState('No event matches the filter', 'Turn event types back on above, or clear the filter text.'));
      } else {
        empty.append(emptyState('Waiting for traffic',
          'Events appear here the moment they happen. Send a message through an account, e.g.:',
          'go run ./cmd/smpp send --system-id smppclient1 --password PASSWORD --from 12345 --to 447700900123 --text "hello" --dlr'));
        empty.append(h('p.muted.small', '…or reply from a ', h('a', { href: '#/phones' }, 'virtual phone'), ', or bind an ESME.'));
      }
    }

    function updateCount() {
      count.textContent = `${tbody.childElementCount} shown · ${ctx.events.length} received since sign-in`;
    }

    function rebuild() {
      clear(tbody);
      const evs = ctx.events.slice(-MAX_ROWS);
      const frag = document.createDocumentFragment();
      for (let i = evs.length - 1; i >= 0; i--) if (visible(evs[i])) frag.append(row(evs[i]));
      tbody.append(frag);
      showEmpty();
      updateCount();
    }

    const off = ctx.stream.on((ev) => {
      if (paused) {
        queued.push(ev);
        setPaused(true);
        return;
      }
      addRow(ev);
      updateCount();
    });
    setPaused(false);
    rebuild();
    return { unmount: off };
  },
};
