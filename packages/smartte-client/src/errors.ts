/** Codes of SmartTeClientError. */
export type SmartTeClientErrorCode = 'CLIENT_HANDSHAKE_FAILED' | 'CLIENT_ECHO_TIMEOUT';

/** A typed error of the SmartTE client: code, what was expected, what came, where (the handshake state). */
export class SmartTeClientError extends Error {
  readonly code: SmartTeClientErrorCode;
  readonly expected: string;
  readonly got: string;
  readonly where: string;

  constructor(code: SmartTeClientErrorCode, details: { expected: string; got: string; where: string }) {
    super(details.got);
    this.name = 'SmartTeClientError';
    this.code = code;
    this.expected = details.expected;
    this.got = details.got;
    this.where = details.where;
  }
}
