// Which incidents each host count is measured with, and netfix's playbook for each set.
// Incident 3 runs only when its playbook passes on the lab (preflight.ts), and by default only
// up to --incident3-max-hosts: its libvirtd task scans /proc for stuck processes, and the lab's
// hosts share the machine's PID namespace, so each host scans every lab process and the lab's
// cost grows with hosts squared (0.5 s of CPU per host and probe at 10 hosts, 0.65 s at 50,
// 1.6 s at 200; 1000 hosts would take hours). Real hosts each see their own few hundred.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { log } from './log.js';
import type { BenchOptions } from './options.js';
import { writeBenchPlaybook } from './playbook.js';
import { checkIncident3 } from './preflight.js';
import type { BenchContext } from './sample.js';
import type { Incident } from './seed.js';

export interface IncidentSet {
  incidents: Incident[];
  netfixPlaybook: string;
}

export class IncidentPlan {
  private constructor(
    readonly options: BenchOptions,
    /** Incidents that pass on this lab. */
    readonly available: Incident[],
    readonly dir: string,
  ) {}

  /** Runs the preflight unless --incidents decided; `notes` gets what the results must say. */
  static async choose(ctx: BenchContext, options: BenchOptions, notes: string[]): Promise<IncidentPlan> {
    if (options.incidents) {
      if (options.incidents.includes(3) && options.hosts.some((n) => n > 200))
        warn(
          notes,
          'incident 3 beyond 200 hosts: the lab cost grows with hosts squared (bench/incidents.ts)',
        );
      return new IncidentPlan(options, options.incidents, ctx.dir);
    }
    log('preflight: does incident 3 (playbooks/libvirt-iptables-hang.yml) pass on the lab?');
    const preflight = await checkIncident3(ctx);
    if (preflight.passes) {
      notes.push(...preflight.notes);
      if (options.hosts.some((n) => n > options.incident3MaxHosts))
        notes.push(
          `incident 3 only up to ${options.incident3MaxHosts} hosts (--incident3-max-hosts): its /proc scan costs the lab hosts squared (bench/incidents.ts); larger fleets run incidents 1 and 2`,
        );
      return new IncidentPlan(options, [1, 2, 3], ctx.dir);
    }
    warn(
      notes,
      `incident 3 left out: playbooks/libvirt-iptables-hang.yml does not pass on the lab (${preflight.notes.join('; ')}); incidents 1 and 2 only`,
    );
    return new IncidentPlan(options, [1, 2], ctx.dir);
  }

  for(hosts: number): IncidentSet {
    const incidents =
      this.options.incidents ??
      this.available.filter((i) => i !== 3 || hosts <= this.options.incident3MaxHosts);
    const netfixPlaybook = path.join(this.dir, `netfix-incidents-${incidents.join('')}.yml`);
    if (!existsSync(netfixPlaybook)) writeBenchPlaybook(incidents, netfixPlaybook);
    return { incidents, netfixPlaybook };
  }
}

function warn(notes: string[], message: string): void {
  log(`warning: ${message}`);
  notes.push(message);
}
