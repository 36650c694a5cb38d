import { codeOf } from '@portico/test-support';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { assertSentBy, MESSAGE_DIRECTIONS, mayBeSentBy, messageDirection } from './direction.js';
import { encode } from './encode.js';
import { MessageDecoder } from './line-decoder.js';
import { KNOWN_MESSAGE_TYPES } from './messages.js';
import { describeResultCode, ResultCode, resultCodeName } from './result-codes.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

// Every LR-xx behaviour of SEED-TRACE.md that belongs to the codec, with the seed's words.
describe('LRSN seed behaviours (004_ec5ed9deeb440bd4.txt)', () => {
  it('LR-02 "All messages are XML based." — a line that is not one XML element is LRSN_XML_INVALID', () => {
    expect(decode('<Heartbeat interval="60" />')).toMatchObject({ type: 'Heartbeat' });
    for (const l of [
      'Heartbeat interval=60',
      '{"type":"Heartbeat"}',
      '<Heartbeat interval="60">',
      '<Heartbeat interval="60"/><Heartbeat interval="60"/>',
    ]) {
      expect(codeOf(() => decode(l))).toBe('LRSN_XML_INVALID');
    }
  });

  it('LR-03 "Some messages are only valid when sent from the client to the server, or from the server to the client. Other messages … may be sent by either side." — the direction table as data', () => {
    expect(messageDirection('LRSN')).toBe('server-to-client');
    expect(messageDirection('Login')).toBe('client-to-server');
    expect(messageDirection('LoginAck')).toBe('server-to-client');
    expect(messageDirection('PageRequest')).toBe('client-to-server');
    expect(messageDirection('PageRequestStatus')).toBe('server-to-client');
    expect(messageDirection('TableUpdate')).toBe('server-to-client');
    expect(messageDirection('TableUpdateAck')).toBe('client-to-server');
    expect(messageDirection('Unknown')).toBe('either');
    expect(messageDirection('SomethingNew')).toBe('either');
    expect(messageDirection('__proto__')).toBe('either');
    // Every message, pinned: LRSN/LoginAck from the seed; Login from the seed's client steps; Heartbeat, NetPage,
    // KeyCallTX, TableMan, LrsRX and PocsagRX from lrsn.md §4–§9 (TableUpdate from a client is ignored, §7).
    expect(MESSAGE_DIRECTIONS).toEqual({
      LRSN: 'server-to-client',
      Login: 'client-to-server',
      LoginAck: 'server-to-client',
      Heartbeat: 'server-to-client',
      PageRequest: 'client-to-server',
      PageRequestStatus: 'server-to-client',
      KeyCallTXInsert: 'server-to-client',
      KeyCallTXButton: 'server-to-client',
      KeyCallTXSupervision: 'server-to-client',
      TableUpdate: 'server-to-client',
      TableUpdateAck: 'client-to-server',
      LrsRXGuest: 'server-to-client',
      LrsRXStaff: 'server-to-client',
      PocsagRX: 'server-to-client',
      Unknown: 'either',
    });
    expect(Object.keys(MESSAGE_DIRECTIONS).sort()).toEqual([...KNOWN_MESSAGE_TYPES, 'Unknown'].sort());
    expect(mayBeSentBy('Login', 'client')).toBe(true);
    expect(mayBeSentBy('Login', 'server')).toBe(false);
    expect(mayBeSentBy('Unknown', 'server')).toBe(true);
    expect(() => assertSentBy(decode('<PageRequest pager="2;1"/>'), 'client')).not.toThrow();
    expect(codeOf(() => assertSentBy(decode('<PageRequest pager="2;1"/>'), 'server'))).toBe('LRSN_WRONG_DIRECTION');
  });

  it('LR-04 "Newline characters (\'\\n\') are used to delimit the end of a message. The data between two newlines should form a parsable XML document."', () => {
    const d = new MessageDecoder();
    expect(d.push(utf8('<Heartbeat interval="60"/>\n<LoginAck ret="0"/>'))).toHaveLength(1);
    expect(d.push(utf8('\n'))).toMatchObject([{ type: 'LoginAck', ret: 0 }]);
    // A document split over two lines is two unparsable halves.
    expect(
      codeOf(() =>
        new MessageDecoder().push(utf8('<PageRequest id="42">\n<Pager Type="Guest" ID="12"/></PageRequest>\n')),
      ),
    ).toBe('LRSN_XML_INVALID');
    expect(encode({ type: 'Heartbeat', interval: 60 })).toBe('<Heartbeat interval="60"/>\n');
  });

  it('LR-05 "Newline characters are not allowed except to delimit messages"; a newline in element text is sent as the character reference', () => {
    const line = encode({ type: 'PocsagRX', capcode: '700001', message: 'one\ntwo' });
    expect(line).toBe('<PocsagRX capcode="700001">one&#xa;two</PocsagRX>\n');
    expect(decode(line)).toMatchObject({ message: 'one\ntwo' });
    expect(encode({ type: 'PageRequest', form: 'short', pager: { type: '0', number: '1' }, message: 'a\nb' })).toBe(
      '<PageRequest pager="0;1" message="a&#xa;b"/>\n',
    );
    expect(codeOf(() => decode('<PocsagRX capcode="1">one\ntwo</PocsagRX>'))).toBe('LRSN_NEWLINE_IN_MESSAGE');
  });

  it('LR-07 The <LRSN> message "is only sent by the server, it is the first message sent after the initial connection, and it is only sent at the initial connection." — greeting shape and direction', () => {
    expect(messageDirection('LRSN')).toBe('server-to-client');
    expect(codeOf(() => assertSentBy({ type: 'LRSN' }, 'client'))).toBe('LRSN_WRONG_DIRECTION');
    const m = decode('<LRSN services="NetPage:2.1;TableMan" device="T7500" swver="1.0" login="none" />');
    expect(m).toMatchObject({ type: 'LRSN', device: 'T7500', login: 'none' });
  });

  it('LR-08 <LRSN services="serv1:ver;...;servn:ver" device="devname" hwver="..." swver="..." login="..." />: "The services list is semicolon delimited. Optionally, the version of the service may be specified by a colon following the service name"; device "Present if server is an LRS hardware unit"; hwver "only included for LRSN servers which run on custom LRS hardware" (a real T7470 omits it); swver and login "Always present"; serno "Present if server has a serial number"', () => {
    const t7470 = decode(
      '<LRSN services="NetPage:2.0;Config:1.0;Heartbeat:1.0;Inputs:1.0;PocsagRX:1.0;LrsRX:1.0;TableMan:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none" />',
    );
    expect(t7470).toMatchObject({ type: 'LRSN', device: 'T7470', swver: '8.3.0.13', serno: '20384', login: 'none' });
    expect(t7470.type === 'LRSN' && t7470.hwver).toBeUndefined();
    expect(decode('<LRSN services="NetPage:2.1;TableMan" swver="3" login="passwd"/>')).toMatchObject({
      services: [{ name: 'NetPage', version: '2.1' }, { name: 'TableMan' }],
      login: 'passwd',
    });
    expect(decode('<LRSN services="NetPage:2.0;" swver="3" login="none"/>')).toMatchObject({
      services: [{ name: 'NetPage', version: '2.0' }],
    });
    expect(codeOf(() => decode('<LRSN swver="3" login="none"/>'))).toBe('LRSN_MISSING_ATTRIBUTE');
    expect(codeOf(() => decode('<LRSN services="A" login="none"/>'))).toBe('LRSN_MISSING_ATTRIBUTE');
    expect(codeOf(() => decode('<LRSN services="A" swver="3"/>'))).toBe('LRSN_MISSING_ATTRIBUTE');
    expect(codeOf(() => decode('<LRSN services="A" swver="3" login="sso"/>'))).toBe('LRSN_BAD_ATTRIBUTE');
  });

  it('LR-11 "If the services attribute is missing, then the server will assume the client wishes to use all services" — missing and empty stay distinct', () => {
    const all = decode('<Login user="authorized_user" passwd="correct_password" />');
    expect(all.type === 'Login' && all.services).toBeUndefined();
    expect(decode('<Login services=""/>')).toMatchObject({ services: [] });
    expect(encode({ type: 'Login', user: 'u', passwd: 'p' })).toBe('<Login user="u" passwd="p"/>\n');
  });

  it('LR-13 With passwd the client includes user and passwd; "the user name and password should be a valid pair for the server."', () => {
    expect(decode('<Login user="geoffrey" passwd="mypassword" services="NetPage" />')).toMatchObject({
      user: 'geoffrey',
      passwd: 'mypassword',
      services: [{ name: 'NetPage' }],
    });
  });

  it('LR-15 ret carries the reason; "the common responses would be ESUCCESS, ELOGIN, ELICEXCEED, ELICEXPIRE, ESERVDOWN, and EMAXCLIENTS"; <LoginAck ret="2" /> is ELICEXCEED', () => {
    const m = decode('<LoginAck ret="2" />');
    expect(m).toMatchObject({ type: 'LoginAck', ret: ResultCode.ELICEXCEED });
    expect(m.type === 'LoginAck' && resultCodeName(m.ret)).toBe('ELICEXCEED');
    expect([
      ResultCode.ESUCCESS,
      ResultCode.ELOGIN,
      ResultCode.ELICEXCEED,
      ResultCode.ELICEXPIRE,
      ResultCode.ESERVDOWN,
      ResultCode.EMAXCLIENTS,
    ]).toEqual([0, 1, 2, 3, 4, 5]);
    expect(describeResultCode(2)).toMatch(/^ELICEXCEED \(2\): .*licence/);
    expect(decode('<LoginAck ret="42"/>')).toMatchObject({ ret: 42 });
  });

  it('LR-16 "The <LoginAck> message also contains a services attribute, indicating which services the client is actually subscribed to." (a failed ack may omit it)', () => {
    expect(decode('<LoginAck ret="0" services="KeyCallTX;Heartbeat"/>')).toMatchObject({
      ret: 0,
      services: [{ name: 'KeyCallTX' }, { name: 'Heartbeat' }],
    });
    const failed = decode('<LoginAck ret="2" />');
    expect(failed.type === 'LoginAck' && failed.services).toBeUndefined();
    expect(encode({ type: 'LoginAck', ret: 0, services: [{ name: 'KeyCallTX' }, { name: 'Heartbeat' }] })).toBe(
      '<LoginAck ret="0" services="KeyCallTX;Heartbeat"/>\n',
    );
    expect(encode({ type: 'LoginAck', ret: 2 })).toBe('<LoginAck ret="2"/>\n');
  });
});
