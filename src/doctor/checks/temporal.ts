import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { APP_ROOT } from '../root';
import { fail, messageOf, pass, type Check, type CheckResult } from '../types';

const SEARCH_ATTRIBUTES_FILE = path.join(APP_ROOT, 'scripts', 'search-attributes.txt');

/** temporal.api.enums.v1.IndexedValueType, by the names scripts/search-attributes.txt uses. */
const INDEXED_VALUE_TYPES: Record<string, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

/** `Name=Type` lines: what every namespace Switchboard runs in must have registered. */
export async function expectedSearchAttributes(
  file = SEARCH_ATTRIBUTES_FILE,
): Promise<Map<string, string>> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '');
  return new Map(
    lines.map((line) => {
      const [name = '', type = ''] = line.trim().split('=');
      return [name, type];
    }),
  );
}

async function searchAttributes(
  connection: Connection,
  namespace: string,
  timeoutMs: number,
): Promise<CheckResult> {
  const name = 'search attributes registered';
  const { customAttributes } = await connection.withDeadline(Date.now() + timeoutMs, () =>
    connection.operatorService.listSearchAttributes({ namespace }),
  );
  const have = customAttributes ?? {};
  const wrong = [...(await expectedSearchAttributes())].filter(
    ([attr, type]) => have[attr] !== INDEXED_VALUE_TYPES[type],
  );
  if (wrong.length === 0) return pass(name, `${Object.keys(have).length} custom attributes`);
  const missing = wrong.map(([attr, type]) => `${attr}=${type}`);
  return fail(
    name,
    `missing or of another type in namespace ${namespace}: ${missing.join(', ')}`,
    createCommands(wrong, namespace),
  );
}

/** The CLI takes one --type per command: one command per type, every name of it repeated. */
function createCommands(wrong: [string, string][], namespace: string): string {
  const byType = new Map<string, string[]>();
  for (const [attr, type] of wrong) byType.set(type, [...(byType.get(type) ?? []), attr]);
  return [...byType]
    .map(
      ([type, attrs]) =>
        `temporal operator search-attribute create --namespace ${namespace} ` +
        `${attrs.map((a) => `--name ${a}`).join(' ')} --type ${type}`,
    )
    .join(' && ');
}

/** The frontend answers, the namespace exists, and its search attributes are registered. */
export const checkTemporal: Check = async (deps) => {
  const { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace } = deps.config;
  let connection: Connection;
  try {
    connection = await deps.temporal();
    await connection.withDeadline(Date.now() + deps.timeoutMs, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } catch (err) {
    return [
      fail(
        'Temporal reachable',
        `${address}, namespace ${namespace}: ${messageOf(err)}`,
        'check TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, and that the Temporal frontend is up',
      ),
    ];
  }
  const reachable = pass('Temporal reachable', `${address}, namespace ${namespace}`);
  try {
    return [reachable, await searchAttributes(connection, namespace, deps.timeoutMs)];
  } catch (err) {
    return [
      reachable,
      fail('search attributes registered', messageOf(err), 'the operator API must be reachable'),
    ];
  }
};
