/** The flow S3's deployment runs: ten trivial tasks, called one after another. */
import { Flow, Task } from '@rigel/sdk';

export class S3Bench {
  @Task({ name: 's3-step' })
  async step(i: number): Promise<number> {
    return i * 2;
  }

  @Flow({ name: 's3-ten-tasks', persistResult: false })
  async run(): Promise<number> {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += await this.step(i);
    return sum;
  }
}
