import cronParser from 'cron-parser';
import { ValidationError } from '@erp/kit';

/** The latest cron tick at or before `now`, in the schedule's time zone (null if none in a year). */
export function latestTick(cron: string, tz: string, now: Date): Date | null {
  try {
    const it = cronParser.parseExpression(cron, { currentDate: new Date(now.getTime() + 1000), tz });
    const prev = it.prev().toDate();
    return now.getTime() - prev.getTime() <= 366 * 86_400_000 ? prev : null;
  } catch (err) {
    throw new ValidationError('AUTOMATION_CRON', cron, (err as Error).message);
  }
}

/** The next tick after `now`. */
export function nextTick(cron: string, tz: string, now: Date): Date {
  try {
    return cronParser.parseExpression(cron, { currentDate: now, tz }).next().toDate();
  } catch (err) {
    throw new ValidationError('AUTOMATION_CRON', cron, (err as Error).message);
  }
}
