// Message search and detail: an account's messages (oldest first, filtered
// by destination and state), or one message by id with its state, history
// and PDU trace (the stored frame decoded field by field). The API takes the
// admin's account with ?account=.

import * as api from '../api.js';
import { h, clear, dateTime, clock, emptyState, stateBadge, field, toast } from '../util.js';
import { decodePDU } from '../pdu.js';

const PAGE = 50;
const STATES = ['ENROUTE', 'SCHEDULED', 'DELIVERED', 'EXPIRED', 'DELETED', 'UNDELIVERABLE', 'ACCEPTED', 'UNKNOWN', 'REJECTED', 'SKIPPED'];

export default {
  id: 'messages',
  title: 'Messages',
  subtitle: 'Find messages by account or id; open one to see its history and decoded PDU.',
  icon: 'messages',
  mount(el, ctx, parts, params) {
    let accounts = [];
    const accSel = h('select.input#msg-account', { name: 'account' }, h('option', { value: '' }, 'Choose an account…'));
    const idIn = h('input.input#msg-id', { type: 'search', name: 'id', placeholder: 'any', spellcheck: 'false' });
    const toIn = h('input.input#msg-to', { type: 'search', name: 'to', placeholder: 'number, or prefix*', spellcheck: 'false' });
    const stateSel = h('select.input#msg-state', { name: 'state' }, h('option', { value: '' }, 'any state'), STATES.map((s) => h('option', { value: s }, s)));
    const form = h('form.search-bar', {
      onsubmit: (e) => {
        e.preventDefault();
        const id = idIn.value.trim();
        const acc = accSel.value;
        if (!acc) {
          toast('Choose the account that submitted the messages.', 'info');
          accSel.focus();
          return;
        }
        const q = new URLSearchParams({ account: acc });
        if (id) {
          ctx.navigate(`#/messages/${encodeURIComponent(id)}?${q}`);
          return;
        }
        if (toIn.value.trim()) q.set('to', toIn.value.trim());
        if (stateSel.value) q.set('state', stateSel.value);
        ctx.navigate('#/messages?' + q);
      },
    }, field('Account', accSel), field('Message id', idIn), field('To', toIn), field('State', stateSel),
    h('button.btn.btn-primary', { type: 'submit' }, 'Search'));
    const out = h('div.results');
    el.append(h('div.card', form), out);

    let loadSeq = 0;
    let offEvents = null;

    (async () => {
      try {
        accounts = api.list(await api.get('/admin/accounts'), 'accounts');
      } catch (e) {
        out.prepend(h('div.alert.alert-error', 'Cannot list accounts: ', e.message));
        return;
      }
      for (const a of accounts.sort((x, y) => x.system_id.localeCompare(y.system_id))) {
        accSel.append(h('option', { value: a.system_id }, a.system_id));
      }
      accSel.value = new URLSearchParams(location.hash.split('?')[1] || '').get('account') || accSel.value;
    })();

    function update(parts2, params2) {
      if (offEvents) { offEvents(); offEvents = null; }
      const seq = ++loadSeq;
      const acc = params2.get('account') || '';
      accSel.value = acc;
      idIn.value = parts2[0] || '';
      toIn.value = params2.get('to') || '';
      stateSel.value = params2.get('state') || '';
      clear(out);
      if (parts2[0] && acc) showDetail(parts2[0], acc, seq);
      else if (acc) showList(acc, params2, seq);
      else {
        out.append(emptyState(parts2[0] ? `Which account sent message ${parts2[0]}?` : 'Search for messages', [
          'Pick the account that submitted the messages to list them; add a message id (from a submit_sm_resp, the HTTP API, or the ',
          h('a', { href: '#/flow' }, 'live flow'), ') to open one.']));
        if (parts2[0]) idIn.value = parts2[0];
      }
    }

    async function showList(acc, params2, seq, cursor, tbody) {
      let data;
      try {
        const q = new URLSearchParams({ account: acc, limit: String(PAGE) });
        for (const k of ['to', 'state']) if (params2.get(k)) q.set(k, params2.get(k));
        if (cursor) q.set('cursor', cursor);
        data = await api.get('/messages?' + q);
      } catch (e) {
        if (seq === loadSeq) out.append(h('div.alert.alert-error', 'Cannot list messages: ', e.message));
        return;
      }
      if (seq !== loadSeq) return;
      const msgs = api.list(data, 'messages');
      const next = data && !Array.isArray(data) ? (data.next || data.next_cursor || data.cursor || '') : '';
      if (!tbody) {
        if (!msgs.length) {
          out.append(params2.get('to') || params2.get('state')
            ? emptyState(`No message from ${acc} matches`, 'Clear the To and State filters to list all of its messages.')
            : emptyState(`No messages from ${acc} yet`,
              'Messages appear here once the account submits them over SMPP or POST ' + api.API + '/messages.'));
          return;
        }
        tbody = h('tbody');
        out.append(h('p.muted.small', 'Oldest first.'), h('div.table-wrap', h('table.table.table-click#messages-table',
          h('thead', h('tr', h('th', 'Submitted'), h('th', 'Id'), h('th', 'From → To'), h('th', 'Target'), h('th', 'State'), h('th', 'Text'))),
          tbody)));
      }
      for (const m of msgs) {
        const href = `#/messages/${encodeURIComponent(m.id)}?account=${encodeURIComponent(acc)}`;
        tbody.append(h('tr', { dataset: { id: m.id }, onclick: () => ctx.navigate(href) },
          h('td.nowrap', dateTime(m.submitted)),
          h('td', h('a.mono', { href }, m.id)),
          h('td.mono.nowrap', `${m.from || '—'} → ${m.to || '—'}`),
          h('td', m.target),
          h('td', stateBadge(m.state)),
          h('td.text-cell', m.text || '')));
      }
      out.querySelector('.more')?.remove();
      if (next) {
        out.append(h('div.more', h('button.btn', { type: 'button', onclick: () => showList(acc, params2, seq, next, tbody) }, 'Load more')));
      }
    }

    async function showDetail(id, acc, seq) {
      let m;
      out.append(h('div.loading', 'Loading message ' + id + '…'));
      try {
        m = await api.get('/messages/' + encodeURIComponent(id) + '?account=' + encodeURIComponent(acc));
      } catch (e) {
        if (seq !== loadSeq) return;
        clear(out).append(e.status === 404
          ? emptyState('No such message', `${acc} has no message ${id}. Check the id, or choose the account that submitted it.`)
          : h('div.alert.alert-error', 'Cannot load the message: ', e.message));
        return;
      }
      if (seq !== loadSeq) return;
      clear(out).append(detail(m, acc));
      // Live: refresh the state when an event for this message arrives.
      offEvents = ctx.stream.on((ev) => {
        if (ev.id === m.id && seq === loadSeq) setTimeout(() => { if (seq === loadSeq) { clear(out); showDetail(id, acc, seq); } }, 150);
      });
    }

    function detail(m, acc) {
      const live = ctx.events.filter((e) => e.id === m.id);
      const kv = (k, v) => [h('dt', k), h('dd', v === undefined || v === '' ? '—' : v)];
      const summary = h('div.card.detail#message-detail', { dataset: { id: m.id, state: m.state } },
        h('div.detail-head', h('h2.mono', m.id), stateBadge(m.state), m.err ? h('span.badge.badge-bad', 'err ' + m.err) : null),
        m.text ? h('blockquote.msg-text', m.text) : null,
        h('dl.kv', kv('From', m.from), kv('To', m.to), kv('Submitted by', m.owner || acc),
          kv('Routed to', m.target), kv('Submitted', dateTime(m.submitted)), kv('Final', m.done ? dateTime(m.done) : 'not yet'),
          kv('Expires', dateTime(m.expires)), m.schedule ? kv('Scheduled', dateTime(m.schedule)) : null,
          kv('Receipt requested', m.dlr ? 'yes' : 'no'), kv('data_coding', String(m.data_coding ?? ''))));
      const hist = [...(m.events || []).map((e) => ({ time: e.time, what: e.event, info: e.info, src: 'stored' })),
        ...live.map((e) => ({ time: e.time, what: e.type, info: [e.state, e.account, e.text && e.type !== 'submitted' ? e.text : ''].filter(Boolean).join(' · '), src: 'live' }))]
        .filter((e) => e.time && new Date(e.time).getFullYear() > 1970)
        .sort((a, b) => new Date(a.time) - new Date(b.time));
      const history = h('div.card',
        h('h3', 'History'),
        hist.length ? h('ol.timeline', hist.map((e) => h('li', { class: 'tl-' + e.src },
          h('span.tl-time.mono', clock(e.time, true)), h('span.tl-what', e.what), e.info ? h('span.tl-info', e.info) : null)))
          : h('p.muted', 'No history yet.'),
        h('p.muted.small', 'Stored steps come from the SMSC; live steps (receipts, handset outcome, ESME acknowledgements) were seen on the event stream since you signed in.'));
      return h('div', h('div.detail-grid', summary, history), pduTrace(m.pdu));
    }

    update(parts, params);
    return { update, unmount() { if (offEvents) offEvents(); loadSeq++; } };
  },
};

// pduTrace renders the stored frame: the decoded fields, TLVs, user data and hex.
export function pduTrace(hex) {
  const card = h('div.card#pdu-trace', h('h3', 'PDU trace'));
  if (!hex) {
    card.append(h('p.muted', 'No PDU stored for this message.'));
    return card;
  }
  const d = decodePDU(hex);
  card.append(h('p.muted.small', `${d.command || 'PDU'} as received, ${d.length} octets, decoded in your browser.`));
  if (d.error) card.append(h('div.alert.alert-warn', d.error));
  const row = (f, cls) => h('tr', { class: cls, dataset: { field: f.name } },
    h('td.mono.num', String(f.off)), h('td.mono', f.name), h('td.mono.value', { title: f.value }, f.value), h('td.small', f.note || ''), h('td.mono.raw', f.raw));
  card.append(h('div.table-wrap', h('table.table.table-pdu',
    h('thead', h('tr', h('th.num', 'Offset'), h('th', 'Field'), h('th', 'Value'), h('th', 'Meaning'), h('th', 'Octets'))),
    h('tbody', d.fields.map((f) => row(f)),
      d.tlvs.map((t) => row({ off: t.off, name: `${t.name} (${t.tag})`, value: t.value, note: `TLV, ${t.len} octets`, raw: t.raw }, 'tlv'))))));
  if (d.udh) {
    const c = d.udh.concat;
    card.append(h('p.small', h('strong', 'User data header: '), `${d.udh.len} octets, IEs `,
      d.udh.ies.map((ie) => '0x' + ie.id.toString(16).padStart(2, '0')).join(', '),
      c ? ` — part ${c.seq} of ${c.total}, reference ${c.ref}` : ''));
  }
  if (d.text !== null) {
    card.append(h('div.pdu-text', h('span.field-label', 'Decoded text'), h('blockquote.msg-text#pdu-text', d.text)));
  } else if (d.userData !== undefined) {
    card.append(h('div.pdu-text', h('span.field-label', 'User data (binary)'), h('pre.hex', d.userData)));
  }
  card.append(h('details.hexdump', h('summary', 'Raw frame (hex)'), h('pre.hex', hexDump(hex))));
  return card;
}

function hexDump(hex) {
  const s = hex.replace(/[^0-9a-f]/gi, '');
  const lines = [];
  for (let i = 0; i < s.length; i += 32) {
    const chunk = s.slice(i, i + 32);
    const bytes = chunk.match(/../g) || [];
    const ascii = bytes.map((b) => { const c = parseInt(b, 16); return c >= 32 && c < 127 ? String.fromCharCode(c) : '.'; }).join('');
    lines.push(`${(i / 2).toString(16).padStart(4, '0')}  ${bytes.join(' ').padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
