import {
  countBody,
  DEFAULT_PARAMS,
  filterBody,
  pageBody,
  paramsFromQuery,
  queryFromParams,
} from './flow-run-list-params';

describe('flow run list params', () => {
  describe('when read from a URL', () => {
    it('keeps known states, windows, sorts and sizes and drops unknown ones', () => {
      const p = paramsFromQuery({
        state: 'failed,RUNNING,bogus',
        window: '7d',
        sort: 'NAME_ASC',
        size: '50',
        page: '3',
      });
      expect(p.states).toEqual(['FAILED', 'RUNNING']);
      expect(p.window).toBe('7d');
      expect(p.sort).toBe('NAME_ASC');
      expect(p.size).toBe(50);
      expect(p.page).toBe(3);
      const bad = paramsFromQuery({ window: '2y', sort: 'DROP TABLE', size: '7', page: '-1' });
      expect(bad).toEqual(DEFAULT_PARAMS);
    });

    it('round-trips through query parameters, leaving defaults out of the URL', () => {
      const p = {
        ...DEFAULT_PARAMS,
        states: ['FAILED' as const],
        flow: 'etl',
        tags: ['a', 'b'],
        search: 'night',
        page: 2,
      };
      const query = queryFromParams(p);
      expect(query['sort']).toBeNull();
      expect(query['size']).toBeNull();
      expect(paramsFromQuery(query)).toEqual(p);
    });
  });

  describe('when turned into a request body', () => {
    it('nests each filter under its resource with operator keys', () => {
      const now = Date.parse('2030-01-02T00:00:00.000Z');
      const body = filterBody(
        {
          ...DEFAULT_PARAMS,
          states: ['FAILED'],
          flow: 'etl',
          deployment: 'd-1',
          tags: ['x'],
          window: '24h',
          search: 'n',
        },
        now,
      );
      expect(body).toEqual({
        flowRuns: {
          state: { type: { any: ['FAILED'] } },
          tags: { all: ['x'] },
          name: { like: 'n' },
          expectedStartTime: { after: '2030-01-01T00:00:00.000Z' },
          deploymentId: { any: ['d-1'] },
        },
        flows: { name: { any: ['etl'] } },
      });
    });

    it('asks for one bounded page', () => {
      expect(pageBody({ ...DEFAULT_PARAMS, page: 3, size: 10 })).toEqual({
        sort: DEFAULT_PARAMS.sort,
        limit: 10,
        offset: 20,
      });
    });

    it('counts up to one past 10,000 runs, or one past the rows up to the page shown', () => {
      expect(countBody({ ...DEFAULT_PARAMS, states: ['FAILED'] })).toEqual({
        flowRuns: { state: { type: { any: ['FAILED'] } } },
        limit: 10_001,
      });
      expect(countBody({ ...DEFAULT_PARAMS, page: 500, size: 50 })).toEqual({ limit: 25_001 });
    });
  });
});
