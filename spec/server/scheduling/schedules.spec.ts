import { expect } from 'chai';
import { occurrences, scheduleProblems, type ScheduleSpec } from '@rigel/server/scheduling/schedules';

/** The occurrences of `spec` in [start, end] as ISO strings. */
const times = (spec: ScheduleSpec, start: string, end: string, limit = 50) =>
  occurrences(spec, new Date(start), new Date(end), limit).map((d) => d.toISOString());

describe('schedules', () => {
  describe('interval schedules', () => {
    describe('when the interval is not a whole number of days', () => {
      it('falls on anchorDate + k × interval, the start included', () => {
        const spec = { interval: 900, anchorDate: '2030-01-01T00:05:00Z' };
        expect(times(spec, '2030-01-01T00:20:00Z', '2030-01-01T01:00:00Z')).to.deep.equal([
          '2030-01-01T00:20:00.000Z',
          '2030-01-01T00:35:00.000Z',
          '2030-01-01T00:50:00.000Z',
        ]);
      });

      it('anchors at 2020-01-01T00:00 in the time zone by default', () => {
        expect(times({ interval: 3600 }, '2030-01-01T00:30:00Z', '2030-01-01T02:00:00Z')).to.deep.equal([
          '2030-01-01T01:00:00.000Z',
          '2030-01-01T02:00:00.000Z',
        ]);
        expect(
          times({ interval: 7200, timezone: 'Asia/Kolkata' }, '2030-01-01T00:00:00Z', '2030-01-01T04:00:00Z'),
        ).to.deep.equal(['2030-01-01T00:30:00.000Z', '2030-01-01T02:30:00.000Z']);
      });

      it('keeps an exact spacing across a DST change (hours are not wall-clock hours)', () => {
        const spec = { interval: 3600, timezone: 'Europe/Berlin' };
        expect(times(spec, '2030-03-31T00:00:00Z', '2030-03-31T02:00:00Z')).to.deep.equal([
          '2030-03-31T00:00:00.000Z',
          '2030-03-31T01:00:00.000Z',
          '2030-03-31T02:00:00.000Z',
        ]);
      });

      it('includes grid times before an anchor in the future', () => {
        const spec = { interval: 3600, anchorDate: '2030-01-01T05:30:00Z' };
        expect(times(spec, '2030-01-01T00:00:00Z', '2030-01-01T02:00:00Z')).to.deep.equal([
          '2030-01-01T00:30:00.000Z',
          '2030-01-01T01:30:00.000Z',
        ]);
      });
    });

    describe('when the interval is a whole number of days', () => {
      it('keeps the wall-clock time of day across the spring DST change', () => {
        const spec = { interval: 86_400, anchorDate: '2030-03-29T09:00:00', timezone: 'Europe/Berlin' };
        expect(times(spec, '2030-03-29T00:00:00Z', '2030-04-01T23:00:00Z')).to.deep.equal([
          '2030-03-29T08:00:00.000Z',
          '2030-03-30T08:00:00.000Z',
          '2030-03-31T07:00:00.000Z',
          '2030-04-01T07:00:00.000Z',
        ]);
      });

      it('keeps the wall-clock time of day across the autumn DST change', () => {
        const spec = { interval: 86_400, anchorDate: '2030-10-25T09:00:00', timezone: 'America/New_York' };
        expect(times(spec, '2030-11-01T00:00:00Z', '2030-11-04T00:00:00Z')).to.deep.equal([
          '2030-11-01T13:00:00.000Z',
          '2030-11-02T13:00:00.000Z',
          '2030-11-03T14:00:00.000Z',
        ]);
      });

      it('steps several days from the anchor', () => {
        const spec = { interval: 2 * 86_400, anchorDate: '2030-01-01T12:00:00Z' };
        expect(times(spec, '2030-01-02T00:00:00Z', '2030-01-08T00:00:00Z')).to.deep.equal([
          '2030-01-03T12:00:00.000Z',
          '2030-01-05T12:00:00.000Z',
          '2030-01-07T12:00:00.000Z',
        ]);
      });

      it('includes grid days before an anchor in the future, as other intervals do', () => {
        const spec = { interval: 86_400, anchorDate: '2030-01-05T05:30:00Z' };
        expect(times(spec, '2030-01-02T00:00:00Z', '2030-01-06T00:00:00Z')).to.deep.equal([
          '2030-01-02T05:30:00.000Z',
          '2030-01-03T05:30:00.000Z',
          '2030-01-04T05:30:00.000Z',
          '2030-01-05T05:30:00.000Z',
        ]);
      });
    });
  });

  describe('cron schedules', () => {
    it('fires at the matching times, the start included', () => {
      expect(times({ cron: '0 */6 * * *' }, '2030-01-01T06:00:00Z', '2030-01-01T18:00:00Z')).to.deep.equal([
        '2030-01-01T06:00:00.000Z',
        '2030-01-01T12:00:00.000Z',
        '2030-01-01T18:00:00.000Z',
      ]);
    });

    it('reads the expression in the time zone, keeping 09:00 local across DST', () => {
      const spec = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
      expect(times(spec, '2030-03-30T00:00:00Z', '2030-04-01T00:00:00Z')).to.deep.equal([
        '2030-03-30T08:00:00.000Z',
        '2030-03-31T07:00:00.000Z',
      ]);
    });

    it('matches either day field when both are restricted (dayOr true, the default)', () => {
      const spec = { cron: '0 9 1-3 * 1' };
      expect(times(spec, '2030-01-01T00:00:00Z', '2030-01-08T00:00:00Z')).to.deep.equal([
        '2030-01-01T09:00:00.000Z',
        '2030-01-02T09:00:00.000Z',
        '2030-01-03T09:00:00.000Z',
        '2030-01-07T09:00:00.000Z',
      ]);
    });

    it('matches only days where both fields match with dayOr false (the first Monday of the month)', () => {
      const spec = { cron: '0 9 1-7 * 1', dayOr: false };
      expect(times(spec, '2030-01-01T00:00:00Z', '2030-04-30T00:00:00Z')).to.deep.equal([
        '2030-01-07T09:00:00.000Z',
        '2030-02-04T09:00:00.000Z',
        '2030-03-04T09:00:00.000Z',
        '2030-04-01T09:00:00.000Z',
      ]);
    });

    it('treats day-of-week 7 as Sunday with dayOr false', () => {
      const spec = { cron: '0 0 1-7 * 7', dayOr: false };
      expect(times(spec, '2030-01-01T00:00:00Z', '2030-02-28T00:00:00Z')).to.deep.equal([
        '2030-01-06T00:00:00.000Z',
        '2030-02-03T00:00:00.000Z',
      ]);
    });

    it('stops at the limit and at the end', () => {
      expect(times({ cron: '* * * * *' }, '2030-01-01T00:00:00Z', '2030-01-01T01:00:00Z', 2)).to.have.length(2);
      expect(times({ cron: '0 0 1 1 *' }, '2030-01-02T00:00:00Z', '2030-12-31T00:00:00Z')).to.deep.equal([]);
    });
  });

  describe('RRule schedules', () => {
    it('places the rule’s wall-clock times in the time zone', () => {
      const spec = { rrule: 'DTSTART:20300101T090000\nRRULE:FREQ=DAILY', timezone: 'America/New_York' };
      expect(times(spec, '2030-03-09T00:00:00Z', '2030-03-11T00:00:00Z')).to.deep.equal([
        '2030-03-09T14:00:00.000Z',
        '2030-03-10T13:00:00.000Z',
      ]);
    });

    it('starts a rule without DTSTART at the default anchor, not at the real time it was read', () => {
      expect(times({ rrule: 'FREQ=HOURLY' }, '2030-01-01T00:00:00Z', '2030-01-01T02:00:00Z')).to.deep.equal([
        '2030-01-01T00:00:00.000Z',
        '2030-01-01T01:00:00.000Z',
        '2030-01-01T02:00:00.000Z',
      ]);
    });

    it('takes the time zone from DTSTART;TZID when no timezone is given', () => {
      const spec = { rrule: 'DTSTART;TZID=America/New_York:20300101T090000\nRRULE:FREQ=DAILY' };
      expect(times(spec, '2030-03-09T00:00:00Z', '2030-03-11T00:00:00Z')).to.deep.equal([
        '2030-03-09T14:00:00.000Z',
        '2030-03-10T13:00:00.000Z',
      ]);
    });

    it('places the times once when both TZID and the same timezone are given', () => {
      const spec = {
        rrule: 'DTSTART;TZID=America/New_York:20300101T090000\nRRULE:FREQ=DAILY',
        timezone: 'America/New_York',
      };
      expect(times(spec, '2030-03-09T00:00:00Z', '2030-03-10T00:00:00Z')).to.deep.equal(['2030-03-09T14:00:00.000Z']);
    });

    it('honours EXDATE and the limit', () => {
      const spec = { rrule: 'DTSTART:20300101T090000\nRRULE:FREQ=DAILY\nEXDATE:20300102T090000' };
      expect(times(spec, '2030-01-01T00:00:00Z', '2030-01-10T00:00:00Z', 2)).to.deep.equal([
        '2030-01-01T09:00:00.000Z',
        '2030-01-03T09:00:00.000Z',
      ]);
    });
  });

  describe('scheduleProblems()', () => {
    it('finds nothing wrong with valid schedules', () => {
      for (const spec of [
        { interval: 60, anchorDate: '2030-01-01T00:00:00Z', timezone: 'Europe/Berlin' },
        { cron: '0 9 * * 1-5', timezone: 'UTC', dayOr: false },
        { rrule: 'DTSTART;TZID=Europe/Paris:20300101T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO' },
      ]) {
        expect(scheduleProblems(spec), JSON.stringify(spec)).to.deep.equal([]);
      }
    });

    it('asks for exactly one kind of schedule', () => {
      for (const spec of [{}, { interval: 60, cron: '* * * * *' }]) {
        expect(scheduleProblems(spec)).to.deep.equal([
          { field: 'schedule', message: 'must have exactly one of interval, cron or rrule' },
        ]);
      }
    });

    it('names the field of a bad value', () => {
      const fields = (spec: Record<string, unknown>) => scheduleProblems(spec).map((p) => p.field);
      expect(fields({ cron: 'every day' })).to.deep.equal(['schedule.cron']);
      expect(fields({ cron: '61 * * * *' })).to.deep.equal(['schedule.cron']);
      expect(fields({ cron: '0 9 * * *', dayOr: 'no' })).to.deep.equal(['schedule.dayOr']);
      expect(fields({ interval: 0 })).to.deep.equal(['schedule.interval']);
      expect(fields({ interval: '60' })).to.deep.equal(['schedule.interval']);
      expect(fields({ interval: 60, anchorDate: 'yesterday' })).to.deep.equal(['schedule.anchorDate']);
      expect(fields({ rrule: 'FREQ=SOMETIMES' })).to.deep.equal(['schedule.rrule']);
      expect(fields({ cron: '0 9 * * *', timezone: 'Mars/Olympus' })).to.deep.equal(['schedule.timezone']);
    });

    it('rejects a TZID naming an unknown zone', () => {
      expect(scheduleProblems({ rrule: 'DTSTART;TZID=Mars/Olympus:20300101T090000\nRRULE:FREQ=DAILY' })).to.deep.equal([
        { field: 'schedule.rrule', message: 'names an unknown time zone "Mars/Olympus"' },
      ]);
    });

    it('rejects fields of another kind of schedule', () => {
      expect(scheduleProblems({ interval: 60, dayOr: true })).to.deep.equal([
        { field: 'schedule.dayOr', message: 'is not a field of an interval schedule' },
      ]);
      expect(scheduleProblems({ cron: '* * * * *', anchorDate: '2030-01-01' })[0]!.field).to.equal(
        'schedule.anchorDate',
      );
    });
  });
});
