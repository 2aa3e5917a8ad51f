/** @module server/privacy/deadlines.test — Law 1581's terms on known Colombian calendars (holidays from the official 2026–2027 lists). */
import { describe, expect, test } from 'bun:test';
import { addBusinessDays, bogotaDay, businessDaysBetween, isBusinessDay, isOverdue, termsFor } from './deadlines';

describe('Colombian business days', () => {
  test('holidays and weekends are not business days (2026: Reyes moved to Mon 12 Jan, Holy Thu/Fri 2–3 Apr, Immaculate Conception Tue 8 Dec)', () => {
    for (const day of ['2026-01-01', '2026-01-12', '2026-03-23', '2026-04-02', '2026-04-03', '2026-05-01', '2026-06-29', '2026-07-20', '2026-08-07', '2026-12-08', '2026-12-25', '2027-01-11'])
      expect(isBusinessDay(day)).toBe(false);
    expect(isBusinessDay('2026-12-05')).toBe(false); // Saturday
    expect(isBusinessDay('2026-01-06')).toBe(true); // Epiphany's own date: the holiday moved to Monday the 12th
    expect(isBusinessDay('2026-12-07')).toBe(true);
  });

  test('a query received Wed 2 Dec 2026 is due Thu 17 Dec (Tue 8 Dec skipped); extended by 5 → Thu 24 Dec', () => {
    const terms = termsFor('access', new Date('2026-12-02T15:00:00Z'));
    expect(terms).toEqual({ category: 'query', dueOn: '2026-12-17', extendedDueOn: '2026-12-24', tagDueOn: null });
  });

  test('a claim received Wed 2 Dec 2026: tag by Fri 4 Dec, due Thu 24 Dec, extended by 8 past Christmas, New Year and Reyes (Mon 11 Jan 2027) → Thu 7 Jan 2027', () => {
    const terms = termsFor('erasure', new Date('2026-12-02T15:00:00Z'));
    expect(terms).toEqual({ category: 'claim', dueOn: '2026-12-24', extendedDueOn: '2027-01-07', tagDueOn: '2026-12-04' });
  });

  test('the day is Bogotá’s: 02:00 UTC on Thursday is still Wednesday evening there', () => {
    expect(bogotaDay(new Date('2026-12-03T02:00:00Z'))).toBe('2026-12-02');
    expect(termsFor('proof', new Date('2026-12-03T02:00:00Z')).dueOn).toBe('2026-12-17');
  });

  test('received on a Saturday or a holiday, counting starts on the next business day; Holy Week 2026 skipped', () => {
    expect(addBusinessDays('2026-03-28', 1)).toBe('2026-03-30'); // Saturday → Monday
    expect(addBusinessDays('2026-03-31', 2)).toBe('2026-04-06'); // Wed 1 Apr, then Mon 6 Apr after Holy Thursday and Good Friday
  });

  test('between, overdue, and bad input', () => {
    expect(businessDaysBetween('2026-12-02', '2026-12-17')).toBe(10);
    expect(businessDaysBetween('2026-12-17', '2026-12-02')).toBe(-10);
    expect(isOverdue('2026-12-17', new Date('2026-12-18T04:59:00Z'))).toBe(false); // 23:59 on the 17th in Bogotá
    expect(isOverdue('2026-12-17', new Date('2026-12-18T05:00:00Z'))).toBe(true);
    expect(() => addBusinessDays('2026-13-40', 1)).toThrow(RangeError);
    expect(() => addBusinessDays('2026-12-01', -1)).toThrow(RangeError);
  });
});
