// The lab's door: real sshd hosts with a simulated kernel, and the incident seeds.
export { startLab } from './lab.js';
export {
  INCIDENT3_BLACKLIST,
  INSTALL_FALSE_CONF,
  type Seed,
  seedHosts,
  seedIncident1,
  seedIncident2,
  seedIncident3,
  seedInstallFalse,
  seeds,
} from './seeds.js';
export type {
  Distro,
  InitFlavour,
  KernelProfile,
  Lab,
  LabHost,
  LabHostSpec,
  LabOptions,
  ShOptions,
  ShResult,
} from './types.js';
