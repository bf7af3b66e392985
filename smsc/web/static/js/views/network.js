// Fault injection: the simulated handset network's delay and, per
// destination prefix, the mix of outcomes (DELIVRD, UNDELIV, …) with their
// error codes. Applied at runtime with PUT /admin/network.

import * as api from '../api.js';
import { h, clear, field, toast, icon } from '../util.js';

const STATS = ['DELIVRD', 'UNDELIV', 'REJECTD', 'EXPIRED', 'DELETED', 'ACCEPTD'];
const STAT_CLASS = { DELIVRD: 'ok', ACCEPTD: 'ok', UNDELIV: 'bad', REJECTD: 'bad', EXPIRED: 'warn', DELETED: 'warn' };

const PRESETS = {
  'All delivered': () => ({ rules: [] }),
  'Flaky network': () => ({ rules: [{ prefix: '*', outcomes: [
    { stat: 'DELIVRD', weight: 80 }, { stat: 'UNDELIV', weight: 15, err: 1 }, { stat: 'EXPIRED', weight: 5 }] }] }),
  'Slow network': () => ({ rules: [{ prefix: '*', delay: '5s', outcomes: [{ stat: 'DELIVRD', weight: 1 }] }] }),
  'Dead range 999…': () => ({ rules: [{ prefix: '999*', outcomes: [{ stat: 'REJECTD', weight: 1, err: 11 }] }] }),
};

const clone = (x) => JSON.parse(JSON.stringify(x));

export default {
  id: 'network',
  title: 'Fault injection',
  subtitle: 'How the simulated handset network answers: delay and outcome mix per destination prefix.',
  icon: 'network',
  mount(el) {
    let saved = null;
    let cfg = null;
    const body = h('div');
    el.append(body);

    async function load() {
      try {
        saved = await api.get('/admin/network');
        saved.rules = saved.rules || [];
        cfg = clone(saved);
        render();
      } catch (e) {
        clear(body).append(h('div.alert.alert-error', 'Cannot read the network settings: ', e.message));
      }
    }

    const dirty = () => JSON.stringify(cfg) !== JSON.stringify(saved);

    function render() {
      const delay = h('input.input#net-delay', { name: 'delay', value: cfg.delay || '', placeholder: '200ms', spellcheck: 'false',
        oninput: (e) => { cfg.delay = e.target.value.trim(); status(); } });
      const applyBtn = h('button.btn.btn-primary#net-apply', { type: 'submit' }, icon('check'), 'Apply now');
      const revertBtn = h('button.btn', { type: 'button', onclick: () => { cfg = clone(saved); render(); } }, 'Revert');
      const state = h('span.dirty');
      const err = h('p.form-error', { role: 'alert' });
      function status() {
        const d = dirty();
        state.textContent = d ? 'Unsaved changes' : 'Applied';
        state.classList.toggle('is-dirty', d);
        revertBtn.disabled = !d;
      }
      const rules = h('div.rules', { 'onremove-rule': (e) => { cfg.rules.splice(e.detail, 1); render(); } });
      cfg.rules.forEach((r, i) => rules.append(ruleCard(r, i, () => { render(); }, status)));
      const tester = h('input.input.input-sm', { placeholder: 'e.g. 447700900123', spellcheck: 'false' });
      const testOut = h('span.small');
      tester.addEventListener('input', () => {
        const dest = tester.value.trim().replace(/^\+/, '');
        if (!dest) { testOut.textContent = ''; return; }
        const m = cfg.rules.map((r, i) => ({ r, i, p: String(r.prefix || '').replace(/\*$/, '') }))
          .filter((x) => dest.startsWith(x.p))
          .sort((a, b) => b.p.length - a.p.length || a.i - b.i)[0];
        testOut.textContent = m ? `→ rule ${m.i + 1} (${m.r.prefix}): ${describe(m.r)}` : '→ no rule: DELIVRD after the default delay';
      });
      const form = h('form#network-form', {
        onsubmit: async (e) => {
          e.preventDefault();
          err.textContent = '';
          applyBtn.disabled = true;
          try {
            const out = clone(cfg);
            if (!out.delay) delete out.delay;
            for (const r of out.rules) {
              if (!r.delay) delete r.delay;
              for (const o of r.outcomes) { o.weight = Number(o.weight) || 0; o.err = Math.trunc(Number(o.err) || 0); if (!o.err) delete o.err; }
            }
            await api.put('/admin/network', out);
            toast('Network settings applied', 'ok');
            await load();
          } catch (e2) {
            err.textContent = e2.message;
          } finally {
            applyBtn.disabled = false;
          }
        },
      },
      h('div.card',
        h('div.form-grid',
          field('Default delay', delay, 'Time before a handset outcome, e.g. 200ms, 2s. Rules can override it.'),
          h('div.field', h('span.field-label', 'Presets'), h('div.chips', Object.keys(PRESETS).map((name) => h('button.chip', { type: 'button', onclick: () => {
            cfg = { ...cfg, ...PRESETS[name]() };
            render();
          } }, name)))))),
      h('div.section-head', h('h3', 'Rules by destination prefix'), h('span.muted.small', 'The longest matching prefix wins; destinations without a rule are DELIVRD.')),
      cfg.rules.length ? rules : h('div.empty.empty-sm', h('div.empty-title', 'No rules: every message is delivered'),
        h('p', 'Add a rule to make a prefix fail, expire or slow down — or pick a preset above.')),
      h('div.toolbar', h('button.btn#add-rule', { type: 'button', onclick: () => {
        cfg.rules.push({ prefix: '', outcomes: [{ stat: 'DELIVRD', weight: 90 }, { stat: 'UNDELIV', weight: 10, err: 1 }] });
        render();
        body.querySelector('.rule:last-child input')?.focus();
      } }, icon('plus'), 'Add rule'), h('div.toolbar-right', h('span.small.muted', 'Which rule applies to '), tester, testOut)),
      err,
      h('div.form-actions.sticky-actions', applyBtn, revertBtn, state,
        h('span.muted.small', 'Messages already waiting for their outcome keep theirs.')));
      clear(body).append(form);
      status();
    }

    load();
    return {};
  },
};

function describe(r) {
  const total = r.outcomes.reduce((a, o) => a + (Number(o.weight) || 0), 0) || 1;
  return r.outcomes.map((o) => `${Math.round((Number(o.weight) || 0) * 100 / total)}% ${o.stat}${o.err ? ' err ' + o.err : ''}`).join(', ') + (r.delay ? ` after ${r.delay}` : '');
}

function ruleCard(r, i, rerender, changed) {
  r.outcomes = r.outcomes || [];
  const bar = h('div.mixbar', { title: 'Outcome mix' });
  function drawBar() {
    clear(bar);
    const total = r.outcomes.reduce((a, o) => a + (Number(o.weight) || 0), 0);
    for (const o of r.outcomes) {
      const w = Number(o.weight) || 0;
      if (!w || !total) continue;
      const pct = (w * 100) / total;
      bar.append(h('div.mix', { class: 'mix-' + (STAT_CLASS[o.stat] || 'neutral'), style: { width: pct + '%' } }, pct >= 12 ? `${o.stat} ${Math.round(pct)}%` : ''));
    }
    if (!total) bar.append(h('div.mix.mix-empty', 'weights are all 0: DELIVRD'));
    changed();
  }
  const rows = r.outcomes.map((o, j) => {
    const share = h('td.num.small.muted');
    const upd = () => {
      const total = r.outcomes.reduce((a, x) => a + (Number(x.weight) || 0), 0);
      share.textContent = total ? `${Math.round(((Number(o.weight) || 0) * 100) / total)}%` : '–';
    };
    return { o, upd, tr: h('tr',
      h('td', h('select.input.input-sm', { name: 'stat', onchange: (e) => { o.stat = e.target.value; drawBar(); } },
        STATS.map((s) => h('option', { value: s, selected: s === o.stat }, s)))),
      h('td', h('input.input.input-sm', { type: 'number', name: 'weight', min: 0, step: 'any', value: o.weight ?? 0,
        oninput: (e) => { o.weight = e.target.value === '' ? 0 : Number(e.target.value); updAll(); drawBar(); } })),
      share,
      h('td', h('input.input.input-sm', { type: 'number', name: 'err', min: 0, max: 65535, step: 1, value: o.err || '', placeholder: '0',
        title: 'Network error code carried in the receipt (err:)', oninput: (e) => { o.err = Number(e.target.value) || 0; changed(); } })),
      h('td', h('button.btn.btn-icon', { type: 'button', title: 'Remove this outcome', 'aria-label': 'Remove outcome', onclick: () => { r.outcomes.splice(j, 1); rerender(); } }, icon('x')))) };
  });
  const updAll = () => rows.forEach((x) => x.upd());
  updAll();
  const card = h('div.card.rule', { dataset: { index: String(i) } },
    h('div.rule-head',
      h('span.rule-num', String(i + 1)),
      field('Prefix', h('input.input', { name: 'prefix', value: r.prefix || '', placeholder: '4477* or * for all', spellcheck: 'false',
        oninput: (e) => { r.prefix = e.target.value.trim(); changed(); } })),
      field('Delay (optional)', h('input.input', { name: 'rule-delay', value: r.delay || '', placeholder: 'default', spellcheck: 'false',
        oninput: (e) => { r.delay = e.target.value.trim(); if (!r.delay) delete r.delay; changed(); } })),
      h('button.btn.btn-sm.btn-danger.rule-remove', { type: 'button', onclick: () => { cfgRemove(); } }, icon('trash'), 'Remove rule')),
    bar,
    h('table.table.table-compact',
      h('thead', h('tr', h('th', 'Outcome'), h('th', 'Weight'), h('th.num', 'Share'), h('th', 'Error code'), h('th', ''))),
      h('tbody', rows.map((x) => x.tr))),
    h('button.btn.btn-sm.btn-ghost', { type: 'button', onclick: () => { r.outcomes.push({ stat: 'UNDELIV', weight: 10, err: 1 }); rerender(); } }, icon('plus'), 'Add outcome'));
  function cfgRemove() {
    card.dispatchEvent(new CustomEvent('remove-rule', { bubbles: true, detail: i }));
  }
  drawBar();
  return card;
}
