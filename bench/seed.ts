// The incidents as the lab seeds them (test/lab/seeds.ts), on every host of a fleet.
import {
  type Lab,
  type Seed,
  seedHosts,
  seedIncident1,
  seedIncident2,
  seedIncident3,
} from '../test/lab/index.js';

export type Incident = 1 | 2 | 3;

const SEEDS: Record<Incident, Seed> = { 1: seedIncident1, 2: seedIncident2, 3: seedIncident3 };

/** Incident 3's seed reboots the host, which drops what earlier seeds loaded: it goes first. */
const ORDER: Incident[] = [3, 1, 2];

export async function seedFleet(lab: Lab, incidents: Incident[]): Promise<void> {
  for (const incident of ORDER) if (incidents.includes(incident)) await seedHosts(lab, SEEDS[incident]);
}
