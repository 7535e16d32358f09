import { describe, expect, it } from 'vitest';
import { Budget, BudgetPool, subrequestBudget, withinBudget } from './budget';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('subrequestBudget', () => {
  it('reads paid (default), free or a number, and names the variable on a bad value', () => {
    expect(subrequestBudget({})).toBe(800);
    expect(subrequestBudget({ SUBREQUEST_BUDGET: '' })).toBe(800);
    expect(subrequestBudget({ SUBREQUEST_BUDGET: 'paid' })).toBe(800);
    expect(subrequestBudget({ SUBREQUEST_BUDGET: 'free' })).toBe(40);
    expect(subrequestBudget({ SUBREQUEST_BUDGET: ' 120 ' })).toBe(120);
    expect(() => subrequestBudget({ SUBREQUEST_BUDGET: 'lots' })).toThrow(/SUBREQUEST_BUDGET "lots"/);
    expect(() => subrequestBudget({ SUBREQUEST_BUDGET: '5' })).toThrow(/at least 20/);
  });
});

describe('Budget', () => {
  it('sizes claims by what fits, keeping overhead aside', () => {
    const budget = new Budget(40);
    expect(budget.fit(6, 100, 2)).toBe(6);
    budget.count(30);
    expect(budget.fit(6, 100, 2)).toBe(1);
    expect(budget.fit(6, 100, 5)).toBe(0);
    expect(Budget.unlimited().fit(6, 100)).toBe(100);
  });

  it('holds reservations in full while they run, and counts what was spent after', () => {
    const budget = new Budget(20);
    const a = budget.reserve(12)!;
    expect(budget.reserve(9)).toBeNull();
    budget.count(5);
    a.release();
    expect(budget.remaining).toBe(15);
    expect(budget.reserve(15)).not.toBeNull();
  });

  it('splits a pool fairly; a finished job returns its rest, and the others may borrow it', () => {
    const pool = new BudgetPool(90);
    const [a, b, c] = pool.split(3) as [Budget, Budget, Budget];
    expect([a.limit, b.limit, c.limit]).toEqual([30, 30, 30]);
    // a cannot take more than its share while the others hold theirs.
    expect(a.reserve(31)).toBeNull();
    b.count(4);
    b.close();
    expect(pool.available).toBe(26);
    const big = a.reserve(50)!;
    expect(big).not.toBeNull();
    expect(a.limit).toBe(50);
    expect(pool.available).toBe(6);
    expect(c.limit).toBe(30);
  });
});

describe('withinBudget', () => {
  it('starts an item only once its cost is reserved, waits for running ones, and leaves what never fits', async () => {
    const budget = new Budget(20);
    const started: number[] = [];
    const { results, left } = await withinBudget(budget, [1, 2, 3, 4, 5], { cost: () => 6 }, async (n) => {
      started.push(n);
      await tick();
      budget.count(4); // cheaper than its estimate
      return n * 10;
    });
    // 3 fit at once (18); as they end, 4 each was spent: 12 + 6 for the fourth fits 20, the fifth does not.
    expect(started).toEqual([1, 2, 3, 4]);
    expect(left).toEqual([5]);
    expect(results.map((r) => (r?.status === 'fulfilled' ? r.value : r))).toEqual([10, 20, 30, 40, undefined]);
    expect(budget.used).toBeLessThanOrEqual(20);
  });

  it('runs an item that could never fit alone on what is left, rather than never', async () => {
    const budget = new Budget(20);
    const { left } = await withinBudget(budget, ['huge', 'next'], { cost: (s) => (s === 'huge' ? 50 : 5) }, async () => void budget.count(18));
    expect(left).toEqual(['next']);
  });
});
