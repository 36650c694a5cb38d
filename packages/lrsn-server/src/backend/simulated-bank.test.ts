import { ResultCode } from '@portico/lrsn-codec';
import { VirtualClock } from '@portico/transport';
import { describe, expect, it } from 'vitest';
import { SimulatedPagerBank } from './simulated-bank.js';

const page = { type: 'PageRequest', form: 'short', id: '1', pager: { type: '2', number: '105' } } as const;
const origin = { session: 1, address: '127.0.0.1' };

describe('SimulatedPagerBank', () => {
  it('records each page with a timeline: accepted, then sent after the airtime', () => {
    const clock = new VirtualClock(0);
    const bank = new SimulatedPagerBank({ airtimeMs: 500, clock });
    const seen: string[] = [];
    bank.page(page, (s) => seen.push(s), origin);
    expect(seen).toEqual(['accepted']);
    expect(bank.inFlight).toBe(1);
    clock.advance(500);
    expect(seen).toEqual(['accepted', 'sent']);
    expect(bank.pages()[0]?.timeline).toEqual([
      { at: 0, status: 'accepted', ret: 0 },
      { at: 500, status: 'sent', ret: 0 },
    ]);
  });

  it('injects failures: failNext() and the fail option', () => {
    const bank = new SimulatedPagerBank({ fail: (_r, seq) => (seq === 3 ? ResultCode.EINVAL : undefined) });
    const seen: string[] = [];
    const report = (s: string, ret: number) => seen.push(`${s}:${ret}`);
    bank.failNext(ResultCode.EFAIL);
    bank.page(page, report, origin);
    bank.page(page, report, origin);
    bank.page(page, report, origin);
    expect(seen).toEqual(['failed:10', 'accepted:0', 'sent:0', 'failed:6']);
  });

  it('acceptedStatus: false reports only the final status; close() fails pages still on the air', async () => {
    const clock = new VirtualClock(0);
    const quiet = new SimulatedPagerBank({ acceptedStatus: false });
    const seen: string[] = [];
    quiet.page(page, (s) => seen.push(s), origin);
    expect(seen).toEqual(['sent']);
    const slow = new SimulatedPagerBank({ airtimeMs: 1000, clock });
    const late: string[] = [];
    slow.page(page, (s, ret) => late.push(`${s}:${ret}`), origin);
    await slow.close();
    clock.advance(1000);
    expect(late).toEqual(['accepted:0', 'failed:7']);
  });

  it('one timer serves every page on the air: each is sent after its own airtime, in order', async () => {
    const clock = new VirtualClock(0);
    const bank = new SimulatedPagerBank({ airtimeMs: 100, acceptedStatus: false, clock });
    const sent: string[] = [];
    bank.page({ ...page, id: 'a' }, (s) => sent.push(`a:${s}@${clock.now()}`), origin);
    clock.advance(30);
    bank.page({ ...page, id: 'b' }, (s) => sent.push(`b:${s}@${clock.now()}`), origin);
    bank.page({ ...page, id: 'c' }, (s) => sent.push(`c:${s}@${clock.now()}`), origin);
    expect(bank.inFlight).toBe(3);
    expect(clock.pending).toBe(1);
    clock.advance(70);
    expect(sent).toEqual(['a:sent@100']);
    clock.advance(30);
    expect(sent).toEqual(['a:sent@100', 'b:sent@130', 'c:sent@130']);
    expect(bank.inFlight).toBe(0);
    expect(clock.pending).toBe(0);
    // A page taken from a status handler while due pages are reported still gets its one timer.
    bank.page({ ...page, id: 'd' }, () => bank.page({ ...page, id: 'e' }, (s) => sent.push(`e:${s}`), origin), origin);
    clock.advance(100);
    expect(clock.pending).toBe(1);
    clock.advance(100);
    expect(sent.at(-1)).toBe('e:sent');
    expect(clock.pending).toBe(0);
    await bank.close();
  });

  it('keeps at most maxRecords records', () => {
    const bank = new SimulatedPagerBank({ maxRecords: 2 });
    for (let i = 0; i < 5; i++) bank.page(page, () => {}, origin);
    expect(bank.pages().map((p) => p.seq)).toEqual([4, 5]);
  });
});
