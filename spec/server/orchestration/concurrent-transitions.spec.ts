import { expect } from 'chai';
import type { State } from '@rigel/server';
import type { TaskRunCreateDto } from '@rigel/server/schemas/dto/task-run.dto';
import { harness, type Harness } from '../../support/orchestration';

/**
 * Real concurrency through the service: the run-row lock serialises transitions of one run. Twice: as
 * an in-process caller proposes, and with the database collecting writes as a server does (SQLite write
 * groups; PostgreSQL group commits, where transitions of distinct runs share a transaction).
 */
for (const collectWrites of [false, true])
  describe(`concurrent transitions${collectWrites ? ', writes collected as in a server' : ''}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await harness();
      h.db.collectWrites = collectWrites;
    });
    afterEach(() => {
      h.db.collectWrites = false;
    });

    /** runCount and totalRunTime as the transforms would compute them, replayed from the history. */
    function replay(kind: 'flow' | 'task', history: State[]) {
      let runCount = 0;
      let totalRunTime = 0;
      history.forEach((state, i) => {
        const previous = history[i - 1];
        if (previous?.type === 'RUNNING') {
          totalRunTime += (Date.parse(state.timestamp) - Date.parse(previous.timestamp)) / 1000;
        }
        const resumes = kind === 'flow' && previous?.type === 'PAUSED';
        if (state.type === 'RUNNING' && previous?.type !== 'RUNNING' && !resumes) runCount++;
      });
      return { runCount, totalRunTime };
    }

    for (const kind of ['flow', 'task'] as const) {
      describe(`when many setState calls race on one ${kind} run`, () => {
        it('serialises them: every written state has one row, the run row shows the newest, nothing is lost', async () => {
          const run = await h.runIn(kind, { type: 'RUNNING' });
          // Transitions every order accepts: flows leave RUNNING for SCHEDULED (pausing has its own rules), tasks for PAUSED.
          const away = kind === 'flow' ? 'SCHEDULED' : 'PAUSED';
          const proposals = Array.from({ length: 24 }, (_, i) => ({ type: i % 2 ? 'RUNNING' : away }) as const);
          const outcomes = await Promise.all(proposals.map((state) => h.propose(kind, run.id, state)));
          expect(outcomes.every((o) => o.written && o.result.status === 'ACCEPT')).to.equal(true);

          const history = await h.services.runs.states(kind, run.id);
          const ids = history.map((s) => s.id);
          for (const o of outcomes) expect(ids.filter((id) => id === o.result.state!.id)).to.have.length(1);
          expect(history).to.have.length(2 + proposals.length);
          expect(new Set(history.map((s) => s.timestamp)).size).to.equal(history.length);

          const stored = await h.read(kind, run.id);
          const newest = history.at(-1)!;
          expect(stored).to.include({ stateId: newest.id, stateType: newest.type, stateTimestamp: newest.timestamp });
          const expected = replay(kind, history);
          expect(stored.runCount).to.equal(expected.runCount);
          expect(stored.totalRunTime).to.be.closeTo(expected.totalRunTime, 1e-9);
        });
      });
    }

    describe('when task runs are created at once, one of them sent three times (a retried request)', () => {
      it('creates each once with its first state; the re-sent creates answer with the same run', async () => {
        const flowRunId = (await h.runIn('flow', { type: 'RUNNING' })).id;
        const keys = ['0', '1', '2', '3', '4', '5', '6', '7', '3', '3'];
        const created = await Promise.all(
          keys.map((dynamicKey) =>
            h.services.taskRuns.create({
              flowRunId,
              taskKey: 'burst',
              dynamicKey,
              state: { type: 'RUNNING' },
            } as TaskRunCreateDto),
          ),
        );
        const ids = created.map((c) => c.run.id);
        expect(new Set(ids).size).to.equal(8);
        expect(ids[8]).to.equal(ids[3]);
        expect(ids[9]).to.equal(ids[3]);
        expect(created.filter((c) => c.created)).to.have.length(8);
        for (const id of new Set(ids)) {
          const history = await h.services.runs.states('task', id);
          expect(history.map((st) => st.type)).to.deep.equal(['RUNNING']);
          expect((await h.read('task', id)).stateId).to.equal(history[0]!.id);
        }
      });
    });

    describe('when two workers claim the same SCHEDULED flow run at once', () => {
      it('accepts exactly one claim and aborts the other', async () => {
        const runs = await Promise.all(Array.from({ length: 5 }, () => h.runIn('flow', { type: 'SCHEDULED' })));
        const claims = await Promise.all(
          runs.flatMap((run) => [0, 1].map(() => h.propose('flow', run.id, { type: 'PENDING' }))),
        );
        for (let i = 0; i < runs.length; i++) {
          const statuses = [claims[2 * i]!, claims[2 * i + 1]!].map((c) => c.result.status).sort();
          expect(statuses).to.deep.equal(['ABORT', 'ACCEPT']);
          const history = await h.services.runs.states('flow', runs[i]!.id);
          expect(history.map((s) => s.type)).to.deep.equal(['PENDING', 'SCHEDULED', 'PENDING']);
        }
      });
    });

    describe('when many tasks sharing a limited tag ask to run at once', () => {
      const LIMIT = 3;
      const TASKS = 12;

      it(`never holds more than the limit (${LIMIT}) of slots, and every task eventually runs`, async () => {
        await h.services.concurrencyLimits.upsert({ tag: 'db', concurrencyLimit: LIMIT });
        const flowRunId = (await h.runIn('flow', { type: 'RUNNING' })).id;
        const tasks = await Promise.all(
          Array.from({ length: TASKS }, () => h.createTaskRun({ flowRunId, tags: ['db'] })),
        );
        const slots = async () => (await h.services.concurrencyLimits.readByTag('db')).activeSlots;

        const burst = await Promise.all(tasks.map((t) => h.propose('task', t.id, { type: 'RUNNING' })));
        const accepted = tasks.filter((_, i) => burst[i]!.result.status === 'ACCEPT').map((t) => t.id);
        expect(accepted).to.have.length(LIMIT);
        expect(burst.filter((o) => o.result.status === 'WAIT')).to.have.length(TASKS - LIMIT);
        expect([...(await slots())].sort()).to.deep.equal([...accepted].sort());

        let holding = 0;
        let most = 0;
        async function worker(id: string, running: boolean): Promise<void> {
          for (let attempt = 0; !running; attempt++) {
            if (attempt > 5000) throw new Error(`task ${id} never got a slot`);
            running = (await h.propose('task', id, { type: 'RUNNING' })).result.status === 'ACCEPT';
            if (!running) await new Promise((resolve) => setImmediate(resolve));
          }
          most = Math.max(most, ++holding);
          expect(holding).to.be.at.most(LIMIT);
          expect((await slots()).length).to.be.at.most(LIMIT);
          holding--; // before giving the slot back, so another task's ACCEPT can never be counted early
          await h.propose('task', id, { type: 'COMPLETED' });
        }
        await Promise.all(tasks.map((t) => worker(t.id, accepted.includes(t.id))));

        expect(most).to.be.at.least(1);
        expect(await slots()).to.deep.equal([]);
        for (const t of tasks) expect((await h.read('task', t.id)).stateType).to.equal('COMPLETED');
      });
    });
  });
