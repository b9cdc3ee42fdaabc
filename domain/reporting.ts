/**
 * Reporting periods with their own first and last month (the config's `schedule.reporting`):
 * "metrics monthly from May to April". Without them, periods run from the month of the first
 * learning session to the last month whose data is due by the end.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ReportingPeriod } from './schedule';
import { monthlyPeriods } from './time';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const monthSchema = z.string().trim().regex(MONTH, 'expected a month such as 2027-05');

export const reportingSchema = z
  .object({ firstMonth: monthSchema.optional(), lastMonth: monthSchema.optional() })
  .strict();
export type ReportingMonths = z.infer<typeof reportingSchema>;

/** The periods from `months.firstMonth` (else the month of `from`) through `months.lastMonth`; problems reported. */
export function reportingPeriods(
  from: string,
  until: string,
  dueDay: number,
  timeZone: string,
  months: ReportingMonths,
  problem: (field: keyof ReportingMonths, message: string) => void,
): ReportingPeriod[] {
  const { firstMonth, lastMonth } = months;
  if (firstMonth && lastMonth && firstMonth > lastMonth) {
    problem('lastMonth', `the last month (${lastMonth}) comes before the first (${firstMonth})`);
    return [];
  }
  const start = firstMonth ? DateTime.fromISO(`${firstMonth}-01`, { zone: timeZone }).toUTC().toISO()! : from;
  const all = monthlyPeriods(start, until, dueDay, timeZone);
  if (firstMonth && (all.length === 0 || all[0]!.id !== firstMonth)) {
    problem('firstMonth', `the data for ${firstMonth} would be due after the end of the collaborative`);
    return [];
  }
  if (!lastMonth) return all;
  if (!all.some((p) => p.id === lastMonth)) {
    problem('lastMonth', `the data for ${lastMonth} would be due after the end of the collaborative`);
    return [];
  }
  return all.filter((p) => p.id <= lastMonth);
}
