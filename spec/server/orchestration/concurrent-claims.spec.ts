import { expect } from 'chai';
import { harness, type Harness } from '../../support/orchestration';

describe('concurrent proposals on one run', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  // Claims (PENDING) are a flow-run concept: PreventPendingTransitions is in the flow policy only.
  const kind = 'flow';
  describe('when several workers claim the same flow run at once', () => {
    it('accepts exactly one claim and aborts the others', async () => {
      const run = await h.runIn(kind, {
        type: 'SCHEDULED',
        stateDetails: { scheduledTime: h.clock.now().toISOString() },
      });
      const before = await h.services.runs.states(kind, run.id);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => h.propose(kind, run.id, { type: 'PENDING' })));
      const statuses = outcomes.map((o) => o.result.status).sort();
      expect(statuses).to.deep.equal(['ABORT', 'ABORT', 'ABORT', 'ABORT', 'ABORT', 'ABORT', 'ABORT', 'ACCEPT']);
      const after = await h.services.runs.states(kind, run.id);
      expect(after.map((s) => s.type)).to.deep.equal([...before.map((s) => s.type), 'PENDING']);
    });
  });
});
