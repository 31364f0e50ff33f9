import { isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { EnvironmentPolicy, PolicyRecord } from './config';

/**
 * An environment setting of `.promptrelease.yaml`, declared by the rule that reads it
 * (src/core/policy/rules/<rule>.ts): the parser, the release evidence, the JSON Schema
 * editors complete from, `init`'s comments and the README table all come from these.
 * A rule adds its key to EnvironmentPolicy (and to PolicyRecord when it records it) with
 * `declare module '../config'` in the same file.
 */
export type SettingKey = Exclude<keyof EnvironmentPolicy, 'name'>;

/** What a setting's `parse` gets besides the value. */
export interface SettingContext {
  /** The environment's name, for messages. */
  env: string;
  /** The environment's position in the configured order (0: the first). */
  index: number;
  /** Throws the configuration error at a node (the value, by default; the key when there is no value): file:line:col. */
  fail(message: string, node?: YamlNode | null): never;
}

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** The subset of JSON Schema the generated schema uses. */
export interface JsonSchema {
  type?: JsonType | JsonType[];
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  minLength?: number;
  minItems?: number;
  minProperties?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  examples?: unknown[];
  $schema?: string;
  $id?: string;
  title?: string;
}

export interface Setting<K extends SettingKey = SettingKey> {
  key: K;
  /** Where the setting is listed (README, schema, init's comments, the unknown-key message, release evidence): lowest first. */
  order: number;
  /** What it means, in the user's words, on one line. */
  meaning: string;
  /** The default, or how it follows from the environment's position. */
  default: EnvironmentPolicy[K] | ((index: number) => EnvironmentPolicy[K]);
  /** The default as the README and init's comments say it. */
  defaultText: string;
  /** The JSON Schema of the value (description and default are added from the above). */
  schema: JsonSchema;
  /** The value from YAML, or throws through `context.fail` naming file:line:col. */
  parse(node: YamlNode | null, context: SettingContext): EnvironmentPolicy[K];
  /** What the release evidence records of it; undefined leaves it out (a setting at its default, usually). Not recorded when absent. */
  record?(value: EnvironmentPolicy[K]): PolicyRecord[K & keyof PolicyRecord] | undefined;
  /** Adjusts other settings once every key of the environment is read (ownerApproval: true needs at least 1 approval). */
  settle?(policy: EnvironmentPolicy): void;
}

/** Any one declared setting. */
export type AnySetting = { [K in SettingKey]: Setting<K> }[SettingKey];

/** Declares a setting; the key ties its value to EnvironmentPolicy's type. */
export function setting<K extends SettingKey>(declaration: Setting<K>): Setting<K> {
  return declaration;
}

/** The plain value of a YAML scalar node; undefined for anything else. */
export function scalarValue(node: YamlNode | null): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** A list of distinct, non-empty entries (checks, criteria), each error at its line. */
export function listSetting(key: string, node: YamlNode | null, context: SettingContext, entry: string, example: string, validate?: (text: string, item: YamlNode) => void): string[] {
  const items = isSeq(node) ? (node.items as YamlNode[]) : context.fail(`"${key}" of "${context.env}" must be a list, e.g. ${example}`);
  const seen = new Set<string>();
  return items.map((item) => {
    const text = isScalar(item) ? String(item.value ?? '').trim() : '';
    if (!text) context.fail(`each entry of "${key}" in "${context.env}" must be ${entry}`, item);
    validate?.(text, item);
    if (seen.has(text)) context.fail(`"${text}" is listed twice in "${key}" of "${context.env}"`, item);
    seen.add(text);
    return text;
  });
}
