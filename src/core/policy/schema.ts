import { ENV_NAME, ENVIRONMENT_SETTINGS, TOP_LEVEL_SETTINGS } from './config';
import type { JsonSchema } from './settings';

/** Where the schema is written at build time and what package.json's yamlValidation names. */
export const SCHEMA_FILE = 'media/promptrelease.schema.json';

/**
 * The JSON Schema of `.promptrelease.yaml`, from the top-level settings and the settings the
 * rules declare: editors (VS Code with Red Hat's YAML extension) complete keys and flag
 * mistakes from it. The parser stays the judge; the schema only helps writing.
 */
export function configSchema(): JsonSchema {
  const environment: JsonSchema = {
    type: ['object', 'null'],
    description: "An environment's policy; every setting may be left out for its default.",
    properties: Object.fromEntries(
      ENVIRONMENT_SETTINGS.map((s) => {
        const fixed = typeof s.default === 'function' ? undefined : s.default;
        return [s.key, { ...s.schema, description: plainText(`${s.meaning} (default: ${s.defaultText})`), markdownDescription: `${s.meaning} (default: ${s.defaultText})`, ...(fixed !== undefined ? { default: fixed } : {}) }];
      }),
    ),
    additionalProperties: false,
  };
  const properties: Record<string, JsonSchema> = {};
  for (const s of TOP_LEVEL_SETTINGS) {
    const schema = s.key === 'environments' ? { type: 'object' as const, minProperties: 1, patternProperties: { [ENV_NAME.source]: environment }, additionalProperties: false } : s.schema;
    properties[s.key] = { ...schema, description: s.meaning };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://prompt-release.dev/promptrelease.schema.json',
    title: '.promptrelease.yaml',
    description: 'Prompt Release Control: which files are prompts and what a release needs. Environment settings come from the policy rules.',
    type: ['object', 'null'],
    properties,
    additionalProperties: false,
  };
}

/** The README's table of environment settings, as markdown. */
export function environmentSettingsTable(): string {
  const rows = ENVIRONMENT_SETTINGS.map((s) => `| \`${s.key}\` | ${s.defaultText} | ${s.meaning} |`);
  return ['| key | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README's markers around the generated table. */
export const TABLE_START = '<!-- environment settings: generated from src/core/policy/rules, checked by test/unit/configSchema.test.ts -->';
export const TABLE_END = '<!-- end of environment settings -->';

function plainText(markdown: string): string {
  return markdown.replace(/`/g, '');
}
