/**
 * What a benchmark scenario is. Each file in `bench/scenarios/` default-exports one
 * `Scenario`; `bench/run.ts` discovers them in file-name order. See `bench/README.md`.
 */
import type { RunResult, Target } from './lib/load';
import type { TestKeys } from './lib/sign';
import type { BenchD1, ServedWorker } from './lib/workers';

/** The knobs of one `npm run bench`. */
export interface BenchOptions {
  /** Closed-loop concurrencies (throughput runs). */
  concurrencies: number[];
  /** Timed length of each closed-loop run, ms. */
  durationMs: number;
  /** Floor/bot pairs per concurrency and for the latency run; the report takes medians. */
  rounds: number;
  /** Offered rate of the latency run, req/s. */
  rate: number;
  /** Length of the latency run, ms. */
  latencyDurationMs: number;
  warmupMs: number;
  settleMs: number;
  maxRequests: number;
  /** Distinct signed requests per scenario (cycled). */
  poolSize: number;
}

/** What a scenario's `setup` and `run` get. */
export interface ScenarioContext {
  /** The bot Worker; `web` is the web Worker (dashboard API) served with it, sharing its D1. */
  bot: ServedWorker & { db: BenchD1; web: Target | null };
  floor: ServedWorker;
  keys: TestKeys;
  /** Base URL of the fake Discord REST server (`/api/v10` is the default session). */
  fakeDiscordUrl: string;
  options: BenchOptions;
}

/** Targets printed next to a scenario's figures (from the platform issue's "Done when"). */
export interface ScenarioTargets {
  /** Minimum bot/floor throughput ratio. */
  throughputRatio?: number;
  /** Maximum bot/floor CPU-per-request ratio. */
  cpuRatio?: number;
  /** Maximum bot p99 at the offered rate, ms. */
  p99Ms?: number;
}

/** One floor run and one bot run, back to back. */
export interface Pair {
  floor: RunResult;
  bot: RunResult;
}

/** Figures of a standard scenario: per concurrency and for the latency run, one pair per round. */
export interface StandardResult {
  kind: 'standard';
  name: string;
  targets: ScenarioTargets;
  throughput: { concurrency: number; rounds: Pair[] }[];
  latency: Pair[];
}

/** Figures of a scenario with its own driver: free-form rows printed as a table. */
export interface CustomResult {
  kind: 'custom';
  name: string;
  rows: Record<string, string | number>[];
  notes?: string[];
}

/** A benchmark scenario. Give either `interaction` (the standard matrix) or `run`. */
export interface Scenario {
  /** Short name, shown in the tables and matched by `--only`. */
  name: string;
  description: string;
  targets?: ScenarioTargets;
  /** Seeds state (D1 rows, fake Discord) before anything is measured. */
  setup?(ctx: ScenarioContext): Promise<void>;
  /**
   * The unsigned interaction payload number `i`. The standard matrix signs a pool of these,
   * checks one with `expect`, then measures throughput at each concurrency and latency at the
   * offered rate, floor and bot back to back.
   */
  interaction?(i: number): unknown;
  /** Throws when the bot's answer shows the scenario is not exercising the intended path. */
  expect?(body: unknown): void;
  /** A custom driver (jobs, queues, pipelines) instead of the standard matrix. */
  run?(ctx: ScenarioContext): Promise<CustomResult>;
}

/** Identity helper that types a scenario object. */
export function defineScenario(scenario: Scenario): Scenario {
  if (!scenario.interaction === !scenario.run) throw new Error(`scenario ${scenario.name}: give exactly one of interaction or run`);
  return scenario;
}

/** Asserts a condition about a probed response, with the body in the message. */
export function expectThat(condition: boolean, what: string, body: unknown): void {
  if (!condition) throw new Error(`unexpected response (${what}): ${JSON.stringify(body).slice(0, 300)}`);
}
