/** A schedule in words: "every 5 minutes", "cron 0 3 * * * (Europe/Berlin)", "rrule FREQ=DAILY". */
import type { DeploymentSchedule } from '../core/models';
import { formatDuration } from '../shared/format-pipes';

export function scheduleText(schedule: DeploymentSchedule['schedule']): string {
  const tz = schedule.timezone ? ` (${schedule.timezone})` : '';
  if (schedule.interval !== undefined) return `every ${formatDuration(schedule.interval)}${tz}`;
  if (schedule.cron) return `cron ${schedule.cron}${tz}`;
  if (schedule.rrule) return `rrule ${schedule.rrule}${tz}`;
  return JSON.stringify(schedule);
}
