'use strict';
// node-smpp (npm smpp 0.5.1) as the CLIENT against our Go SMSC.
//
// Run by interop/node_test.go with SMPP_ADDR=host:port of the testSMSC and
// INTEROP_REPORT=path; this file asserts what node-smpp sees, and writes a
// JSON report of what it submitted and received so the Go side can assert
// the same messages from the server's end.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const smpp = require('smpp');

const ADDR = process.env.SMPP_ADDR;
if (!ADDR) {
	throw new Error('SMPP_ADDR is not set');
}
const [HOST, PORT] = [ADDR.slice(0, ADDR.lastIndexOf(':')), Number(ADDR.slice(ADDR.lastIndexOf(':') + 1))];
const SYSTEM_ID = 'test';
const PASSWORD = 'secret';
const SMSC_ID = 'interop-smsc';
const TIMEOUT = 5000;
// Optional: a second SMSC serving SMPP over TLS, and the PEM file of the CA
// (self-signed certificate) to trust.
const TLS_ADDR = process.env.SMPP_TLS_ADDR;
const TLS_CA = process.env.SMPP_TLS_CA;

// What the Go side checks against its own records.
const report = { submitted: [], receipts: [], mo: [], binds: [], enquireLinkResps: 0, preBindEnquireLinks: 0, unbinds: 0, serverUnbinds: 0 };
process.on('exit', () => {
	if (process.env.INTEROP_REPORT) {
		fs.writeFileSync(process.env.INTEROP_REPORT, JSON.stringify(report, null, 1));
	}
});

// ---- small promise helpers over node-smpp's callback/event API ----

function withTimeout(promise, what, ms = TIMEOUT) {
	let timer;
	return Promise.race([
		promise,
		new Promise((_, reject) => {
			timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), ms);
		}),
	]).finally(() => clearTimeout(timer));
}

// A connected session that queues every request PDU it receives, answers
// enquire_link and deliver_sm like a well-behaved ESME, and lets tests wait.
function connect() {
	return withTimeout(new Promise((resolve, reject) => {
		const session = smpp.connect({ host: HOST, port: PORT });
		session.received = [];
		session.waiters = [];
		session.closed = false;
		session.on('error', (e) => {
			session.lastError = e;
			reject(e);
		});
		session.on('close', () => {
			session.closed = true;
			for (const w of session.waiters) w.check();
		});
		session.on('pdu', (pdu) => {
			if (pdu.isResponse()) {
				return;
			}
			if (pdu.command === 'enquire_link' || pdu.command === 'deliver_sm') {
				session.send(pdu.response());
			}
			if (pdu.command === 'unbind') {
				report.serverUnbinds++;
				session.send(pdu.response(), () => session.close());
			}
			session.received.push(pdu);
			for (const w of session.waiters) w.check();
		});
		session.on('connect', () => resolve(session));
	}), 'connect');
}

// call sends a request and resolves with its response PDU.
function call(session, command, params) {
	return withTimeout(new Promise((resolve, reject) => {
		const ok = session[command](params || {}, (resp) => resolve(resp));
		if (!ok) {
			reject(new Error(command + ': socket not writable'));
		}
	}), command + '_resp');
}

// waitFor resolves with the first received request PDU that match accepts
// (removing it from the queue).
function waitFor(session, what, match) {
	return withTimeout(new Promise((resolve) => {
		const w = {
			check() {
				const i = session.received.findIndex(match);
				if (i >= 0) {
					session.waiters.splice(session.waiters.indexOf(w), 1);
					resolve(session.received.splice(i, 1)[0]);
				}
			},
		};
		session.waiters.push(w);
		w.check();
	}), what);
}

function waitClosed(session) {
	if (session.closed) return Promise.resolve();
	return withTimeout(new Promise((resolve) => session.once('close', resolve)), 'close');
}

async function bind(mode, password = PASSWORD) {
	const session = await connect();
	const resp = await call(session, 'bind_' + mode, { system_id: SYSTEM_ID, password });
	report.binds.push({ mode, status: resp.command_status });
	return { session, resp };
}

async function unbind(session) {
	const resp = await call(session, 'unbind');
	assert.equal(resp.command_status, 0, 'unbind_resp status');
	report.unbinds++;
	// Our SMSC closes the connection after unbind_resp (session.md §5).
	await waitClosed(session);
}

// submit sends one submit_sm and records it for the Go side.
async function submit(session, params, expect) {
	const resp = await call(session, 'submit_sm', params);
	assert.equal(resp.command_status, 0, 'submit_sm_resp status for ' + expect.text);
	assert.match(resp.message_id, /^[0-9a-f]{8}$/, 'message_id');
	return resp.message_id;
}

function isReceipt(pdu) {
	return pdu.command === 'deliver_sm' && (pdu.esm_class & 0x3c) === smpp.ESM_CLASS.MC_DELIVERY_RECEIPT;
}

const RECEIPT_RE = /^id:(\S+) sub:001 dlvrd:001 submit date:(\d{10}) done date:(\d{10}) stat:DELIVRD err:000 text:(.*)$/;

function checkReceipt(pdu, id, src, dst, text) {
	assert.ok(isReceipt(pdu), 'esm_class marks a delivery receipt');
	assert.equal(pdu.data_coding, 0);
	const m = RECEIPT_RE.exec(pdu.short_message.message);
	assert.ok(m, 'receipt text: ' + pdu.short_message.message);
	assert.equal(m[1], id);
	assert.equal(m[4], text.slice(0, 20));
	assert.equal(pdu.receipted_message_id, id, 'receipted_message_id TLV');
	assert.equal(pdu.message_state, smpp.MESSAGE_STATE.DELIVERED, 'message_state TLV');
	assert.equal(pdu.source_addr, dst, 'receipt source is the original destination');
	assert.equal(pdu.destination_addr, src, 'receipt destination is the original source');
}

// ---- the texts ----

const GSM_TEXT = 'Hello from node-smpp: @£$¥ èé ÄÖÑÜ {[~]} €5';
const UCS2_TEXT = 'Привет 👋 from node-smpp';
const LONG_GSM = ('Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)).slice(0, 400);
const LONG_PAYLOAD = ('message_payload carries long texts in one PDU. '.repeat(7)).slice(0, 300);
const LONG_SAR = ('Длинное сообщение с SAR. '.repeat(10)).slice(0, 150);

// ---- scenarios ----

test('bind as transmitter, receiver and transceiver; unbind', async () => {
	for (const mode of ['transmitter', 'receiver', 'transceiver']) {
		const { session, resp } = await bind(mode);
		assert.equal(resp.command, 'bind_' + mode + '_resp');
		assert.equal(resp.command_status, 0, mode + ' bind status');
		assert.equal(resp.system_id, SMSC_ID);
		assert.equal(resp.sc_interface_version, 0x34, 'sc_interface_version TLV');
		await unbind(session);
	}
});

test('before bind: enquire_link answered, submit_sm refused, unknown command nacked', async () => {
	const session = await connect();
	const el = await call(session, 'enquire_link');
	assert.equal(el.command_status, 0);
	report.preBindEnquireLinks++;
	const sub = await call(session, 'submit_sm', { destination_addr: '1', short_message: 'too early' });
	assert.equal(sub.command, 'submit_sm_resp');
	assert.equal(sub.command_status, smpp.ESME_RINVBNDSTS);
	// A command id no SMPP version defines is answered with generic_nack.
	smpp.addCommand('interop_unknown', { id: 0x00000999, params: {} });
	const nack = await call(session, 'interop_unknown');
	assert.equal(nack.command, 'generic_nack');
	assert.equal(nack.command_status, smpp.ESME_RINVCMDID);
	session.close();
	await waitClosed(session);
});

test('a wrong password is refused with ESME_RINVPASWD', async () => {
	const { session, resp } = await bind('transceiver', 'wrong');
	assert.equal(resp.command_status, smpp.ESME_RINVPASWD);
	// The session stays open (ESME may retry): a good bind now succeeds.
	const again = await call(session, 'bind_transceiver', { system_id: SYSTEM_ID, password: PASSWORD });
	assert.equal(again.command_status, 0);
	report.binds.push({ mode: 'transceiver', status: again.command_status });
	await unbind(session);
});

test('transceiver: GSM, UCS2, long UDH, SAR and message_payload submits, receipt, MO', async () => {
	const { session } = await bind('transceiver');
	const src = '31600000001';

	// GSM: once with data_coding 0 (SMSC default, node-smpp encodes GSM 03.38)
	// and once auto-detected (node-smpp then says data_coding 1 but still
	// writes GSM 03.38 septets).
	const gsmID = await submit(session, {
		source_addr: src, destination_addr: '31600000002', data_coding: 0,
		registered_delivery: 1, short_message: GSM_TEXT,
	}, { text: GSM_TEXT });
	report.submitted.push({ text: GSM_TEXT, dc: 0, via: '', ids: [gsmID], registered: 1 });
	const autoText = 'auto-detected GSM';
	const autoID = await submit(session, { source_addr: src, destination_addr: '31600000002', short_message: autoText }, { text: autoText });
	report.submitted.push({ text: autoText, dc: 1, via: '', ids: [autoID] });

	// UCS2, auto-detected (data_coding 8, UTF-16BE with a surrogate pair).
	const ucsID = await submit(session, { source_addr: src, destination_addr: '31600000003', short_message: UCS2_TEXT }, { text: UCS2_TEXT });
	report.submitted.push({ text: UCS2_TEXT, dc: 8, via: '', ids: [ucsID] });

	// Latin-1, auto-detected (data_coding 3): characters outside GSM 03.38.
	const latinText = 'Français «citation» ± ½ ©';
	const latinID = await submit(session, { source_addr: src, destination_addr: '31600000007', short_message: latinText }, { text: latinText });
	report.submitted.push({ text: latinText, dc: 3, via: '', ids: [latinID] });

	// SMPP times: an absolute schedule_delivery_time from a Date (node-smpp
	// writes YYMMDDhhmmsstnn+) and a short relative validity_period.
	const timedText = 'timed message';
	const timedID = await submit(session, {
		source_addr: src, destination_addr: '31600000008', data_coding: 0, short_message: timedText,
		schedule_delivery_time: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 600)), validity_period: '0430',
	}, { text: timedText });
	report.submitted.push({ text: timedText, dc: 0, via: '', ids: [timedID] });
	report.timed = { text: timedText, schedule: '2030-01-02T03:04:05.600Z', validity: '000000000430000R' };

	// Long GSM text, split by hand into 153-character parts behind an 8-bit
	// concatenation UDH (node-smpp sets the UDHI bit itself).
	const chunks = LONG_GSM.match(/[^]{1,153}/g);
	assert.equal(chunks.length, 3);
	const longIDs = [];
	for (let i = 0; i < chunks.length; i++) {
		longIDs.push(await submit(session, {
			source_addr: src, destination_addr: '31600000004', data_coding: 0,
			short_message: { udh: Buffer.from([0x05, 0x00, 0x03, 0x7a, chunks.length, i + 1]), message: chunks[i] },
		}, { text: chunks[i] }));
	}
	report.submitted.push({ text: LONG_GSM, dc: 0, via: 'udh8', ids: longIDs });

	// Long UCS2 text in three parts with SAR TLVs.
	const sarChunks = LONG_SAR.match(/[^]{1,67}/g);
	const sarIDs = [];
	for (let i = 0; i < sarChunks.length; i++) {
		sarIDs.push(await submit(session, {
			source_addr: src, destination_addr: '31600000005', data_coding: 8, short_message: sarChunks[i],
			sar_msg_ref_num: 0x1234, sar_total_segments: sarChunks.length, sar_segment_seqnum: i + 1,
		}, { text: sarChunks[i] }));
	}
	report.submitted.push({ text: LONG_SAR, dc: 8, via: 'sar', ids: sarIDs });

	// 300 characters in message_payload, short_message empty.
	const plID = await submit(session, {
		source_addr: src, destination_addr: '31600000006', data_coding: 0, message_payload: LONG_PAYLOAD,
	}, { text: LONG_PAYLOAD });
	report.submitted.push({ text: LONG_PAYLOAD, dc: 0, via: 'payload', ids: [plID] });

	// The receipt for the registered message arrives on this session.
	const receipt = await waitFor(session, 'receipt', isReceipt);
	checkReceipt(receipt, gsmID, src, '31600000002', GSM_TEXT);
	report.receipts.push({ id: gsmID, mode: 'transceiver' });

	// MO on request: the SMSC answers "MO please" with two deliver_sm.
	await submit(session, { source_addr: src, destination_addr: '1234', short_message: 'MO please' }, { text: 'MO please' });
	const mo1 = await waitFor(session, 'GSM MO', (p) => p.command === 'deliver_sm' && !isReceipt(p) && p.data_coding === 0);
	const mo2 = await waitFor(session, 'UCS2 MO', (p) => p.command === 'deliver_sm' && !isReceipt(p) && p.data_coding === 8);
	assert.equal(mo1.short_message.message, 'MO reply: hello @ 100% {ok}');
	assert.equal(mo2.short_message.message, 'MO reply: Привет 👋');
	for (const mo of [mo1, mo2]) {
		assert.equal(mo.source_addr, '1234');
		assert.equal(mo.destination_addr, src);
		report.mo.push({ text: mo.short_message.message, mode: 'transceiver' });
	}
	await unbind(session);
});

test('transmitter + receiver: receipt and MO arrive on the receiver', async () => {
	const rx = (await bind('receiver')).session;
	const tx = (await bind('transmitter')).session;
	const src = '31600000011';
	const text = 'to the receiver, please';
	const id = await submit(tx, { source_addr: src, destination_addr: '31600000012', registered_delivery: 1, short_message: text }, { text });
	report.submitted.push({ text, dc: 1, via: '', ids: [id], registered: 1 });
	const receipt = await waitFor(rx, 'receipt on receiver', isReceipt);
	checkReceipt(receipt, id, src, '31600000012', text);
	report.receipts.push({ id, mode: 'receiver' });

	await submit(tx, { source_addr: src, destination_addr: '5678', short_message: 'MO please' }, { text: 'MO please' });
	const mo1 = await waitFor(rx, 'GSM MO on receiver', (p) => p.command === 'deliver_sm' && !isReceipt(p) && p.data_coding === 0);
	const mo2 = await waitFor(rx, 'UCS2 MO on receiver', (p) => p.command === 'deliver_sm' && !isReceipt(p) && p.data_coding === 8);
	assert.equal(mo1.short_message.message, 'MO reply: hello @ 100% {ok}');
	assert.equal(mo2.short_message.message, 'MO reply: Привет 👋');
	report.mo.push({ text: mo1.short_message.message, mode: 'receiver' }, { text: mo2.short_message.message, mode: 'receiver' });
	assert.equal(tx.received.length, 0, 'nothing is delivered to the transmitter');

	// A receiver may not submit: ESME_RINVBNDSTS.
	const refused = await call(rx, 'submit_sm', { destination_addr: '1', short_message: 'nope' });
	assert.equal(refused.command_status, smpp.ESME_RINVBNDSTS);

	await unbind(tx);
	await unbind(rx);
});

test('50 submit_sm pipelined without waiting: each answered with its own id', async () => {
	const { session } = await bind('transmitter');
	const texts = Array.from({ length: 50 }, (_, i) => 'pipelined ' + String(i).padStart(2, '0'));
	const resps = await Promise.all(texts.map((text) => call(session, 'submit_sm', { destination_addr: '31600000099', data_coding: 0, short_message: text })));
	const seen = new Set();
	resps.forEach((r, i) => {
		assert.equal(r.command_status, 0, texts[i]);
		assert.ok(!seen.has(r.message_id), 'unique id ' + r.message_id);
		seen.add(r.message_id);
		report.submitted.push({ text: texts[i], dc: 0, via: '', ids: [r.message_id] });
	});
	await unbind(session);
});

test('enquire_link: manual and automatic', async () => {
	const { session } = await bind('transceiver');
	const resp = await call(session, 'enquire_link');
	assert.equal(resp.command, 'enquire_link_resp');
	assert.equal(resp.command_status, 0);
	report.enquireLinkResps++;

	// node-smpp's own keepalive, every 100 ms on a fresh connection.
	const auto = smpp.connect({ host: HOST, port: PORT, auto_enquire_link_period: 100 });
	let n = 0;
	auto.on('enquire_link_resp', (p) => {
		assert.equal(p.command_status, 0);
		n++;
	});
	await withTimeout(new Promise((resolve) => auto.on('connect', resolve)), 'connect');
	const b = await call(auto, 'bind_transceiver', { system_id: SYSTEM_ID, password: PASSWORD });
	assert.equal(b.command_status, 0);
	report.binds.push({ mode: 'transceiver', status: 0 });
	await withTimeout(new Promise((resolve) => {
		const poll = setInterval(() => {
			if (n >= 3) {
				clearInterval(poll);
				resolve();
			}
		}, 10);
	}), '3 automatic enquire_link_resp');
	const u = await call(auto, 'unbind');
	assert.equal(u.command_status, 0);
	report.unbinds++;
	await waitClosed(auto);
	// Counted after the close: the timer may have fired once more meanwhile.
	report.enquireLinkResps += n;
	await unbind(session);
});

test('outbind: the SMSC connects to node-smpp, which binds as receiver and gets an MO', async () => {
	const tx = (await bind('transmitter')).session;
	let outbindPDU;
	let resolveMO, rejectMO;
	const mo = new Promise((resolve, reject) => {
		resolveMO = resolve;
		rejectMO = reject;
	});
	const listener = smpp.createServer((session) => {
		session.on('error', rejectMO);
		session.on('enquire_link', (pdu) => session.send(pdu.response()));
		session.on('outbind', (pdu) => {
			outbindPDU = pdu;
			session.bind_receiver({ system_id: SYSTEM_ID, password: PASSWORD }, (resp) => {
				report.binds.push({ mode: 'receiver', status: resp.command_status });
				if (resp.command_status !== 0) {
					rejectMO(new Error('bind_receiver after outbind: status ' + resp.command_status));
				}
			});
		});
		session.on('deliver_sm', (pdu) => {
			session.send(pdu.response());
			resolveMO({ session, pdu });
		});
	});
	await withTimeout(new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve)), 'listen');
	const addr = '127.0.0.1:' + listener.address().port;
	await submit(tx, { destination_addr: '1', short_message: 'outbind me ' + addr }, { text: 'outbind' });
	const { session, pdu } = await withTimeout(mo, 'MO over the outbind session');
	assert.equal(outbindPDU.system_id, SMSC_ID);
	assert.equal(outbindPDU.password, 'obpass');
	assert.equal(pdu.short_message.message, 'MO over outbind');
	assert.equal(pdu.source_addr, '5555');
	report.mo.push({ text: pdu.short_message.message, mode: 'receiver' });
	await unbind(session);
	await unbind(tx);
	await new Promise((resolve) => listener.close(resolve));
});

test('the SMSC unbinds: node-smpp answers unbind_resp', async () => {
	const { session } = await bind('transceiver');
	await submit(session, { destination_addr: '1', short_message: 'unbind me' }, { text: 'unbind me' });
	const u = await waitFor(session, 'unbind from the SMSC', (p) => p.command === 'unbind');
	assert.equal(u.command_status, 0);
	await waitClosed(session);
});

test('TLS (ssmpp): bind, submit with receipt, unbind', { skip: !(TLS_ADDR && TLS_CA) && 'SMPP_TLS_ADDR/SMPP_TLS_CA not set' }, async () => {
	const i = TLS_ADDR.lastIndexOf(':');
	const session = await withTimeout(new Promise((resolve, reject) => {
		const s = smpp.connect({ url: 'ssmpp://' + TLS_ADDR, ca: fs.readFileSync(TLS_CA) });
		s.on('error', reject);
		s.on('secureConnect', () => resolve(s));
	}), 'TLS connect');
	assert.equal(session.socket.authorized, true, 'our certificate verified');
	assert.equal(session.socket.remotePort, Number(TLS_ADDR.slice(i + 1)));
	const received = [];
	session.on('deliver_sm', (pdu) => {
		session.send(pdu.response());
		received.push(pdu);
	});
	const b = await call(session, 'bind_transceiver', { system_id: SYSTEM_ID, password: PASSWORD });
	assert.equal(b.command_status, 0);
	const text = 'over TLS from node-smpp';
	const r = await call(session, 'submit_sm', { source_addr: '31600000031', destination_addr: '31600000032', data_coding: 0, registered_delivery: 1, short_message: text });
	assert.equal(r.command_status, 0);
	report.tls = { text, id: r.message_id };
	await withTimeout(new Promise((resolve) => {
		const poll = setInterval(() => {
			if (received.length > 0) {
				clearInterval(poll);
				resolve();
			}
		}, 10);
	}), 'receipt over TLS');
	checkReceipt(received[0], r.message_id, '31600000031', '31600000032', text);
	const u = await call(session, 'unbind');
	assert.equal(u.command_status, 0);
	await withTimeout(new Promise((resolve) => session.once('close', resolve)), 'close');
});
