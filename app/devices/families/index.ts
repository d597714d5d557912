/**
 * Every family the manager knows. A new family is one file in this folder
 * and one entry here.
 */
import type { FamilyAdapter } from '../adapter.js';
import { ef01Adapter } from './ef01.js';
import { gt5xxAdapter } from './gt5xx.js';
import { deskoAdapter, linesAdapter, rte3mAdapter } from './mrz.js';
import { stuAdapter } from './stu.js';
import { saneAdapter } from './sane.js';
import { esclAdapter } from './escl.js';
import { sbiAdapter } from './sbi.js';

export const builtinAdapters: readonly FamilyAdapter[] = [ef01Adapter, gt5xxAdapter, deskoAdapter, rte3mAdapter, linesAdapter, stuAdapter, saneAdapter, esclAdapter, sbiAdapter] as readonly FamilyAdapter[];

/** The adapter for a config `driver` name (family or alias), or undefined. */
export function adapterFor(adapters: readonly FamilyAdapter[], driver: string): FamilyAdapter | undefined {
  const name = driver.toLowerCase();
  return adapters.find((a) => a.family === name || (a.aliases ?? []).includes(name));
}
