import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { authority, isLoopback } from '../net.js';

export interface GuardSettings {
  host: string;
  port: number;
  tls: boolean;
  token: string;
  allowedHosts: readonly string[];
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Host header values this server answers to: its own address, loopback names when bound to loopback, and extras. */
export function allowedAuthorities(s: GuardSettings): Set<string> {
  const out = new Set([authority(s.host, s.port)]);
  if (isLoopback(s.host) || s.host === '0.0.0.0' || s.host === '::') {
    for (const h of ['localhost', '127.0.0.1', '::1']) out.add(authority(h, s.port));
  }
  for (const h of s.allowedHosts) out.add(h.toLowerCase());
  return out;
}

function sameToken(got: string, want: string): boolean {
  const a = Buffer.from(got);
  const b = Buffer.from(want);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The admin server's front door (issue 15 §3): a Host header naming this server (no DNS rebinding), an Origin, when a
 * browser sends one, of this server itself (no cross-site requests), and the token on every route that changes
 * something, on loopback too. Returns why a request is refused, or undefined.
 */
export function checkRequest(req: IncomingMessage, s: GuardSettings): Refusal | undefined {
  const allowed = allowedAuthorities(s);
  const host = req.headers.host?.toLowerCase();
  if (host === undefined || !allowed.has(host)) {
    return {
      status: 403,
      code: 'ADMIN_BAD_HOST',
      message: `Host header ${JSON.stringify(host ?? null)} does not name this server`,
    };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const scheme = s.tls ? 'https' : 'http';
    const ok = [...allowed].some((a) => origin.toLowerCase() === `${scheme}://${a}`);
    if (!ok) return { status: 403, code: 'ADMIN_BAD_ORIGIN', message: `Origin ${origin} is not this server` };
  }
  if (req.headers['sec-fetch-site'] === 'cross-site') {
    return { status: 403, code: 'ADMIN_BAD_ORIGIN', message: 'cross-site requests are refused' };
  }
  // Secrets in a timeline (`?reveal`) are shown to token holders only, as a change would be.
  const reveal = new URL(req.url ?? '/', 'http://admin').searchParams.has('reveal');
  if (MUTATING.has(req.method ?? 'GET') || reveal) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m)
      return { status: 401, code: 'ADMIN_TOKEN_REQUIRED', message: 'this route needs "Authorization: Bearer <token>"' };
    if (!sameToken(m[1]!, s.token)) return { status: 403, code: 'ADMIN_BAD_TOKEN', message: 'the token is not valid' };
  }
  return undefined;
}
