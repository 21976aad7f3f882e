/**
 * The built-in connectors, loaded lazily so that `--help` does not pay for
 * exceljs or libphonenumber. A company's own connector is a module path in
 * the config (`connector: ./my-erp.js`), loaded and checked by loadModuleConnector.
 *
 * Adding a built-in connector: add its folder under connectors/ and one line
 * here. test/connectors/registry.test.ts checks that the two agree.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { z } from 'zod';
import type { AnyConnector } from './contract.ts';

export const BUILTIN_CONNECTORS = {
  'google-analytics': () => import('../../connectors/google-analytics/index.ts'),
  lime: () => import('../../connectors/lime/index.ts'),
  newsletter: () => import('../../connectors/newsletter/index.ts'),
  office365: () => import('../../connectors/office365/index.ts'),
  visma: () => import('../../connectors/visma/index.ts'),
} as const satisfies Record<string, () => Promise<{ default: AnyConnector }>>;

export type BuiltinConnectorId = keyof typeof BUILTIN_CONNECTORS;
export const BUILTIN_IDS = Object.keys(BUILTIN_CONNECTORS) as BuiltinConnectorId[];

export function isBuiltin(id: string): id is BuiltinConnectorId {
  return Object.hasOwn(BUILTIN_CONNECTORS, id);
}

/** A module path rather than a built-in id. */
export function isModuleRef(ref: string): boolean {
  return ref.startsWith('./') || ref.startsWith('../') || ref.startsWith('/') || /\.(m?js|cjs|ts)$/u.test(ref);
}

const cache = new Map<string, Promise<AnyConnector>>();

export async function loadBuiltin(id: BuiltinConnectorId): Promise<AnyConnector> {
  let p = cache.get(id);
  if (!p) {
    p = BUILTIN_CONNECTORS[id]().then((m) => m.default);
    cache.set(id, p);
  }
  return p;
}

export async function loadAllBuiltins(): Promise<AnyConnector[]> {
  return Promise.all(BUILTIN_IDS.map((id) => loadBuiltin(id)));
}

/** The shape a connector module must have; functions are checked by type only. */
const ConnectorShape = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/u, 'must be kebab-case (a-z, 0-9, -)'),
  title: z.string().min(1),
  formats: z
    .array(z.object({ id: z.string().min(1), title: z.string(), description: z.string(), extensions: z.array(z.string()) }))
    .min(1),
  optionsSchema: z.custom<z.ZodType>((v) => !!v && typeof (v as { safeParse?: unknown }).safeParse === 'function', {
    message: 'must be a zod schema (an object with safeParse)',
  }),
  describe: z.custom<AnyConnector['describe']>((v) => typeof v === 'function', { message: 'must be a function' }),
  detect: z.custom<AnyConnector['detect']>((v) => typeof v === 'function', { message: 'must be a function' }),
  check: z.custom<AnyConnector['check']>((v) => typeof v === 'function', { message: 'must be a function' }),
  read: z.custom<AnyConnector['read']>((v) => typeof v === 'function', { message: 'must be a function' }),
});

export interface ModuleLoadResult {
  connector?: AnyConnector;
  problems: string[];
}

/** Loads `connector: ./my-erp.js` (relative to the config's folder) and checks it against the contract. */
export async function loadModuleConnector(ref: string, baseDir: string): Promise<ModuleLoadResult> {
  const abs = path.resolve(baseDir, ref);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      problems: [
        code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(abs)
          ? `connector module not found: ${ref}`
          : `connector module ${ref} failed to load: ${(err as Error).message.split('\n')[0]}`,
      ],
    };
  }
  let candidate = mod.default ?? mod.connector;
  if (typeof candidate === 'function') {
    // A factory: it gets the connector kit (readers, zod) so the module needs no dependencies.
    try {
      const { connectorKit } = await import('./kit.ts');
      candidate = await (candidate as (kit: unknown) => unknown)(connectorKit);
    } catch (err) {
      return { problems: [`connector module ${ref} failed to build its connector: ${(err as Error).message.split('\n')[0]}`] };
    }
  }
  const parsed = ConnectorShape.safeParse(candidate);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map(
        (i) => `connector module ${ref} does not follow the connector contract: ${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`,
      ),
    };
  }
  return { connector: candidate as AnyConnector, problems: [] };
}
