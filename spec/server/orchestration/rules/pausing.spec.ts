import { expect } from 'chai';
import type { StateProposal } from '@rigel/server';
import { OrchestrationRule } from '@rigel/server/orchestration/rule';
import { HandlePausingFlows, HandleResumingPausedFlows } from '@rigel/server/orchestration/rules/pausing';
import type { FlowRunCreateDto } from '@rigel/server/schemas/dto/flow-run.dto';
import { createDeployment, inSeconds } from '../../../support/deployments';
import { harness, type Harness } from '../../../support/orchestration';
import { applyRules, withContext } from '../../../support/policy';

/** A later rule for the fizzle specs: it makes every transition WAIT. */
class WaitAlways extends OrchestrationRule {
  override async beforeTransition(): Promise<void> {
    this.delay(1, 'waits');
  }
}

describe('pausing rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  /** A flow run created with `input`, then forced through `states`. */
  async function flowRunIn(input: Partial<FlowRunCreateDto>, ...states: StateProposal[]) {
    const run = await h.createFlowRun(input);
    for (const state of states) await h.propose('flow', run.id, state, { force: true });
    return h.read('flow', run.id);
  }
  const deploymentRun = async (...states: StateProposal[]) =>
    flowRunIn({ deploymentId: (await createDeployment(h)).id }, ...states);
  const decisions = async (id: string) =>
    (await h.services.runs.decisions('flow', id)).map((d) => [d.rule, d.status, d.reason]);
  const suspend: StateProposal = { type: 'PAUSED', name: 'Suspended', stateDetails: { pauseReschedule: true } };

  describe('HandlePausingFlows (flow runs)', () => {
    describe('when a running run pauses', () => {
      it('accepts PAUSED and records the pause key it was given', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, { type: 'PAUSED', stateDetails: { pauseKey: 'approve' } });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state?.stateDetails.pauseKey).to.equal('approve');
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.include({ pauseKeys: ['approve'] });
      });

      it('gives a pause without a key a fresh one', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, { type: 'PAUSED' });
        const key = result.state?.stateDetails.pauseKey;
        expect(key).to.be.a('string').that.is.not.empty;
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.include({ pauseKeys: [key] });
      });

      it('accepts a suspend (pause with reschedule) of a deployment run', async () => {
        const run = await deploymentRun({ type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, suspend);
        expect(result.status).to.equal('ACCEPT');
        expect(result.state).to.include({ type: 'PAUSED', name: 'Suspended' });
      });
    });

    describe('when the pause key was used before', () => {
      it('answers REJECT with the current state, and accepts a new key', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        await h.propose('flow', run.id, { type: 'PAUSED', stateDetails: { pauseKey: 'k' } });
        await h.propose('flow', run.id, { type: 'RUNNING' });
        const again = await h.propose('flow', run.id, { type: 'PAUSED', stateDetails: { pauseKey: 'k' } });
        expect(again.result.status).to.equal('REJECT');
        expect(again.written).to.equal(false);
        expect(again.result.state?.type).to.equal('RUNNING');
        expect((await decisions(run.id)).at(-1)).to.deep.equal([
          'HandlePausingFlows',
          'REJECT',
          'This pause (key "k") has already happened',
        ]);
        const other = await h.propose('flow', run.id, { type: 'PAUSED', stateDetails: { pauseKey: 'k2' } });
        expect(other.result.status).to.equal('ACCEPT');
      });
    });

    describe('when the run is not running', () => {
      for (const path of [[{ type: 'PENDING' }], [{ type: 'SCHEDULED' }], [{ type: 'RUNNING' }, { type: 'PAUSED' }]]) {
        it(`answers REJECT with the current state from ${path.at(-1)!.type}`, async () => {
          const run = await flowRunIn({}, ...(path as StateProposal[]));
          const { result, written } = await h.propose('flow', run.id, {
            type: 'PAUSED',
            stateDetails: { pauseKey: 'p' },
          });
          expect(result.status).to.equal('REJECT');
          expect(written).to.equal(false);
          expect(result.state?.id).to.equal(run.stateId);
          expect((await decisions(run.id)).map(([rule]) => rule)).to.deep.equal(['HandlePausingFlows']);
        });
      }

      it('answers ABORT when the run has no state yet (a first state PAUSED), and the run stays Pending', async () => {
        const run = await h.services.flowRuns.create({ flowId: h.flowId, state: { type: 'PAUSED' } });
        expect(run.orchestrationResult?.status).to.equal('ABORT');
        expect(run.run.stateType).to.equal('PENDING');
      });
    });

    describe('when a run that may not suspend proposes it', () => {
      it('answers ABORT for a run without a deployment', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, suspend);
        expect(result.status).to.equal('ABORT');
        expect(result.details).to.deep.include({
          reason: 'Only a deployment run can suspend: its process exits and a worker resumes it later',
        });
      });

      it('answers ABORT for a subflow, even of a deployment', async () => {
        const parent = await h.createTaskRun();
        const deployment = await createDeployment(h);
        const run = await flowRunIn({ parentTaskRunId: parent.id, deploymentId: deployment.id }, { type: 'RUNNING' });
        const { result } = await h.propose('flow', run.id, suspend);
        expect(result.status).to.equal('ABORT');
        expect(result.details).to.deep.include({
          reason: 'A subflow cannot suspend (pause with reschedule); pause it instead',
        });
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('does not keep the pause key', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' });
        const ctx = await withContext(
          h,
          'flow',
          run.id,
          { type: 'PAUSED', stateDetails: { pauseKey: 'k' } },
          async (c) => {
            await applyRules(c, [HandlePausingFlows, WaitAlways]);
            return c;
          },
        );
        expect(ctx.status).to.equal('WAIT');
        expect(ctx.run.empiricalPolicy.pauseKeys).to.equal(undefined);
      });
    });
  });

  describe('HandleResumingPausedFlows (flow runs)', () => {
    describe('when a paused run resumes or ends', () => {
      it('accepts RUNNING and marks the run as resuming', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
        const { result } = await h.propose('flow', run.id, { type: 'RUNNING' });
        expect(result.status).to.equal('ACCEPT');
        expect((await h.read('flow', run.id)).empiricalPolicy).to.deep.include({ resuming: true });
      });

      it('accepts SCHEDULED for a deployment run (a suspended run goes back to a worker)', async () => {
        const run = await deploymentRun({ type: 'RUNNING' }, suspend);
        const { result } = await h.propose('flow', run.id, { type: 'SCHEDULED', name: 'Resuming' });
        expect(result.status).to.equal('ACCEPT');
        expect(result.state).to.include({ type: 'SCHEDULED', name: 'Resuming' });
      });

      for (const type of ['COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED'] as const) {
        it(`accepts the final state ${type}`, async () => {
          const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
          expect((await h.propose('flow', run.id, { type })).result.status).to.equal('ACCEPT');
        });
      }
    });

    describe('when the proposal is not a resume or an end', () => {
      it('answers REJECT with the current state for PENDING', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
        const { result, written } = await h.propose('flow', run.id, { type: 'PENDING' });
        expect([result.status, written, result.state?.type]).to.deep.equal(['REJECT', false, 'PAUSED']);
        expect((await decisions(run.id)).map(([rule]) => rule)).to.deep.equal(['HandleResumingPausedFlows']);
      });

      it('answers REJECT for SCHEDULED when the run has no deployment', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
        const { result } = await h.propose('flow', run.id, { type: 'SCHEDULED' });
        expect([result.status, result.state?.type]).to.deep.equal(['REJECT', 'PAUSED']);
      });
    });

    describe('when the pause timed out', () => {
      it('answers REJECT into a written Failed state instead of resuming', async () => {
        const pauseTimeout = inSeconds(h, 60);
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED', stateDetails: { pauseTimeout } });
        h.clock.advance(61);
        const { result, written } = await h.propose('flow', run.id, { type: 'RUNNING' });
        expect([result.status, written]).to.deep.equal(['REJECT', true]);
        expect(result.state).to.include({ type: 'FAILED', message: 'The flow run was paused and never resumed' });
        expect((await decisions(run.id)).at(-1)).to.deep.equal([
          'HandleResumingPausedFlows',
          'REJECT',
          `The paused run timed out at ${pauseTimeout} and can no longer resume`,
        ]);
      });

      it('says "suspended" for a suspended run, and still lets a final state through', async () => {
        const pauseTimeout = inSeconds(h, 60);
        const run = await deploymentRun(
          { type: 'RUNNING' },
          { ...suspend, stateDetails: { pauseReschedule: true, pauseTimeout } },
        );
        h.clock.advance(61);
        const { result } = await h.propose('flow', run.id, { type: 'SCHEDULED' });
        expect(result.state?.message).to.equal('The flow run was suspended and never resumed');
        const other = await deploymentRun({ type: 'RUNNING' }, { type: 'PAUSED', stateDetails: { pauseTimeout } });
        expect((await h.propose('flow', other.id, { type: 'CANCELLED' })).result.state?.type).to.equal('CANCELLED');
      });

      it('still resumes at exactly the timeout', async () => {
        const pauseTimeout = inSeconds(h, 60);
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED', stateDetails: { pauseTimeout } });
        h.clock.advance(60);
        expect((await h.propose('flow', run.id, { type: 'RUNNING' })).result.state?.type).to.equal('RUNNING');
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('does not leave the run marked as resuming', async () => {
        const run = await flowRunIn({}, { type: 'RUNNING' }, { type: 'PAUSED' });
        const ctx = await withContext(h, 'flow', run.id, { type: 'RUNNING' }, async (c) => {
          await applyRules(c, [HandleResumingPausedFlows, WaitAlways]);
          return c;
        });
        expect(ctx.status).to.equal('WAIT');
        expect(ctx.run.empiricalPolicy.resuming).to.equal(undefined);
      });
    });
  });
});
