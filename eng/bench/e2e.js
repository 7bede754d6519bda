#!/usr/bin/env node
/*
 * End-to-end SMS benchmark driver: HTTP accept → submit_sm → receipt → status → callback received, measured by the
 * same client for Kannel and Lisoloo. Node 20, no dependency. Sends --count requests (one unique recipient each) with
 * --concurrency requests in flight over keep-alive sockets, listens for the callbacks, and prints one JSON line.
 *
 *   node eng/bench/e2e.js --target kannel  --url http://127.0.0.1:13013 [--user bench --password bench] [--dlr-mask 3]
 *   node eng/bench/e2e.js --target lisoloo --url http://127.0.0.1:5000 --key sk_test_… --listen 18080
 *        [--count 20000] [--concurrency 64] [--parts 1|3] [--listen 0] [--timeout 300s] [--idle 30s]
 *        [--first 1] [--finals-per-message N]
 *
 * kannel:  GET <url>/cgi-bin/sendsms?username&password&from&to&text&dlr-mask&dlr-url, the dlr-url being
 *          http://127.0.0.1:<listen>/dlr?r=<run>&id=<n>&type=%d (Kannel substitutes %d with the DLR type:
 *          1 delivered, 2 undelivered, 4 buffered, 8 SMSC accepted, 16 SMSC rejected). Types 1 and 2 are finals.
 *          Kannel 1.4.5 asks a receipt (registered_delivery) for the first part of a concatenated message only, so a
 *          3-part message gets one final callback, reflecting part 1. --finals-per-message N (default 1) makes a
 *          message complete only after N final callbacks, for a gateway that reports every part.
 * lisoloo: POST <url>/api/v1/lisoloo/sms-api/send, header app-key (the server also takes Authorization: Bearer),
 *          body {"to":["+24381…"],"message":"…"}; webhooks are received on POST /hooks (any path is accepted) and a
 *          message is complete at its first sms.delivered / sms.failed event for its (message_id, to) pair.
 *          The key's webhook URL must point at http://127.0.0.1:<listen>/hooks, so give --listen a fixed port.
 *
 * Recipients: +24381 followed by 7 digits, counting from --first (default 1), so the test SMSC's scripted
 * 999000x endings are never hit and every callback maps back to its request. 1-part text: 19 GSM characters;
 * 3-part text: 400 GSM characters (7-bit, 153 + 153 + 94).
 *
 * Output (stdout, one JSON line): target, count, concurrency, parts, accepted (2xx), rejected (other status), errors
 * (socket), completed messages, finals {delivered, failed}, final_callbacks, duplicates (finals beyond what a message
 * needs), other_callbacks (by type), seconds (first request → last completing final), e2e_per_s (completed / seconds),
 * accept_seconds, accept_per_s, latency of request → completion (p50/p90/p99/max ms), timed_out, client_cpu_s.
 * stderr: one line {"listen":PORT} once the listener is up; the first few rejections/errors; nothing per request.
 */
'use strict';

const http = require('http');

// ---------------------------------------------------------------------------------------------------------------------
// Arguments

function fail(message) {
  process.stderr.write(`e2e: ${message}\n`);
  process.exit(2);
}

function seconds(text, name) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(String(text));
  if (!m) fail(`${name} must be a duration like 300s, 5m or 1500ms, not ${text}`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

function parseArgs(argv) {
  const o = {
    target: null, url: null, user: 'bench', password: 'bench', key: process.env.LISOLOO_KEY || null, dlrMask: 3,
    count: 20000, concurrency: 64, parts: 1, listen: 0, timeout: 300, idle: 30, first: 1, finalsPerMessage: null,
    from: 'Lisoloo',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${arg} needs a value`));
    const int = (min) => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) fail(`${arg} must be an integer ≥ ${min}, not ${v}`);
      return n;
    };
    switch (arg) {
      case '--target': o.target = value(); break;
      case '--url': o.url = value().replace(/\/+$/, ''); break;
      case '--user': o.user = value(); break;
      case '--password': o.password = value(); break;
      case '--key': o.key = value(); break;
      case '--dlr-mask': o.dlrMask = int(1); break;
      case '--from': o.from = value(); break;
      case '--count': o.count = int(1); break;
      case '--concurrency': o.concurrency = int(1); break;
      case '--parts': o.parts = int(1); break;
      case '--listen': o.listen = int(0); break;
      case '--timeout': o.timeout = seconds(value(), arg); break;
      case '--idle': o.idle = seconds(value(), arg); break;
      case '--first': o.first = int(0); break;
      case '--finals-per-message': o.finalsPerMessage = int(1); break;
      case '-h': case '--help':
        process.stdout.write(require('fs').readFileSync(__filename, 'utf8').split('*/')[0]);
        process.exit(0);
        break;
      default: fail(`unknown argument ${arg}`);
    }
  }
  if (o.target !== 'kannel' && o.target !== 'lisoloo') fail('--target must be kannel or lisoloo');
  if (!o.url) fail('--url is required (the sendsms base URL for kannel, the server base URL for lisoloo)');
  if (o.target === 'lisoloo' && !o.key) fail('--key (or LISOLOO_KEY) is required for lisoloo');
  if (o.parts !== 1 && o.parts !== 3) fail('--parts must be 1 or 3');
  if (o.first + o.count > 9990000) fail('--first + --count must stay below 9990000 (the SMSC scripts 999000x)');
  if (o.finalsPerMessage === null) o.finalsPerMessage = 1;
  return o;
}

const opt = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------------------------------------------------
// Messages

const ONE_PART = 'Your code is 493201'; // 19 GSM characters
// 400 characters of the GSM 7-bit basic table (letters, digits, space, '.'), no escapes: 3 parts of 153/153/94.
const THREE_PARTS = (() => {
  const base = 'Lisoloo benchmark message in three parts. The quick brown fox jumps over the lazy dog 0123456789. ';
  let s = '';
  while (s.length < 400) s += base;
  return s.slice(0, 400);
})();
const TEXT = opt.parts === 3 ? THREE_PARTS : ONE_PART;
const PREFIX = '+24381';
const recipient = (n) => PREFIX + String(opt.first + n).padStart(7, '0');
const run = Math.floor(Math.random() * 0x7fffffff).toString(36);

// ---------------------------------------------------------------------------------------------------------------------
// State (typed arrays: no per-message objects)

const N = opt.count;
const sentAt = new Float64Array(N); // ms since t0 (performance.now based)
const doneAt = new Float64Array(N); // 0 = not complete
const finalsFor = new Uint8Array(N); // final callbacks seen per message (kannel: per part)
const { performance } = require('perf_hooks');
let t0 = 0;
let accepted = 0;
let rejected = 0;
let errors = 0;
let lastAcceptAt = 0;
let completed = 0;
let lastCompleteAt = 0;
let delivered = 0;
let failed = 0;
let finalCallbacks = 0;
let duplicates = 0;
let strays = 0;
const otherCallbacks = Object.create(null);
const seenPairs = opt.target === 'lisoloo' ? new Map() : null; // "message_id|digits" → finals seen
let lastCallbackAt = 0;
let reportedProblems = 0;

function problem(text) {
  if (reportedProblems++ < 5) process.stderr.write(`e2e: ${text}\n`);
}

function now() {
  return performance.now() - t0;
}

function finalFor(n, isDelivered) {
  if (isDelivered) delivered++; else failed++;
  finalCallbacks++;
  const seen = ++finalsFor[n];
  if (seen === opt.finalsPerMessage) {
    const t = now();
    doneAt[n] = t;
    completed++;
    lastCompleteAt = t;
    maybeFinish();
  } else if (seen > opt.finalsPerMessage) {
    duplicates++;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Callback listener

const recipientIndex = (digits) => {
  // digits: "24381" + 7 digits (a leading '+' already dropped)
  if (digits.length !== 12 || !digits.startsWith('24381')) return -1;
  const n = Number(digits.slice(5)) - opt.first;
  return Number.isInteger(n) && n >= 0 && n < N ? n : -1;
};

function onKannelDlr(url) {
  // /dlr?r=<run>&id=<n>&type=<t>
  const q = url.indexOf('?');
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const n = Number(params.get('id'));
  const type = params.get('type');
  if (params.get('r') !== run || !Number.isInteger(n) || n < 0 || n >= N) {
    strays++;
    return;
  }
  if (type === '1' || type === '2') finalFor(n, type === '1');
  else otherCallbacks[type] = (otherCallbacks[type] || 0) + 1;
}

function onLisolooHook(body) {
  let evt;
  try {
    evt = JSON.parse(body);
  } catch {
    strays++;
    return;
  }
  const type = evt.type || evt.event;
  const data = evt.data || {};
  if (type !== 'sms.delivered' && type !== 'sms.failed') {
    otherCallbacks[type] = (otherCallbacks[type] || 0) + 1;
    return;
  }
  const digits = String(data.to || '').replace(/\D/g, '');
  const n = recipientIndex(digits);
  if (n < 0) {
    strays++;
    return;
  }
  const pair = `${data.message_id}|${digits}`;
  const seen = (seenPairs.get(pair) || 0) + 1;
  seenPairs.set(pair, seen);
  finalFor(n, type === 'sms.delivered');
}

const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  lastCallbackAt = now();
  if (opt.target === 'kannel') {
    onKannelDlr(req.url);
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    res.end('ok');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'POST') onLisolooHook(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    res.end('ok');
  });
});
server.headersTimeout = 65000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;

// ---------------------------------------------------------------------------------------------------------------------
// Load

const target = new URL(opt.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.concurrency, maxFreeSockets: opt.concurrency });
let nextIndex = 0;
let inFlight = 0;
let finished = false;
let listenPort = 0;

function kannelPath(n) {
  return kannelBase + '&to=' + encodeURIComponent(recipient(n)) +
    '&dlr-url=' + encodeURIComponent(`http://127.0.0.1:${listenPort}/dlr?r=${run}&id=${n}&type=%d`);
}
let kannelBase = '';

const lisolooPath = '/api/v1/lisoloo/sms-api/send';
const lisolooHeaders = { 'Content-Type': 'application/json', 'app-key': opt.key };
const messageJson = JSON.stringify(TEXT);

function sendOne() {
  if (finished || nextIndex >= N) return;
  const n = nextIndex++;
  inFlight++;
  sentAt[n] = now();
  let req;
  if (opt.target === 'kannel') {
    req = http.request({ agent, host: target.hostname, port: target.port, method: 'GET', path: kannelPath(n) });
    req.end();
  } else {
    const body = `{"to":["${recipient(n)}"],"message":${messageJson}}`;
    req = http.request({
      agent, host: target.hostname, port: target.port, method: 'POST', path: lisolooPath,
      headers: { ...lisolooHeaders, 'Content-Length': Buffer.byteLength(body) },
    });
    req.end(body);
  }
  req.on('response', (res) => {
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    if (ok) {
      accepted++;
      lastAcceptAt = now();
      res.resume();
    } else {
      rejected++;
      doneAt[n] = -1;
      if (reportedProblems < 5) {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => problem(`request ${n}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
      } else {
        res.resume();
      }
    }
    res.on('end', () => {
      inFlight--;
      sendOne();
      maybeFinish();
    });
  });
  req.on('error', (e) => {
    errors++;
    doneAt[n] = -1;
    problem(`request ${n}: ${e.code || e.message}`);
    inFlight--;
    sendOne();
    maybeFinish();
  });
}

function maybeFinish() {
  if (finished) return;
  if (nextIndex >= N && inFlight === 0 && completed >= accepted) finish(false);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

function finish(timedOut) {
  if (finished) return;
  finished = true;
  const latencies = [];
  for (let n = 0; n < N; n++) if (doneAt[n] > 0) latencies.push(doneAt[n] - sentAt[n]);
  latencies.sort((a, b) => a - b);
  const cpu = process.cpuUsage();
  const secs = lastCompleteAt / 1000;
  const acceptSecs = lastAcceptAt / 1000;
  const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  const result = {
    target: opt.target,
    count: N,
    concurrency: opt.concurrency,
    parts: opt.parts,
    dlr_mask: opt.target === 'kannel' ? opt.dlrMask : undefined,
    accepted,
    rejected,
    errors,
    completed,
    finals: { delivered, failed },
    final_callbacks: finalCallbacks,
    finals_per_message: opt.finalsPerMessage,
    duplicates,
    other_callbacks: otherCallbacks,
    strays,
    seconds: round(secs, 3),
    e2e_per_s: secs > 0 ? round(completed / secs) : 0,
    accept_seconds: round(acceptSecs, 3),
    accept_per_s: acceptSecs > 0 ? round(accepted / acceptSecs) : 0,
    latency_ms: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.length ? round(latencies[latencies.length - 1]) : null },
    timed_out: timedOut,
    client_cpu_s: round((cpu.user + cpu.system) / 1e6, 2),
  };
  if (opt.target === 'lisoloo') {
    let pairDuplicates = 0;
    for (const seen of seenPairs.values()) if (seen > 1) pairDuplicates += seen - 1;
    result.pairs = seenPairs.size;
    result.pair_duplicates = pairDuplicates;
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  clearInterval(watchdog);
  agent.destroy();
  server.close();
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 200).unref();
}

let watchdog = null;

server.listen(opt.listen, '127.0.0.1', () => {
  listenPort = server.address().port;
  process.stderr.write(JSON.stringify({ listen: listenPort }) + '\n');
  if (opt.target === 'kannel') {
    kannelBase = target.pathname.replace(/\/+$/, '') + '/cgi-bin/sendsms?username=' + encodeURIComponent(opt.user) +
      '&password=' + encodeURIComponent(opt.password) + '&from=' + encodeURIComponent(opt.from) +
      '&text=' + encodeURIComponent(TEXT) + '&dlr-mask=' + opt.dlrMask;
  }
  t0 = performance.now();
  const deadline = opt.timeout * 1000;
  watchdog = setInterval(() => {
    const t = now();
    if (t >= deadline) finish(true);
    // Every request answered, finals missing, and none arrived for --idle: they are not coming.
    else if (nextIndex >= N && inFlight === 0 && t - Math.max(lastCallbackAt, lastAcceptAt) >= opt.idle * 1000) finish(true);
  }, 250);
  for (let i = 0; i < opt.concurrency; i++) sendOne();
  maybeFinish();
});
server.on('error', (e) => fail(`listen: ${e.message}`));
process.on('SIGTERM', () => finish(true));
process.on('SIGINT', () => finish(true));
