import type { DecodedMessage } from '../messages.js';

/** An attribute map in document order, for expected decode results. */
export function attrs(o: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(o));
}

export interface Fixture {
  /** File stem of the golden vector in test/vectors/ (the canonical line as hex). */
  readonly name: string;
  /** Where the line comes from. */
  readonly source: string;
  /** The line as received (without `\n`). */
  readonly line: string;
  /** What decode must return for it. */
  readonly message: DecodedMessage;
  /** The canonical encoding of `message`, `\n` included. */
  readonly canonical: string;
}

/** Golden lines: the seed's examples, LRS's own examples and sample, and one of every message kind. */
export const FIXTURES: readonly Fixture[] = [
  {
    name: 'lrsn-t7470',
    source: "lrsn.md §2.1: a real T7470 greeting, from a comment in LRS's sample client",
    line: '<LRSN services="NetPage:2.0;Config:1.0;Heartbeat:1.0;Inputs:1.0;PocsagRX:1.0;LrsRX:1.0;TableMan:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none" />',
    message: {
      type: 'LRSN',
      services: [
        { name: 'NetPage', version: '2.0' },
        { name: 'Config', version: '1.0' },
        { name: 'Heartbeat', version: '1.0' },
        { name: 'Inputs', version: '1.0' },
        { name: 'PocsagRX', version: '1.0' },
        { name: 'LrsRX', version: '1.0' },
        { name: 'TableMan', version: '1.0' },
      ],
      device: 'T7470',
      swver: '8.3.0.13',
      serno: '20384',
      login: 'none',
      attributes: attrs({
        services: 'NetPage:2.0;Config:1.0;Heartbeat:1.0;Inputs:1.0;PocsagRX:1.0;LrsRX:1.0;TableMan:1.0',
        device: 'T7470',
        swver: '8.3.0.13',
        serno: '20384',
        login: 'none',
      }),
    },
    canonical:
      '<LRSN services="NetPage:2.0;Config:1.0;Heartbeat:1.0;Inputs:1.0;PocsagRX:1.0;LrsRX:1.0;TableMan:1.0" device="T7470" swver="8.3.0.13" serno="20384" login="none"/>\n',
  },
  {
    name: 'lrsn-seed-passwd',
    source:
      'seed: the <LRSN> template with its example values services="NetPage:2.1;TableMan" and device="T7500", login passwd',
    line: '<LRSN services="NetPage:2.1;TableMan" device="T7500" hwver="2" swver="1.4" login="passwd" />',
    message: {
      type: 'LRSN',
      services: [{ name: 'NetPage', version: '2.1' }, { name: 'TableMan' }],
      device: 'T7500',
      hwver: '2',
      swver: '1.4',
      login: 'passwd',
      attributes: attrs({
        services: 'NetPage:2.1;TableMan',
        device: 'T7500',
        hwver: '2',
        swver: '1.4',
        login: 'passwd',
      }),
    },
    canonical: '<LRSN services="NetPage:2.1;TableMan" device="T7500" hwver="2" swver="1.4" login="passwd"/>\n',
  },
  {
    name: 'login-seed-all-services',
    source: 'seed: "Example (client uses all services by omitting services attribute)"',
    line: '<Login user="authorized_user" passwd="correct_password" />',
    message: {
      type: 'Login',
      user: 'authorized_user',
      passwd: 'correct_password',
      attributes: attrs({ user: 'authorized_user', passwd: 'correct_password' }),
    },
    canonical: '<Login user="authorized_user" passwd="correct_password"/>\n',
  },
  {
    name: 'login-seed-netpage',
    source: 'seed: "Example logging in use password, requesting only NetPage service"',
    line: '<Login user="geoffrey" passwd="mypassword" services="NetPage" />',
    message: {
      type: 'Login',
      user: 'geoffrey',
      passwd: 'mypassword',
      services: [{ name: 'NetPage' }],
      attributes: attrs({ user: 'geoffrey', passwd: 'mypassword', services: 'NetPage' }),
    },
    canonical: '<Login user="geoffrey" passwd="mypassword" services="NetPage"/>\n',
  },
  {
    name: 'login-lrs-sample',
    source: 'lrsn.md §2.2: LRS\'s sample with login="none"',
    line: '<Login services="NetPage;Heartbeat" />',
    message: {
      type: 'Login',
      services: [{ name: 'NetPage' }, { name: 'Heartbeat' }],
      attributes: attrs({ services: 'NetPage;Heartbeat' }),
    },
    canonical: '<Login services="NetPage;Heartbeat"/>\n',
  },
  {
    name: 'loginack-seed-success',
    source: 'seed: "Example of successful login"',
    line: '<LoginAck ret="0" services="KeyCallTX;Heartbeat"/>',
    message: {
      type: 'LoginAck',
      ret: 0,
      services: [{ name: 'KeyCallTX' }, { name: 'Heartbeat' }],
      attributes: attrs({ ret: '0', services: 'KeyCallTX;Heartbeat' }),
    },
    canonical: '<LoginAck ret="0" services="KeyCallTX;Heartbeat"/>\n',
  },
  {
    name: 'loginack-seed-licence',
    source: 'seed: "Example of login that failed due to too many clients for server license"',
    line: '<LoginAck ret="2" />',
    message: { type: 'LoginAck', ret: 2, attributes: attrs({ ret: '2' }) },
    canonical: '<LoginAck ret="2"/>\n',
  },
  {
    name: 'heartbeat',
    source: 'lrsn.md §4 (Heartbeat service)',
    line: '<Heartbeat interval="60" />',
    message: { type: 'Heartbeat', interval: 60, attributes: attrs({ interval: '60' }) },
    canonical: '<Heartbeat interval="60"/>\n',
  },
  {
    name: 'pagerequest-long',
    source: 'lrsn.md §5.1: the NetPage doc example, on one line',
    line: '<PageRequest id="42"><Pager Type="Guest" ID="12" SystemID="4" /><Message>11</Message></PageRequest>',
    message: {
      type: 'PageRequest',
      form: 'long',
      id: '42',
      pager: { type: 'Guest', id: '12', systemId: '4', attributes: attrs({ Type: 'Guest', ID: '12', SystemID: '4' }) },
      message: '11',
      attributes: attrs({ id: '42' }),
    },
    canonical: '<PageRequest id="42"><Pager Type="Guest" ID="12" SystemID="4"/><Message>11</Message></PageRequest>\n',
  },
  {
    name: 'pagerequest-long-power-color',
    source: 'lrsn.md §5.1: power 0-5 and CS8 coaster color; text with a newline reference',
    line: '<PageRequest id="7" power="5" color="RB"> <Pager Type="AlphaCoaster" ID="007"/> <Message>Table ready&#xa;Welcome</Message> </PageRequest>',
    message: {
      type: 'PageRequest',
      form: 'long',
      id: '7',
      power: 5,
      color: 'RB',
      pager: { type: 'AlphaCoaster', id: '007', attributes: attrs({ Type: 'AlphaCoaster', ID: '007' }) },
      message: 'Table ready\nWelcome',
      attributes: attrs({ id: '7', power: '5', color: 'RB' }),
    },
    canonical:
      '<PageRequest id="7" power="5" color="RB"><Pager Type="AlphaCoaster" ID="007"/><Message>Table ready&#xa;Welcome</Message></PageRequest>\n',
  },
  {
    name: 'pagerequest-short',
    source: "lrsn.md §5.2: LRS's sample short form",
    line: '<PageRequest id="1" pager="4;007" message="Vibe1" system_id="4" />',
    message: {
      type: 'PageRequest',
      form: 'short',
      id: '1',
      pager: { type: '4', number: '007' },
      message: 'Vibe1',
      systemId: '4',
      attributes: attrs({ id: '1', pager: '4;007', message: 'Vibe1', system_id: '4' }),
    },
    canonical: '<PageRequest id="1" pager="4;007" message="Vibe1" system_id="4"/>\n',
  },
  {
    name: 'pagerequest-short-alpha',
    source: 'lrsn.md §5.2: free text for an alphanumeric POCSAG pager, with quotes and an ampersand',
    line: "<PageRequest pager='0;105' message='Say &quot;hi&quot; &amp; come in'/>",
    message: {
      type: 'PageRequest',
      form: 'short',
      pager: { type: '0', number: '105' },
      message: 'Say "hi" & come in',
      attributes: attrs({ pager: '0;105', message: 'Say "hi" & come in' }),
    },
    canonical: '<PageRequest pager="0;105" message="Say &quot;hi&quot; &amp; come in"/>\n',
  },
  {
    name: 'pagerequeststatus',
    source: "Portico's PageRequestStatus format (README, portico-choices.ts)",
    line: '<PageRequestStatus id="42" status="sent" ret="0"/>',
    message: {
      type: 'PageRequestStatus',
      id: '42',
      status: 'sent',
      ret: 0,
      attributes: attrs({ id: '42', status: 'sent', ret: '0' }),
    },
    canonical: '<PageRequestStatus id="42" status="sent" ret="0"/>\n',
  },
  {
    name: 'keycalltx-insert',
    source: 'lrsn.md §6: KeyCallTX doc example',
    line: '<KeyCallTXInsert unit="19284756" key="23" table="10" batt="50" />',
    message: {
      type: 'KeyCallTXInsert',
      unit: '19284756',
      key: 23,
      table: '10',
      batt: 50,
      attributes: attrs({ unit: '19284756', key: '23', table: '10', batt: '50' }),
    },
    canonical: '<KeyCallTXInsert unit="19284756" key="23" table="10" batt="50"/>\n',
  },
  {
    name: 'keycalltx-insert-key00',
    source: 'lrsn.md §6: "Key 00 is sent as 1000"; table and batt absent',
    line: '<KeyCallTXInsert unit="00042" key="1000"/>',
    message: { type: 'KeyCallTXInsert', unit: '00042', key: 1000, attributes: attrs({ unit: '00042', key: '1000' }) },
    canonical: '<KeyCallTXInsert unit="00042" key="1000"/>\n',
  },
  {
    name: 'keycalltx-button',
    source: 'lrsn.md §6: KeyCallTX doc example',
    line: '<KeyCallTXButton unit="19284756" button="1" table="10" batt="50" />',
    message: {
      type: 'KeyCallTXButton',
      unit: '19284756',
      button: 1,
      table: '10',
      batt: 50,
      attributes: attrs({ unit: '19284756', button: '1', table: '10', batt: '50' }),
    },
    canonical: '<KeyCallTXButton unit="19284756" button="1" table="10" batt="50"/>\n',
  },
  {
    name: 'keycalltx-supervision',
    source: 'lrsn.md §6: KeyCallTX doc example',
    line: '<KeyCallTXSupervision unit="19284756" table="10" batt="50" />',
    message: {
      type: 'KeyCallTXSupervision',
      unit: '19284756',
      table: '10',
      batt: 50,
      attributes: attrs({ unit: '19284756', table: '10', batt: '50' }),
    },
    canonical: '<KeyCallTXSupervision unit="19284756" table="10" batt="50"/>\n',
  },
  {
    name: 'tableupdate',
    source: 'lrsn.md §7: TableMan',
    line: '<TableUpdate action="xfer" table="12" id="17" src="T900A" />',
    message: {
      type: 'TableUpdate',
      action: 'xfer',
      table: '12',
      id: '17',
      src: 'T900A',
      attributes: attrs({ action: 'xfer', table: '12', id: '17', src: 'T900A' }),
    },
    canonical: '<TableUpdate action="xfer" table="12" id="17" src="T900A"/>\n',
  },
  {
    name: 'tableupdateack',
    source: "Portico's TableUpdateAck format (README, portico-choices.ts)",
    line: '<TableUpdateAck id="17" ret="6"/>',
    message: { type: 'TableUpdateAck', id: '17', ret: 6, attributes: attrs({ id: '17', ret: '6' }) },
    canonical: '<TableUpdateAck id="17" ret="6"/>\n',
  },
  {
    name: 'lrsrx-guest',
    source: 'lrsn.md §8: LrsRX doc example',
    line: '<LrsRXGuest pager="23" system_id="4" station_id="1" mode="1" lights="0" msg0="0" msg1="0" msg2="0" msg3="0" />',
    message: {
      type: 'LrsRXGuest',
      pager: '23',
      systemId: '4',
      stationId: '1',
      mode: 1,
      lights: 0,
      msg0: 0,
      msg1: 0,
      msg2: 0,
      msg3: 0,
      attributes: attrs({
        pager: '23',
        system_id: '4',
        station_id: '1',
        mode: '1',
        lights: '0',
        msg0: '0',
        msg1: '0',
        msg2: '0',
        msg3: '0',
      }),
    },
    canonical:
      '<LrsRXGuest pager="23" system_id="4" station_id="1" mode="1" lights="0" msg0="0" msg1="0" msg2="0" msg3="0"/>\n',
  },
  {
    name: 'lrsrx-staff',
    source: 'lrsn.md §8: LrsRX doc example',
    line: '<LrsRXStaff pager="101" system_id="7" station_id="2" mode="12" lights="2" msg0="0" msg1="0" msg2="0" msg3="0" />',
    message: {
      type: 'LrsRXStaff',
      pager: '101',
      systemId: '7',
      stationId: '2',
      mode: 12,
      lights: 2,
      msg0: 0,
      msg1: 0,
      msg2: 0,
      msg3: 0,
      attributes: attrs({
        pager: '101',
        system_id: '7',
        station_id: '2',
        mode: '12',
        lights: '2',
        msg0: '0',
        msg1: '0',
        msg2: '0',
        msg3: '0',
      }),
    },
    canonical:
      '<LrsRXStaff pager="101" system_id="7" station_id="2" mode="12" lights="2" msg0="0" msg1="0" msg2="0" msg3="0"/>\n',
  },
  {
    name: 'pocsagrx-mapped',
    source: 'lrsn.md §9: newlines as &#xa; and an alert override &#xc;F30Vv5',
    line: '<PocsagRX pager="105" system_id="4">Your table is ready!&#xa;Please come in&#xc;F30Vv5</PocsagRX>',
    message: {
      type: 'PocsagRX',
      pager: '105',
      systemId: '4',
      message: 'Your table is ready!\nPlease come in\fF30Vv5',
      attributes: attrs({ pager: '105', system_id: '4' }),
    },
    canonical: '<PocsagRX pager="105" system_id="4">Your table is ready!&#xa;Please come in&#xc;F30Vv5</PocsagRX>\n',
  },
  {
    name: 'pocsagrx-capcode',
    source: 'lrsn.md §9: PocsagRX doc example, unmapped capcode',
    line: '<PocsagRX capcode="700001">Testing</PocsagRX>',
    message: { type: 'PocsagRX', capcode: '700001', message: 'Testing', attributes: attrs({ capcode: '700001' }) },
    canonical: '<PocsagRX capcode="700001">Testing</PocsagRX>\n',
  },
  {
    name: 'unknown-element',
    source: 'an element the codec does not know (forward compatibility)',
    line: '<RemoteWaitEntry party="Jones &amp; Co" size="4" __proto__="x"><Note lang="en">window</Note>seat soon</RemoteWaitEntry>',
    message: {
      type: 'Unknown',
      name: 'RemoteWaitEntry',
      attributes: attrs({ party: 'Jones & Co', size: '4', ['__proto__']: 'x' }),
      text: 'seat soon',
      children: [{ name: 'Note', attributes: attrs({ lang: 'en' }), text: 'window', children: [] }],
      raw: '<RemoteWaitEntry party="Jones &amp; Co" size="4" __proto__="x"><Note lang="en">window</Note>seat soon</RemoteWaitEntry>',
    },
    canonical:
      '<RemoteWaitEntry party="Jones &amp; Co" size="4" __proto__="x">seat soon<Note lang="en">window</Note></RemoteWaitEntry>\n',
  },
  {
    name: 'known-with-unknown-attribute',
    source: 'an unknown attribute on a known message is kept and passed on after the known ones',
    line: '<Heartbeat zone="bar" interval="30"/>',
    message: { type: 'Heartbeat', interval: 30, attributes: attrs({ zone: 'bar', interval: '30' }) },
    canonical: '<Heartbeat interval="30" zone="bar"/>\n',
  },
];
