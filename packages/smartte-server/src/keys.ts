import { type NodeX25519, nodeX25519 } from '@portico/machine';

// The key derivation itself is smartte-link's `epochKeys` (B.6), shared with the client; these are the server's
// public names for its key pairs.

/** One side's X25519 key pair, agreeing synchronously (a sans-IO machine cannot await Web Crypto); SERVER_KEY, B.3. */
export type KeyAgreement = NodeX25519;

/** Makes a key pair per session epoch (the `keyAgreement` option; the default is one long-term key, `serverKey`). */
export type KeyAgreementFactory = () => KeyAgreement;

/** A fresh node:crypto X25519 key pair per epoch (`keyAgreement: nodeKeyAgreement`): forward secrecy, nothing to pin. */
export const nodeKeyAgreement: KeyAgreementFactory = () => nodeX25519();
