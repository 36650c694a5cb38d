export { checkPqExchange, PQ_DEFAULT_PORT, PQ_REPLY_TIMEOUT_MS, type PqEvent } from './rules.js';
export type { ExchangeEnd, ExchangeEvent, Side, Violation } from './types.js';
