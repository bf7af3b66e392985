// Accounts: the ESMEs allowed to bind. Create (POST), edit (PATCH, a merge
// patch of the form's fields, so settings the form does not show — outbind,
// webhook — are kept), disable (DELETE: disables and unbinds) and enable.
// Changes are stored by the SMSC, shared by every node, and apply from the
// next bind.

import * as api from '../api.js';
import { h, clear, emptyState, field, toast, icon, twoStep } from '../util.js';

const MODES = [['tx', 'transmitter'], ['rx', 'receiver'], ['trx', 'transceiver']];

const splitList = (s) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export default {
  id: 'accounts',
  title: 'Accounts',
  subtitle: 'The ESMEs allowed to bind: credentials, the addresses they receive, limits.',
  icon: 'accounts',
  mount(el, ctx) {
    let list = null;
    let error = '';
    let bound = new Map(); // system_id → sessions
    const formBox = h('div');
    const body = h('div');
    const newBtn = h('button.btn.btn-primary#new-account', { type: 'button', onclick: () => openForm(null) }, icon('plus'), 'New account');
    el.append(h('div.toolbar', h('p.muted', 'Changes apply to the next bind; sessions already bound keep their settings.'), h('div.toolbar-right', newBtn)), formBox, body);

    async function refresh() {
      try {
        list = api.list(await api.get('/admin/accounts'), 'accounts');
        error = '';
      } catch (e) {
        error = e.message;
      }
      try {
        bound = new Map();
        for (const s of api.list(await api.get('/admin/sessions'), 'sessions')) bound.set(s.system_id, (bound.get(s.system_id) || 0) + 1);
      } catch { /* the count is a nicety */ }
      render();
    }

    function render() {
      clear(body);
      if (error) body.append(h('div.alert.alert-error', 'Cannot list accounts: ', error));
      if (list === null) { if (!error) body.append(h('div.loading', 'Loading accounts…')); return; }
      if (!list.length) {
        body.append(emptyState('No accounts yet', 'An ESME binds with an account\'s system_id and password. Create one with “New account”, then bind, e.g.:',
          'go run ./cmd/smpp listen --system-id SYSTEM_ID --password PASSWORD --bind trx'));
        return;
      }
      const rows = [...list].sort((a, b) => a.system_id.localeCompare(b.system_id)).map((a) => h('tr', { dataset: { systemId: a.system_id }, class: a.disabled ? 'row-disabled' : '' },
        h('td', h('strong', a.system_id)),
        h('td', a.disabled ? h('span.badge.badge-warn', 'disabled') : h('span.badge.badge-ok', 'enabled'),
          bound.get(a.system_id) ? h('div.sub', `${bound.get(a.system_id)} bound`) : null),
        h('td.pills', (a.bind_modes && a.bind_modes.length ? a.bind_modes : ['tx', 'rx', 'trx']).map((m) => h('span.pill', m))),
        h('td.mono', a.addresses && a.addresses.length ? a.addresses.join(', ') : h('span.muted', 'none'),
          a.webhook ? h('div.sub', { title: 'MO messages and receipts go to this webhook' }, 'webhook → ' + a.webhook.url) : null,
          a.outbind ? h('div.sub', { title: 'The SMSC outbinds here when messages wait' }, 'outbind → ' + a.outbind.addr) : null),
        h('td', a.throughput ? `${a.throughput} msg/s` : h('span.muted', 'no rate limit'),
          h('div.sub', a.max_binds ? `at most ${a.max_binds} bind${a.max_binds > 1 ? 's' : ''}` : 'any number of binds')),
        h('td.mono.small', a.allow_ips && a.allow_ips.length ? a.allow_ips.join(', ') : h('span.muted', 'any')),
        h('td.actions',
          h('button.btn.btn-sm', { type: 'button', onclick: () => openForm(a) }, 'Edit'),
          a.disabled
            ? h('button.btn.btn-sm', { type: 'button', onclick: () => setDisabled(a, false) }, 'Enable')
            : twoStep('Disable', bound.get(a.system_id) ? 'Disable + unbind?' : 'Disable?', () => setDisabled(a, true)))));
      body.append(h('div.table-wrap', h('table.table#accounts-table',
        h('thead', h('tr', h('th', 'System ID'), h('th', 'Status'), h('th', 'Bind modes'), h('th', 'Receives (addresses)'),
          h('th', 'Limits'), h('th', 'Allowed IPs'), h('th', ''))),
        h('tbody', rows))));
      body.append(h('p.muted.small', 'Addresses are the numbers (or prefixes ending in *) the account receives as deliver_sm — virtual phones reply to these.'));
    }

    async function setDisabled(a, disabled) {
      try {
        if (disabled) await api.del('/admin/accounts/' + api.enc(a.system_id));
        else await api.patch('/admin/accounts/' + api.enc(a.system_id), { disabled: false });
        toast(`${a.system_id} ${disabled ? 'disabled' : 'enabled'}`, 'ok');
      } catch (e) {
        toast(e.message, 'error');
      }
      refresh();
    }

    function openForm(a) {
      const editing = !!a;
      a = a || { bind_modes: ['tx', 'rx', 'trx'] };
      const modes = a.bind_modes && a.bind_modes.length ? a.bind_modes : ['tx', 'rx', 'trx'];
      const sys = h('input.input', { name: 'system_id', value: a.system_id || '', maxlength: 15, required: true, disabled: editing, autocomplete: 'off', spellcheck: 'false' });
      const pw = h('input.input', { name: 'password', type: 'password', maxlength: 8, required: !editing, autocomplete: 'new-password', placeholder: editing ? 'unchanged' : '' });
      const checks = MODES.map(([m, label]) => h('label.check', h('input', { type: 'checkbox', name: 'mode', value: m, checked: modes.includes(m) }), ` ${m} `, h('span.muted', label)));
      const addrs = h('input.input', { name: 'addresses', value: (a.addresses || []).join(', '), placeholder: 'e.g. 12345, 4477*', spellcheck: 'false' });
      const tput = h('input.input', { name: 'throughput', type: 'number', min: 0, step: 'any', value: a.throughput || '', placeholder: 'unlimited' });
      const maxb = h('input.input', { name: 'max_binds', type: 'number', min: 0, step: 1, value: a.max_binds || '', placeholder: 'any' });
      const ips = h('input.input', { name: 'allow_ips', value: (a.allow_ips || []).join(', '), placeholder: 'any (e.g. 127.0.0.1, 10.0.0.0/8)', spellcheck: 'false' });
      const err = h('p.form-error', { role: 'alert' });
      const save = h('button.btn.btn-primary', { type: 'submit' }, editing ? 'Save changes' : 'Create account');
      const form = h('form.card.form#account-form', {
        onsubmit: async (e) => {
          e.preventDefault();
          err.textContent = '';
          const body2 = {
            system_id: sys.value.trim(),
            bind_modes: checks.map((c) => c.querySelector('input')).filter((i) => i.checked).map((i) => i.value),
            addresses: splitList(addrs.value),
            throughput: Number(tput.value) || 0,
            max_binds: Math.trunc(Number(maxb.value) || 0),
            allow_ips: splitList(ips.value),
          };
          if (pw.value) body2.password = pw.value; else delete body2.password;
          if (!body2.bind_modes.length) { err.textContent = 'Allow at least one bind mode.'; return; }
          save.disabled = true;
          try {
            if (editing) await api.patch('/admin/accounts/' + api.enc(a.system_id), body2);
            else await api.post('/admin/accounts', body2);
            toast(`${body2.system_id} ${editing ? 'saved' : 'created'}`, 'ok');
            clear(formBox);
            refresh();
          } catch (e2) {
            err.textContent = e2.message;
          } finally {
            save.disabled = false;
          }
        },
      },
      h('h3', editing ? `Edit ${a.system_id}` : 'New account'),
      h('div.form-grid',
        field('System ID', sys, editing ? 'The system_id cannot change.' : 'At most 15 characters; the ESME binds with it.'),
        field('Password', pw, editing ? 'Leave empty to keep the current password.' : 'At most 8 characters (SMPP limit).'),
        h('div.field', h('span.field-label', 'Bind modes'), h('div.checks', checks)),
        field('Addresses', addrs, 'Numbers or prefixes (ending in *) delivered to this account.'),
        field('Throughput (messages/s)', tput, 'Beyond it submissions get ESME_RTHROTTLED. Empty: unlimited.'),
        field('Max concurrent binds', maxb, 'Per node. Empty: any.'),
        field('Allowed IPs', ips, 'Addresses or CIDRs. Empty: any.')),
      err,
      h('div.form-actions', save, h('button.btn', { type: 'button', onclick: () => clear(formBox) }, 'Cancel')));
      clear(formBox).append(form);
      (editing ? pw : sys).focus();
      form.scrollIntoView({ block: 'nearest' });
    }

    render();
    refresh();
    return {};
  },
};
