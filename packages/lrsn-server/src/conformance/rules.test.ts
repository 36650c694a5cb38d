// Every LRSN conformance rule triggered by a crafted exchange and silent on a clean one.
import { type DecodedMessage, decode } from '@portico/lrsn-codec';
import { describe, expect, it } from 'vitest';
import { checkLrsnExchange, type LrsnEvent } from './rules.js';
import type { ExchangeSide as Side } from '@portico/machine';

const ev = (...lines: [Side, string][]): LrsnEvent[] =>
  lines.map(([from, text], index) => ({ index, time: index * 10, from, message: decode(text) as DecodedMessage }));

const GREETING: [Side, string] = ['server', '<LRSN services="NetPage;Heartbeat" swver="1.0" login="none"/>'];
const PASSWD: [Side, string] = ['server', '<LRSN services="NetPage" swver="1.0" login="passwd"/>'];
const LOGIN: [Side, string] = ['client', '<Login services="NetPage"/>'];
const ACK: [Side, string] = ['server', '<LoginAck ret="0" services="NetPage"/>'];
const PAGE: [Side, string] = ['client', '<PageRequest id="1" pager="2;105" message="Flash5Min"/>'];
const STATUS: [Side, string] = ['server', '<PageRequestStatus id="1" status="sent" ret="0"/>'];

describe('checkLrsnExchange', () => {
  it('is silent on a clean log-on and page (LR-06 "Connect to port 3700/TCP. Receive message. Send message with appropriate login credentials.")', () => {
    expect(checkLrsnExchange(ev(GREETING, LOGIN, ACK, PAGE, STATUS, ['server', '<Heartbeat interval="60"/>']))).toEqual(
      [],
    );
  });

  it('LR-07 <LRSN> "is the first message sent after the initial connection": not first', () => {
    expect(checkLrsnExchange(ev(LOGIN, GREETING))).toEqual([
      { rule: 'LR-07', index: 0, text: expect.stringContaining('<Login> from the client before the greeting') },
      { rule: 'LR-07', index: 1, text: expect.stringContaining('<LRSN> is message 1, not the first') },
    ]);
  });

  it('LR-07 <LRSN> "is only sent at the initial connection": sent twice', () => {
    expect(checkLrsnExchange(ev(GREETING, LOGIN, ACK, GREETING))).toEqual([
      { rule: 'LR-07', index: 3, text: expect.stringContaining('<LRSN> sent twice (first at message 0)') },
    ]);
  });

  it('LR-07 <LRSN> "is only sent by the server"', () => {
    expect(checkLrsnExchange(ev(GREETING, ['client', GREETING[1]]))).toEqual([
      { rule: 'LR-07', index: 1, text: expect.stringContaining('"is only sent by the server"') },
    ]);
  });

  it('LR-03 "Some messages are only valid when sent from the client to the server, or from the server to the client"', () => {
    expect(checkLrsnExchange(ev(GREETING, LOGIN, ACK, ['server', PAGE[1]]))).toEqual([
      {
        rule: 'LR-03',
        index: 3,
        text: expect.stringContaining('<PageRequest> from the server: only valid client-to-server'),
      },
    ]);
  });

  it('LR-09 "a <Login> message is required to register for services on the server": a page before login', () => {
    expect(checkLrsnExchange(ev(GREETING, PAGE, LOGIN, ACK))).toEqual([
      { rule: 'LR-09', index: 1, text: expect.stringContaining('<PageRequest> from the client before login') },
    ]);
  });

  it('LR-10 "a <Login> message with proper login credentials must be sent by the client before continuing"', () => {
    expect(checkLrsnExchange(ev(PASSWD, PAGE))).toEqual([
      { rule: 'LR-10', index: 1, text: expect.stringContaining('before login') },
    ]);
  });

  it('LR-18 "the session begins after the server sends the <LoginAck> message": server messages before it', () => {
    expect(checkLrsnExchange(ev(GREETING, ['server', '<Heartbeat interval="60"/>'], LOGIN, ACK))).toEqual([
      {
        rule: 'LR-18',
        index: 1,
        text: expect.stringContaining('<Heartbeat> from the server before a successful <LoginAck>'),
      },
    ]);
  });

  it('LR-14 "After receiving a <Login> message, the LRSN server will respond with a <LoginAck> message": an ack without a login', () => {
    expect(checkLrsnExchange(ev(GREETING, ACK))).toEqual([
      { rule: 'LR-14', index: 1, text: expect.stringContaining('<LoginAck> without a <Login>') },
    ]);
  });

  it('LR-17 "the server will disconnect the client immediately after transmitting the <LoginAck> message" when ret is not ESUCCESS', () => {
    expect(checkLrsnExchange(ev(GREETING, LOGIN, ['server', '<LoginAck ret="2"/>']))).toEqual([]);
    expect(checkLrsnExchange(ev(GREETING, LOGIN, ['server', '<LoginAck ret="2"/>'], PAGE))).toEqual([
      {
        rule: 'LR-17',
        index: 3,
        text: expect.stringContaining('after a refused login (<LoginAck ret="2"> ELICEXCEED)'),
      },
    ]);
  });
});
