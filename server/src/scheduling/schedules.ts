/**
 * Schedules: interval (with an anchor date and a time zone), cron (time zone, day-or semantics) and
 * RRule. Occurrences are computed in the schedule's time zone, so a daily 09:00 stays 09:00 across
 * DST changes: intervals of whole days step in wall-clock days; cron and RRule fire on wall-clock times.
 * cron-parser and rrule do the parsing; luxon the time-zone arithmetic.
 */
import { CronExpressionParser } from 'cron-parser';
import { DateTime, IANAZone } from 'luxon';
import { rrulestr, type RRule, type RRuleSet } from 'rrule';

export interface IntervalSchedule {
  /** Seconds between runs. */
  interval: number;
  /** Runs fall on anchorDate + k × interval (default 2020-01-01T00:00 in the time zone). */
  anchorDate?: string;
  timezone?: string;
}

export interface CronSchedule {
  cron: string;
  timezone?: string;
  /** When both day-of-month and day-of-week are restricted: true (default) matches either, false both. */
  dayOr?: boolean;
}

export interface RRuleSchedule {
  rrule: string;
  timezone?: string;
}

export type ScheduleSpec = IntervalSchedule | CronSchedule | RRuleSchedule;

const DAY = 86_400;
const DEFAULT_ANCHOR = '2020-01-01T00:00:00';
/** An RRule without DTSTART starts at the default anchor (not at the real "now" it was parsed at). */
const DEFAULT_RRULE_START = 'DTSTART:20200101T000000';
const TZID = /;TZID=([^:;\n]+)/gi;

export function isInterval(s: ScheduleSpec): s is IntervalSchedule {
  return typeof (s as IntervalSchedule).interval === 'number';
}

export function isCron(s: ScheduleSpec): s is CronSchedule {
  return typeof (s as CronSchedule).cron === 'string';
}

function zoneOf(spec: ScheduleSpec): string {
  return spec.timezone ?? 'UTC';
}

/**
 * An RRule as floating wall-clock text and the zone to place it in: TZID parameters are taken out
 * (the schedule's `timezone` wins over a TZID; a TZID stands in when there is none), and a rule
 * without DTSTART starts at the default anchor.
 */
function rruleParts(spec: RRuleSchedule): { text: string; zone: string; tzids: string[] } {
  const tzids = [...spec.rrule.matchAll(TZID)].map((m) => m[1]!);
  const text = spec.rrule.replace(TZID, '');
  return {
    text: /(^|\n)\s*DTSTART[:;]/i.test(text) ? text : `${DEFAULT_RRULE_START}\n${text}`,
    zone: spec.timezone ?? tzids[0] ?? 'UTC',
    tzids,
  };
}

const ARTICLE: Record<string, string> = { interval: 'an interval', cron: 'a cron', rrule: 'an rrule' };

/** Every problem with a schedule, as `field: message` pairs (empty when it is valid). */
export function scheduleProblems(spec: Record<string, unknown>): { field: string; message: string }[] {
  const kinds = ['interval', 'cron', 'rrule'].filter((k) => spec[k] !== undefined);
  if (kinds.length !== 1) return [{ field: 'schedule', message: 'must have exactly one of interval, cron or rrule' }];
  const allowed: Record<string, string[]> = {
    interval: ['interval', 'anchorDate', 'timezone'],
    cron: ['cron', 'timezone', 'dayOr'],
    rrule: ['rrule', 'timezone'],
  };
  const problems: { field: string; message: string }[] = [];
  for (const key of Object.keys(spec)) {
    if (!allowed[kinds[0]!]!.includes(key))
      problems.push({ field: `schedule.${key}`, message: `is not a field of ${ARTICLE[kinds[0]!]} schedule` });
  }
  if (spec.timezone !== undefined && (typeof spec.timezone !== 'string' || !IANAZone.isValidZone(spec.timezone))) {
    problems.push({ field: 'schedule.timezone', message: 'must be an IANA time zone such as "Europe/Berlin"' });
  }
  if (problems.length) return problems;
  try {
    if (kinds[0] === 'interval') {
      const seconds = spec.interval;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1 || seconds > 366 * DAY) {
        problems.push({ field: 'schedule.interval', message: 'must be a number of seconds from 1 to 31,622,400' });
      }
      if (
        spec.anchorDate !== undefined &&
        (typeof spec.anchorDate !== 'string' || !DateTime.fromISO(spec.anchorDate).isValid)
      ) {
        problems.push({ field: 'schedule.anchorDate', message: 'must be an ISO-8601 date-time' });
      }
    } else if (kinds[0] === 'cron') {
      if (typeof spec.cron !== 'string')
        problems.push({ field: 'schedule.cron', message: 'must be a cron expression' });
      else CronExpressionParser.parse(spec.cron, { tz: zoneOf(spec as unknown as CronSchedule) });
      if (spec.dayOr !== undefined && typeof spec.dayOr !== 'boolean')
        problems.push({ field: 'schedule.dayOr', message: 'must be a boolean' });
    } else {
      if (typeof spec.rrule !== 'string')
        problems.push({ field: 'schedule.rrule', message: 'must be an RRule string' });
      else {
        const { text, tzids } = rruleParts(spec as unknown as RRuleSchedule);
        const badZone = tzids.find((zone) => !IANAZone.isValidZone(zone));
        if (badZone) problems.push({ field: 'schedule.rrule', message: `names an unknown time zone "${badZone}"` });
        else rrulestr(text, { forceset: true });
      }
    }
  } catch (error) {
    problems.push({ field: `schedule.${kinds[0]}`, message: `is not valid: ${(error as Error).message}` });
  }
  return problems;
}

/** Says to stop before `when` (which would be the `count`-th occurrence): generation ends there. */
type Stop = (when: Date, count: number) => boolean;

const NEVER: Stop = () => false;

function intervalOccurrences(spec: IntervalSchedule, start: Date, end: Date, limit: number, stop: Stop): Date[] {
  const zone = zoneOf(spec);
  const anchor = DateTime.fromISO(spec.anchorDate ?? DEFAULT_ANCHOR, { zone });
  const out: Date[] = [];
  if (spec.interval % DAY === 0) {
    // Whole days: step in wall-clock days so the local time of day never moves with DST.
    const days = spec.interval / DAY;
    const startLocal = DateTime.fromJSDate(start, { zone });
    // The grid extends both ways from the anchor (as for other intervals); start one step early for DST.
    let k = Math.floor(startLocal.diff(anchor, 'days').days / days) - 1;
    for (let t = anchor.plus({ days: k * days }); out.length < limit; t = anchor.plus({ days: ++k * days })) {
      const when = t.toJSDate();
      if (when > end) break;
      if (when < start) continue;
      if (stop(when, out.length)) break;
      out.push(when);
    }
    return out;
  }
  const step = spec.interval * 1000;
  const first = anchor.toMillis() + Math.ceil((start.getTime() - anchor.toMillis()) / step) * step;
  for (let t = first; t <= end.getTime() && out.length < limit; t += step) {
    if (stop(new Date(t), out.length)) break;
    out.push(new Date(t));
  }
  return out;
}

/** One luxon zone object per name (building one validates the name through Intl, which is slow). */
const zones = new Map<string, IANAZone>();
function zoneObject(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/** The wall-clock time of `date` in `zone`, as a UTC date with those fields ("floating" time). */
function toFloating(date: Date, zone: IANAZone): Date {
  const local = DateTime.fromJSDate(date, { zone });
  return new Date(
    Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond),
  );
}

/** The instant a floating wall-clock time falls on in `zone` (a time skipped by DST moves forward). */
function fromFloating(floating: Date, zone: IANAZone): Date {
  return DateTime.fromObject(
    {
      year: floating.getUTCFullYear(),
      month: floating.getUTCMonth() + 1,
      day: floating.getUTCDate(),
      hour: floating.getUTCHours(),
      minute: floating.getUTCMinutes(),
      second: floating.getUTCSeconds(),
    },
    { zone },
  ).toJSDate();
}

/**
 * Cron fires on wall-clock times: the expression is walked in floating time (UTC, fast) and each
 * match is placed in the schedule's time zone.
 */
function cronOccurrences(spec: CronSchedule, start: Date, end: Date, limit: number, stop: Stop): Date[] {
  const name = zoneOf(spec);
  const zone = name === 'UTC' ? null : zoneObject(name);
  const from = zone ? toFloating(new Date(start.getTime() - 1), zone) : new Date(start.getTime() - 1);
  const expression = CronExpressionParser.parse(spec.cron, { tz: 'UTC', currentDate: from });
  const fields = expression.fields;
  const andDays = spec.dayOr === false && !fields.dayOfMonth.isWildcard && !fields.dayOfWeek.isWildcard;
  const dom = new Set(fields.dayOfMonth.values.map(Number));
  const dow = new Set(fields.dayOfWeek.values.map((v) => Number(v) % 7));
  const out: Date[] = [];
  let previous = -Infinity;
  for (let guard = 0; out.length < limit && guard < limit * 400; guard++) {
    if (!expression.hasNext()) break;
    const floating = expression.next().toDate();
    if (andDays && (!dom.has(floating.getUTCDate()) || !dow.has(floating.getUTCDay()))) continue;
    const when = zone ? fromFloating(floating, zone) : floating;
    if (when > end) break;
    // Around a DST change two wall-clock times can land on one instant; keep each instant once.
    if (when < start || when.getTime() <= previous) continue;
    if (stop(when, out.length)) break;
    previous = when.getTime();
    out.push(when);
  }
  return out;
}

/** RRule works on "floating" wall-clock times; each is placed in the schedule's time zone. */
function rruleOccurrences(spec: RRuleSchedule, start: Date, end: Date, limit: number, stop: Stop): Date[] {
  const { text, zone: name } = rruleParts(spec);
  const zone = zoneObject(name);
  const rule = rrulestr(text, { forceset: true }) as RRuleSet | RRule;
  const out: Date[] = [];
  rule.between(
    toFloating(new Date(start.getTime() - 1000), zone),
    toFloating(new Date(end.getTime() + DAY * 1000), zone),
    true,
    (d) => {
      const when = fromFloating(d, zone);
      if (when >= start && when <= end) {
        if (stop(when, out.length)) return false;
        out.push(when);
      }
      return out.length < limit;
    },
  );
  return out;
}

/**
 * The occurrences of `spec` in [start, end], at most `limit`, in time order; `stop` ends the series
 * early (the scheduler stops once it has enough, so it never computes more than it needs).
 */
export function occurrences(spec: ScheduleSpec, start: Date, end: Date, limit: number, stop: Stop = NEVER): Date[] {
  if (limit <= 0) return [];
  if (isInterval(spec)) return intervalOccurrences(spec, start, end, limit, stop);
  if (isCron(spec)) return cronOccurrences(spec, start, end, limit, stop);
  return rruleOccurrences(spec as RRuleSchedule, start, end, limit, stop);
}
