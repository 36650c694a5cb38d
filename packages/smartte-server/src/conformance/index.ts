export { PACKET_SENDER, smartteSender } from './directions.js';
export { checkSmartteExchange, HANDSHAKE_STEPS, type SmartteEvent } from './rules.js';
