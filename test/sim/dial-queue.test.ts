import { describe, expect, it } from 'vitest';
import { DialQueue, MAX_QUEUE_MS } from '../../src/sim/dial-queue';

describe('DialQueue', () => {
  it('gives each create the next slot 1000/CPS ms after the last', () => {
    let now = 1_000_000;
    const queue = new DialQueue(5, MAX_QUEUE_MS, () => now);
    expect([0, 1, 2, 3].map(() => queue.reserve())).toEqual([0, 200, 400, 600]);
    now += 500;
    // 300 ms of the queue are left when the next create arrives.
    expect(queue.reserve()).toBe(300);
    now += 10_000;
    expect(queue.reserve()).toBe(0);
  });

  it('places every call at once without a CPS', () => {
    const queue = new DialQueue(undefined);
    expect([0, 1, 2].map(() => queue.reserve())).toEqual([0, 0, 0]);
  });

  it('refuses a create that would wait past the queue limit with 22005, keeping the queue', () => {
    const now = 0;
    const queue = new DialQueue(1, 24 * 3_600_000, () => now);
    for (let i = 0; i <= 86_400; i++) queue.reserve();
    expect(() => queue.reserve()).toThrow(expect.objectContaining({ code: 22005, status: 400 }));
  });

  it('keeps admissions 1000/CPS ms apart however the timers fire', async () => {
    const queue = new DialQueue(20);
    const admitted: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        await queue.admit();
        admitted.push(Date.now());
      }),
    );
    admitted.sort((a, b) => a - b);
    for (let i = 1; i < admitted.length; i++) {
      expect(admitted[i]! - admitted[i - 1]!).toBeGreaterThanOrEqual(49);
    }
  });
});
