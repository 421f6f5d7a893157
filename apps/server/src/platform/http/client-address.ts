import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * Which peers may state the client's address in `X-Forwarded-For` (config `TRUST_PROXY`): none,
 * the nearest N hops, or a list of addresses, CIDRs and proxy-addr's names (`loopback`, …).
 */
export type TrustProxy = false | number | readonly string[];

/** `(address, hop)`: whether the peer at `hop` (0 = the socket's own peer) is a trusted proxy. */
export type TrustFn = (address: string, hop: number) => boolean;

const trustNobody: TrustFn = () => false;

/**
 * Compiles `TRUST_PROXY` once. A hop count is our own function, not Fastify's number form:
 * Fastify 5 treats a number as "trust nobody", which would silently undo the setting.
 */
export function compileTrust(trust: TrustProxy): TrustFn {
  if (trust === false) return trustNobody;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}

/**
 * The one rule for "who is the client", shared by HTTP (Fastify's `request.ip` is built on the
 * same function) and sockets: the nearest address in the connection → X-Forwarded-For chain that
 * is not a trusted proxy. With no trusted proxy the header is ignored, so a forged one buys nothing.
 */
export function clientAddress(request: IncomingMessage, trust: TrustFn): string {
  return proxyAddr(request, trust) ?? request.socket.remoteAddress ?? 'unknown';
}
