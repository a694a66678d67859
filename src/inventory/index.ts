// Ansible-format YAML inventories: hosts with merged variables and SSH connection settings,
// and host patterns (for play `hosts:` and --limit).
export { defaultedConnectionFields } from './connection.js';
export { type InventoryOptions, type InventoryText, loadInventories, parseInventories } from './load.js';
export { parsePattern, selectHosts } from './patterns.js';
export {
  type ConnectionVars,
  type InventoryFileInput,
  type InventoryGroupInput,
  inventoryFileSchema,
} from './schema.js';
export type { HostConnection, Inventory, InventoryGroup, InventoryHost } from './types.js';
