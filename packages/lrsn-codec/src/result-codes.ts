/**
 * LRSN result codes ("Result Codes", the master list; lrsn.md §3). `ret` on `<LoginAck>` carries one of them; the seed
 * names ESUCCESS, ELOGIN, ELICEXCEED, ELICEXPIRE, ESERVDOWN and EMAXCLIENTS as the common login answers (LR-15).
 */
export const ResultCode = {
  ESUCCESS: 0,
  ELOGIN: 1,
  ELICEXCEED: 2,
  ELICEXPIRE: 3,
  ESERVDOWN: 4,
  EMAXCLIENTS: 5,
  EINVAL: 6,
  EOPFAIL: 7,
  EDUP: 8,
  EINPROGRESS: 9,
  EFAIL: 10,
} as const;
/** The mnemonic of a published result code, `'ESUCCESS'` to `'EFAIL'` (lrsn.md §3). */
export type ResultCodeName = keyof typeof ResultCode;
/** The value of a published result code, 0 (ESUCCESS) to 10 (EFAIL); a `ret` on the wire may hold others. */
export type ResultCodeValue = (typeof ResultCode)[ResultCodeName];

/** What each code means, paraphrasing LRS's result-code page. */
export const RESULT_CODE_MEANINGS: Readonly<Record<ResultCodeName, string>> = {
  ESUCCESS: 'operation succeeded',
  ELOGIN: 'login failed: wrong user or password',
  ELICEXCEED: "accepting the client would exceed the number of clients the server's licence allows",
  ELICEXPIRE: "the server's licence has expired; no clients are accepted until it is updated",
  ESERVDOWN: 'the server is not accepting connections (for example during maintenance)',
  EMAXCLIENTS: 'the server already has the maximum number of clients',
  EINVAL: 'invalid value given',
  EOPFAIL: 'operation failed',
  EDUP: 'duplicate',
  EINPROGRESS: 'operation in progress',
  EFAIL: 'general failure',
};

const NAMES: readonly ResultCodeName[] = Object.keys(ResultCode) as ResultCodeName[];

/** The mnemonic of a result code, or undefined for a value outside the published list. */
export function resultCodeName(ret: number): ResultCodeName | undefined {
  return Number.isInteger(ret) && ret >= 0 && ret < NAMES.length ? NAMES[ret] : undefined;
}

/** "ELICEXCEED (2): accepting the client would exceed …", or "result code 42 (not in the published list)". */
export function describeResultCode(ret: number): string {
  const name = resultCodeName(ret);
  return name === undefined
    ? `result code ${ret} (not in the published list)`
    : `${name} (${ret}): ${RESULT_CODE_MEANINGS[name]}`;
}
