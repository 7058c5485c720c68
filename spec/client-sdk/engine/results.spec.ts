import { expect } from 'chai';
import { deserialize, Flow, INPUTS, RunFailedError, Task, withOptions, type State } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

interface Rich {
  when: Date;
  counts: Map<string, number>;
  seen: Set<string>;
  big: bigint;
  bytes: Buffer;
  nested: { list: (number | null)[]; missing?: undefined };
}

function richValue(): Rich {
  return {
    when: new Date('2026-11-24T10:00:00.123Z'),
    counts: new Map([
      ['de', 3],
      ['fr', 5],
    ]),
    seen: new Set(['a', 'b']),
    big: 2n ** 70n,
    bytes: Buffer.from([0, 1, 2, 255]),
    nested: { list: [1, null, 3] },
  };
}

class ResultTasks {
  static bodies = 0;

  @Task({ name: 're-rich', cachePolicy: INPUTS })
  async rich(key: string): Promise<Rich> {
    ResultTasks.bodies++;
    void key;
    return richValue();
  }

  @Task({ name: 're-large', cachePolicy: INPUTS })
  async large(size: number): Promise<string> {
    ResultTasks.bodies++;
    return 'x'.repeat(size);
  }

  @Task({ name: 're-function-strict', persistResult: true })
  async functionStrict(): Promise<unknown> {
    return { handler: () => 1 };
  }

  @Task({ name: 're-function-lenient' })
  async functionLenient(): Promise<unknown> {
    return { handler: () => 1 };
  }

  @Flow({ name: 're-rich-flow' })
  async richFlow(key: string): Promise<Rich> {
    return this.rich(key);
  }

  @Flow({ name: 're-large-flow' })
  async largeFlow(size: number): Promise<number> {
    return (await this.large(size)).length;
  }

  @Flow({ name: 're-strict-flow' })
  async strictFlow(): Promise<unknown> {
    return this.functionStrict();
  }

  @Flow({ name: 're-strict-flow-result', persistResult: true })
  async strictFlowResult(): Promise<unknown> {
    return { pending: Promise.resolve(1) };
  }

  @Flow({ name: 're-lenient-flow' })
  async lenientFlow(): Promise<string> {
    const value = (await this.functionLenient()) as { handler: () => number };
    return typeof value.handler;
  }
}

describeInBothModes('results', (world) => {
  const flows = new ResultTasks();
  beforeEach(() => (ResultTasks.bodies = 0));

  describe('when a cached result is read back in a later flow run', () => {
    it('round-trips Date, Map, Set, BigInt, Buffer and nested values', async () => {
      await flows.richFlow('k');
      const again = await flows.richFlow('k');
      expect(ResultTasks.bodies).to.equal(1);
      expect(again.when).to.be.instanceOf(Date);
      expect(again.when.toISOString()).to.equal('2026-11-24T10:00:00.123Z');
      expect(again.counts).to.be.instanceOf(Map);
      expect([...again.counts]).to.deep.equal([
        ['de', 3],
        ['fr', 5],
      ]);
      expect(again.seen).to.be.instanceOf(Set);
      expect([...again.seen]).to.deep.equal(['a', 'b']);
      expect(again.big).to.equal(2n ** 70n);
      expect(Buffer.isBuffer(again.bytes)).to.equal(true);
      expect([...again.bytes]).to.deep.equal([0, 1, 2, 255]);
      expect(again.nested).to.deep.equal({ list: [1, null, 3] });
    });

    it("persists the flow's own return value in its Completed state", async () => {
      const state = (await withOptions(flows.richFlow, { returnState: true })('k')) as unknown as State;
      const data = state.data as { type: string; serializer: string; value: string };
      expect(data).to.include({ type: 'inline', serializer: 'rigel-json' });
      const stored = (await world().run('flow', state.stateDetails.flowRunId!)).state!.data as typeof data;
      expect(deserialize(stored.value)).to.deep.equal(richValue());
    });
  });

  describe('when a result is too large to store inline', () => {
    it('stores it by reference and reads it back in a later run', async () => {
      expect(await flows.largeFlow(10_000)).to.equal(10_000);
      expect(await flows.largeFlow(10_000)).to.equal(10_000);
      expect(ResultTasks.bodies).to.equal(1);
      const [first] = await world().taskRuns();
      expect(first!.state?.data).to.deep.include({ type: 'reference', serializer: 'rigel-json' });
    });
  });

  describe('when a value cannot be persisted', () => {
    it('with persistResult: true, fails the task run with a message naming the path', async () => {
      const error = await flows.strictFlow().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      const [task] = await world().taskRuns();
      expect(task!.stateType).to.equal('FAILED');
      expect(task!.state?.message).to.contain('the result.handler is a function, which cannot be persisted');
    });

    it('with persistResult: true on a flow, fails the flow run naming what cannot be stored', async () => {
      const error = await flows.strictFlowResult().catch((e: unknown) => e);
      expect(error).to.be.instanceOf(RunFailedError);
      const run = await world().onlyFlowRun('re-strict-flow-result');
      expect(run.state?.type).to.equal('FAILED');
      expect(run.state?.message).to.contain('the result.pending is a Promise; await it before returning');
    });

    it('by default, completes and records that the result was not persisted', async () => {
      expect(await flows.lenientFlow()).to.equal('function');
      const [task] = await world().taskRuns();
      expect(task!.stateType).to.equal('COMPLETED');
      expect(task!.state?.data).to.deep.include({ type: 'unpersisted' });
    });
  });
});
