'use strict';
// node-smpp (npm smpp 0.5.1) as the SERVER (an SMSC) that our Go client is
// tested against (interop/node_test.go).
//
//   node server.js [port]      (or PORT=...; 0 or absent picks a free port)
//
// It prints "LISTENING <port>" when ready, then one line per event:
// "EVENT <json>", which the Go test reads to assert what node-smpp saw.
//
// Behaviour: accepts bind_transmitter/receiver/transceiver for
// system_id "test" / password "secret" (others: ESME_RINVPASWD, session kept
// open); answers submit_sm with message ids and reassembles concatenated
// messages (8/16-bit UDH, SAR TLVs, message_payload); sends a delivery receipt
// for registered_delivery to a receiver (RX/TRX) of the same system_id,
// queueing it until one binds; answers enquire_link and unbind. Texts with a
// meaning: "MO please" → two MO deliver_sm back (GSM, then UCS2); "ping me" →
// an enquire_link to that session; "unbind me" → an unbind to that session.
// A line "OUTBIND host:port" on stdin makes it open an outbind session.

const fs = require('node:fs');
const smpp = require('smpp');

const SYSTEM_ID = 'test';
const PASSWORD = 'secret';
const SMSC_ID = 'node-smsc';
const MO_REPLIES = ['MO reply from node: hello @ 100%', 'MO reply from node: Привет 👋'];

function emit(type, fields) {
	process.stdout.write('EVENT ' + JSON.stringify(Object.assign({ type }, fields)) + '\n');
}

let nextID = 0x1000;
const sessions = new Set();
const pendingReceipts = new Map(); // system_id → [deliver_sm params]
const parts = new Map(); // concatenation key → { total, got: Map(seq → text), ids: Map(seq → id) }

function receiverOf(systemID, prefer) {
	if (prefer && prefer.bound && prefer.systemID === systemID && prefer.mode !== 'transmitter') {
		return prefer;
	}
	let best = null;
	for (const s of sessions) {
		if (s.bound && s.systemID === systemID && s.mode !== 'transmitter') {
			best = s; // the most recently bound wins (Set keeps insertion order)
		}
	}
	return best;
}

function deliver(session, params, kind) {
	session.deliver_sm(params, (resp) => {
		emit('deliver_sm_resp', { kind, status: resp.command_status, mode: session.mode });
	});
}

function smppDate(d) {
	const p = (n) => String(n).padStart(2, '0');
	return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) + p(d.getUTCHours()) + p(d.getUTCMinutes());
}

function textOf(pdu) {
	const sm = pdu.short_message;
	if (sm && sm.message !== undefined && sm.message.length > 0) {
		return { text: sm.message, udh: sm.udh || [] , via: '' };
	}
	if (pdu.message_payload && pdu.message_payload.message !== undefined) {
		return { text: pdu.message_payload.message, udh: pdu.message_payload.udh || [], via: 'payload' };
	}
	return { text: '', udh: [], via: '' };
}

// node-smpp decodes SMPP times into Dates (relative ones from now).
function timeOf(v) {
	return v instanceof Date ? v.toISOString() : v;
}

function concatOf(pdu, udh) {
	for (const ie of udh) {
		if (ie[0] === 0x00 && ie[1] === 3) {
			return { via: 'udh8', ref: ie[2], total: ie[3], seq: ie[4] };
		}
		if (ie[0] === 0x08 && ie[1] === 4) {
			return { via: 'udh16', ref: ie.readUInt16BE(2), total: ie[4], seq: ie[5] };
		}
	}
	if (pdu.sar_msg_ref_num !== undefined && pdu.sar_total_segments !== undefined && pdu.sar_segment_seqnum !== undefined) {
		return { via: 'sar', ref: pdu.sar_msg_ref_num, total: pdu.sar_total_segments, seq: pdu.sar_segment_seqnum };
	}
	return null;
}

function onSubmit(session, pdu) {
	const id = (nextID++).toString(16).padStart(10, '0');
	session.send(pdu.response({ message_id: id }));
	const { text, udh, via } = textOf(pdu);
	const concat = concatOf(pdu, udh);
	emit('submit_sm', {
		id, mode: session.mode, text, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
		source_addr: pdu.source_addr, destination_addr: pdu.destination_addr,
		registered_delivery: pdu.registered_delivery, concat,
		schedule_delivery_time: timeOf(pdu.schedule_delivery_time), validity_period: timeOf(pdu.validity_period),
	});
	if (!concat || concat.total === 1) {
		emit('message', { text, data_coding: pdu.data_coding, via, parts: 1, ids: [id], destination_addr: pdu.destination_addr });
	} else {
		const key = [session.systemID, pdu.source_addr, pdu.destination_addr, concat.via, concat.ref, concat.total].join('|');
		let p = parts.get(key);
		if (!p) {
			p = { total: concat.total, got: new Map(), ids: new Map(), data_coding: pdu.data_coding };
			parts.set(key, p);
		}
		p.got.set(concat.seq, text);
		p.ids.set(concat.seq, id);
		if (p.got.size === p.total) {
			parts.delete(key);
			let all = '';
			const ids = [];
			for (let i = 1; i <= p.total; i++) {
				all += p.got.get(i);
				ids.push(p.ids.get(i));
			}
			emit('message', { text: all, data_coding: p.data_coding, via: concat.via, parts: p.total, ids, destination_addr: pdu.destination_addr });
		}
	}

	if ((pdu.registered_delivery & 0x03) === 1) {
		const now = new Date();
		const receipt = {
			source_addr_ton: pdu.dest_addr_ton, source_addr_npi: pdu.dest_addr_npi, source_addr: pdu.destination_addr,
			dest_addr_ton: pdu.source_addr_ton, dest_addr_npi: pdu.source_addr_npi, destination_addr: pdu.source_addr,
			esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT, data_coding: 0,
			short_message: 'id:' + id + ' sub:001 dlvrd:001 submit date:' + smppDate(now) + ' done date:' + smppDate(now) +
				' stat:DELIVRD err:000 text:' + text.slice(0, 20).replace(/[^\x20-\x7e]/g, '?'),
			receipted_message_id: id,
			message_state: smpp.MESSAGE_STATE.DELIVERED,
		};
		const rx = receiverOf(session.systemID, session);
		if (rx) {
			setTimeout(() => deliver(rx, receipt, 'receipt'), 20);
		} else {
			const q = pendingReceipts.get(session.systemID) || [];
			q.push(receipt);
			pendingReceipts.set(session.systemID, q);
		}
	}

	if (text === 'MO please') {
		const rx = receiverOf(session.systemID, session);
		if (!rx) {
			emit('error', { message: 'MO requested but no receiver is bound' });
			return;
		}
		MO_REPLIES.forEach((reply, i) => {
			setTimeout(() => deliver(rx, {
				source_addr: pdu.destination_addr, destination_addr: pdu.source_addr,
				data_coding: i === 0 ? 0 : 8, short_message: reply,
			}, 'mo'), 20 * (i + 1));
		});
	} else if (text === 'ping me') {
		setTimeout(() => session.enquire_link((resp) => {
			emit('enquire_link_resp', { status: resp.command_status, mode: session.mode });
		}), 20);
	} else if (text === 'unbind me') {
		setTimeout(() => session.unbind((resp) => {
			emit('unbind_resp', { status: resp.command_status, mode: session.mode });
			session.close();
		}), 20);
	}
}

function setupSession(session) {
	sessions.add(session);
	session.bound = false;
	session.on('close', () => {
		sessions.delete(session);
		emit('close', { mode: session.mode || null });
	});
	session.on('error', (e) => emit('error', { message: String(e && e.message) }));

	for (const mode of ['transmitter', 'receiver', 'transceiver']) {
		session.on('bind_' + mode, (pdu) => {
			emit('bind', { mode, system_id: pdu.system_id, interface_version: pdu.interface_version });
			if (session.bound) {
				session.send(pdu.response({ command_status: smpp.ESME_RALYBND }));
				return;
			}
			if (pdu.system_id !== SYSTEM_ID || pdu.password !== PASSWORD) {
				session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
				return;
			}
			session.bound = true;
			session.mode = mode;
			session.systemID = pdu.system_id;
			session.send(pdu.response({ system_id: SMSC_ID, sc_interface_version: 0x34 }));
			if (mode !== 'transmitter') {
				const q = pendingReceipts.get(session.systemID) || [];
				pendingReceipts.delete(session.systemID);
				for (const r of q) setTimeout(() => deliver(session, r, 'receipt'), 20);
			}
		});
	}
	session.on('submit_sm', (pdu) => {
		if (!session.bound || session.mode === 'receiver') {
			session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
			return;
		}
		onSubmit(session, pdu);
	});
	session.on('enquire_link', (pdu) => {
		emit('enquire_link', { mode: session.mode || null });
		session.send(pdu.response());
	});
	session.on('unbind', (pdu) => {
		emit('unbind', { mode: session.mode || null });
		session.bound = false;
		session.send(pdu.response(), () => session.close());
	});
	session.on('unknown', (pdu) => session.send(pdu.response()));
}

// TLS_CERT and TLS_KEY (PEM file paths) make it an SMPP-over-TLS server.
const tlsOptions = process.env.TLS_CERT && process.env.TLS_KEY
	? { cert: fs.readFileSync(process.env.TLS_CERT), key: fs.readFileSync(process.env.TLS_KEY) }
	: {};
const server = smpp.createServer(tlsOptions, setupSession);

const port = Number(process.argv[2] || process.env.PORT || 0);
server.listen(port, '127.0.0.1', () => {
	process.stdout.write('LISTENING ' + server.address().port + '\n');
});

function shutdown() {
	for (const s of sessions) s.destroy();
	server.close(() => process.exit(0));
	setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// Commands on stdin, one a line:
//   OUTBIND host:port   connect to an ESME that listens for outbind, send
//                       outbind (system_id "node-smsc", password "obpass")
//                       and serve the bind that follows on that connection.
// The Go test closes our stdin when it is done (also if it dies).
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	input += chunk;
	let nl;
	while ((nl = input.indexOf('\n')) >= 0) {
		const line = input.slice(0, nl).trim();
		input = input.slice(nl + 1);
		const m = /^OUTBIND (.+):(\d+)$/.exec(line);
		if (m) {
			outbind(m[1], Number(m[2]));
		} else if (line) {
			emit('error', { message: 'unknown command: ' + line });
		}
	}
});
process.stdin.on('end', shutdown);

function outbind(host, port) {
	const session = smpp.connect({ host, port });
	setupSession(session);
	session.on('connect', () => {
		session.outbind({ system_id: SMSC_ID, password: 'obpass' });
		emit('outbind_sent', { host, port });
	});
}
