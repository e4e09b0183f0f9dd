// A read/write load for the topology test (tests/cluster/run.sh), through the proxy.
//
//   node load.mjs BASE_URL PARTNER_KEY LOG_FILE STOP_FILE [READERS] [WRITERS]
//
// Readers ask anonymously what residents ask (a search, a list, an entry, a feed page, the web
// page); writers publish a place as a partner and read it back at once with their key (a partner
// sees its own write). Every request is one line in LOG_FILE:
//   <ms since the epoch> <read|write|readback> <status> <entry id or -> <ms taken>
// (status 0: no answer at all). The load stops when STOP_FILE exists.
import { appendFileSync, existsSync } from 'node:fs';

const [base, key, logFile, stopFile, readersArg, writersArg] = process.argv.slice(2);
const readers = Number(readersArg || 6), writers = Number(writersArg || 2);
const lines = [];
const flush = () => { if (lines.length) appendFileSync(logFile, lines.splice(0).join('')); };
setInterval(flush, 200).unref();

const readPaths = [
  '/api/v1/search?municipality=GM0512&limit=20',
  '/api/v1/search?q=koffie&limit=10',
  '/api/v1/places?limit=20',
  '/api/v1/activities?limit=20',
  '/feeds/places',
  '/',
];

async function call(method, path, opts = {}) {
  const t0 = Date.now();
  try {
    const r = await fetch(base + path, { method, ...opts, signal: AbortSignal.timeout(10000) });
    const body = await r.text();
    return { status: r.status, body, ms: Date.now() - t0 };
  } catch (e) {
    return { status: 0, body: String(e), ms: Date.now() - t0 };
  }
}

function log(kind, status, id, ms) {
  lines.push(`${Date.now()} ${kind} ${status} ${id || '-'} ${ms}\n`);
}

async function reader(n) {
  for (let i = n; !existsSync(stopFile); i++) {
    const r = await call('GET', readPaths[i % readPaths.length]);
    log('read', r.status, null, r.ms);
  }
}

async function writer(n) {
  for (let i = 0; !existsSync(stopFile); i++) {
    const title = `Clustertest ${process.pid}-${n}-${i}`;
    const body = JSON.stringify({
      title, summary: 'Een plek om elkaar te ontmoeten, voor de topologietest.',
      municipality: 'GM0512', areas: ['GM0512-west'], themes: ['ontmoeten'], audiences: ['iedereen'],
      address: { street: 'Lingewijkerweg', house_number: '12', postcode: '4205 AB', city: 'Gorinchem' },
      location: { lat: 51.8395, lon: 4.9655 },
    });
    const w = await call('POST', '/api/v1/places', {
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body,
    });
    let id = null;
    if (w.status === 201) {
      try { id = JSON.parse(w.body).id; } catch { /* logged as no id */ }
    }
    log('write', w.status, id, w.ms);
    if (id) {
      const r = await call('GET', `/api/v1/places/${id}`, { headers: { Authorization: `Bearer ${key}` } });
      log('readback', r.status, id, r.ms);
    } else if (w.status !== 201) {
      await new Promise((ok) => setTimeout(ok, 100)); // no storm of failures while a database is away
    }
  }
}

await Promise.all([
  ...Array.from({ length: readers }, (_, n) => reader(n)),
  ...Array.from({ length: writers }, (_, n) => writer(n)),
]);
flush();
