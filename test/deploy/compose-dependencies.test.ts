import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
type Services = Record<string, { ports?: string[]; image?: string }>;
const load = (file: string): Services =>
  (
    parse(readFileSync(path.join(root, file), 'utf8'), {
      merge: true,
      // Compose's own tag: replace the base file's list instead of appending to it.
      customTags: [{ tag: '!override', collection: 'seq', resolve: (seq) => seq }],
    }) as { services: Services }
  ).services;

describe('deploy/compose.dependencies.yml', () => {
  it('publishes only services of docker-compose.yml, and only on the loopback interface', () => {
    const base = load('docker-compose.yml');
    const overlay = load('deploy/compose.dependencies.yml');
    expect(Object.keys(overlay).sort()).toEqual(['postgres', 'temporal', 'temporal-ui']);
    for (const [name, service] of Object.entries(overlay)) {
      expect(base, name).toHaveProperty([name]);
      expect(service.image, `${name} keeps the base image`).toBeUndefined();
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });
});
