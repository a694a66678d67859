import { defineModule } from '../define.js';
import { templateActions, templateInspect, templateVerify } from './actions.js';
import { parseTemplateFacts, probeTemplate } from './facts.js';
import { templateParams } from './params.js';

export const templateModule = defineModule({
  name: 'template',
  description:
    'Write a file rendered from a handlebars template (src with vars, or inline content) atomically, with mode, owner and group.',
  params: templateParams,
  probe: probeTemplate,
  parse: parseTemplateFacts,
  inspect: templateInspect,
  plan: (params, facts) => templateActions(params, facts).map((action) => action.change),
  apply: (params, _changes, facts) => templateActions(params, facts).flatMap((action) => action.steps),
  verify: templateVerify,
  resources: (params) => ({ reads: [`file:${params.dest}`], writes: [`file:${params.dest}`] }),
});
