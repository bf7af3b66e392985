// Virtual phones: a handset of the simulated network as a chat. Messages
// ESMEs sent to the number arrive on the left, with the outcome the network
// gave them and when the sender got its receipt; replies typed here are
// mobile-originated messages (POST /admin/mo) to an account's address, on
// the right, with the moment the ESME acknowledged the deliver_sm.

import * as api from '../api.js';
import { h, clear, clock, dateTime, icon, stateBadge, toast } from '../util.js';

const sentKey = (n) => 'smsc.sent.' + n;

function loadSent(n) {
  try { return JSON.parse(sessionStorage.getItem(sentKey(n)) || '[]'); } catch { return []; }
}

function saveSent(n, list) {
  sessionStorage.setItem(sentKey(n), JSON.stringify(list.slice(-100)));
}

const normalize = (n) => String(n || '').trim().replace(/[\s-]/g, '').replace(/^\+/, '');

export default {
  id: 'phones',
  title: 'Virtual phones',
  subtitle: 'Handsets of the simulated network: read what ESMEs sent them, and reply.',
  icon: 'phones',
  mount(el, ctx, parts) {
    let number = '';
    let inbox = []; // PhoneMessage: id, from, text, time, state, part
    let sent = []; // our MOs: id, to, text, time, status, account, ackAt
    const receipts = new Map(); // message id → receipt event
    let addresses = []; // exact addresses of accounts
    let seq = 0;

    const openIn = h('input.input#phone-number', { name: 'number', placeholder: 'Phone number, e.g. 447700900123', inputmode: 'tel', autocomplete: 'off', spellcheck: 'false' });
    const openForm = h('form.phone-open', { onsubmit: (e) => {
      e.preventDefault();
      const n = normalize(openIn.value);
      if (!/^[0-9A-Za-z]{1,20}$/.test(n)) { toast('Type a number (digits, at most 20).', 'info'); return; }
      ctx.navigate('#/phones/' + encodeURIComponent(n));
    } }, openIn, h('button.btn.btn-primary', { type: 'submit' }, 'Open'));
    const numbersBox = h('div.numbers');
    const chatBox = h('div.chat-col');
    const datalist = h('datalist#account-addresses');
    el.append(h('div.phones-layout',
      h('div.phones-side.card', h('h3', 'Open a phone'), openForm, h('h4.side-head', 'Recent numbers'), numbersBox),
      chatBox), datalist);

    (async () => {
      try {
        const accs = api.list(await api.get('/admin/accounts'), 'accounts');
        for (const a of accs) {
          for (const ad of a.addresses || []) {
            const exact = ad.replace(/\*$/, '');
            if (exact) addresses.push({ addr: exact, account: a.system_id, prefix: ad.endsWith('*') });
          }
        }
        for (const a of addresses) datalist.append(h('option', { value: a.addr }, `${a.account}${a.prefix ? ' (prefix)' : ''}`));
        if (number) renderChat();
      } catch { /* the list is a hint only */ }
    })();

    function renderNumbers() {
      clear(numbersBox);
      if (!ctx.numbers.length) {
        numbersBox.append(h('p.muted.small', 'Numbers that receive messages while this page is open are listed here. You can open any number — it is created on first use.'));
        return;
      }
      for (const n of ctx.numbers) {
        numbersBox.append(h('a.number-link', { href: '#/phones/' + encodeURIComponent(n), class: n === number ? 'active' : '' }, icon('phones'), h('span.mono', n)));
      }
    }

    async function open(n) {
      number = n;
      const my = ++seq;
      inbox = [];
      sent = n ? loadSent(n) : [];
      openIn.value = n;
      renderNumbers();
      if (!n) {
        clear(chatBox).append(h('div.card.empty',
          h('div.empty-title', 'Open a virtual phone'),
          h('p', 'Every number of the simulated network is a virtual handset. Open one to see the messages ESMEs sent it, and reply as the subscriber: the reply goes to the ESME that owns the address you write to.'),
          h('p', 'Try it: send a message to a handset number, then open that number here:'),
          h('pre.cmd', h('code', 'go run ./cmd/smpp send --system-id smppclient1 --password PASSWORD --from 12345 --to 447700900123 --text "Your code is 4711" --dlr'))));
        return;
      }
      ctx.rememberNumber(n);
      renderNumbers();
      renderChat(true);
      try {
        const data = await api.get('/phones/' + encodeURIComponent(n) + '/messages');
        if (my !== seq) return;
        const got = api.list(data, 'messages');
        const known = new Map(inbox.map((m) => [m.id + '/' + (m.part || ''), m]));
        for (const m of got) known.set(m.id + '/' + (m.part || ''), { ...known.get(m.id + '/' + (m.part || '')), ...m });
        inbox = [...known.values()];
      } catch (e) {
        if (my !== seq) return;
        toast('Cannot read the phone\'s messages: ' + e.message, 'error');
      }
      for (const ev of ctx.events) track(ev, false);
      renderChat();
    }

    // track applies one event to the open phone; it reports whether the
    // chat changed.
    function track(ev, live = true) {
      if (!number) return false;
      if (ev.type === 'phone' && normalize(ev.to) === number) {
        if (!inbox.some((m) => m.id === ev.id)) {
          inbox.push({ id: ev.id, from: ev.from, text: ev.text, time: ev.time, state: ev.state, account: ev.account });
          return true;
        }
        return false;
      }
      if (ev.type === 'receipt' && inbox.some((m) => m.id === ev.id)) {
        receipts.set(ev.id, ev);
        return true;
      }
      const mine = sent.find((m) => m.id === ev.id);
      if (ev.type === 'mo' && normalize(ev.from) === number && !mine && live) {
        // Ours, while POST /admin/mo has not answered yet: it adds it.
        if (sent.some((m) => m.status === 'sending' && m.text === ev.text)) return false;
        sent.push({ id: ev.id, to: ev.to, text: ev.text, time: ev.time, status: 'queued', account: ev.account });
        saveSent(number, sent);
        return true;
      }
      if (mine && (ev.type === 'delivered' || ev.type === 'failed' || ev.type === 'expired')) {
        mine.status = ev.type;
        mine.ackAt = ev.time;
        mine.account = ev.account || mine.account;
        if (ev.text) mine.detail = ev.text;
        saveSent(number, sent);
        return true;
      }
      return false;
    }

    let chatEls = null;

    function renderChat(loading) {
      if (!chatEls || chatEls.number !== number) {
        const list = h('div.chat#chat', { role: 'log', 'aria-label': 'Messages of ' + number });
        const to = h('input.input#reply-to', { name: 'to', list: 'account-addresses', placeholder: 'account address', required: true, spellcheck: 'false', autocomplete: 'off' });
        const text = h('textarea.input#reply-text', { name: 'text', rows: 2, placeholder: 'Write a reply…', required: true, maxlength: 1000 });
        const send = h('button.btn.btn-primary.btn-send#reply-send', { type: 'submit', title: 'Send as a mobile-originated message' }, icon('send'), 'Send');
        const counter = h('span.small.muted');
        text.addEventListener('input', () => { counter.textContent = text.value ? `${text.value.length} chars` : ''; });
        text.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
        const form = h('form.composer#reply-form', { onsubmit: async (e) => {
          e.preventDefault();
          const body = { from: number, to: normalize(to.value), text: text.value };
          if (!body.to || !body.text) return;
          send.disabled = true;
          const local = { id: '', to: body.to, text: body.text, time: new Date().toISOString(), status: 'sending' };
          sent.push(local);
          drawMessages();
          try {
            const res = await api.post('/admin/mo', body);
            local.id = (res && (res.id || (Array.isArray(res.ids) && res.ids[0]))) || '';
            local.status = 'queued';
            local.account = res && res.account;
            sent = sent.filter((m) => m === local || m.id !== local.id);
            text.value = '';
            counter.textContent = '';
            // Events may have raced the answer.
            for (const ev of ctx.events) if (ev.id && ev.id === local.id) track(ev, false);
          } catch (e2) {
            local.status = 'error';
            local.detail = e2.message;
          } finally {
            send.disabled = false;
            saveSent(number, sent.filter((m) => m.status !== 'sending'));
            drawMessages();
            text.focus();
          }
        } }, h('div.composer-to', h('label', { for: 'reply-to' }, 'To'), to, h('span.small.muted', 'an address an account receives')),
        h('div.composer-row', text, send), counter);
        chatEls = { number, list, to, text, form, touched: false };
        to.addEventListener('input', () => { chatEls.touched = true; });
        to.addEventListener('focus', () => { chatEls.touched = true; });
        clear(chatBox).append(h('div.phone.card',
          h('div.phone-head', h('div.avatar', icon('phones')), h('div', h('div.phone-number.mono', number), h('div.small.muted', 'virtual handset · simulated network')),
            h('a.btn.btn-sm.btn-ghost', { href: `#/flow`, title: 'See every event' }, 'Live flow')),
          list, form));
      }
      if (!chatEls.to.value && !chatEls.touched) {
        const last = [...inbox].reverse().find((m) => m.from);
        chatEls.to.value = last ? last.from : (addresses[0]?.addr || '');
      }
      drawMessages(loading);
    }

    function drawMessages(loading) {
      const list = chatEls.list;
      const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      const items = [
        ...inbox.map((m) => ({ dir: 'in', m, t: new Date(m.time).getTime() })),
        ...sent.map((m) => ({ dir: 'out', m, t: new Date(m.time).getTime() })),
      ].sort((a, b) => a.t - b.t);
      clear(list);
      if (loading && !items.length) {
        list.append(h('div.loading', 'Loading…'));
        return;
      }
      if (!items.length) {
        list.append(h('div.chat-empty',
          h('div.empty-title', `No messages for ${number} yet`),
          h('p', 'Messages that ESMEs send to this number through the simulated network appear here, live.'),
          h('p', 'Or write below to an account\'s address: the ESME bound to that account receives your text as a deliver_sm.')));
        return;
      }
      let day = '';
      for (const it of items) {
        const d = new Date(it.t);
        const dayStr = isNaN(d) ? '' : d.toDateString();
        if (dayStr && dayStr !== day) {
          day = dayStr;
          list.append(h('div.chat-day', dayStr === new Date().toDateString() ? 'Today' : dayStr));
        }
        list.append(it.dir === 'in' ? bubbleIn(it.m) : bubbleOut(it.m));
      }
      if (atBottom || loading !== undefined) list.scrollTop = list.scrollHeight;
      requestAnimationFrame(() => { list.scrollTop = list.scrollHeight; });
    }

    // accountOf finds the account that submitted a message, from the events
    // seen since sign-in (the API wants it to show the message).
    function accountOf(m) {
      if (m.account) return m.account;
      const ev = ctx.events.find((e) => e.id === m.id && (e.type === 'phone' || e.type === 'submitted') && e.account);
      return ev ? ev.account : '';
    }

    function bubbleIn(m) {
      const rc = receipts.get(m.id);
      const acc = accountOf(m);
      return h('div.bubble-row.in', { dataset: { id: m.id, dir: 'in', state: m.state || '' } },
        h('div.bubble',
          h('div.bubble-from.mono', m.from || 'unknown sender', m.part ? h('span.muted', ` · part ${m.part}`) : null),
          h('div.bubble-text', m.text || h('span.muted', '(no text: binary message)')),
          h('div.bubble-meta',
            h('span', { title: dateTime(m.time) }, clock(m.time)),
            stateBadge(m.state),
            rc ? h('span.receipt', { title: `Receipt (${rc.state}) delivered to ${rc.account} at ${dateTime(rc.time)}` }, icon('check'), `receipt → ${rc.account} ${clock(rc.time)}`) : null,
            acc ? h('a.msg-link', { href: `#/messages/${encodeURIComponent(m.id)}?account=${encodeURIComponent(acc)}`, title: `Open the message (submitted by ${acc})` }, 'details') : null)));
    }

    function bubbleOut(m) {
      const st = {
        sending: ['Sending…', 'pending'],
        queued: [`Queued for ${m.account || 'the account'} — waiting for the ESME`, 'pending'],
        delivered: [`Delivered to ESME ${m.account || ''} ${m.ackAt ? clock(m.ackAt) : ''}`, 'ok'],
        failed: [`Not delivered to ${m.account || 'the ESME'}${m.detail ? ': ' + m.detail : ''}`, 'bad'],
        expired: ['Expired before an ESME took it', 'warn'],
        error: [m.detail || 'Refused', 'bad'],
      }[m.status] || [m.status, 'neutral'];
      return h('div.bubble-row.out', { dataset: { id: m.id || '', dir: 'out', status: m.status } },
        h('div.bubble',
          h('div.bubble-from.mono', 'to ' + m.to),
          h('div.bubble-text', m.text),
          h('div.bubble-meta',
            h('span', { title: dateTime(m.time) }, clock(m.time)),
            h('span.ack', { class: 'ack-' + st[1], title: m.ackAt ? 'deliver_sm_resp at ' + dateTime(m.ackAt) : '' },
              m.status === 'delivered' ? icon('check') : null, st[0]))));
    }

    const off = ctx.stream.on((ev) => {
      if (ev.type === 'phone') renderNumbers();
      if (track(ev)) drawMessages();
    });

    open(normalize(parts[0] || ''));
    return {
      update(p) { chatEls = null; open(normalize(p[0] || '')); },
      unmount: off,
    };
  },
};
