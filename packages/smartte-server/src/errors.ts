/** Codes of SmartTeServerError. */
export type SmartTeServerErrorCode = 'SERVER_OPTION' | 'SERVER_UNSUPPORTED';

/** A typed error of the SmartTE server: code, what was expected, what came, where. */
export class SmartTeServerError extends Error {
  readonly code: SmartTeServerErrorCode;
  readonly expected: string;
  readonly got: string;
  readonly where: string;

  constructor(code: SmartTeServerErrorCode, details: { expected: string; got: string; where: string }) {
    super(`${code}: ${details.where}: expected ${details.expected}, got ${details.got}`);
    this.name = 'SmartTeServerError';
    this.code = code;
    this.expected = details.expected;
    this.got = details.got;
    this.where = details.where;
  }
}
