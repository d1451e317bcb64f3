import { describe, expect, it } from 'vitest';
import { dueAt, nextWeeklySlot } from '../src/services/payout-schedule.js';

describe('weekly payout slots', () => {
  // 2026-12-02 is a Wednesday (ISO weekday 3).
  const wednesday = (time: string) => new Date(`2026-12-02T${time}Z`);

  it('is the next weekday at 08:00 UTC', () => {
    expect(nextWeeklySlot(5, wednesday('12:00:00'))).toEqual(new Date('2026-12-04T08:00:00Z'));
    expect(nextWeeklySlot(1, wednesday('12:00:00'))).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect(nextWeeklySlot(7, wednesday('12:00:00'))).toEqual(new Date('2026-12-06T08:00:00Z'));
  });

  it('is today when today is the day and 08:00 is still to come, else a week on', () => {
    expect(nextWeeklySlot(3, wednesday('07:59:59'))).toEqual(new Date('2026-12-02T08:00:00Z'));
    expect(nextWeeklySlot(3, wednesday('08:00:00'))).toEqual(new Date('2026-12-09T08:00:00Z'));
  });

  it('is now for instant travelers and those without an account', () => {
    const now = wednesday('12:00:00');
    expect(dueAt({ schedule: 'INSTANT', weeklyOn: 1 }, now)).toBe(now);
    expect(dueAt(null, now)).toBe(now);
    expect(dueAt({ schedule: 'WEEKLY', weeklyOn: 1 }, now)).toEqual(new Date('2026-12-07T08:00:00Z'));
  });
});
