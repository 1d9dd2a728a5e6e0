/**
 * Side-by-side timing on a shared, noisy machine: the arms run in interleaved rounds (their order
 * shuffled every round), each round times a batch of sequential calls, and each arm's figure is
 * the median of its rounds. A burst of load from another process then spoils a few rounds of
 * every arm instead of all rounds of one arm.
 */

export type Arm = () => Promise<unknown>;

export interface TimingOptions {
  /** Rounds that count. */
  rounds: number;
  /** Rounds run first and thrown away (JIT warm-up, connection pools). */
  warmupRounds: number;
  /** Sequential calls per arm per round. */
  batch: number;
  /**
   * "cpu" counts the CPU time of this process (user + system, all threads), which leaves out the
   * time spent waiting for a core while other processes run; "wall" counts elapsed time, which is
   * what a caller waiting on a network answer sees.
   */
  clock: "cpu" | "wall";
}

export interface ArmTiming {
  /** Median over the rounds of the mean time of one call, in microseconds. */
  medianUs: number;
  /** Per-round means, in microseconds, in the order they ran. */
  roundsUs: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function cpuNowUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function wallNowUs(): number {
  return Number(process.hrtime.bigint()) / 1000;
}

/** Runs every arm in interleaved rounds and returns each arm's median per-call time. */
export async function interleave<K extends string>(
  arms: Record<K, Arm>,
  options: TimingOptions,
): Promise<Record<K, ArmTiming>> {
  const names = Object.keys(arms) as K[];
  const rounds = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  const now = options.clock === "cpu" ? cpuNowUs : wallNowUs;
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    for (const name of shuffle([...names])) {
      const arm = arms[name];
      const started = now();
      for (let i = 0; i < options.batch; i++) await arm();
      const perCall = (now() - started) / options.batch;
      if (round >= options.warmupRounds) rounds[name].push(perCall);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { medianUs: median(rounds[name]), roundsUs: rounds[name] }]),
  ) as Record<K, ArmTiming>;
}

/** A difference with its sign, for "(+1.23)" and "(-0.40)". */
export function signed(value: number, digits: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(digits)}`;
}

/**
 * The median, over rounds, of how much longer one arm took than another in the same round.
 * Pairing the rounds cancels load that lasts longer than a round, which would otherwise shift
 * the two medians apart at random.
 */
export function medianExcess(arm: ArmTiming, base: ArmTiming): number {
  return median(arm.roundsUs.map((us, round) => us - base.roundsUs[round]!));
}

/** The median, over rounds, of one arm's time divided by another's in the same round. */
export function medianRatio(arm: ArmTiming, base: ArmTiming): number {
  return median(arm.roundsUs.map((us, round) => us / base.roundsUs[round]!));
}
