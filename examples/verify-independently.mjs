#!/usr/bin/env node
// An independent Veritrail verifier: shares no code with the server and uses only node:crypto
// and fetch. It checks, over HTTP:
//   1. the latest checkpoint's Ed25519 signature (C2SP signed-note) against the published key;
//   2. inclusion proofs (RFC 9162 §2.1.3.2) of the first, a middle and the last entry;
//   3. one event's commitment: SHA-256(salt ‖ JCS(event)) is the digest inside its leaf;
//   4. a consistency proof (RFC 9162 §2.1.4.2) from half the log (root recomputed from the raw
//      entries) and, with --state FILE, from the checkpoint seen on the previous run (monitor).
//
// Usage: node examples/verify-independently.mjs --url http://127.0.0.1:8080 --tenant demo \
//          --token "$VERITRAIL_TOKEN" [--key 'name+hex8+base64'] [--state monitor.json]
// Exit status 0 when every check passes, 1 otherwise.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc),
      [],
    ),
);
const base = (args.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const tenant = args.tenant ?? 'default';
const headers = args.token ? { authorization: `Bearer ${args.token}` } : {};

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const leafHash = (input) => sha256(Buffer.from([0]), input);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);
const b64 = (s) => Buffer.from(s, 'base64');
let failures = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
};

async function get(path, type = 'json') {
  const res = await fetch(`${base}${path}`, { headers });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${await res.text()}`);
  return type === 'json' ? res.json() : res.text();
}

// --- signed note (C2SP signed-note) ---------------------------------------------------------
function parseVerifierKey(key) {
  // name+hex8+base64: the name has no '+', but base64 may.
  const k = key.trim();
  const a = k.indexOf('+');
  const name = k.slice(0, a);
  const idHex = k.slice(a + 1, a + 9);
  const keyB64 = k.slice(a + 10);
  const raw = b64(keyB64);
  if (raw[0] !== 0x01 || raw.length !== 33) throw new Error('not an Ed25519 verifier key');
  const pub = raw.subarray(1);
  const id = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), pub).subarray(0, 4);
  if (id.toString('hex') !== idHex)
    throw new Error('verifier key id does not match its name and key');
  return { name, id, pub };
}

function verifyNote(note, key) {
  const split = note.lastIndexOf('\n\n');
  const body = note.slice(0, split + 1);
  const sigs = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  const spki = createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.pub]),
    format: 'der',
    type: 'spki',
  });
  const ok = sigs.some((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== key.name) return false;
    const sig = b64(m[2]);
    return (
      sig.subarray(0, 4).equals(key.id) && verify(null, Buffer.from(body), spki, sig.subarray(4))
    );
  });
  const [origin, size, root] = body.split('\n');
  return { ok, origin, size: Number(size), root: b64(root) };
}

// --- RFC 9162 proof verification --------------------------------------------------------------
function rootFromInclusion(index, size, leaf, proof) {
  if (index >= size) return null;
  let fn = index,
    sn = size - 1,
    r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// Sizes stay numbers (exact to 2^53): no 32-bit bit operators.
const isPowerOfTwo = (x) => {
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
};

function verifyConsistency(m, n, proof, oldRoot, newRoot) {
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m < 1 || m > n || proof.length === 0) return false;
  let path = [...proof];
  if (isPowerOfTwo(m)) path = [oldRoot, ...path];
  let fn = m - 1,
    sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0],
    sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0)
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// RFC 8785 for the values an event holds: sorted keys (UTF-16 order), ES number/string forms.
const jcs = (v) =>
  v === null || typeof v !== 'object'
    ? JSON.stringify(v)
    : Array.isArray(v)
      ? `[${v.map(jcs).join(',')}]`
      : `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`)
          .join(',')}}`;

async function leaves(start, end) {
  const out = [];
  for (let s = start; s < end; s += 1000) {
    const { entries } = await get(
      `/v1/logs/${tenant}/entries?start=${s}&end=${Math.min(end, s + 1000)}`,
    );
    out.push(...entries.map((e) => leafHash(b64(e.leaf_input))));
  }
  return out;
}

// --- the checks -------------------------------------------------------------------------------
const published = (await get(`/v1/logs/${tenant}/key`, 'text')).trim();
if (args.key) check(args.key.trim() === published, 'the server publishes the pinned key');
const key = parseVerifierKey(args.key ?? published);
const cp = verifyNote(await get(`/v1/logs/${tenant}/checkpoint`, 'text'), key);
check(cp.ok, `checkpoint signature by ${key.name} (size ${cp.size})`);

for (const index of [...new Set([0, Math.floor(cp.size / 2), cp.size - 1])]) {
  const [entryLeaf] = await leaves(index, index + 1);
  const p = await get(`/v1/logs/${tenant}/proof/inclusion?index=${index}&size=${cp.size}`);
  const root = rootFromInclusion(
    index,
    cp.size,
    entryLeaf,
    p.proof.map((h) => Buffer.from(h, 'hex')),
  );
  check(
    root !== null && root.equals(cp.root),
    `inclusion of entry ${index} in the signed tree of size ${cp.size}`,
  );
}

const { entries } = await get(`/v1/logs/${tenant}/entries?start=0&end=1`);
const leafInput = JSON.parse(b64(entries[0].leaf_input).toString());
const ev = await get(`/v1/events/${encodeURIComponent(leafInput.id)}?tenant=${tenant}`);
const digest = sha256(Buffer.from(ev.salt, 'hex'), Buffer.from(jcs(ev.event))).toString('hex');
check(
  digest === leafInput.digest,
  `event ${leafInput.id}: SHA-256(salt ‖ JCS(event)) equals the committed digest`,
);

const half = Math.max(1, Math.floor(cp.size / 2));
if (half <= 20000) {
  const oldRoot = mth(await leaves(0, half));
  const c = await get(`/v1/logs/${tenant}/proof/consistency?from=${half}&to=${cp.size}`);
  check(
    verifyConsistency(
      half,
      cp.size,
      c.proof.map((h) => Buffer.from(h, 'hex')),
      oldRoot,
      cp.root,
    ),
    `consistency from size ${half} (root recomputed from entries) to ${cp.size}`,
  );
}

if (args.state) {
  if (existsSync(args.state)) {
    const prev = JSON.parse(readFileSync(args.state, 'utf8'));
    if (prev.size > cp.size) check(false, `log shrank from ${prev.size} to ${cp.size}`);
    else {
      const c =
        prev.size === cp.size
          ? { proof: [] }
          : await get(`/v1/logs/${tenant}/proof/consistency?from=${prev.size}&to=${cp.size}`);
      check(
        verifyConsistency(
          prev.size,
          cp.size,
          c.proof.map((h) => Buffer.from(h, 'hex')),
          b64(prev.root),
          cp.root,
        ),
        `consistency with the checkpoint seen before (size ${prev.size})`,
      );
    }
  }
  if (failures === 0)
    writeFileSync(args.state, JSON.stringify({ size: cp.size, root: cp.root.toString('base64') }));
}

console.log(failures === 0 ? 'all checks passed' : `${failures} check(s) FAILED`);
process.exit(failures === 0 ? 0 : 1);
