// JSON Schemas of netfix's inputs, for `netfix schema playbook|inventory`.
export { inventoryJsonSchema, type JsonSchema, playbookJsonSchema } from './json-schema.js';
