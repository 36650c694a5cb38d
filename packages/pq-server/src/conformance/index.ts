export { checkPqExchange, PQ_DEFAULT_PORT, PQ_REPLY_TIMEOUT_MS, type PqEvent } from './rules.js';
