import { encode, type LrsnMessage } from '@portico/lrsn-codec';
import { MachineHarness } from '@portico/machine/testing';
import { describe, expect, it } from 'vitest';
import { LrsnClientMachine } from './client-machine.js';
import type { ClientCommand, ClientEvent, ClientMachineOptions } from './events.js';

const T7470 =
  '<LRSN services="NetPage:2.0;Config:1.0;Heartbeat:1.0;Inputs:1.0;PocsagRX:1.0;LrsRX:1.0;TableMan:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none" />';
const PASSWD = '<LRSN services="NetPage:2.1;TableMan" device="T7500" swver="1.0" login="passwd"/>';

function harness(options: Partial<ClientMachineOptions> = {}) {
  const h = new MachineHarness<string, LrsnMessage, ClientEvent, ClientCommand>(
    new LrsnClientMachine({
      greetingTimeoutMs: 10_000,
      loginTimeoutMs: 10_000,
      heartbeatGraceMs: 5_000,
      pageTimeoutMs: 30_000,
      ...options,
    }),
  );
  h.input({ type: 'open' });
  return h;
}
const lines = (h: ReturnType<typeof harness>) => h.sent().map((m) => encode(m).trimEnd());
function ready(options: Partial<ClientMachineOptions> = {}) {
  const h = harness({ services: ['NetPage', 'Heartbeat'], ...options });
  h.receive(T7470, '<LoginAck ret="0" services="NetPage;Heartbeat"/>');
  h.take();
  return h;
}

describe('log-on', () => {
  it('LR-06 "Connect to port 3700/TCP. Receive message. Send message with appropriate login credentials."', () => {
    const h = harness({ services: ['NetPage', 'Heartbeat'] });
    expect(h.sent()).toEqual([]); // nothing before the greeting
    h.receive(T7470);
    expect(lines(h)).toEqual(['<Login services="NetPage;Heartbeat"/>']);
    expect(h.emitted('greeting')[0]?.greeting).toMatchObject({ device: 'T7470', login: 'none', serno: '20384' });
  });

  it('LR-11 without a service list the Login omits services (all that are offered)', () => {
    const h = harness();
    h.receive(T7470);
    expect(lines(h)).toEqual(['<Login/>']);
  });

  it('LR-10 LR-13 "If login is passwd, then a <Login> message with proper login credentials must be sent": user and passwd', () => {
    const h = harness({ user: 'geoffrey', passwd: 'mypassword', services: ['NetPage'] });
    h.receive(PASSWD);
    expect(lines(h)).toEqual(['<Login user="geoffrey" passwd="mypassword" services="NetPage"/>']);
  });

  it('LR-10 login="passwd" without credentials fails with LRSN_CLIENT_NO_CREDENTIALS and closes', () => {
    const h = harness();
    h.receive(PASSWD);
    expect(h.emitted('failure')[0]?.error.code).toBe('LRSN_CLIENT_NO_CREDENTIALS');
    expect(h.closes()).toHaveLength(1);
  });

  it('LR-07 a first message other than <LRSN> is a protocol failure', () => {
    const h = harness();
    h.receive('<Heartbeat interval="60"/>');
    expect(h.emitted('failure')[0]?.error.code).toBe('LRSN_CLIENT_NO_GREETING');
  });

  it('no greeting within the greeting time-out closes', () => {
    const h = harness({ greetingTimeoutMs: 2_000 });
    h.advance(1_999);
    expect(h.closes()).toEqual([]);
    h.advance(1);
    expect(h.emitted('failure')[0]?.error.code).toBe('LRSN_CLIENT_NO_GREETING');
  });

  it('no LoginAck within the login time-out closes', () => {
    const h = harness({ loginTimeoutMs: 3_000 });
    h.receive(T7470).advance(3_000);
    expect(h.emitted('failure')[0]?.error.code).toBe('LRSN_CLIENT_LOGIN_TIMEOUT');
  });

  it('LR-16 LR-18 "the session begins after the server sends the <LoginAck>": the granted services are known', () => {
    const h = harness({ services: ['NetPage', 'Heartbeat', 'Bogus'] });
    h.receive(T7470, '<LoginAck ret="0" services="NetPage;Heartbeat"/>');
    expect(h.emitted('logged-in')).toEqual([{ type: 'logged-in', services: ['NetPage', 'Heartbeat'] }]);
    expect(h.machine).toMatchObject({ state: 'ready' });
  });

  it('LR-17 "If the ret attribute is anything other than ESUCCESS (0) … disconnect": the client reports the code and closes', () => {
    const h = harness();
    h.receive(T7470, '<LoginAck ret="2" />');
    const error = h.emitted('login-refused')[0]?.error;
    expect(error).toMatchObject({ code: 'LRSN_CLIENT_LOGIN_REFUSED', ret: 2 });
    expect(error?.got).toContain('ELICEXCEED');
    expect(h.closes()).toHaveLength(1);
  });

  it('a PageRequest before the session began is refused with LRSN_CLIENT_NOT_READY', () => {
    const h = harness();
    expect(() =>
      h.input({ type: 'page', request: { type: 'PageRequest', form: 'short', pager: { type: '2', number: '1' } } }),
    ).toThrow(expect.objectContaining({ code: 'LRSN_CLIENT_NOT_READY' }));
  });
});

describe('heartbeat watchdog', () => {
  it("lrsn.md §4 no heartbeat within interval + 5 s grace (LRS's sample client) → failure and close", () => {
    const h = ready();
    h.advance(1_000).receive('<Heartbeat interval="60"/>');
    h.advance(64_999);
    expect(h.closes()).toEqual([]);
    h.advance(1);
    expect(h.emitted('failure')[0]?.error.code).toBe('LRSN_CLIENT_HEARTBEAT_MISSED');
    expect(h.timeline.find((r) => r.action.type === 'close')?.at).toBe(66_000);
  });

  it('each heartbeat moves the deadline', () => {
    const h = ready();
    h.receive('<Heartbeat interval="1"/>');
    for (let i = 0; i < 10; i++) h.advance(1_000).receive('<Heartbeat interval="1"/>');
    h.advance(5_999);
    expect(h.closes()).toEqual([]);
    expect(h.emitted('heartbeat')).toHaveLength(11);
  });
});

describe('pages and events', () => {
  it('a page with an id is tracked until its final status; statuses are reported', () => {
    const h = ready();
    h.input({
      type: 'page',
      request: { type: 'PageRequest', form: 'short', id: '1', pager: { type: '2', number: '105' }, message: 'Vibe1' },
    });
    expect(lines(h)).toEqual(['<PageRequest id="1" pager="2;105" message="Vibe1"/>']);
    h.receive('<PageRequestStatus id="1" status="accepted" ret="0"/>');
    expect(h.machine).toMatchObject({ pagesInFlight: 1 });
    h.receive('<PageRequestStatus id="1" status="sent" ret="0"/>');
    expect(h.machine).toMatchObject({ pagesInFlight: 0 });
    expect(h.emitted('page-status').map((e) => e.status.status)).toEqual(['accepted', 'sent']);
  });

  it('an id in flight cannot be reused; a page without final status times out', () => {
    const h = ready({ pageTimeoutMs: 1_000 });
    const request = { type: 'PageRequest', form: 'short', id: '9', pager: { type: '2', number: '1' } } as const;
    h.input({ type: 'page', request });
    expect(() => h.input({ type: 'page', request })).toThrow(
      expect.objectContaining({ code: 'LRSN_CLIENT_DUPLICATE_PAGE_ID' }),
    );
    h.advance(1_000);
    expect(h.emitted('page-timeout')).toEqual([{ type: 'page-timeout', id: '9' }]);
  });

  it('service events, unknown elements and undecodable lines are reported; the session goes on', () => {
    const h = ready();
    h.receive(
      '<KeyCallTXButton unit="19284756" button="1" table="10" batt="50" />',
      '<PocsagRX pager="105" system_id="4">Line 1&#xa;Line 2</PocsagRX>',
      '<Inputs state="1"/>',
      '<PocsagRX pager="105" system_id="4" capcode>typo in the docs</PocsagRX>',
      '<TableUpdate action="xfer" table="12" id="3" src="T900" party="7"/>',
    );
    const events = h.emitted('service-event').map((e) => e.message);
    expect(events.map((m) => m.type)).toEqual(['KeyCallTXButton', 'PocsagRX', 'TableUpdate']);
    expect(events[1]).toMatchObject({ message: 'Line 1\nLine 2' });
    expect(events[2]?.attributes?.get('party')).toBe('7'); // unknown attributes kept
    expect(h.emitted('unknown')[0]?.message.name).toBe('Inputs');
    expect(h.emitted('bad-line')).toHaveLength(1);
    expect(h.closes()).toEqual([]);
  });

  it('LR-03 "Some messages are only valid when sent from the client to the server": a client-only message from the server is ignored', () => {
    const h = ready();
    h.receive('<Login services="NetPage"/>', '<PageRequest id="1" pager="2;1"/>', '<TableUpdateAck id="1" ret="0"/>');
    expect(h.emitted('ignored').map((e) => e.message.type)).toEqual(['Login', 'PageRequest', 'TableUpdateAck']);
    expect(h.sent()).toEqual([]);
    expect(h.closes()).toEqual([]);
  });

  it('TableUpdateAck is sent on command', () => {
    const h = ready();
    h.input({ type: 'table-ack', id: '3', ret: 0 });
    expect(lines(h)).toEqual(['<TableUpdateAck id="3" ret="0"/>']);
  });
});
