import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG_TEXT, ENVIRONMENT_SETTINGS, environmentPolicy, parseConfig, TOP_LEVEL_SETTINGS } from '../../src/core/policy/config';
import { POLICY_RULES } from '../../src/core/policy/rules';
import { configSchema, environmentSettingsTable, SCHEMA_FILE, TABLE_END, TABLE_START } from '../../src/core/policy/schema';
import type { JsonSchema } from '../../src/core/policy/settings';
import { PromptReleaseError } from '../../src/core/common/errors';

const ROOT = path.join(__dirname, '..', '..', '..');

/** A small structural check of a value against the schema subset the generated schema uses: the problems, with where. */
function problems(value: unknown, schema: JsonSchema, at = '$'): string[] {
  const found: string[] = [];
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => t === kind || (t === 'number' && kind === 'integer'))) return [`${at}: ${kind} where ${types.join(' or ')} is expected`];
  }
  if (schema.anyOf && schema.anyOf.every((s) => problems(value, s, at).length > 0)) found.push(`${at}: matches none of the alternatives`);
  if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) found.push(`${at}: "${value}" does not match ${schema.pattern}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) found.push(`${at}: too short`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) found.push(`${at}: below ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) found.push(`${at}: fewer than ${schema.minItems} entries`);
    if (schema.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) found.push(`${at}: an entry is listed twice`);
    if (schema.items) value.forEach((v, i) => found.push(...problems(v, schema.items!, `${at}[${i}]`)));
  }
  if (kind === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (schema.minProperties !== undefined && entries.length < schema.minProperties) found.push(`${at}: fewer than ${schema.minProperties} keys`);
    for (const [key, v] of entries) {
      const where = `${at}.${key}`;
      const own = schema.properties?.[key];
      const patterned = Object.entries(schema.patternProperties ?? {}).filter(([p]) => new RegExp(p).test(key));
      if (own) found.push(...problems(v, own, where));
      for (const [, s] of patterned) found.push(...problems(v, s, where));
      if (!own && patterned.length === 0) {
        if (schema.additionalProperties === false) found.push(`${where}: not an allowed key`);
        else if (typeof schema.additionalProperties === 'object') found.push(...problems(v, schema.additionalProperties, where));
      }
    }
  }
  return found;
}

/** init's text with its commented examples switched on (lines like "#   checks: [eval]" under environments, "# escalateAfter: 3d"). */
function withExamples(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^# ((?:escalateAfter|trustedBranch|merge): .*)$/, '$1').replace(/^#( {3}(?:checks|criteria|reviewEvery): [^ ].*)$/, ' $1'))
    .join('\n');
}

describe('.promptrelease.yaml: settings come from the rules (schema, README, init)', () => {
  it('the README table of environment settings is the one the rules declare', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    assert.ok(start >= 0 && end > start, `README.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
    const written = readme.slice(start + TABLE_START.length, end).trim();
    const fresh = environmentSettingsTable();
    assert.ok(written === fresh, `README.md's table of environment settings differs from what the rules declare; replace it with:\n\n${fresh}\n`);
  });

  it('the schema accepts what init writes, with and without its commented examples', () => {
    const schema = configSchema();
    assert.deepStrictEqual(problems(parseYaml(DEFAULT_CONFIG_TEXT), schema), []);
    const examples = withExamples(DEFAULT_CONFIG_TEXT);
    assert.match(examples, /^ {4}reviewEvery: 90d$/m, 'the examples are switched on');
    parseConfig(examples); // the gate accepts it too
    assert.deepStrictEqual(problems(parseYaml(examples), schema), []);
  });

  it('the schema flags what the parser refuses: an unknown key, a wrong type, a value out of range', () => {
    const schema = configSchema();
    const cases: [string, RegExp][] = [
      ['environments:\n  production: { aprovals: 2 }\n', /\$\.environments\.production\.aprovals: not an allowed key/],
      ['environments:\n  production: { approvals: -1 }\n', /approvals: below 0/],
      ['environments:\n  production: { ownerApproval: "yes" }\n', /ownerApproval: string where boolean/],
      ['environments:\n  production: { signatures: optional }\n', /signatures: "optional" is not one of/],
      ['environments:\n  production: { reviewEvery: 90 days }\n', /reviewEvery: "90 days" does not match/],
      ['environments:\n  production: { checks: ["red team"] }\n', /checks\[0\]: "red team" does not match/],
      ['environments:\n  "prod env": {}\n', /prod env: not an allowed key/],
      ['colour: blue\n', /\$\.colour: not an allowed key/],
      ['merge: fast-forward\n', /merge: "fast-forward" is not one of/],
      ['maxPromptBytes: 0\n', /maxPromptBytes: below 1/],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => parseConfig(text), PromptReleaseError, `the parser refuses ${text}`);
      assert.match(problems(parseYaml(text), schema).join('\n'), expected, text);
    }
  });

  it('the schema names every top-level setting the parser reads, and no other', () => {
    const schema = configSchema();
    assert.deepStrictEqual(Object.keys(schema.properties ?? {}), TOP_LEVEL_SETTINGS.map((s) => s.key));
    for (const { key } of TOP_LEVEL_SETTINGS) {
      try {
        parseConfig(`${key}: {}\n`);
      } catch (err) {
        assert.doesNotMatch((err as Error).message, /unknown setting/, key);
      }
    }
    const env = schema.properties!.environments.patternProperties!;
    assert.deepStrictEqual(Object.keys(Object.values(env)[0].properties ?? {}), ENVIRONMENT_SETTINGS.map((s) => s.key));
  });

  it('the schema file the extension contributes is the one the declarations produce', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    assert.deepStrictEqual(pkg.contributes.yamlValidation, [{ fileMatch: '.promptrelease.yaml', url: `./${SCHEMA_FILE}` }]);
    const written = JSON.parse(fs.readFileSync(path.join(ROOT, SCHEMA_FILE), 'utf8'));
    assert.deepStrictEqual(written, JSON.parse(JSON.stringify(configSchema())), `${SCHEMA_FILE} is stale: run npm run build`);
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!media\/\*\*$/m, 'the .vsix ships media/');
  });

  it('each setting is declared once, by one rule, with words for the docs; rule orders are distinct', () => {
    const keys = ENVIRONMENT_SETTINGS.map((s) => s.key);
    assert.strictEqual(new Set(keys).size, keys.length, `a setting is declared twice: ${keys.join(', ')}`);
    assert.strictEqual(new Set(ENVIRONMENT_SETTINGS.map((s) => s.order)).size, keys.length, 'settings have distinct orders');
    const orders = POLICY_RULES.map((r) => r.order);
    assert.strictEqual(new Set(orders).size, orders.length, `two rules share an order: ${POLICY_RULES.map((r) => `${r.name} ${r.order}`).join(', ')}`);
    assert.deepStrictEqual(orders, [...orders].sort((a, b) => a - b));
    for (const s of ENVIRONMENT_SETTINGS) {
      assert.ok(s.meaning && !s.meaning.includes('\n') && s.defaultText, `${s.key} has a one-line meaning and a default`);
    }
  });

  it('an environment left empty gets each declared default; the first one needs no previous environment', () => {
    const [first, second] = parseConfig('environments:\n  staging:\n  production: {}\n').environments;
    assert.deepStrictEqual(first, environmentPolicy('staging', 0));
    assert.deepStrictEqual(second, environmentPolicy('production', 1));
    assert.deepStrictEqual([first.approvals, first.ownerApproval, first.requirePrevious, second.requirePrevious, first.checks, first.criteria], [1, false, false, true, [], []]);
  });

  it('an unknown policy key lists the declared keys and suggests the closest', () => {
    assert.throws(
      () => parseConfig('environments:\n  staging: { aprovals: 2 }\n'),
      (err: unknown) => err instanceof PromptReleaseError && err.message.startsWith(`unknown policy key "aprovals" in "staging" (expected ${ENVIRONMENT_SETTINGS.map((s) => s.key).join(', ')}); did you mean "approvals"?`),
    );
  });

  it('the list of rules is generated from the folder and up to date', () => {
    execFileSync(process.execPath, [path.join(ROOT, 'test', 'build', 'rulesIndex.js'), '--check'], { stdio: 'pipe' });
    const files = fs.readdirSync(path.join(ROOT, 'src', 'core', 'policy', 'rules')).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
    assert.strictEqual(POLICY_RULES.length, files.length, 'one rule per file');
  });
});
