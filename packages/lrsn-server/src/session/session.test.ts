import { type Heartbeat, type LrsnMessage, ResultCode } from '@portico/lrsn-codec';
import { MachineHarness } from '@portico/machine/testing';
import { describe, expect, it } from 'vitest';
import { harness, lines, loggedIn, sessionOptions } from '../test-support/session-harness.js';
import { MemoryLrsnRegistry } from '../state/registry.js';
import type { SessionCommand, SessionEvent } from './events.js';
import { LrsnServerSession } from './session.js';

const GREETING_LINE =
  '<LRSN services="NetPage:2.0;Heartbeat:1.0;TableMan:1.0;KeyCallTX:1.0;LrsRX:1.0;PocsagRX:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none"/>';
const HEARTBEAT: Heartbeat = { type: 'Heartbeat', interval: 60 };

describe('greeting', () => {
  it('LR-07 "it is the first message sent after the initial connection, and it is only sent at the initial connection"', () => {
    const h = harness();
    h.input({ type: 'open' });
    expect(lines(h)).toEqual([GREETING_LINE]);
    h.input({ type: 'open' }).receive('<Login/>').input({ type: 'verdict', ret: 0 });
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(h.allSent().filter((m) => m.type === 'LRSN')).toHaveLength(1);
    expect(h.allSent()[0]?.type).toBe('LRSN');
  });

  it('LR-08 greeting attributes: services with versions, device, swver, serno, login (hwver optional)', () => {
    const h = harness();
    h.input({ type: 'open' });
    const [g] = h.sent();
    expect(g).toMatchObject({ type: 'LRSN', device: 'T7470', swver: '8.3.0.13', serno: '20384', login: 'none' });
    expect(g).not.toHaveProperty('hwver');
  });

  it('LR-01 the greeting is sent by the server on connect, before the client says anything', () => {
    const h = harness();
    h.input({ type: 'open' });
    expect(h.timeline[0]).toMatchObject({ at: 0, action: { type: 'send', message: { type: 'LRSN' } } });
  });
});

describe('login', () => {
  it('LR-09 "If login is none … a <Login> message is required to register for services on the server"', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login services="NetPage"/>');
    expect(h.emitted('login')).toEqual([
      { type: 'login', user: undefined, passwd: undefined, services: [{ name: 'NetPage' }] },
    ]);
    h.input({ type: 'verdict', ret: 0 });
    expect(lines(h)).toEqual(['<LoginAck ret="0" services="NetPage"/>']);
  });

  it('LR-10 LR-13 "If login is passwd, then a <Login> message with proper login credentials must be sent": user and passwd go to the verdict', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login user="geoffrey" passwd="mypassword" services="NetPage"/>');
    expect(h.emitted('login')[0]).toMatchObject({ user: 'geoffrey', passwd: 'mypassword' });
    expect(h.sent()).toEqual([]); // nothing before the verdict
  });

  it('LR-11 "If the services attribute is missing, then the server will assume the client wishes to use all services the server offers"', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login/>').input({ type: 'verdict', ret: 0 });
    expect(lines(h)).toEqual(['<LoginAck ret="0" services="NetPage;Heartbeat;TableMan;KeyCallTX;LrsRX;PocsagRX"/>']);
  });

  it('LR-12 "the server will limit the services it provides … Any services the client specifies but the server does not provide are silently ignored"', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login services="NetPage:2.1;Bogus;Heartbeat;"/>').input({ type: 'verdict', ret: 0 });
    expect(lines(h)).toEqual(['<LoginAck ret="0" services="NetPage;Heartbeat"/>']);
    expect(h.closes()).toEqual([]);
  });

  it('LR-14 LR-16 "the LRSN server will respond with a <LoginAck> message" whose services attribute lists "which services the client is actually subscribed to"', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login services="KeyCallTX;Heartbeat"/>').input({ type: 'verdict', ret: 0 });
    expect(lines(h)).toEqual(['<LoginAck ret="0" services="KeyCallTX;Heartbeat"/>']);
    expect(h.emitted('logged-in')).toEqual([{ type: 'logged-in', services: ['KeyCallTX', 'Heartbeat'] }]);
  });

  for (const name of ['ELOGIN', 'ELICEXCEED', 'ELICEXPIRE', 'ESERVDOWN', 'EMAXCLIENTS'] as const) {
    it(`LR-15 LR-17 ${name}: "If the ret attribute is anything other than ESUCCESS (0), then the server will disconnect the client immediately after transmitting the <LoginAck> message"`, () => {
      const h = harness();
      h.input({ type: 'open' }).take();
      h.receive('<Login/>').input({ type: 'verdict', ret: ResultCode[name] });
      const actions = h.take();
      expect(actions.at(-1)).toEqual({
        type: 'close',
        reason: 'login refused',
        final: { type: 'LoginAck', ret: ResultCode[name] },
      });
      expect(actions.filter((a) => a.type === 'send')).toEqual([]); // the ack is the close's final message
      expect(h.machine).toMatchObject({ state: 'closed' });
      // Nothing after the refusal, not even a heartbeat.
      h.input({ type: 'heartbeat', message: HEARTBEAT });
      expect(h.sent()).toEqual([]);
    });
  }

  it('LR-15 the seed\'s refusal example "<LoginAck ret="2" />" (ELICEXCEED) has no services attribute', () => {
    const h = harness();
    h.input({ type: 'open' }).receive('<Login/>').input({ type: 'verdict', ret: ResultCode.ELICEXCEED });
    expect(h.closes()[0]?.final).toEqual({ type: 'LoginAck', ret: 2 });
  });

  it('LR-18 "If the result is ESUCCESS, then the session begins after the server sends the <LoginAck> message"', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<Login services="NetPage;Heartbeat"/>');
    h.receive('<PageRequest id="1" pager="2;105" message="Vibe1"/>'); // pipelined behind the login
    expect(h.emitted('page')).toEqual([]);
    h.input({ type: 'verdict', ret: 0 });
    const sent = h.sent();
    expect(sent[0]).toMatchObject({ type: 'LoginAck', ret: 0 });
    expect(h.emitted('page')).toHaveLength(1);
  });

  it('messages pipelined behind <Login> are bounded: one more than maxEarlyMessages closes the session', () => {
    const h = harness({ maxEarlyMessages: 2 });
    h.input({ type: 'open' }).receive('<Login/>', '<Unknown1/>', '<Unknown2/>', '<Unknown3/>');
    expect(h.closes()[0]?.reason).toBe('LRSN_SERVER_TOO_MANY_EARLY_MESSAGES');
  });

  it('LR-03 LR-10 a message before <Login> is answered <LoginAck ret="1"/> (ELOGIN) and the connection closes', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.receive('<PageRequest id="1" pager="2;105" message="Vibe1"/>');
    expect(h.emitted('page')).toEqual([]);
    expect(h.closes()).toHaveLength(1);
    expect(h.closes()[0]).toMatchObject({ final: { type: 'LoginAck', ret: ResultCode.ELOGIN } });
    expect(h.emitted('protocol-error')[0]?.error.code).toBe('LRSN_SERVER_NOT_LOGGED_IN');
  });

  it('a client that never logs in is closed at the login time-out, not before', () => {
    const h = harness({ loginTimeoutMs: 10_000 });
    h.input({ type: 'open' });
    h.advance(9_999);
    expect(h.closes()).toEqual([]);
    h.advance(1);
    expect(h.closes()).toHaveLength(1);
    expect(h.emitted('protocol-error')[0]?.error.code).toBe('LRSN_SERVER_LOGIN_TIMEOUT');
    expect(h.timeline.find((r) => r.action.type === 'close')?.at).toBe(10_000);
  });

  it('the login time-out stops once <Login> arrives (a slow credential check is not a time-out)', () => {
    const h = harness({ loginTimeoutMs: 1_000 });
    h.input({ type: 'open' }).receive('<Login/>').advance(5_000);
    expect(h.closes()).toEqual([]);
    h.input({ type: 'verdict', ret: 0 });
    expect(h.allSent().at(-1)).toMatchObject({ type: 'LoginAck', ret: 0 });
  });

  it('a malformed line closes the session with LRSN_SERVER_BAD_LINE and the codec error as cause', () => {
    const h = harness();
    h.input({ type: 'open' }).receive('<Login services="NetPage"');
    expect(h.closes()[0]?.reason).toBe('LRSN_SERVER_BAD_LINE');
    const err = h.emitted('protocol-error')[0]?.error;
    expect(err?.got).toBe('LRSN_XML_INVALID');
    expect(err?.where).toBe('login');
  });

  it('a second <Login> after a successful one is ignored', () => {
    const h = loggedIn();
    h.receive('<Login services="TableMan"/>');
    expect(h.sent()).toEqual([]);
    expect(h.emitted('ignored')[0]?.reason).toBe('already logged in');
  });
});

describe('services', () => {
  it('Heartbeat: the tick reaches only clients subscribed to Heartbeat', () => {
    const subscribed = loggedIn('NetPage;Heartbeat');
    const not = loggedIn('NetPage');
    subscribed.input({ type: 'heartbeat', message: HEARTBEAT });
    not.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(lines(subscribed)).toEqual(['<Heartbeat interval="60"/>']);
    expect(not.sent()).toEqual([]);
  });

  it('LR-16 "indicating which services the client is actually subscribed to": the subscriptions the registry holds now decide, after a change under the session too', () => {
    const registry = new MemoryLrsnRegistry();
    const h = new MachineHarness<string, LrsnMessage, SessionEvent, SessionCommand>(
      new LrsnServerSession(sessionOptions(), registry, 7),
    );
    h.input({ type: 'open' }).receive('<Login services="Heartbeat"/>').input({ type: 'verdict', ret: 0 }).take();
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(lines(h)).toEqual(['<Heartbeat interval="60"/>']);
    // The session keeps what it read until the registry's subscriptionRevision changes: an edit is seen at once.
    registry.subscribe(7, ['PocsagRX']);
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    h.input({ type: 'publish', service: 'PocsagRX', message: { type: 'PocsagRX', capcode: '1', message: 'x' } });
    expect(lines(h)).toEqual(['<PocsagRX capcode="1">x</PocsagRX>']);
    registry.subscribe(7, ['Heartbeat']);
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(lines(h)).toEqual(['<Heartbeat interval="60"/>']);
    registry.forget(7);
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(h.sent()).toEqual([]);
  });

  it('no heartbeat before the login completes', () => {
    const h = harness();
    h.input({ type: 'open' }).take();
    h.input({ type: 'heartbeat', message: HEARTBEAT });
    expect(h.sent()).toEqual([]);
  });

  it('published KeyCallTX, LrsRX and PocsagRX events reach only their subscribers', () => {
    const h = loggedIn('KeyCallTX;PocsagRX');
    h.input({
      type: 'publish',
      service: 'KeyCallTX',
      message: { type: 'KeyCallTXInsert', unit: '19284756', key: 23, table: '10', batt: 50 },
    });
    h.input({
      type: 'publish',
      service: 'LrsRX',
      message: { type: 'LrsRXGuest', pager: '23', systemId: '4', mode: 1 },
    });
    h.input({
      type: 'publish',
      service: 'PocsagRX',
      message: { type: 'PocsagRX', capcode: '700001', message: 'Testing' },
    });
    expect(lines(h)).toEqual([
      '<KeyCallTXInsert unit="19284756" key="23" table="10" batt="50"/>',
      '<PocsagRX capcode="700001">Testing</PocsagRX>',
    ]);
  });

  it('TableMan: a TableUpdateAck from a subscriber is reported; a TableUpdate from a client is silently ignored (lrsn.md §7)', () => {
    const h = loggedIn('TableMan');
    h.receive('<TableUpdateAck id="17" ret="0"/>', '<TableUpdate action="open" table="5" id="3"/>');
    expect(h.emitted('table-ack')[0]?.ack).toMatchObject({ id: '17', ret: 0 });
    expect(h.sent()).toEqual([]);
    expect(h.emitted('ignored')[0]?.message.type).toBe('TableUpdate');
  });

  it('unknown elements are kept whole and passed on, never refused', () => {
    const h = loggedIn();
    h.receive('<Config get="volume" extra="1"><Item/></Config>');
    const [u] = h.emitted('unknown');
    expect(u?.message).toMatchObject({ name: 'Config', raw: '<Config get="volume" extra="1"><Item/></Config>' });
    expect(h.closes()).toEqual([]);
  });
});

describe('NetPage', () => {
  it('both PageRequest forms reach the backend as page events', () => {
    const h = loggedIn();
    h.receive('<PageRequest id="1" pager="2;105" message="Vibe1" system_id="4"/>');
    h.receive('<PageRequest id="42"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>');
    const pages = h.emitted('page');
    expect(pages.map((p) => p.request.form)).toEqual(['short', 'long']);
    expect(pages.map((p) => p.ref)).toEqual([1, 2]);
  });

  it('lrsn.md §5 "the server sends <PageRequestStatus> … only to the client that sent it": statuses follow the backend when an id was given', () => {
    const h = loggedIn();
    h.receive('<PageRequest id="7" pager="2;105" message="Vibe1"/>');
    const ref = h.emitted('page')[0]!.ref;
    h.input({ type: 'page-status', ref, status: 'accepted', ret: 0 });
    h.input({ type: 'page-status', ref, status: 'sent', ret: 0 });
    h.input({ type: 'page-status', ref, status: 'sent', ret: 0 }); // after the final status: nothing
    expect(lines(h)).toEqual([
      '<PageRequestStatus id="7" status="accepted" ret="0"/>',
      '<PageRequestStatus id="7" status="sent" ret="0"/>',
    ]);
  });

  it('lrsn.md §5 "Without id, no status messages are sent"', () => {
    const h = loggedIn();
    h.receive('<PageRequest pager="2;105" message="Vibe1"/>');
    const ref = h.emitted('page')[0]!.ref;
    h.input({ type: 'page-status', ref, status: 'failed', ret: ResultCode.EOPFAIL });
    expect(h.sent()).toEqual([]);
    expect(h.emitted('page-status')).toHaveLength(1);
  });

  it('a page with values a pager cannot take is answered failed EINVAL and never reaches the backend', () => {
    const h = loggedIn();
    h.receive('<PageRequest id="9" pager="7;105" message="Vibe1"/>');
    h.receive('<PageRequest id="10" power="9"><Pager Type="Guest" ID="12"/></PageRequest>');
    h.receive('<PageRequest id="11" pager="0;105"/>');
    expect(lines(h)).toEqual([
      '<PageRequestStatus id="9" status="failed" ret="6"/>',
      '<PageRequestStatus id="10" status="failed" ret="6"/>',
      '<PageRequestStatus id="11" status="failed" ret="6"/>',
    ]);
    expect(h.emitted('page')).toEqual([]);
    expect(h.closes()).toEqual([]);
  });

  it('a PageRequest the codec refuses (a bad pager field) is answered EINVAL with its id; the session goes on', () => {
    const h = loggedIn();
    h.receive('<PageRequest id="12" pager="2105" message="Vibe1"/>');
    expect(lines(h)).toEqual(['<PageRequestStatus id="12" status="failed" ret="6"/>']);
    expect(h.closes()).toEqual([]);
  });

  it('a page for a client not subscribed to NetPage fails with EOPFAIL', () => {
    const h = loggedIn('Heartbeat');
    h.receive('<PageRequest id="1" pager="2;105"/>');
    expect(lines(h)).toEqual(['<PageRequestStatus id="1" status="failed" ret="7"/>']);
  });

  it('an id still in flight is refused with EDUP; pages in flight are bounded', () => {
    const h = loggedIn('NetPage', { maxPagesInFlight: 2 });
    h.receive('<PageRequest id="1" pager="2;1"/>', '<PageRequest id="1" pager="2;2"/>');
    expect(lines(h)).toEqual(['<PageRequestStatus id="1" status="failed" ret="8"/>']);
    h.receive('<PageRequest id="2" pager="2;2"/>', '<PageRequest id="3" pager="2;3"/>');
    expect(lines(h)).toEqual(['<PageRequestStatus id="3" status="failed" ret="7"/>']);
  });
});

describe('drain', () => {
  it('a session still to log in gets <LoginAck ret="4"/> (ESERVDOWN) and is closed', () => {
    const h = harness();
    h.input({ type: 'open' }).input({ type: 'drain' });
    expect(h.closes()[0]).toMatchObject({ final: { type: 'LoginAck', ret: ResultCode.ESERVDOWN } });
  });

  it('a login checked while the server drains is refused ESERVDOWN', () => {
    const h = harness();
    h.input({ type: 'open' }).receive('<Login/>').input({ type: 'drain' }).input({ type: 'verdict', ret: 0 });
    expect(h.closes()[0]).toMatchObject({ final: { type: 'LoginAck', ret: ResultCode.ESERVDOWN } });
  });

  it('a logged-in session closes once its pages in flight have their final status; new pages get ESERVDOWN', () => {
    const h = loggedIn();
    h.receive('<PageRequest id="1" pager="2;1"/>');
    const ref = h.emitted('page')[0]!.ref;
    h.input({ type: 'drain' });
    expect(h.closes()).toEqual([]);
    h.receive('<PageRequest id="2" pager="2;2"/>');
    h.input({ type: 'page-status', ref, status: 'sent', ret: 0 });
    expect(lines(h)).toEqual([
      '<PageRequestStatus id="2" status="failed" ret="4"/>',
      '<PageRequestStatus id="1" status="sent" ret="0"/>',
    ]);
    expect(h.closes()).toHaveLength(1);
  });
});
