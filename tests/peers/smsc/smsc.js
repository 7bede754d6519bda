#!/usr/bin/env node
/*
 * Lisoloo test SMSC: an SMPP 3.4 server (the `smpp` npm package, 0.5.1) on 127.0.0.1 with scripted behaviours, driven
 * over a small HTTP control API on 127.0.0.1. The .NET tests start it through Lisoloo.TestSupport.Smsc.NodeSmsc.
 *
 *   node tests/peers/smsc/smsc.js [--smpp-port 0] [--control-port 0] [--system-id lisoloo] [--password secret]
 *                                 [--verbose] [--no-stdin-exit]
 *
 * Once both ports listen it prints exactly one line on stdout: {"smpp_port":N,"control_port":M,"pid":P}
 * It exits on SIGTERM/SIGINT, and when its stdin closes (so a killed test runner never leaves it behind; pass
 * --no-stdin-exit to run it by hand with stdin at /dev/null). --verbose logs every PDU to stderr (slow).
 *
 * Destination rules: the last 7 digits of destination_addr (a leading '+' is ignored) pick the outcome.
 *
 *   ends in   submit_sm_resp      receipt(s) (when registered_delivery asks for one)
 *   9990001   ESME_ROK            stat:UNDELIV err:001 (message_state 5)
 *   9990002   ESME_ROK            stat:EXPIRED err:000 (3)
 *   9990003   ESME_ROK            stat:REJECTD err:000 (8)
 *   9990004   ESME_ROK            stat:DELETED err:000 (4)
 *   9990005   ESME_ROK            stat:ACCEPTD err:000 (6)
 *   9990006   ESME_ROK            stat:UNKNOWN err:000 (7)
 *   9990007   ESME_ROK            stat:ENROUTE err:000 (1), then stat:DELIVRD err:000 (2)
 *   9990008   ESME_ROK            none (withheld); query_sm answers DELIVERED (2)
 *   9990009   ESME_ROK            none (withheld); query_sm answers ENROUTE (1)
 *   9990010   ESME_RINVDSTADR     none
 *   9990011   ESME_RSUBMITFAIL    none
 *   9990012   ESME_RINVSRCADR     none
 *   other     ESME_ROK            stat:DELIVRD err:000 (2)
 *
 * query_sm (section 4.8) is answered for every accepted message with the state its rule ends in (a message_state,
 * final_date and error_code), or with ESME_RQUERYFAIL for an id it never gave; the queryStatus setting makes every
 * query_sm answer that status instead (e.g. "ESME_RQUERYFAIL", or "ESME_RINVCMDID" as an SMSC without the command).
 *
 * registered_delivery & 0x03: 0 no receipt; 1 a receipt whatever the outcome; 2 a receipt on failure only (any final
 * state but DELIVRD); 3 (reserved in 3.4, "success only" in SMPP 5.0) a receipt on DELIVRD only.
 *
 * Receipts are deliver_sm with esm_class 0x04, data_coding 0, source/destination swapped from the submit_sm, and
 *   short_message "id:<id> sub:001 dlvrd:<001|000> submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:<STAT> err:<EEE>
 *   text:<first 20 chars>" (UTC dates, one line) plus the TLVs receipted_message_id (0x001E) and message_state (0x0427).
 *
 * Receipts and MO go to sessions bound as transceiver or receiver, round-robin per deliver_sm; with none bound they
 * wait in a queue until one binds. A deliver_sm not answered when its session closes goes back to the queue
 * (redeliverUnacked, on by default), as a real SMSC retries until acknowledged.
 *
 * The behaviours (POST /config, all cleared by POST /reset) and the control API are described in tests/peers/README.md.
 */
'use strict';

const http = require('http');
const smpp = require('smpp');

// ---------------------------------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const options = { smppPort: 0, controlPort: 0, systemId: 'lisoloo', password: 'secret', verbose: false, stdinExit: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) {
        fail(`${arg} needs a value`);
      }
      return argv[++i];
    };
    switch (arg) {
      case '--smpp-port': options.smppPort = port(value(), arg); break;
      case '--control-port': options.controlPort = port(value(), arg); break;
      case '--system-id': options.systemId = value(); break;
      case '--password': options.password = value(); break;
      case '--verbose': options.verbose = true; break;
      case '--no-stdin-exit': options.stdinExit = false; break;
      default: fail(`unknown argument ${arg}`);
    }
  }
  return options;
}

function port(text, arg) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    fail(`${arg} must be a port number (0 for any free one), not ${text}`);
  }
  return n;
}

function fail(message) {
  process.stderr.write(`smsc: ${message}\n`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));

function log(message) {
  if (args.verbose) {
    process.stderr.write(`smsc: ${message}\n`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The library decodes short_message / message_payload by data_coding and turns time fields into Dates. The SMSC wants
// the raw octets and strings (to record them exactly and to send what it builds), so its filters are switched off in
// this process.

for (const name of Object.keys(smpp.commands)) {
  const params = smpp.commands[name].params || {};
  for (const key of Object.keys(params)) {
    delete params[key].filter;
  }
}
delete smpp.tlvs.message_payload.filter;

// ---------------------------------------------------------------------------------------------------------------------
// Constants

const SMSC_SYSTEM_ID = 'LisolooSMSC';

const MESSAGE_STATE = { ENROUTE: 1, DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, ACCEPTD: 6, UNKNOWN: 7, REJECTD: 8 };

const RULES = new Map([
  ['9990001', { stat: 'UNDELIV', err: '001' }],
  ['9990002', { stat: 'EXPIRED', err: '000' }],
  ['9990003', { stat: 'REJECTD', err: '000' }],
  ['9990004', { stat: 'DELETED', err: '000' }],
  ['9990005', { stat: 'ACCEPTD', err: '000' }],
  ['9990006', { stat: 'UNKNOWN', err: '000' }],
  ['9990007', { stat: 'DELIVRD', err: '000', enroute: true }],
  ['9990008', { stat: 'DELIVRD', err: '000', withhold: true }],
  ['9990009', { stat: 'ENROUTE', err: '000', withhold: true }],
  ['9990010', { status: smpp.ESME_RINVDSTADR }],
  ['9990011', { status: smpp.ESME_RSUBMITFAIL }],
  ['9990012', { status: smpp.ESME_RINVSRCADR }],
]);

const DELIVERED = { stat: 'DELIVRD', err: '000' };
const FAILED_PART = { stat: 'UNDELIV', err: '001' };

const BIND_TYPES = { bind_transceiver: 'transceiver', bind_transmitter: 'transmitter', bind_receiver: 'receiver' };

// GSM 03.38 default alphabet: index = septet value. 0x1B is the escape to the extension table (below).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = new Map([['\f', 0x0a], ['^', 0x14], ['{', 0x28], ['}', 0x29], ['\\', 0x2f], ['[', 0x3c], ['~', 0x3d], [']', 0x3e], ['|', 0x40], ['€', 0x65]]);
const GSM_TO_SEPTET = new Map();
for (let i = 0; i < GSM_BASIC.length; i++) {
  if (i !== 0x1b) {
    GSM_TO_SEPTET.set(GSM_BASIC[i], i);
  }
}
const GSM_EXTENSION_DECODE = new Map([...GSM_EXTENSION].map(([ch, septet]) => [septet, ch]));

// ---------------------------------------------------------------------------------------------------------------------
// State

const DEFAULT_CONFIG = Object.freeze({
  refuseBinds: false,
  idFormat: 'hex',
  receiptDelayMs: 0,
  receiptStyle: 'both',
  receiptIdFormat: 'same',
  receiptIdCase: 'upper',
  failPart: null,
  throttle: null,
  holdResponses: false,
  silent: false,
  receiptBeforeResponse: false,
  responseDelayMs: null,
  redeliverUnacked: true,
  queryStatus: null,
});

let config = { ...DEFAULT_CONFIG };
let stats = newStats();
let messages = [];
const outcomes = new Map(); // message id -> { stat, err }: what query_sm answers
let held = [];
let generation = 0;
let counter = Math.floor(Math.random() * 0x100000000);
let nextSessionId = 1;
const sessions = new Set();
let receivers = [];
let roundRobin = 0;

function newStats() {
  return {
    submits: 0, accepted: 0, refused: 0, ignored: 0, held: 0, discardedHeld: 0,
    receiptsSent: 0, receiptsAcked: 0, moSent: 0, moAcked: 0, deliverSmRespErrors: 0, redelivered: 0, queries: 0,
    enquireLinksReceived: 0, unbindsReceived: 0, bindAttempts: 0, bindsRefused: 0,
  };
}

// A FIFO with O(1) take and put-back, for deliveries waiting for a receiver (can be tens of thousands).
class Queue {
  constructor() { this.items = []; this.head = 0; }
  get length() { return this.items.length - this.head; }
  push(item) { this.items.push(item); }
  take() {
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  putBack(list) {
    if (list.length === 0) return;
    this.items = list.concat(this.items.slice(this.head));
    this.head = 0;
  }
  clear() { this.items = []; this.head = 0; }
}

const pending = new Queue();

// ---------------------------------------------------------------------------------------------------------------------
// Helpers

function pad2(n) { return n < 10 ? '0' + n : String(n); }

function stamp(date) {
  return pad2(date.getUTCFullYear() % 100) + pad2(date.getUTCMonth() + 1) + pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) + pad2(date.getUTCMinutes());
}

function formatId(n, format, letterCase) {
  if (format === 'decimal') return n.toString(10);
  const hex = n.toString(16);
  return letterCase === 'lower' ? hex : hex.toUpperCase();
}

function receiptIdFor(n, respId) {
  const format = config.receiptIdFormat === 'same' ? config.idFormat : config.receiptIdFormat;
  if (config.receiptIdFormat === 'same' && config.receiptIdCase === 'upper') return respId;
  return formatId(n, format, config.receiptIdCase);
}

function bytes(value) {
  return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
}

function concatInfo(sm, esmClass) {
  if ((esmClass & 0x40) === 0 || sm.length < 1) return null;
  const end = Math.min(sm.length, 1 + sm[0]);
  let i = 1;
  while (i + 1 < end) {
    const iei = sm[i];
    const len = sm[i + 1];
    const data = i + 2;
    if (data + len > end) break;
    if (iei === 0x00 && len === 3) return { ref: sm[data], total: sm[data + 1], seq: sm[data + 2] };
    if (iei === 0x08 && len === 4) return { ref: (sm[data] << 8) | sm[data + 1], total: sm[data + 2], seq: sm[data + 3] };
    i = data + len;
  }
  return null;
}

function sarInfo(pdu) {
  if (pdu.sar_msg_ref_num === undefined && pdu.sar_segment_seqnum === undefined) return null;
  return { ref: pdu.sar_msg_ref_num | 0, total: pdu.sar_total_segments | 0, seq: pdu.sar_segment_seqnum | 0 };
}

// The first 20 characters of the text, for the receipt's text: field; anything outside printable ASCII becomes '?'.
function preview(pdu) {
  let body = bytes(pdu.short_message);
  if (body.length === 0 && Buffer.isBuffer(pdu.message_payload)) body = pdu.message_payload;
  if ((pdu.esm_class & 0x40) !== 0 && body.length > 0) body = body.subarray(Math.min(body.length, 1 + body[0]));
  const coding = pdu.data_coding | 0;
  let text = '';
  if (coding === 0x08) {
    for (let i = 0; i + 1 < body.length && text.length < 20; i += 2) text += String.fromCharCode((body[i] << 8) | body[i + 1]);
  } else if (coding === 0x00) {
    for (let i = 0; i < body.length && text.length < 20; i++) {
      if (body[i] === 0x1b && i + 1 < body.length) {
        text += GSM_EXTENSION_DECODE.get(body[++i]) ?? '?';
      } else {
        text += GSM_BASIC[body[i] & 0x7f];
      }
    }
  } else {
    text = body.subarray(0, 20).toString('latin1');
  }
  return text.slice(0, 20).replace(/[^\x20-\x7e]/g, '?');
}

function statusCode(status) {
  if (typeof status === 'number' && Number.isInteger(status) && status >= 0) return status;
  if (typeof status === 'string' && Object.prototype.hasOwnProperty.call(smpp.errors, status)) return smpp.errors[status];
  return undefined;
}

function later(ms, action) {
  if (ms > 0) setTimeout(action, ms); else action();
}

function responseDelay() {
  if (config.responseDelayMs !== null) return config.responseDelayMs;
  return config.receiptBeforeResponse ? 50 : 0;
}

// ---------------------------------------------------------------------------------------------------------------------
// SMPP sessions

function reply(s, pdu, status, params) {
  const options = params || {};
  if (status) options.command_status = status;
  const response = pdu.response(options);
  if (args.verbose) log(`session ${s.id} > ${response.command} status ${status || 0} seq ${response.sequence_number}`);
  s.session.send(response);
}

function onConnection(session) {
  const s = { id: nextSessionId++, session, bound: null, systemId: null, outstanding: new Map(), closed: false };
  sessions.add(s);
  session.socket.setNoDelay(true);
  log(`session ${s.id} connected from ${session.socket.remotePort}`);
  session.on('pdu', (pdu) => {
    try {
      onPdu(s, pdu);
    } catch (e) {
      process.stderr.write(`smsc: session ${s.id}: ${pdu.command} failed: ${e && e.stack || e}\n`);
      if (!pdu.isResponse()) s.session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RSYSERR }));
    }
  });
  session.on('error', (e) => {
    log(`session ${s.id} error: ${e && e.message}`);
    // A parse error leaves the library's reader stuck: close the connection.
    session.destroy();
  });
  session.on('close', () => onClose(s));
}

function onPdu(s, pdu) {
  if (args.verbose) log(`session ${s.id} < ${pdu.command} status ${pdu.command_status} seq ${pdu.sequence_number}`);
  if (pdu.isResponse()) return; // answers to our deliver_sm / enquire_link / unbind: the library calls their callbacks
  switch (pdu.command) {
    case 'submit_sm':
      onSubmit(s, pdu);
      return;
    case 'query_sm':
      onQuery(s, pdu);
      return;
    case 'enquire_link':
      stats.enquireLinksReceived++;
      if (!config.silent) reply(s, pdu, 0);
      return;
    case 'bind_transceiver':
    case 'bind_transmitter':
    case 'bind_receiver':
      onBind(s, pdu, BIND_TYPES[pdu.command]);
      return;
    case 'unbind':
      stats.unbindsReceived++;
      if (config.silent) return;
      setUnbound(s);
      reply(s, pdu, 0);
      s.session.close();
      return;
    default:
      if (config.silent) return;
      if (pdu.command !== 'unknown' && smpp.commands[pdu.command + '_resp']) {
        reply(s, pdu, s.bound ? smpp.ESME_RINVCMDID : smpp.ESME_RINVBNDSTS);
      } else {
        s.session.send(new smpp.PDU('generic_nack', { sequence_number: pdu.sequence_number, command_status: smpp.ESME_RINVCMDID }));
      }
  }
}

function onBind(s, pdu, type) {
  stats.bindAttempts++;
  if (config.silent) return;
  let status = 0;
  if (s.bound) status = smpp.ESME_RALYBND;
  else if (config.refuseBinds) status = smpp.ESME_RBINDFAIL;
  else if (pdu.system_id !== args.systemId) status = smpp.ESME_RINVSYSID;
  else if (pdu.password !== args.password) status = smpp.ESME_RINVPASWD;
  if (status) {
    stats.bindsRefused++;
    reply(s, pdu, status);
    return;
  }
  s.bound = type;
  s.systemId = pdu.system_id;
  reply(s, pdu, 0, { system_id: SMSC_SYSTEM_ID });
  if (type !== 'transmitter') {
    receivers.push(s);
    flushPending();
  }
}

function setUnbound(s) {
  s.bound = null;
  receivers = receivers.filter((r) => r !== s);
}

function onClose(s) {
  s.closed = true;
  sessions.delete(s);
  setUnbound(s);
  log(`session ${s.id} closed`);
  const unacked = [...s.outstanding.values()].filter((item) => item.gen === generation);
  s.outstanding.clear();
  if (config.redeliverUnacked && unacked.length > 0) {
    stats.redelivered += unacked.length;
    pending.putBack(unacked);
  }
  flushPending();
}

// ---------------------------------------------------------------------------------------------------------------------
// submit_sm

function onSubmit(s, pdu) {
  stats.submits++;
  if (config.silent) {
    stats.ignored++;
    return;
  }
  if (s.bound !== 'transmitter' && s.bound !== 'transceiver') {
    stats.refused++;
    reply(s, pdu, smpp.ESME_RINVBNDSTS);
    return;
  }
  if (config.holdResponses) {
    stats.held++;
    held.push({ s, pdu });
    return;
  }
  processSubmit(s, pdu);
}

function processSubmit(s, pdu) {
  const delay = responseDelay();
  const throttle = config.throttle;
  if (throttle && throttle.count > 0) {
    throttle.count--;
    if (throttle.count === 0) config.throttle = null;
    stats.refused++;
    later(delay, () => reply(s, pdu, throttle.statusCode));
    return;
  }

  const destination = typeof pdu.destination_addr === 'string' ? pdu.destination_addr : '';
  const rule = RULES.get(destination.slice(-7));
  if (rule && rule.status) {
    stats.refused++;
    later(delay, () => reply(s, pdu, rule.status));
    return;
  }

  const n = counter++;
  const id = formatId(n, config.idFormat, 'upper');
  const sm = bytes(pdu.short_message);
  const esmClass = pdu.esm_class | 0;
  const udh = concatInfo(sm, esmClass);
  const sar = sarInfo(pdu);
  messages.push({
    id,
    source: pdu.source_addr ?? '',
    source_ton: pdu.source_addr_ton | 0,
    source_npi: pdu.source_addr_npi | 0,
    destination,
    dest_ton: pdu.dest_addr_ton | 0,
    dest_npi: pdu.dest_addr_npi | 0,
    data_coding: pdu.data_coding | 0,
    esm_class: esmClass,
    registered_delivery: pdu.registered_delivery | 0,
    validity_period: pdu.validity_period ?? '',
    schedule_delivery_time: pdu.schedule_delivery_time ?? '',
    service_type: pdu.service_type ?? '',
    protocol_id: pdu.protocol_id | 0,
    priority_flag: pdu.priority_flag | 0,
    short_message_hex: sm.toString('hex').toUpperCase(),
    message_payload_hex: Buffer.isBuffer(pdu.message_payload) ? pdu.message_payload.toString('hex').toUpperCase() : null,
    udh,
    sar,
    session: s.id,
  });
  stats.accepted++;
  outcomes.set(id, rule && !rule.status ? { stat: rule.stat, err: rule.err } : DELIVERED);

  const receipts = planReceipts(pdu, rule, udh || sar, n, id);
  if (config.receiptBeforeResponse) {
    for (const receipt of receipts) enqueue(receipt);
    later(delay, () => reply(s, pdu, 0, { message_id: id }));
    return;
  }
  later(delay, () => {
    reply(s, pdu, 0, { message_id: id });
    if (receipts.length === 0) return;
    const gen = generation;
    later(config.receiptDelayMs, () => {
      if (gen !== generation) return;
      for (const receipt of receipts) enqueue(receipt);
    });
  });
}

function onQuery(s, pdu) {
  stats.queries++;
  if (config.silent) return;
  if (s.bound !== 'transmitter' && s.bound !== 'transceiver') {
    reply(s, pdu, smpp.ESME_RINVBNDSTS);
    return;
  }
  if (config.queryStatus) {
    reply(s, pdu, statusCode(config.queryStatus));
    return;
  }
  const outcome = outcomes.get(pdu.message_id);
  if (!outcome) {
    reply(s, pdu, smpp.ESME_RQUERYFAIL);
    return;
  }
  const final = outcome.stat !== 'ENROUTE' && outcome.stat !== 'ACCEPTD';
  reply(s, pdu, 0, {
    message_id: pdu.message_id,
    final_date: final ? `${stamp(new Date())}00000+` : '',
    message_state: MESSAGE_STATE[outcome.stat],
    error_code: Number.parseInt(outcome.err, 10) || 0,
  });
}

function planReceipts(pdu, rule, part, n, id) {
  const mode = (pdu.registered_delivery | 0) & 0x03;
  if (mode === 0) return [];
  if (rule && rule.withhold) return [];
  let outcome = rule || DELIVERED;
  if (config.failPart !== null && part && part.seq === config.failPart) outcome = FAILED_PART;
  const success = outcome.stat === 'DELIVRD';
  if ((mode === 2 && success) || (mode === 3 && !success)) return [];

  const receiptId = receiptIdFor(n, id);
  const submitted = stamp(new Date());
  const text = preview(pdu);
  const list = [];
  if (outcome.enroute) list.push(receipt(pdu, receiptId, submitted, text, 'ENROUTE', '000'));
  list.push(receipt(pdu, receiptId, submitted, text, outcome.stat, outcome.err));
  return list;
}

function receipt(pdu, receiptId, submitted, text, stat, err) {
  const params = {
    source_addr_ton: pdu.dest_addr_ton | 0,
    source_addr_npi: pdu.dest_addr_npi | 0,
    source_addr: pdu.destination_addr ?? '',
    dest_addr_ton: pdu.source_addr_ton | 0,
    dest_addr_npi: pdu.source_addr_npi | 0,
    destination_addr: pdu.source_addr ?? '',
    esm_class: 0x04,
    data_coding: 0,
    short_message: Buffer.alloc(0),
  };
  if (config.receiptStyle !== 'tlv') {
    const body = `id:${receiptId} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${submitted} ` +
      `done date:${stamp(new Date())} stat:${stat} err:${err} text:${text}`;
    params.short_message = Buffer.from(body, 'ascii');
  }
  if (config.receiptStyle !== 'text') {
    params.receipted_message_id = receiptId;
    params.message_state = MESSAGE_STATE[stat];
  }
  return { kind: 'receipt', params, gen: generation, onResp: null };
}

// ---------------------------------------------------------------------------------------------------------------------
// Deliveries (receipts and MO)

function enqueue(item) {
  pending.push(item);
  flushPending();
}

function flushPending() {
  if (config.silent) return;
  while (pending.length > 0 && receivers.length > 0) {
    const s = receivers[roundRobin++ % receivers.length];
    const item = pending.take();
    if (item.gen !== generation) continue;
    if (!send(s, item)) {
      pending.putBack([item]);
      setUnbound(s);
    }
  }
}

function send(s, item) {
  const pdu = new smpp.PDU('deliver_sm', item.params);
  const sent = s.session.send(pdu, (resp) => onDeliverResp(s, pdu.sequence_number, item, resp));
  if (!sent) return false;
  s.outstanding.set(pdu.sequence_number, item);
  if (item.kind === 'receipt') stats.receiptsSent++; else stats.moSent++;
  if (args.verbose) log(`session ${s.id} > deliver_sm (${item.kind}) seq ${pdu.sequence_number}`);
  return true;
}

function onDeliverResp(s, sequence, item, resp) {
  s.outstanding.delete(sequence);
  if (item.gen !== generation) return;
  const status = resp.command_status;
  if (status === 0) {
    if (item.kind === 'receipt') stats.receiptsAcked++; else stats.moAcked++;
  } else {
    stats.deliverSmRespErrors++;
  }
  if (item.onResp) item.onResp(status);
}

// ---------------------------------------------------------------------------------------------------------------------
// MO

class BadRequest extends Error {}

function encodeUnits(text, encoding) {
  const units = [];
  if (encoding === 'ucs2') {
    for (const ch of text) {
      const code = Buffer.from(ch, 'utf16le');
      const be = Buffer.alloc(code.length);
      for (let i = 0; i < code.length; i += 2) { be[i] = code[i + 1]; be[i + 1] = code[i]; }
      units.push(be);
    }
    return units;
  }
  for (const ch of text) {
    if (GSM_TO_SEPTET.has(ch)) units.push(Buffer.from([GSM_TO_SEPTET.get(ch)]));
    else if (GSM_EXTENSION.has(ch)) units.push(Buffer.from([0x1b, GSM_EXTENSION.get(ch)]));
    else throw new BadRequest(`character ${JSON.stringify(ch)} (U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}) is not in the GSM 03.38 alphabet; use "encoding":"ucs2"`);
  }
  return units;
}

function buildMo(body) {
  if (!body || typeof body !== 'object') throw new BadRequest('a JSON object is expected');
  for (const key of ['source', 'destination', 'text']) {
    if (typeof body[key] !== 'string') throw new BadRequest(`"${key}" (string) is required`);
  }
  const encoding = body.encoding ?? 'gsm7';
  if (encoding !== 'gsm7' && encoding !== 'ucs2') throw new BadRequest('"encoding" is "gsm7" or "ucs2"');
  const concatenation = body.concatenation ?? 'udh8';
  if (!['udh8', 'udh16', 'sar'].includes(concatenation)) throw new BadRequest('"concatenation" is "udh8", "udh16" or "sar"');
  if (body.parts !== undefined && body.parts !== null && (!Number.isInteger(body.parts) || body.parts < 1 || body.parts > 255)) {
    throw new BadRequest('"parts" is an integer from 1 to 255');
  }

  const units = encodeUnits(body.text, encoding);
  const size = units.reduce((sum, u) => sum + u.length, 0);
  const single = encoding === 'ucs2' ? 140 : 160;
  const udhLength = concatenation === 'udh8' ? 6 : concatenation === 'udh16' ? 7 : 0;
  // Unpacked septets still count as 7 bits each on the air: the UDH takes ceil(udh bits / 7) septets.
  const capacity = encoding === 'ucs2' ? (single - udhLength) & ~1 : single - Math.ceil(udhLength * 8 / 7);

  let chunks;
  const wanted = body.parts ?? null;
  if (wanted === 1 || (wanted === null && size <= single)) {
    if (size > single) throw new BadRequest(`the text takes ${size} octets, more than one part holds (${single})`);
    chunks = [Buffer.concat(units)];
  } else if (wanted === null) {
    chunks = [];
    let current = [];
    let length = 0;
    for (const unit of units) {
      if (length + unit.length > capacity) {
        chunks.push(Buffer.concat(current));
        current = [];
        length = 0;
      }
      current.push(unit);
      length += unit.length;
    }
    chunks.push(Buffer.concat(current));
  } else {
    if (wanted > units.length) throw new BadRequest(`cannot split ${units.length} characters into ${wanted} parts`);
    chunks = [];
    const per = Math.ceil(units.length / wanted);
    for (let i = 0; i < wanted; i++) {
      const slice = units.slice(Math.min(units.length, i * per), Math.min(units.length, (i + 1) * per));
      const chunk = Buffer.concat(slice);
      if (chunk.length === 0) throw new BadRequest(`cannot split ${units.length} characters into ${wanted} parts evenly`);
      if (chunk.length > capacity) throw new BadRequest(`part ${i + 1} takes ${chunk.length} octets, more than a part holds (${capacity})`);
      chunks.push(chunk);
    }
  }
  if (chunks.length > 255) throw new BadRequest('more than 255 parts');

  const source = address(body.source, body.source_ton, body.source_npi);
  const destination = address(body.destination, body.dest_ton, body.dest_npi);
  const total = chunks.length;
  const maxRef = concatenation === 'udh8' ? 0x100 : 0x10000;
  const ref = Number.isInteger(body.ref) ? body.ref % maxRef : Math.floor(Math.random() * maxRef);
  const list = [];
  for (let i = 0; i < total; i++) {
    const params = {
      source_addr_ton: source.ton, source_addr_npi: source.npi, source_addr: source.addr,
      dest_addr_ton: destination.ton, dest_addr_npi: destination.npi, destination_addr: destination.addr,
      esm_class: 0x00,
      data_coding: encoding === 'ucs2' ? 0x08 : 0x00,
      short_message: chunks[i],
    };
    if (total > 1) {
      const seq = i + 1;
      if (concatenation === 'udh8') {
        params.esm_class = 0x40;
        params.short_message = Buffer.concat([Buffer.from([0x05, 0x00, 0x03, ref, total, seq]), chunks[i]]);
      } else if (concatenation === 'udh16') {
        params.esm_class = 0x40;
        params.short_message = Buffer.concat([Buffer.from([0x06, 0x08, 0x04, ref >> 8, ref & 0xff, total, seq]), chunks[i]]);
      } else {
        params.sar_msg_ref_num = ref;
        params.sar_total_segments = total;
        params.sar_segment_seqnum = seq;
      }
    }
    list.push(params);
  }
  return list;
}

// "+243…" → international/ISDN without the '+'; digits → unknown/ISDN; anything else → alphanumeric. Overridable.
function address(text, ton, npi) {
  let addr = text;
  let defaultTon = 0;
  let defaultNpi = 1;
  if (addr.startsWith('+')) {
    addr = addr.slice(1);
    defaultTon = 1;
  } else if (!/^[0-9]*$/.test(addr)) {
    defaultTon = 5;
    defaultNpi = 0;
  }
  return { addr, ton: Number.isInteger(ton) ? ton : defaultTon, npi: Number.isInteger(npi) ? npi : defaultNpi };
}

function sendMo(body, respond) {
  const parts = buildMo(body);
  const timeoutMs = Number.isInteger(body.timeoutMs) ? body.timeoutMs : 10000;
  const statuses = new Array(parts.length).fill(null);
  let remaining = parts.length;
  let done = false;
  const timer = setTimeout(() => {
    if (done) return;
    done = true;
    respond(504, { parts: parts.length, statuses, error: `not every deliver_sm was answered within ${timeoutMs} ms` });
  }, timeoutMs);
  parts.forEach((params, i) => {
    enqueue({
      kind: 'mo', params, gen: generation, onResp: (status) => {
        if (statuses[i] === null) remaining--;
        statuses[i] = status;
        if (remaining === 0 && !done) {
          done = true;
          clearTimeout(timer);
          respond(200, { parts: parts.length, statuses });
        }
      },
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Control: config, SMSC-initiated operations

const CONFIG_CHECKS = {
  refuseBinds: (v) => typeof v === 'boolean',
  idFormat: (v) => v === 'hex' || v === 'decimal',
  receiptDelayMs: (v) => Number.isInteger(v) && v >= 0,
  receiptStyle: (v) => v === 'both' || v === 'text' || v === 'tlv',
  receiptIdFormat: (v) => v === 'same' || v === 'decimal' || v === 'hex',
  receiptIdCase: (v) => v === 'upper' || v === 'lower',
  failPart: (v) => v === null || (Number.isInteger(v) && v >= 1),
  throttle: (v) => v === null || (typeof v === 'object' && Number.isInteger(v.count) && v.count >= 0 &&
    (v.status === undefined || statusCode(v.status) !== undefined)),
  holdResponses: (v) => typeof v === 'boolean',
  silent: (v) => typeof v === 'boolean',
  receiptBeforeResponse: (v) => typeof v === 'boolean',
  responseDelayMs: (v) => v === null || (Number.isInteger(v) && v >= 0),
  redeliverUnacked: (v) => typeof v === 'boolean',
  queryStatus: (v) => v === null || statusCode(v) !== undefined,
};

function applyConfig(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('a JSON object is expected');
  for (const [key, value] of Object.entries(body)) {
    if (!CONFIG_CHECKS[key]) throw new BadRequest(`unknown setting "${key}"; known: ${Object.keys(CONFIG_CHECKS).join(', ')}`);
    if (!CONFIG_CHECKS[key](value)) throw new BadRequest(`invalid value for "${key}": ${JSON.stringify(value)}`);
  }
  const wasSilent = config.silent;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'throttle') {
      const status = value && value.status !== undefined ? value.status : 'ESME_RTHROTTLED';
      config.throttle = value && value.count > 0 ? { count: value.count, status, statusCode: statusCode(status) } : null;
    } else {
      config[key] = value;
    }
  }
  if (wasSilent && !config.silent) flushPending();
}

function publicConfig() {
  const copy = { ...config };
  if (copy.throttle) copy.throttle = { count: copy.throttle.count, status: copy.throttle.status };
  return copy;
}

function currentStats() {
  const binds = [];
  for (const s of sessions) {
    if (s.bound) binds.push({ id: s.id, type: s.bound, system_id: s.systemId });
  }
  return { binds, sessions: sessions.size, pendingDeliveries: pending.length, heldNow: held.length, ...stats };
}

function reset() {
  generation++;
  config = { ...DEFAULT_CONFIG };
  stats = newStats();
  messages = [];
  outcomes.clear();
  held = [];
  pending.clear();
}

function release() {
  const list = held;
  held = [];
  let released = 0;
  let skipped = 0;
  for (const { s, pdu } of list) {
    if (s.closed) {
      skipped++;
      continue;
    }
    processSubmit(s, pdu);
    released++;
  }
  return { released, skipped };
}

function drop() {
  const count = sessions.size;
  stats.discardedHeld += held.length;
  const discarded = held.length;
  held = [];
  for (const s of [...sessions]) s.session.destroy();
  return { sessions: count, discardedHeld: discarded };
}

function askEverySession(send, timeoutMs, respond) {
  const list = [...sessions].filter((s) => !s.closed);
  const results = list.map((s) => ({ id: s.id, answered: false, status: null }));
  let remaining = list.length;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    respond(200, { sessions: list.length, answered: results.filter((r) => r.answered).length, results });
  };
  const timer = setTimeout(finish, timeoutMs);
  if (remaining === 0) finish();
  list.forEach((s, i) => {
    const sent = send(s, (resp) => {
      results[i].answered = true;
      results[i].status = resp.command_status;
      if (--remaining === 0) finish();
    });
    if (!sent && --remaining === 0) finish();
  });
  return finish;
}

function unbindAll(timeoutMs, respond) {
  const closeAll = [];
  askEverySession((s, onResp) => {
    setUnbound(s);
    closeAll.push(s);
    return s.session.unbind((resp) => {
      onResp(resp);
      s.session.close();
    });
  }, timeoutMs, (code, result) => {
    for (const s of closeAll) if (!s.closed) s.session.close();
    respond(code, result);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// HTTP control API

function readJson(req, callback) {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= 1 << 20) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > 1 << 20) return callback(new BadRequest('body larger than 1 MiB'));
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (text === '') return callback(null, {});
    try {
      callback(null, JSON.parse(text));
    } catch (e) {
      callback(new BadRequest(`invalid JSON: ${e.message}`));
    }
  });
}

function handle(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const route = `${req.method} ${url.pathname}`;
  const respond = (code, body) => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const withBody = (action) => readJson(req, (err, body) => {
    if (err) return respond(400, { error: err.message });
    try {
      action(body);
    } catch (e) {
      if (e instanceof BadRequest) respond(400, { error: e.message });
      else respond(500, { error: String(e && e.stack || e) });
    }
  });
  const timeoutOf = (body, fallback) => (Number.isInteger(body.timeoutMs) && body.timeoutMs >= 0 ? body.timeoutMs : fallback);

  switch (route) {
    case 'GET /health': return respond(200, { ok: true });
    case 'GET /stats': return respond(200, currentStats());
    case 'GET /messages': {
      const offset = Math.max(0, Number(url.searchParams.get('offset')) || 0);
      const limitText = url.searchParams.get('limit');
      const limit = limitText === null ? messages.length : Math.max(0, Number(limitText) || 0);
      return respond(200, offset === 0 && limit >= messages.length ? messages : messages.slice(offset, offset + limit));
    }
    case 'GET /config': return respond(200, publicConfig());
    case 'POST /config': return withBody((body) => { applyConfig(body); respond(200, publicConfig()); });
    case 'POST /reset': return withBody(() => { reset(); respond(200, { ok: true }); });
    case 'POST /drop': return withBody(() => respond(200, drop()));
    case 'POST /release': return withBody(() => respond(200, release()));
    case 'POST /unbind': return withBody((body) => unbindAll(timeoutOf(body, 2000), respond));
    case 'POST /enquire': return withBody((body) =>
      askEverySession((s, onResp) => s.session.enquire_link(onResp), timeoutOf(body, 2000), respond));
    case 'POST /mo': return withBody((body) => sendMo(body, respond));
    default: return respond(404, { error: `no route ${route}` });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Start and stop

const smppServer = smpp.createServer({}, onConnection);
const controlServer = http.createServer(handle);
controlServer.keepAliveTimeout = 30000;

function shutdown(code) {
  for (const s of sessions) s.session.destroy();
  smppServer.close();
  controlServer.close();
  process.exit(code);
}

process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(0));
process.on('uncaughtException', (e) => {
  process.stderr.write(`smsc: uncaught: ${e && e.stack || e}\n`);
  shutdown(1);
});
if (args.stdinExit) {
  process.stdin.on('end', () => shutdown(0));
  process.stdin.on('error', () => shutdown(0));
  process.stdin.resume();
}

smppServer.on('error', (e) => fail(`SMPP listener: ${e.message}`));
controlServer.on('error', (e) => fail(`control listener: ${e.message}`));
smppServer.listen(args.smppPort, '127.0.0.1', () => {
  controlServer.listen(args.controlPort, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({
      smpp_port: smppServer.address().port,
      control_port: controlServer.address().port,
      pid: process.pid,
    }) + '\n');
  });
});
