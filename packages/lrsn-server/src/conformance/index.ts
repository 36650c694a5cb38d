export { checkLrsnExchange, LRSN_DEFAULT_PORT, type LrsnEvent } from './rules.js';
export type { ExchangeEnd, ExchangeEvent, Side, Violation } from './types.js';
