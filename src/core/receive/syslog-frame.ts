/**
 * RFC 6587 framing of syslog over a byte stream (TCP), told apart frame by frame: octet
 * counting (§3.4.1, `MSG-LEN SP SYSLOG-MSG`) when a frame starts with a count, a space and
 * `<`; otherwise non-transparent framing (§3.4.2), a line ended by LF (a CR before it is
 * dropped). The bytes are untrusted: memory stays under the message limit plus one chunk, and
 * the work is linear in the bytes received however they are split.
 */

export type Frame =
  | { readonly kind: 'message'; readonly bytes: Buffer }
  /** A frame longer than the limit (`bytes` without MSG-LEN or LF): its bytes are discarded. */
  | { readonly kind: 'oversize'; readonly bytes: number }
  /** The stream ended inside an octet-counted frame. */
  | { readonly kind: 'truncated'; readonly bytes: number };

/** MSG-LEN has at most this many digits (10^9 octets and more are no syslog message). */
const MAX_COUNT_DIGITS = 9;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const LT = 0x3c;

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

export class SyslogFramer {
  private buf = Buffer.alloc(0);
  private start = 0;
  private tail = 0;
  /** Bytes of the current line already searched for LF. */
  private scanned = 0;
  /** Bytes of an oversize octet-counted frame still to skip. */
  private discard = 0;
  /** Skipping an oversize line up to its LF: its bytes so far (-1: not skipping). */
  private discardLine = -1;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Uint8Array): Frame[] {
    this.append(chunk);
    const out: Frame[] = [];
    while (this.step(out));
    if (this.start === this.tail) this.start = this.tail = 0;
    return out;
  }

  /** The stream ended: a last line without LF is a message, a partial counted frame is not. */
  end(): Frame[] {
    const out: Frame[] = [];
    const rest = this.tail - this.start;
    if (this.discardLine >= 0) out.push({ kind: 'oversize', bytes: this.discardLine });
    else if (rest > 0) {
      const counted = this.counted();
      if (typeof counted === 'object' && counted !== null && counted.count <= this.maxBytes)
        out.push({ kind: 'truncated', bytes: rest });
      else this.line(this.tail, out);
    }
    this.start = this.tail = this.scanned = this.discard = 0;
    this.discardLine = -1;
    return out;
  }

  private append(chunk: Uint8Array): void {
    if (this.tail + chunk.length > this.buf.length) {
      const live = this.tail - this.start;
      const next =
        live + chunk.length > this.buf.length / 2
          ? Buffer.alloc(Math.max(2 * this.buf.length, live + chunk.length, 4096))
          : this.buf;
      this.buf.copy(next, 0, this.start, this.tail);
      this.buf = next;
      this.start = 0;
      this.tail = live;
    }
    this.buf.set(chunk, this.tail);
    this.tail += chunk.length;
  }

  /** One framing step; false when more bytes are needed. */
  private step(out: Frame[]): boolean {
    const avail = this.tail - this.start;
    if (this.discard > 0) {
      const n = Math.min(this.discard, avail);
      this.start += n;
      this.discard -= n;
      return this.discard === 0 && this.tail > this.start;
    }
    if (this.discardLine >= 0) {
      const lf = this.buf.indexOf(LF, this.start);
      if (lf < 0 || lf >= this.tail) {
        this.discardLine += avail;
        this.start = this.tail;
        return false;
      }
      out.push({ kind: 'oversize', bytes: this.discardLine + lf - this.start });
      this.start = lf + 1;
      this.discardLine = -1;
      return true;
    }
    if (avail === 0) return false;
    const counted = this.counted();
    if (counted === 'wait') return false;
    if (counted !== null) {
      const body = this.start + counted.header;
      if (counted.count > this.maxBytes) {
        out.push({ kind: 'oversize', bytes: counted.count });
        this.start = body;
        this.discard = counted.count;
        return true;
      }
      if (this.tail - body < counted.count) return false;
      out.push({
        kind: 'message',
        bytes: Buffer.from(this.buf.subarray(body, body + counted.count)),
      });
      this.start = body + counted.count;
      this.scanned = 0;
      return true;
    }
    const from = this.start + this.scanned;
    const lf = this.buf.indexOf(LF, from);
    if (lf >= 0 && lf < this.tail) {
      this.line(lf, out);
      this.start = lf + 1;
      this.scanned = 0;
      return true;
    }
    this.scanned = avail;
    if (avail > this.maxBytes) {
      // Reported once its LF (or the end of the stream) shows how long it was.
      this.discardLine = avail;
      this.start = this.tail;
      this.scanned = 0;
    }
    return false;
  }

  /** A line [start, lf): blank lines (e.g. an LF after an octet-counted frame) are ignored. */
  private line(lf: number, out: Frame[]): void {
    if (lf - this.start > this.maxBytes) {
      out.push({ kind: 'oversize', bytes: lf - this.start });
      return;
    }
    let e = lf;
    if (e > this.start && this.buf[e - 1] === CR) e--;
    const bytes = Buffer.from(this.buf.subarray(this.start, e));
    if (bytes.some((b) => b !== SP && b !== CR && b !== 0x09)) out.push({ kind: 'message', bytes });
  }

  /**
   * At a frame start: `{count, header}` for `MSG-LEN SP <`, 'wait' when the bytes so far could
   * still be one, null for a line.
   */
  private counted(): { count: number; header: number } | 'wait' | null {
    if (this.scanned > 0) return null;
    const b = this.buf;
    const first = b[this.start];
    if (first === undefined || first < 0x31 || first > 0x39) return null;
    let i = this.start;
    while (i < this.tail && isDigit(b[i]) && i - this.start < MAX_COUNT_DIGITS + 1) i++;
    const digits = i - this.start;
    if (digits > MAX_COUNT_DIGITS) return null;
    if (i === this.tail) return 'wait';
    if (b[i] !== SP) return null;
    if (i + 1 === this.tail) return 'wait';
    if (b[i + 1] !== LT) return null;
    return { count: Number(b.toString('latin1', this.start, i)), header: digits + 1 };
  }
}
