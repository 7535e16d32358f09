/**
 * CPU accounting from Linux `/proc`: parsing `/proc/<pid>/stat`, finding the workerd
 * processes Miniflare spawns, and summing their user + system time.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` the benchmark uses (times in clock ticks). */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  utime: number;
  stime: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. `comm` may itself contain spaces and parentheses, so
 * fields are counted from the last `)`. Throws on a line that is not a stat line.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // After "comm)": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10)
  // cminflt(11) majflt(12) cmajflt(13) utime(14) stime(15) — numbered as in proc(5).
  const rest = line.slice(close + 2).trim().split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const stat = { pid, comm, ppid: field(4), pgrp: field(5), utime: field(14), stime: field(15) };
  if (!Number.isInteger(stat.pid) || !Number.isFinite(stat.utime) || !Number.isFinite(stat.stime) || !Number.isFinite(stat.ppid)) {
    throw new Error(`malformed /proc stat line: ${line.slice(0, 80)}`);
  }
  return stat;
}

/** Clock ticks per second (`getconf CLK_TCK`), 100 when it cannot be read. */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** Every readable process's stat (processes that exit while listing are skipped). */
export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push(parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // Gone between readdir and read, or not ours to read.
    }
  }
  return out;
}

/** Pids of `root`'s descendants (not `root` itself), given a process list. */
export function descendants(processes: readonly ProcStat[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Pids of the workerd processes below this Node process. */
export function workerdPids(root = process.pid): number[] {
  const processes = listProcesses();
  const mine = new Set(descendants(processes, root));
  return processes.filter((p) => mine.has(p.pid) && p.comm.startsWith('workerd')).map((p) => p.pid);
}

/**
 * User + system CPU seconds of `pids` and all their descendants, read from `/proc` now.
 * A process that has exited counts as zero, so read before and after a run and subtract.
 */
export function cpuSeconds(pids: readonly number[], ticksPerSecond: number): number {
  const processes = listProcesses();
  const wanted = new Set<number>();
  for (const pid of pids) {
    wanted.add(pid);
    for (const d of descendants(processes, pid)) wanted.add(d);
  }
  let ticks = 0;
  for (const p of processes) if (wanted.has(p.pid)) ticks += p.utime + p.stime;
  return ticks / ticksPerSecond;
}
