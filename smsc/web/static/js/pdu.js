// A small SMPP PDU decoder for the message detail view: it turns the stored
// frame (hex) into a field table — header, the mandatory fields of
// submit_sm, deliver_sm, data_sm and submit_multi, the TLVs — and decodes
// the user data (UDH and text) by data_coding.

const COMMANDS = {
  0x00000004: 'submit_sm', 0x80000004: 'submit_sm_resp',
  0x00000005: 'deliver_sm', 0x80000005: 'deliver_sm_resp',
  0x00000103: 'data_sm', 0x80000103: 'data_sm_resp',
  0x00000021: 'submit_multi', 0x80000021: 'submit_multi_resp',
  0x00000003: 'query_sm', 0x00000007: 'replace_sm', 0x00000008: 'cancel_sm',
  0x00000111: 'broadcast_sm',
};

const TLVS = {
  0x0005: 'dest_addr_subunit', 0x0006: 'dest_network_type', 0x0007: 'dest_bearer_type',
  0x0008: 'dest_telematics_id', 0x000D: 'source_addr_subunit', 0x000E: 'source_network_type',
  0x000F: 'source_bearer_type', 0x0010: 'source_telematics_id', 0x0017: 'qos_time_to_live',
  0x0019: 'payload_type', 0x001D: 'additional_status_info_text', 0x001E: 'receipted_message_id',
  0x0030: 'ms_msg_wait_facilities', 0x0201: 'privacy_indicator', 0x0202: 'source_subaddress',
  0x0203: 'dest_subaddress', 0x0204: 'user_message_reference', 0x0205: 'user_response_code',
  0x020A: 'source_port', 0x020B: 'destination_port', 0x020C: 'sar_msg_ref_num',
  0x020D: 'language_indicator', 0x020E: 'sar_total_segments', 0x020F: 'sar_segment_seqnum',
  0x0210: 'sc_interface_version', 0x0302: 'callback_num_pres_ind', 0x0303: 'callback_num_atag',
  0x0304: 'number_of_messages', 0x0381: 'callback_num', 0x0420: 'dpf_result', 0x0421: 'set_dpf',
  0x0422: 'ms_availability_status', 0x0423: 'network_error_code', 0x0424: 'message_payload',
  0x0425: 'delivery_failure_reason', 0x0426: 'more_messages_to_send', 0x0427: 'message_state',
  0x0428: 'congestion_state', 0x0501: 'ussd_service_op', 0x060B: 'billing_identification',
  0x060D: 'source_network_id', 0x060E: 'dest_network_id', 0x060F: 'source_node_id',
  0x0610: 'dest_node_id', 0x1201: 'display_time', 0x1203: 'sms_signal', 0x1204: 'ms_validity',
  0x130C: 'alert_on_message_delivery', 0x1380: 'its_reply_type', 0x1383: 'its_session_info',
};

// TLVs whose value is an integer of its length.
const TLV_INT = new Set([0x0005, 0x0006, 0x0007, 0x000D, 0x000E, 0x000F, 0x0017, 0x0019, 0x0030,
  0x0201, 0x0204, 0x0205, 0x020A, 0x020B, 0x020C, 0x020D, 0x020E, 0x020F, 0x0210, 0x0302,
  0x0304, 0x0420, 0x0421, 0x0422, 0x0425, 0x0426, 0x0427, 0x0428, 0x0501, 0x1203]);
// TLVs whose value is a C-octet string.
const TLV_STR = new Set([0x001D, 0x001E, 0x060D, 0x060E]);

const TON = ['unknown', 'international', 'national', 'network specific', 'subscriber number', 'alphanumeric', 'abbreviated'];
const NPI = { 0: 'unknown', 1: 'ISDN (E.163/E.164)', 3: 'data (X.121)', 4: 'telex (F.69)', 6: 'land mobile (E.212)', 8: 'national', 9: 'private', 10: 'ERMES', 14: 'internet (IP)', 18: 'WAP client id' };
const CODINGS = { 0: 'SMSC default (GSM 03.38)', 1: 'IA5 (ASCII)', 2: 'binary', 3: 'Latin-1', 4: 'binary', 5: 'JIS', 6: 'Cyrillic', 7: 'Latin/Hebrew', 8: 'UCS-2', 9: 'pictogram', 10: 'music codes', 13: 'extended Kanji', 14: 'KS C 5601' };

const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXT = { 0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\', 0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€' };

export function hexToBytes(hex) {
  const s = String(hex || '').replace(/[^0-9a-f]/gi, '');
  if (s.length % 2) throw new Error('odd number of hex digits');
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(i * 2, 2), 16);
  return b;
}

export function toHex(b, sep = '') {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
}

const hx = (n, w) => '0x' + n.toString(16).padStart(w, '0');

// decodeText decodes user data by data_coding (GSM 7-bit unpacked, IA5,
// Latin-1, UCS-2); binary and unknown codings give null.
export function decodeText(dc, ud) {
  const group = dc >> 4;
  let alpha = dc;
  if (group === 1 || group === 4 || group === 5 || group === 0xF) {
    // GSM DCS general groups (bits 3-2) and 0xF0 (bit 2).
    alpha = group === 0xF ? ((dc >> 2) & 1 ? 4 : 0) : [0, 4, 8, -1][(dc >> 2) & 3];
  }
  switch (alpha) {
    case 0: {
      let out = '';
      for (let i = 0; i < ud.length; i++) {
        const c = ud[i] & 0x7f;
        if (c === 0x1b && i + 1 < ud.length) {
          const n = ud[++i] & 0x7f;
          out += GSM_EXT[n] ?? GSM_BASIC[n];
        } else {
          out += GSM_BASIC[c];
        }
      }
      return out;
    }
    case 1:
      return String.fromCharCode(...Array.from(ud, (x) => x & 0x7f));
    case 3:
      return String.fromCharCode(...ud);
    case 8: {
      try {
        return new TextDecoder('utf-16be', { fatal: false }).decode(ud);
      } catch {
        let s = '';
        for (let i = 0; i + 1 < ud.length; i += 2) s += String.fromCharCode((ud[i] << 8) | ud[i + 1]);
        return s;
      }
    }
    default:
      return null;
  }
}

// parseUDH reads a user data header: its IEs, with concatenation decoded.
export function parseUDH(ud) {
  const len = ud[0];
  if (len === undefined || len + 1 > ud.length) return null;
  const ies = [];
  let concat = null;
  for (let i = 1; i + 1 < len + 1;) {
    const id = ud[i], l = ud[i + 1];
    const v = ud.slice(i + 2, i + 2 + l);
    ies.push({ id, len: l, value: v });
    if (id === 0x00 && l === 3) concat = { ref: v[0], total: v[1], seq: v[2] };
    if (id === 0x08 && l === 4) concat = { ref: (v[0] << 8) | v[1], total: v[2], seq: v[3] };
    i += 2 + l;
  }
  return { len, ies, concat, body: ud.slice(len + 1) };
}

// decodePDU turns a frame into { command, status, sequence, fields[],
// tlvs[], text, udh, error }. Each field has name, off(set), len, value
// (shown) and raw (hex).
export function decodePDU(hex) {
  const b = hexToBytes(hex);
  const out = { length: b.length, fields: [], tlvs: [], text: null, udh: null, error: null };
  let p = 0;
  const add = (name, off, value, note) => {
    out.fields.push({ name, off, len: p - off, value: String(value), note: note || '', raw: toHex(b.slice(off, p), ' ') });
  };
  const need = (n) => { if (p + n > b.length) throw new Error(`truncated at octet ${p}: need ${n} more`); };
  // u8 reads one octet: a number, or with flags a bit field shown in hex.
  const u8 = (name, note, flags) => { need(1); const off = p; const v = b[p++]; add(name, off, flags ? hx(v, 2) : String(v), note?.(v)); return v; };
  const u32 = (name, fmt, note) => { need(4); const off = p; const v = ((b[p] << 24) >>> 0) + (b[p + 1] << 16) + (b[p + 2] << 8) + b[p + 3]; p += 4; add(name, off, fmt ? fmt(v) : String(v), note?.(v)); return v; };
  const cstr = (name, max, note) => {
    const off = p;
    let end = p;
    while (end < b.length && b[end] !== 0) end++;
    if (end >= b.length) throw new Error(`${name}: no NUL terminator`);
    const s = String.fromCharCode(...b.slice(p, end));
    p = end + 1;
    add(name, off, s === '' ? '""' : s, (s.length + 1 > max ? `longer than ${max} octets` : '') + (note ? note(s) : ''));
    return s;
  };
  try {
    if (b.length < 16) throw new Error('shorter than the 16-octet header');
    const len = u32('command_length');
    const id = u32('command_id', (v) => hx(v, 8), (v) => COMMANDS[v] || 'unknown command');
    out.command = COMMANDS[id] || hx(id, 8);
    out.status = u32('command_status', (v) => hx(v, 8), (v) => (v === 0 ? 'ESME_ROK' : 'error status'));
    out.sequence = u32('sequence_number');
    if (len !== b.length) out.error = `command_length ${len} but the frame has ${b.length} octets`;
    const ton = (v) => TON[v] || 'reserved';
    const npi = (v) => NPI[v] || 'reserved';
    const esm = (v) => {
      const parts = [['default mode', 'datagram mode', 'forward mode', 'store and forward'][v & 3]];
      const type = (v >> 2) & 0xf;
      if (type === 1) parts.push('delivery receipt');
      else if (type === 2) parts.push('delivery acknowledgement');
      else if (type === 4) parts.push('user acknowledgement');
      else if (type === 8) parts.push('intermediate notification');
      if (v & 0x40) parts.push('UDHI');
      if (v & 0x80) parts.push('reply path');
      return parts.join(', ');
    };
    const reg = (v) => {
      const r = ['no receipt', 'receipt on final outcome', 'receipt on failure', 'receipt on success'][v & 3];
      return r + (v & 0x10 ? ', intermediate notification' : '');
    };
    const dc = (v) => CODINGS[v] || (v >> 4 === 0xF ? 'GSM DCS class ' + (v & 3) : '');
    let dataCoding = 0, esmClass = 0, ud = null;
    const addr = (prefix, max) => {
      u8(prefix + '_ton', ton);
      u8(prefix + '_npi', npi);
      cstr(prefix === 'source_addr' ? 'source_addr' : 'destination_addr', max);
    };
    const cmd = out.command;
    if (cmd === 'submit_sm' || cmd === 'deliver_sm' || cmd === 'submit_multi') {
      cstr('service_type', 6);
      addr('source_addr', 21);
      if (cmd === 'submit_multi') {
        const n = u8('number_of_dests');
        for (let i = 0; i < n; i++) {
          const flag = u8(`dest_flag[${i}]`, (v) => (v === 1 ? 'SME address' : v === 2 ? 'distribution list' : 'invalid'));
          if (flag === 1) {
            u8(`dest_addr_ton[${i}]`, ton);
            u8(`dest_addr_npi[${i}]`, npi);
            cstr(`destination_addr[${i}]`, 21);
          } else {
            cstr(`dl_name[${i}]`, 21);
          }
        }
      } else {
        addr('dest_addr', 21);
      }
      esmClass = u8('esm_class', esm, true);
      u8('protocol_id');
      u8('priority_flag');
      cstr('schedule_delivery_time', 17, (s) => (s ? smppTime(s) : 'immediate'));
      cstr('validity_period', 17, (s) => (s ? smppTime(s) : 'SMSC default'));
      u8('registered_delivery', reg, true);
      u8('replace_if_present_flag');
      dataCoding = u8('data_coding', dc, true);
      u8('sm_default_msg_id');
      const smLen = u8('sm_length');
      need(smLen);
      const off = p;
      ud = b.slice(p, p + smLen);
      p += smLen;
      add('short_message', off, smLen ? `${smLen} octets` : 'empty');
    } else if (cmd === 'data_sm') {
      cstr('service_type', 6);
      addr('source_addr', 65);
      addr('dest_addr', 65);
      esmClass = u8('esm_class', esm, true);
      u8('registered_delivery', reg, true);
      dataCoding = u8('data_coding', dc, true);
    } else if (p < b.length) {
      const off = p;
      p = b.length;
      add('body', off, `${b.length - off} octets (not decoded)`);
      return out;
    }
    while (p < b.length) {
      need(4);
      const off = p;
      const tag = (b[p] << 8) | b[p + 1];
      const l = (b[p + 2] << 8) | b[p + 3];
      p += 4;
      need(l);
      const v = b.slice(p, p + l);
      p += l;
      let value;
      if (tag === 0x0424) {
        value = `${l} octets`;
        ud = v;
      } else if (TLV_INT.has(tag) && l >= 1 && l <= 4) {
        value = String(v.reduce((a, x) => a * 256 + x, 0));
      } else if (TLV_STR.has(tag)) {
        value = String.fromCharCode(...v).replace(/\0$/, '');
      } else {
        value = toHex(v);
      }
      out.tlvs.push({ tag: hx(tag, 4), name: TLVS[tag] || 'unknown', off, len: l, value, raw: toHex(b.slice(off, p), ' ') });
    }
    if (ud) {
      let body = ud;
      if (esmClass & 0x40) {
        out.udh = parseUDH(ud);
        if (out.udh) body = out.udh.body;
      }
      out.dataCoding = dataCoding;
      out.text = decodeText(dataCoding, body);
      out.userData = toHex(body);
    }
  } catch (e) {
    out.error = e.message;
  }
  return out;
}

// smppTime explains an SMPP absolute ("YYMMDDhhmmsstnnp") or relative
// ("…R") time.
export function smppTime(s) {
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([+\-R])$/.exec(s);
  if (!m) return 'not an SMPP time';
  if (m[9] === 'R') {
    const [y, mo, d, hh, mm, ss] = m.slice(1, 7).map(Number);
    const parts = [];
    if (y) parts.push(y + 'y');
    if (mo) parts.push(mo + 'mo');
    if (d) parts.push(d + 'd');
    if (hh) parts.push(hh + 'h');
    if (mm) parts.push(mm + 'm');
    if (ss) parts.push(ss + 's');
    return 'relative: ' + (parts.join(' ') || '0s');
  }
  const q = Number(m[8]) * 15;
  const off = `UTC${m[9]}${String(Math.floor(q / 60)).padStart(2, '0')}:${String(q % 60).padStart(2, '0')}`;
  return `20${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}.${m[7]} ${off}`;
}
