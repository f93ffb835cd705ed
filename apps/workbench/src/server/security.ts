// The security model of `workbench serve`:
// - bound to loopback with no token, only requests whose Host is a loopback name are served
//   (blocks DNS-rebinding pages from reading the API through the user's browser);
// - with a token (required for any non-loopback bind), every request must carry it as
//   `Authorization: Bearer <token>` or the `wb_token` cookie, which `?token=` sets once;
// - state-changing requests must be JSON or image bodies (never a CORS "simple" request) and, when
//   the browser sends an Origin, it must be this server: no cross-site writes;
// - responses carry a strict CSP (scripts only from this origin), nosniff and no framing.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { sendError } from './http-error.js';

export const TOKEN_COOKIE = 'wb_token';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Compare in constant time (hashes first so lengths never leak). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  };
}

/** Refuse requests whose Host header is not loopback when the server relies on loopback alone. */
export function loopbackHostOnly(): RequestHandler {
  return (req, res, next) => {
    const host = hostName(req.headers.host ?? '');
    if (isLoopbackHost(host)) return next();
    sendError(res, 403, `host "${host}" refused: this server only answers loopback names (start it with serve.token=... to expose it)`);
  };
}

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(req: Request): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
}

export function requireToken(token: string): RequestHandler {
  return (req, res, next) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (fromQuery !== undefined) {
      if (!tokensEqual(fromQuery, token)) {
        sendError(res, 401, 'wrong token');
        return;
      }
      // Trade the token in the URL for a cookie, then drop it from the address bar and history.
      const secure = req.secure ? '; Secure' : '';
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure}`);
      const url = new URL(req.originalUrl, 'http://x');
      url.searchParams.delete('token');
      if (req.method === 'GET') {
        res.redirect(303, url.pathname + url.search);
        return;
      }
      return next();
    }
    const presented = bearerToken(req) ?? readCookie(req.headers.cookie, TOKEN_COOKIE);
    if (presented !== undefined && tokensEqual(presented, token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="workbench"');
    sendError(res, 401, presented === undefined ? 'token required: open the URL printed by `workbench serve` (it carries ?token=...) or send Authorization: Bearer <token>' : 'wrong token');
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WRITE_TYPES = ['application/json', 'image/png', 'image/jpeg', 'application/octet-stream'];

/** Writes must not be forgeable by another site: a non-simple content type and a same-origin Origin. */
export function sameOriginWrites(): RequestHandler {
  return (req, res, next) => {
    if (!WRITE_METHODS.has(req.method)) return next();
    const type = (req.headers['content-type'] ?? '').split(';', 1).join('').trim().toLowerCase();
    // A write without a body (`curl -X DELETE`, fetch without body) carries nothing to forge;
    // the Origin check below still applies.
    const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !WRITE_TYPES.includes(type)) {
      sendError(res, 415, `content type "${type}" refused: send application/json (or image/png, image/jpeg for uploads)`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        /* fall through: refused below */
      }
      if (originHost !== req.headers.host) {
        sendError(res, 403, `cross-origin write from ${origin} refused`);
        return;
      }
    } else if (origin === 'null') {
      sendError(res, 403, 'cross-origin write refused');
      return;
    }
    next();
  };
}

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return colon === -1 ? hostHeader : hostHeader.slice(0, colon);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
