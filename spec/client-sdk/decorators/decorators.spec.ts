import { expect } from 'chai';
import { DuplicateNameError, Flow, flow, registeredFlows, registeredTasks, Task, task } from '@rigel/sdk';
import { describeInBothModes } from '../../support/sdk';

class Greeter {
  constructor(private readonly greeting = 'hello') {}

  @Task()
  async shout(name: string): Promise<string> {
    return `${this.greeting} ${name.toUpperCase()}`;
  }

  @Flow()
  async greet(name: string): Promise<string> {
    return this.shout(name);
  }

  @Flow()
  static async greetStatically(name: string, times: number): Promise<string> {
    return Array.from({ length: times }, () => name).join(' ');
  }
}

const add = flow(async (a: number, b: number) => a + b, { name: 'dc-add' });
const loadOrders = task(async function loadOrders(day: string) {
  return `orders of ${day}`;
});
const viaPlainFunctions = flow(async function viaPlainFunctions(day: string) {
  return loadOrders(day);
});

describe('decorators and the registry', () => {
  describe('when a method is decorated without a name', () => {
    it('registers it as `class.method`, kebab-cased, for instance and static methods', () => {
      const flows = registeredFlows().map((f) => f.name);
      expect(flows).to.include.members(['greeter.greet', 'greeter.greet-statically']);
      expect(registeredTasks().map((t) => t.name)).to.include('greeter.shout');
    });

    it('reads parameter names from the method and their types from design:paramtypes', () => {
      const definition = registeredFlows().find((f) => f.name === 'greeter.greet-statically')!;
      expect(definition.params).to.deep.equal([
        { name: 'name', kind: 'string', hasDefault: false },
        { name: 'times', kind: 'number', hasDefault: false },
      ]);
      expect(definition).to.include({ isStatic: true, qualifiedName: 'Greeter.greetStatically' });
    });
  });

  describe('when flow(fn) and task(fn) wrap plain functions', () => {
    it('names them from the options, or from the function name kebab-cased', () => {
      expect(registeredFlows().map((f) => f.name)).to.include.members(['dc-add', 'via-plain-functions']);
      expect(registeredTasks().map((t) => t.name)).to.include('load-orders');
      const definition = registeredFlows().find((f) => f.name === 'dc-add')!;
      expect(definition.params.map((p) => p.name)).to.deep.equal(['a', 'b']);
    });
  });

  describe('when a name is registered twice', () => {
    it('throws a DuplicateNameError naming both definitions and where they are', () => {
      class First {
        @Flow({ name: 'dc-twice' })
        async one(): Promise<void> {}
      }
      let error: unknown;
      try {
        class Second {
          @Flow({ name: 'dc-twice' })
          async two(): Promise<void> {}
        }
        void Second;
      } catch (e) {
        error = e;
      }
      void First;
      expect(error).to.be.instanceOf(DuplicateNameError);
      const message = (error as Error).message;
      expect(message).to.contain('Flow name "dc-twice" is defined twice');
      expect(message).to.match(
        /First\.one at .*decorators\.spec\.[jt]s:\d+ and Second\.two at .*decorators\.spec\.[jt]s:\d+/,
      );
    });

    it('refuses a task name used twice in the same way', () => {
      task(async () => 1, { name: 'dc-task-twice' });
      expect(() => task(async () => 2, { name: 'dc-task-twice' })).to.throw(
        DuplicateNameError,
        'Task name "dc-task-twice" is defined twice',
      );
    });
  });
});

describeInBothModes('decorated callables', (world) => {
  describe('when an instance method flow is called', () => {
    it('runs with `this` bound to its instance, even when detached', async () => {
      const { greet } = new Greeter('hi');
      expect(await greet('ada')).to.equal('hi ADA');
      const run = await world().onlyFlowRun('greeter.greet');
      expect((await world().taskRuns(run.id)).map((t) => t.taskKey)).to.deep.equal(['greeter.shout']);
    });
  });

  describe('when a static method flow is called', () => {
    it('runs it as a flow run of the class', async () => {
      expect(await Greeter.greetStatically('ho', 3)).to.equal('ho ho ho');
      expect((await world().onlyFlowRun('greeter.greet-statically')).parameters).to.deep.equal({
        name: 'ho',
        times: 3,
      });
    });
  });

  describe('when flow(fn) and task(fn) are called', () => {
    it('runs them as flow and task runs', async () => {
      expect(await add(2, 3)).to.equal(5);
      expect(await viaPlainFunctions('mon')).to.equal('orders of mon');
      const run = await world().onlyFlowRun('via-plain-functions');
      expect((await world().taskRuns(run.id)).map((t) => t.taskKey)).to.deep.equal(['load-orders']);
    });
  });
});
