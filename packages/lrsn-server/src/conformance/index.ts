export { checkLrsnExchange, LRSN_DEFAULT_PORT, type LrsnEvent } from './rules.js';
