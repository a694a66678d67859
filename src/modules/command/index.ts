import { defineModule } from '../define.js';
import { commandActions, commandInspect, commandVerify, parseCommandFacts, probeCommand } from './actions.js';
import { commandParams } from './params.js';

export const commandModule = defineModule({
  name: 'command',
  description:
    'Run shell code on the host (the escape hatch): once per run, or only while `creates` is missing / `removes` exists, or as a read-only check.',
  params: commandParams,
  probe: probeCommand,
  parse: parseCommandFacts,
  inspect: commandInspect,
  plan: (params, facts) => commandActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) => commandActions(params, facts).flatMap((action) => action.steps),
  verify: commandVerify,
});
