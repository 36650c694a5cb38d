import { type NodeX25519, nodeX25519 } from '@portico/machine';

// The key derivation itself is smartte-link's `epochKeys` (B.6), shared with the server; these are the client's
// public names for its key pairs.

/** The device's X25519 key pair of one attempt, agreeing synchronously (CLIENT_KEY, B.3 / B.6). */
export type ClientKeyPair = NodeX25519;

/** The node:crypto X25519 key pairs the client uses by default (fresh per CONNECT_REQUEST). */
export const nodeClientKeyPair = (): ClientKeyPair => nodeX25519();
