/**
 * Notification templates and formatted notifications over real HTTP on one node: heads publish
 * versioned JSON Schemas that Ajv compiles in strict mode; a notification's fields must satisfy
 * the exact template version, and a refusal names the failing field. Bad input gets a 4xx with
 * nothing written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyNode } from '../src/node/parley-node.js';
import { verifyStorage } from '../src/workflows/audit/verify.js';
import type { RunningServer } from '../src/server/run-server.js';
import { LocalNode, type Call } from './support/local-node.js';
import { tempDir, type Fixture } from './support/node-process.js';

let local: LocalNode;
let fixture: Fixture;
let node: ParleyNode;
let server: RunningServer;

beforeAll(async () => {
  local = await LocalNode.start();
  ({ fixture, node, server } = local);
});

afterAll(async () => {
  await local?.close();
});

interface Entry {
  id: string;
  seq: number;
  kind: string;
  precedence: string;
  body: Record<string, unknown>;
}

function call<T = Record<string, unknown>>(user: string, method: string, path: string, body?: unknown) {
  return local.call<T>(user, method, path, body);
}

const post = (user: string, entry: Record<string, unknown>, channel = 'intel') =>
  call<Entry>(user, 'POST', `/api/v1/channels/${channel}/entries`, entry);

const expectRefused = (request: () => Promise<Call<unknown>>, status: number, code: string) =>
  local.expectRefused(request, status, code);

const cli = (args: string[], token: string) => local.cli(args, token);

/** An exercise notification: where (integer degrees, or micro-degrees), when, how many. */
const exerciseSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    area: {
      type: 'object',
      properties: {
        lat: { type: 'integer', minimum: -90, maximum: 90 },
        lon: { type: 'integer', minimum: -180, maximum: 180 },
      },
      required: ['lat', 'lon'],
      additionalProperties: false,
    },
    start: { type: 'string', format: 'date' },
    ships: { type: 'integer', minimum: 1 },
  },
  required: ['area', 'start'],
  additionalProperties: false,
};

const template = (
  version: number,
  schema: Record<string, unknown> = exerciseSchema,
  title = 'Naval exercise',
) => ({
  kind: 'template',
  body: { name: 'exercise-notice', version, title, schema },
});

const notification = (fields: Record<string, unknown>, version = 1, name = 'exercise-notice') => ({
  kind: 'notification',
  precedence: 'FLASH',
  lang: 'ru',
  body: { template: { name, version }, fields, text: 'Учения в Баренцевом море с 21 февраля.' },
});

const goodFields = { area: { lat: 70, lon: 35 }, start: '2026-02-21', ships: 12 };

describe('templates', () => {
  it('lets a head publish a template version', async () => {
    const published = await post('svr-head', template(1));
    expect(published.status).toBe(201);
    expect(published.body.kind).toBe('template');
  });

  it('refuses templates from anyone but a head', async () => {
    await expectRefused(() => post('svr-duty', template(5)), 403, 'forbidden');
  });

  it('refuses a schema that is not valid JSON Schema, naming the problem', async () => {
    const badType = await expectRefused(
      () => post('svr-head', template(5, { type: 'object', properties: { a: { type: 'strin' } } })),
      400,
      'body_invalid',
    );
    expect(badType).toMatch(/^schema: schema is invalid: .*properties\/a\/type/);
    const unknownKeyword = await expectRefused(
      () => post('svr-head', template(5, { type: 'object', propertiez: {} })),
      400,
      'body_invalid',
    );
    expect(unknownKeyword).toContain('unknown keyword: "propertiez"');
    await expectRefused(
      () =>
        post(
          'svr-head',
          template(5, { type: 'object', properties: { a: { type: 'string', format: 'email' } } }),
        ),
      400,
      'body_invalid',
    );
    await expectRefused(
      () => post('svr-head', template(5, { $ref: 'https://example.com/s.json' })),
      400,
      'body_invalid',
    );
    // Fractions cannot be signed (canonical JSON carries safe integers only).
    const fraction = await expectRefused(
      () => post('svr-head', template(5, { type: 'number', maximum: 90.5 })),
      400,
      'body_invalid',
    );
    expect(fraction).toMatch(/^schema\.maximum: only safe integers/);
    await expectRefused(
      () =>
        post('svr-head', {
          kind: 'template',
          body: { name: 'Bad Name', version: 1, title: 't', schema: {} },
        }),
      400,
      'body_invalid',
    );
    await expectRefused(() => post('svr-head', template(0)), 400, 'body_invalid');
  });

  it('refuses a version that is already published', async () => {
    const message = await expectRefused(
      () => post('svr-head', template(1, exerciseSchema, 'Again')),
      409,
      'already_exists',
    );
    expect(message).toContain('exercise-notice@1 is already published');
  });

  it('lists the newest version of each template and every version', async () => {
    const v2 = await post(
      'svr-head',
      template(2, { ...exerciseSchema, required: ['area', 'start', 'ships'] }),
    );
    expect(v2.status).toBe(201);
    expect(
      (
        await post('svr-head', {
          ...template(1, { type: 'object' }),
          body: { name: 'link-test', version: 1, title: 'Link test', schema: { type: 'object' } },
        })
      ).status,
    ).toBe(201);
    const listed = await call<{
      templates: Array<{ name: string; version: number; id: string; schema: unknown }>;
      versions: Array<{ name: string; version: number }>;
    }>('svr-observer', 'GET', '/api/v1/channels/intel/templates');
    expect(listed.status).toBe(200);
    expect(listed.body.templates.map((t) => `${t.name}@${t.version}`)).toEqual([
      'exercise-notice@2',
      'link-test@1',
    ]);
    expect(listed.body.templates[0]!.id).toBe(v2.body.id);
    expect(listed.body.versions.map((t) => `${t.name}@${t.version}`)).toEqual([
      'exercise-notice@1',
      'exercise-notice@2',
      'link-test@1',
    ]);
    await expectRefused(
      () => call('admin', 'GET', '/api/v1/channels/intel/templates'),
      404,
      'channel_not_found',
    );
  });
});

describe('notifications', () => {
  it('accepts fields that satisfy the template version and awaits a receipt', async () => {
    const sent = await post('svr-head', notification(goodFields));
    expect(sent.status).toBe(201);
    expect(sent.body.precedence).toBe('FLASH');
    const inbox = await call<{ entries: Entry[] }>('svr-duty', 'GET', '/api/v1/inbox?channel=intel');
    expect(inbox.body.entries.map((e) => e.id)).toContain(sent.body.id);
  });

  it('refuses fields that fail the template, naming the field', async () => {
    expect(
      await expectRefused(
        () => post('svr-head', notification({ ...goodFields, area: { lat: 91, lon: 35 } })),
        400,
        'body_invalid',
      ),
    ).toBe('fields.area.lat: must be <= 90');
    expect(
      await expectRefused(
        () => post('svr-head', notification({ ...goodFields, area: { lat: 70 } })),
        400,
        'body_invalid',
      ),
    ).toBe('fields.area.lon: is required');
    expect(
      await expectRefused(
        () => post('svr-head', notification({ ...goodFields, colour: 'red' })),
        400,
        'body_invalid',
      ),
    ).toBe('fields.colour: is not a field of the template');
    expect(
      await expectRefused(
        () => post('svr-head', notification({ ...goodFields, start: '21 Feb' })),
        400,
        'body_invalid',
      ),
    ).toBe('fields.start: must match format "date"');
    // Version 2 requires `ships`; the same fields without it pass version 1 only.
    const { ships: _ships, ...withoutShips } = goodFields;
    expect((await post('svr-head', notification(withoutShips, 1))).status).toBe(201);
    expect(
      await expectRefused(() => post('svr-head', notification(withoutShips, 2)), 400, 'body_invalid'),
    ).toBe('fields.ships: is required');
    expect(
      await expectRefused(
        () => post('svr-head', notification({ ...goodFields, area: { lat: 69.5, lon: 35 } })),
        400,
        'body_invalid',
      ),
    ).toMatch(/^fields\.area\.lat: only safe integers/);
  });

  it('refuses a notification naming a template that is not published in the channel', async () => {
    const unknown = await expectRefused(
      () => post('svr-head', notification(goodFields, 1, 'no-such-template')),
      400,
      'ref_invalid',
    );
    expect(unknown).toContain('template no-such-template@1 is not published');
    expect(
      await expectRefused(() => post('svr-head', notification(goodFields, 3)), 400, 'ref_invalid'),
    ).toContain('published: exercise-notice@1, exercise-notice@2');
    // Templates belong to their channel.
    await expectRefused(
      () => post('pres-head', { ...notification(goodFields), lang: 'en' }, 'leaders'),
      400,
      'ref_invalid',
    );
    await expectRefused(
      () =>
        post('svr-head', {
          ...notification(goodFields),
          body: { template: { name: 'exercise-notice', version: 1 }, fields: goodFields, text: '' },
        }),
      400,
      'body_invalid',
    );
  });

  it('works through the CLI: template list and publish, notify', async () => {
    const dir = tempDir();
    const schemaFile = join(dir, 'schema.json');
    const fieldsFile = join(dir, 'fields.json');
    writeFileSync(
      schemaFile,
      JSON.stringify({ type: 'object', properties: { level: { type: 'integer', maximum: 5 } } }),
    );
    writeFileSync(fieldsFile, JSON.stringify({ level: 7 }));
    const head = fixture.tokens['svr-head']!;

    const published = await cli(
      [
        'template',
        'publish',
        'intel',
        '--file',
        schemaFile,
        '--name',
        'alert',
        '--version',
        '1',
        '--title',
        'Alert',
      ],
      head,
    );
    expect(published.stderr).toBe('');
    expect(published.stdout).toContain('template alert@1 published as intel/RU/');
    const listed = await cli(['template', 'list', 'intel'], head);
    expect(listed.stdout).toContain('alert@1\tAlert');

    const before = await node.storage.countEntries();
    const refused = await cli(
      [
        'notify',
        'intel',
        '--template',
        'alert@1',
        '--fields-file',
        fieldsFile,
        '--text',
        'Level seven',
        '--json',
      ],
      head,
    );
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).error).toEqual({
      code: 'body_invalid',
      message: 'fields.level: must be <= 5 (body_invalid)',
    });
    const badFlag = await cli(
      ['notify', 'intel', '--template', 'alert', '--fields-file', fieldsFile, '--text', 'x'],
      head,
    );
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toContain('--template');
    expect(await node.storage.countEntries()).toBe(before);

    writeFileSync(fieldsFile, JSON.stringify({ level: 3 }));
    const sent = await cli(
      [
        'notify',
        'intel',
        '--template',
        'alert@1',
        '--fields-file',
        fieldsFile,
        '--text',
        'Level three',
        '--precedence',
        'FLASH',
        '--json',
      ],
      head,
    );
    expect(sent.stderr).toBe('');
    expect(JSON.parse(sent.stdout)).toMatchObject({ kind: 'notification', precedence: 'FLASH' });
  });

  it('leaves a store that verifies, new kinds included', async () => {
    const report = await verifyStorage(node.storage);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('documents the templates route in the OpenAPI document', async () => {
    const openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(openapi.paths).toHaveProperty(['/api/v1/channels/{channel}/templates']);
  });
});
