import { expect } from 'chai';
import type { StateType } from '@rigel/server';
import { OrchestrationRule } from '@rigel/server/orchestration/rule';
import { SecureFlowConcurrencySlots } from '@rigel/server/orchestration/rules/concurrency';
import type { DeploymentCreateDto } from '@rigel/server/schemas/dto/deployment.dto';
import type { ApiDeployment } from '@rigel/server/services/deployments.service';
import { createDeployment, inSeconds } from '../../../support/deployments';
import { harness, type Harness } from '../../../support/orchestration';
import { applyRules, withContext } from '../../../support/policy';

/** A later rule for the fizzle spec: it makes every transition WAIT. */
class WaitAlways extends OrchestrationRule {
  override async beforeTransition(): Promise<void> {
    this.delay(1, 'waits');
  }
}

/** Deployment concurrency limits (SecureFlowConcurrencySlots, ReleaseFlowConcurrencySlots in concurrency.ts). */
describe('deployment concurrency rules', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });

  const limited = (concurrencyLimit: number, extra: Partial<DeploymentCreateDto> = {}) =>
    createDeployment(h, { concurrencyLimit, ...extra });
  /** A run of the deployment, SCHEDULED for now (as create-flow-run makes it). */
  const runOf = async (d: ApiDeployment) => (await h.services.deployments.createFlowRun(d.id, {})).run;
  const claim = (id: string) => h.propose('flow', id, { type: 'PENDING' });
  const slots = async (d: ApiDeployment) => (await h.services.deployments.read(d.id)).activeSlots;
  const claimed = async (d: ApiDeployment) => {
    const run = await runOf(d);
    expect((await claim(run.id)).result.status).to.equal('ACCEPT');
    return run;
  };

  describe('SecureFlowConcurrencySlots (flow runs)', () => {
    describe('when a slot is free', () => {
      it('accepts the claim and takes a slot', async () => {
        const deployment = await limited(2);
        const run = await claimed(deployment);
        expect(await slots(deployment)).to.deep.equal([run.id]);
        expect(await h.services.runs.decisions('flow', run.id)).to.deep.equal([]);
      });

      it('takes a slot for a run created PENDING (no state yet → PENDING)', async () => {
        const deployment = await limited(1);
        const { run } = await h.services.deployments.createFlowRun(deployment.id, { state: { type: 'PENDING' } });
        expect(await slots(deployment)).to.deep.equal([run.id]);
      });
    });

    describe('when the limit is reached', () => {
      it('answers REJECT into AwaitingConcurrencySlot 30 s from now with ENQUEUE (the default)', async () => {
        const deployment = await limited(1);
        await claimed(deployment);
        const run = await runOf(deployment);
        const { result, written } = await claim(run.id);
        expect([result.status, written]).to.deep.equal(['REJECT', true]);
        expect(result.state).to.include({
          type: 'SCHEDULED',
          name: 'AwaitingConcurrencySlot',
          message: 'The deployment concurrency limit (1) is reached',
        });
        expect(result.state?.stateDetails.scheduledTime).to.equal(inSeconds(h, 30));
        expect((await h.services.runs.decisions('flow', run.id)).map((d) => [d.rule, d.reason])).to.deep.equal([
          [
            'SecureFlowConcurrencySlots',
            'The deployment concurrency limit (1) is reached; ENQUEUE waits 30 s for a slot',
          ],
        ]);
        expect(await slots(deployment)).to.have.length(1);
      });

      it('answers REJECT into Cancelled with CANCEL_NEW', async () => {
        const deployment = await limited(1, { collisionStrategy: 'CANCEL_NEW' });
        await claimed(deployment);
        const run = await runOf(deployment);
        const { result } = await claim(run.id);
        expect(result.status).to.equal('REJECT');
        expect(result.state).to.include({ type: 'CANCELLED', name: 'Cancelled' });
        expect((await h.read('flow', run.id)).stateType).to.equal('CANCELLED');
      });

      it('lets the waiting run in once a slot is given back', async () => {
        const deployment = await limited(1);
        const holder = await claimed(deployment);
        const run = await runOf(deployment);
        await claim(run.id);
        await h.propose('flow', holder.id, { type: 'RUNNING' });
        await h.propose('flow', holder.id, { type: 'COMPLETED' });
        h.clock.advance(30);
        expect((await claim(run.id)).result.status).to.equal('ACCEPT');
        expect(await slots(deployment)).to.deep.equal([run.id]);
      });

      it('gives exactly one of two concurrent claims the last slot', async () => {
        const deployment = await limited(1);
        const [a, b] = [await runOf(deployment), await runOf(deployment)];
        const outcomes = await Promise.all([claim(a.id), claim(b.id)]);
        const names = outcomes.map((o) => o.result.state?.name).sort();
        expect(names).to.deep.equal(['AwaitingConcurrencySlot', 'Pending']);
        expect(await slots(deployment)).to.have.length(1);
      });
    });

    describe('when the limit is 0', () => {
      it('answers ABORT and writes nothing', async () => {
        const deployment = await limited(0);
        const run = await runOf(deployment);
        const { result, written } = await claim(run.id);
        expect([result.status, written]).to.deep.equal(['ABORT', false]);
        expect(result.details).to.deep.include({
          reason: 'The deployment concurrency limit is 0: its runs can never start while it stays 0',
        });
      });
    });

    describe('when no limit applies', () => {
      it('takes no slot for a deployment without a limit, or a run without a deployment', async () => {
        const deployment = await createDeployment(h);
        await claimed(deployment);
        expect(await slots(deployment)).to.deep.equal([]);
        const plain = await h.runIn('flow', { type: 'SCHEDULED' });
        expect((await claim(plain.id)).result.status).to.equal('ACCEPT');
      });

      it('takes no slot under force', async () => {
        const deployment = await limited(0);
        const run = await runOf(deployment);
        expect((await h.propose('flow', run.id, { type: 'PENDING' }, { force: true })).result.status).to.equal(
          'ACCEPT',
        );
        expect(await slots(deployment)).to.deep.equal([]);
      });
    });

    describe('when a later rule changes the outcome (the rule fizzles)', () => {
      it('gives the slot back', async () => {
        const deployment = await limited(1);
        const run = await runOf(deployment);
        const ctx = await withContext(h, 'flow', run.id, { type: 'PENDING' }, async (c) => {
          await applyRules(c, [SecureFlowConcurrencySlots, WaitAlways]);
          return c;
        });
        expect(ctx.status).to.equal('WAIT');
        expect(await slots(deployment)).to.deep.equal([]);
      });

      it('keeps the slot when nothing changes the outcome', async () => {
        const deployment = await limited(1);
        const run = await runOf(deployment);
        await withContext(h, 'flow', run.id, { type: 'PENDING' }, (c) => applyRules(c, [SecureFlowConcurrencySlots]));
        expect(await slots(deployment)).to.deep.equal([run.id]);
      });
    });
  });

  describe('ReleaseFlowConcurrencySlots (flow runs)', () => {
    describe('when the run leaves the active states', () => {
      for (const type of ['COMPLETED', 'FAILED', 'CRASHED', 'CANCELLED', 'SCHEDULED'] as StateType[]) {
        it(`gives the slot back on RUNNING → ${type}`, async () => {
          const deployment = await limited(1);
          const run = await claimed(deployment);
          await h.propose('flow', run.id, { type: 'RUNNING' });
          await h.propose('flow', run.id, { type });
          expect(await slots(deployment)).to.deep.equal([]);
        });
      }

      it('gives it back under force too (it is in the minimal policy)', async () => {
        const deployment = await limited(1);
        const run = await claimed(deployment);
        await h.propose('flow', run.id, { type: 'CRASHED' }, { force: true });
        expect(await slots(deployment)).to.deep.equal([]);
      });
    });

    describe('when the run stays active', () => {
      for (const path of [['RUNNING'], ['RUNNING', 'PAUSED'], ['RUNNING', 'CANCELLING']] as StateType[][]) {
        it(`keeps the slot through ${path.join(' → ')}`, async () => {
          const deployment = await limited(1);
          const run = await claimed(deployment);
          for (const type of path) expect((await h.propose('flow', run.id, { type })).written).to.equal(true);
          expect(await slots(deployment)).to.deep.equal([run.id]);
        });
      }
    });
  });
});
