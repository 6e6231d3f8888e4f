// The header section of an HTTP/1.1 response (RFC 9112 §4, §5): the status line and the fields,
// parsed from one latin1 string (one native decode; every name and value is then a slice of it).
// The fields that frame the message or manage the connection are kept apart; the rest become the
// end-to-end headers the router forwards.
import { BAD_NAME, BAD_VALUE, HOP_BY_HOP, isDigits, readField, type FieldLine } from './http1-syntax.js';

/** The field line being read (parsing is synchronous: one serves every head). */
const field: FieldLine = { name: '', value: '', end: 0 };

/** A response the client refuses: malformed, or larger than the limit (`tooLarge`). */
export class ResponseError extends Error {
  constructor(
    readonly tooLarge: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** What a header section says. One per connection, refilled per response: nothing but the headers object is allocated for it. */
export class ResponseHead {
  status = 0;
  /** The minor version: HTTP/1.0 or HTTP/1.1. */
  minor = 1;
  /** End-to-end headers: names in lower case, hop-by-hop ones removed, repeats joined with ", ". */
  headers: Record<string, string> = {};
  /** -1 when absent. */
  contentLength = -1;
  /** Transfer-Encoding, Connection and Keep-Alive values (repeats joined); undefined when absent. */
  transferEncoding: string | undefined;
  connection: string | undefined;
  keepAlive: string | undefined;
}

/**
 * Parses a header section (without its final CRLFCRLF) into `h`.
 * @throws ResponseError for a bad status line, a line that is not a field, a control character
 * in a value, or a bad or conflicting content-length.
 */
export function parseHead(s: string, h: ResponseHead): void {
  let eol = s.indexOf('\r\n');
  if (eol < 0) eol = s.length;
  const minor = s.charCodeAt(7) - 48;
  const status = (s.charCodeAt(9) - 48) * 100 + (s.charCodeAt(10) - 48) * 10 + (s.charCodeAt(11) - 48);
  // status-line = HTTP-version SP 3DIGIT SP [ reason-phrase ] (RFC 9112 §4); the reason is ignored.
  if (!s.startsWith('HTTP/1.') || (minor !== 0 && minor !== 1) || s.charCodeAt(8) !== 32 || !isDigits(s, 9, 12) || status < 100 || (eol > 12 && s.charCodeAt(12) !== 32)) {
    throw new ResponseError(false, `bad status line "${s.slice(0, Math.min(eol, 40))}"`);
  }
  const headers: Record<string, string> = {};
  let length = -1;
  let te: string | undefined;
  let connection: string | undefined;
  let keepAlive: string | undefined;
  const f = field;
  for (let pos = eol + 2; pos < s.length; ) {
    const next = readField(s, pos, f);
    if (next === BAD_NAME) throw new ResponseError(false, `bad header line "${s.slice(pos, Math.min(f.end, pos + 40))}"`);
    if (next === BAD_VALUE) throw new ResponseError(false, `header "${f.name}" holds a control character`);
    pos = next;
    const { name, value } = f;
    const key = name.toLowerCase();
    if (key === 'content-length') {
      // RFC 9112 §6.3 item 5: a non-numeric or conflicting length makes the framing unknowable.
      const n = isDigits(value, 0, value.length) ? Number(value) : NaN;
      if (Number.isNaN(n) || (length >= 0 && n !== length)) throw new ResponseError(false, `bad content-length "${value}"`);
      length = n;
    } else if (key === 'transfer-encoding') te = te === undefined ? value : `${te}, ${value}`;
    else if (key === 'connection') connection = connection === undefined ? value : `${connection}, ${value}`;
    else if (key === 'keep-alive') keepAlive = value;
    else if (!HOP_BY_HOP.has(key)) {
      const had = headers[key];
      headers[key] = had === undefined ? value : `${had}, ${value}`;
    }
  }
  h.status = status;
  h.minor = minor;
  h.headers = headers;
  h.contentLength = length;
  h.transferEncoding = te;
  h.connection = connection;
  h.keepAlive = keepAlive;
}
