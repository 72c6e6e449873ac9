/** What the benchmark reads about processes, directories and the machine, from /proc and the file system. */
import { readdirSync, readFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function statusKiB(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Peak resident set (VmHWM), MiB. */
export function peakRssMiB(pid: number): number {
  return statusKiB(pid, 'VmHWM') / 1024;
}

/** Current resident set (VmRSS), MiB. */
export function rssMiB(pid: number): number {
  return statusKiB(pid, 'VmRSS') / 1024;
}

/** Bytes a directory takes on disk: allocated blocks, so sparse or preallocated files count for what they use. */
export function dirBytes(dir: string): { allocated: number; apparent: number } {
  let allocated = 0;
  let apparent = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        allocated += st.blocks * 512;
        apparent += st.size;
      }
    }
  };
  walk(dir);
  return { allocated, apparent };
}

export interface Machine {
  cpus: number;
  model: string;
  memoryGiB: number;
  kernel: string;
  node: string;
}

export function machine(): Machine {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  return {
    cpus: os.availableParallelism(),
    model,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    node: process.version,
  };
}

export function loadAverage(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}
