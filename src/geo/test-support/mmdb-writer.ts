/**
 * A minimal MaxMind DB writer for tests (MaxMind DB File Format Specification 2.0,
 * maxmind.github.io/MaxMind-DB/): an IPv4 search tree with 32-bit records, a data section of
 * maps, strings, doubles, unsigned integers and arrays, and the metadata. Enough to build a
 * tiny city database that the real `maxmind` reader opens.
 */
type Value = string | number | boolean | readonly Value[] | { readonly [k: string]: Value };

const ctrl = (type: number, size: number): Buffer => {
  const head = (t: number) => (t <= 7 ? [t << 5] : [0, t - 7]);
  const [first = 0, ext] = head(type);
  const withSize = (b: number, extra: number[]) =>
    Buffer.from(ext === undefined ? [b, ...extra] : [b, ext, ...extra]);
  if (size < 29) return withSize(first | size, []);
  if (size < 285) return withSize(first | 29, [size - 29]);
  if (size < 65_821) return withSize(first | 30, [(size - 285) >> 8, (size - 285) & 0xff]);
  throw new Error('value too large for this writer');
};

const uint = (type: number, n: number): Buffer => {
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return Buffer.concat([ctrl(type, bytes.length), Buffer.from(bytes)]);
};

export function encode(v: Value, type?: 'uint16' | 'uint32' | 'uint64'): Buffer {
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([ctrl(2, b.length), b]);
  }
  if (typeof v === 'boolean') return ctrl(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (type !== undefined) return uint({ uint16: 5, uint32: 6, uint64: 9 }[type], v);
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return Buffer.concat([ctrl(3, 8), b]);
  }
  if (Array.isArray(v))
    return Buffer.concat([ctrl(11, v.length), ...v.map((x: Value) => encode(x))]);
  const entries = Object.entries(v as Record<string, Value>);
  return Buffer.concat([
    ctrl(7, entries.length),
    ...entries.flatMap(([k, x]) => [encode(k), encode(x, UINT_KEYS[k])]),
  ]);
}

/** Metadata keys the specification types as unsigned integers. */
const UINT_KEYS: Readonly<Record<string, 'uint16' | 'uint32' | 'uint64'>> = {
  node_count: 'uint32',
  record_size: 'uint16',
  ip_version: 'uint16',
  binary_format_major_version: 'uint16',
  binary_format_minor_version: 'uint16',
  build_epoch: 'uint64',
};

type Rec = { node: number } | { data: number } | null;

/** A database of IPv4 networks (`a.b.c.d/len`) → data records. */
export function writeMmdb(databaseType: string, networks: readonly [string, Value][]): Buffer {
  const nodes: [Rec, Rec][] = [[null, null]];
  const data: Buffer[] = [];
  let dataLen = 0;
  for (const [cidr, value] of networks) {
    const [addr = '', len = '32'] = cidr.split('/');
    const ip = addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const prefix = Number(len);
    const rec: Rec = { data: dataLen };
    const b = encode(value);
    data.push(b);
    dataLen += b.length;
    let node = 0;
    for (let i = 0; i < prefix; i++) {
      const bit = Math.floor(ip / 2 ** (31 - i)) % 2;
      const pair = nodes[node] as [Rec, Rec];
      if (i === prefix - 1) {
        pair[bit] = rec;
        break;
      }
      const next = pair[bit] ?? null;
      if (next !== null && 'node' in next) node = next.node;
      else {
        nodes.push([null, null]);
        pair[bit] = { node: nodes.length - 1 };
        node = nodes.length - 1;
      }
    }
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * 8);
  const value = (r: Rec) => (r === null ? count : 'node' in r ? r.node : count + 16 + r.data);
  nodes.forEach(([l, r], i) => {
    tree.writeUInt32BE(value(l), i * 8);
    tree.writeUInt32BE(value(r), i * 8 + 4);
  });
  const metadata = encode({
    node_count: count,
    record_size: 32,
    ip_version: 4,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1_764_115_200,
    description: { en: 'Veritrail test database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    ...data,
    Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'),
    metadata,
  ]);
}
