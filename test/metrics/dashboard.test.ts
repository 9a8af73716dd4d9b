import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/pool';
import '../../src/metrics/calls';
import '../../src/metrics/campaign';
import { registerInboxMetrics } from '../../src/metrics/inbox';
import { PLANNED_METRICS } from '../../src/metrics/planned';
import { exportedMetricNames, METRIC_PREFIX } from '../../src/metrics/registry';
import { TEMPORAL_SDK_METRICS } from '../../src/metrics/temporal-sdk';
import '../../src/metrics/webhook';

const root = path.resolve(__dirname, '..', '..');
const dashboard = JSON.parse(
  readFileSync(path.join(root, 'deploy', 'grafana', 'switchboard.json'), 'utf8'),
) as {
  uid: string;
  panels: {
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[];
  templating: { list: { name: string; type: string; query: unknown }[] };
};

/** Series Prometheus itself writes for every scrape target. */
const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const PROMQL_WORDS_INFIX = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: label matchers, ranges, grouping lists, strings and
 * Grafana variables go; an identifier followed by `(` is a function; histogram and summary
 * suffixes fold back to the metric's own name.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\$\{?\w+\}?/g, '');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?!\s*\()/g)) {
    const word = match[0];
    const end = (match.index ?? 0) + word.length;
    if (/^\s*\(/.test(bare.slice(end)) || /[a-zA-Z0-9_:]/.test(bare[end] ?? '')) continue;
    if (PROMQL_WORDS.has(word) || PROMQL_WORDS_INFIX.has(word.toLowerCase())) continue;
    names.add(word.replace(/_(bucket|sum|count)$/, ''));
  }
  return [...names];
}

/** Every query in the dashboard: panel targets and the variables' own queries. */
function queries(): { where: string; expr: string }[] {
  const fromPanels = dashboard.panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })),
  );
  const fromVariables = dashboard.templating.list
    .filter((v) => v.type === 'query')
    .map((v) => ({ where: `$${v.name}`, expr: String((v.query as { query: string }).query) }))
    .map(({ where, expr }) => ({
      where,
      expr: expr.replace(/^label_values\((.*),[^,]*\)$/, '$1'),
    }));
  return [...fromPanels, ...fromVariables];
}

/** What the server and the worker export, registered here as each process registers it. */
function projectNames(): Set<string> {
  const inbox = new Registry();
  registerInboxMetrics({} as Db, ['call'], inbox);
  return new Set([...exportedMetricNames(), ...exportedMetricNames(inbox)]);
}

describe('deploy/grafana/switchboard.json', () => {
  it('extracts metric names the way Prometheus reads them', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{job=~"$job", x="y(z)"}[$__rate_interval])))',
      ),
    ).toEqual(['a_seconds']);
    expect(metricNames('sum(rate(a_total[15m])) / sum(rate(b_total[15m])) or vector(0)')).toEqual([
      'a_total',
      'b_total',
    ]);
    expect(metricNames('max by (family) (c_backlog)')).toEqual(['c_backlog']);
  });

  it('queries only metrics the project exports or the Temporal SDK documents', () => {
    const known = projectNames();
    const sdk = new Set<string>(TEMPORAL_SDK_METRICS);
    const unknown = queries().flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !known.has(name) && !sdk.has(name) && !PROMETHEUS_SERIES.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(queries().length).toBeGreaterThan(10);
    expect(unknown).toEqual([]);
  });

  it('has a panel for every metric the project increments, none for planned ones', () => {
    const used = new Set(queries().flatMap(({ expr }) => metricNames(expr)));
    const ours = [...projectNames()].filter(
      (name) => name.startsWith(METRIC_PREFIX) && !/process_|nodejs_/.test(name),
    );
    expect(ours.length).toBeGreaterThanOrEqual(8);
    expect(ours.filter((name) => !used.has(name))).toEqual([]);
    for (const planned of Object.values(PLANNED_METRICS)) {
      expect(projectNames().has(planned)).toBe(false);
      expect(used.has(planned)).toBe(false);
    }
    for (const name of TEMPORAL_SDK_METRICS) expect(used.has(name)).toBe(true);
  });

  it('reads every panel from the Prometheus datasource variable', () => {
    const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
    expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(dashboard.uid).toBe('switchboard');
  });

  it('names Temporal SDK metrics as sdk-core defines them', () => {
    const crates = path.join(root, 'node_modules/@temporalio/core-bridge/sdk-core/crates');
    const source = ['common/src/telemetry/metrics.rs', 'sdk-core/src/telemetry/metrics.rs']
      .map((file) => readFileSync(path.join(crates, file), 'utf8'))
      .join('\n');
    // Named constants, and names given inline where a metric is built.
    const defined = new Set(
      [...source.matchAll(/(?:_NAME: &str =|name:)\s*"([a-z_]+)"/g)].map((m) => `temporal_${m[1]}`),
    );
    expect(defined.size).toBeGreaterThan(10);
    for (const name of TEMPORAL_SDK_METRICS) expect(defined, name).toContain(name);
  });
});
