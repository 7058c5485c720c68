import { expect } from 'chai';
import { harness, type Harness } from '../../../support/orchestration';

describe('state transforms (buildValidatedState, SetRunState)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  for (const kind of ['flow', 'task'] as const) {
    describe(`SetRunState (${kind} runs)`, () => {
      it('denormalises the written state onto the run row', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        h.clock.advance(2);
        const { result } = await h.propose(kind, run.id, { type: 'COMPLETED', name: 'Done' });
        const stored = await h.read(kind, run.id);
        expect(stored).to.include({
          stateId: result.state!.id,
          stateType: 'COMPLETED',
          stateName: 'Done',
          stateTimestamp: result.state!.timestamp,
          updated: result.state!.timestamp,
        });
        expect(stored.state).to.deep.equal(result.state);
      });

      it('leaves the run row untouched when nothing is written', async () => {
        const run = await h.runIn(kind, {
          type: 'SCHEDULED',
          stateDetails: { scheduledTime: '2031-01-01T00:00:00.000Z' },
        });
        h.clock.advance(2);
        expect((await h.propose(kind, run.id, { type: 'RUNNING' })).result.status).to.equal('WAIT');
        const stored = await h.read(kind, run.id);
        expect(stored).to.include({ stateId: run.stateId, stateType: 'SCHEDULED', updated: run.updated });
      });
    });

    describe(`the written state (${kind} runs)`, () => {
      it('gets a new id per transition', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' }, { type: 'COMPLETED' });
        const ids = (await h.services.runs.states(kind, run.id)).map((s) => s.id);
        expect(new Set(ids).size).to.equal(ids.length);
      });

      it('has unique, increasing timestamps per run while the clock stands still', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        for (let i = 0; i < 5; i++) await h.propose(kind, run.id, { type: 'RUNNING', name: `Step${i}` });
        const history = await h.services.runs.states(kind, run.id);
        const times = history.map((s) => new Date(s.timestamp).getTime());
        const start = h.clock.now().getTime();
        expect(times).to.deep.equal(times.map((_, i) => start + i));
        expect((await h.read(kind, run.id)).stateTimestamp).to.equal(history.at(-1)!.timestamp);
      });

      it('stays after the previous state when the clock goes back', async () => {
        const run = await h.runIn(kind, { type: 'RUNNING' });
        const previous = new Date(run.state!.timestamp).getTime();
        h.clock.advance(-10);
        const { result } = await h.propose(kind, run.id, { type: 'COMPLETED' });
        expect(new Date(result.state!.timestamp).getTime()).to.equal(previous + 1);
      });

      it('gives a SCHEDULED state without a time the transition’s now, even when its timestamp was bumped', async () => {
        const run = kind === 'flow' ? await h.createFlowRun() : await h.createTaskRun();
        const { result } = await h.propose(kind, run.id, { type: 'SCHEDULED' });
        expect(result.state!.timestamp).to.not.equal(h.clock.now().toISOString());
        expect(result.state!.stateDetails.scheduledTime).to.equal(h.clock.now().toISOString());
        expect((await h.propose(kind, run.id, { type: 'RUNNING' })).result.status).to.equal('ACCEPT');
      });
    });
  }

  describe('the run ids in stateDetails', () => {
    it('names the flow run on a flow run’s state, overriding what the client sent', async () => {
      const run = await h.createFlowRun();
      const other = await h.createFlowRun();
      const { result } = await h.propose('flow', run.id, { type: 'RUNNING', stateDetails: { flowRunId: other.id } });
      expect(result.state!.stateDetails.flowRunId).to.equal(run.id);
    });

    it('names the task run and its flow run on a task run’s state', async () => {
      const task = await h.createTaskRun();
      const { result } = await h.propose('task', task.id, { type: 'RUNNING' });
      expect(result.state!.stateDetails).to.include({ taskRunId: task.id, flowRunId: task.flowRunId });
    });

    it('names only the task run on the state of a task run outside any flow', async () => {
      const task = await h.createTaskRun({ flowRunId: undefined });
      const { result } = await h.propose('task', task.id, { type: 'RUNNING' });
      expect(result.state!.stateDetails.taskRunId).to.equal(task.id);
      expect(result.state!.stateDetails).to.not.have.property('flowRunId');
    });
  });
});
