/**
 * Loads the processing register: the config's `register:` file, or the
 * built-in OJCO register (register/ojco-register.yaml). Every problem is
 * reported at once (exit 2).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Problem } from '../errors.ts';
import { registerProblems, RegisterSchema, type Register } from './schema.ts';
import { parseYamlText } from '../config/load.ts';

/** The repository root, from src/ (tests) or dist/src/ (the built CLI). */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('ojco-dsar: cannot find its package root');
}

export const DEFAULT_REGISTER = (): string => path.join(packageRoot(), 'register', 'ojco-register.yaml');

export interface LoadedRegister {
  register: Register;
  file: string;
}

export async function loadRegister(file: string = DEFAULT_REGISTER(), displayName = path.basename(file)): Promise<LoadedRegister> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`register file not found: ${displayName}`, [{ code: 'register.missing', message: `no file at ${displayName}`, file: displayName }]);
  }
  let data: unknown;
  if (file.endsWith('.json')) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ConfigError(`the register ${displayName} is not valid JSON`, [{ code: 'register.syntax', message: 'invalid JSON', file: displayName }]);
    }
  } else {
    data = await parseYamlText(displayName, text, 'register.syntax', `the register ${displayName} is not valid YAML`);
  }
  const parsed = RegisterSchema.safeParse(data);
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.map((i) => ({
      code: 'register.invalid',
      message: `${i.path.join('.')}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`,
      file: displayName,
    }));
    throw new ConfigError(`the register ${displayName} has problems`, problems);
  }
  const refs = registerProblems(parsed.data);
  if (refs.length > 0) {
    throw new ConfigError(`the register ${displayName} has problems`, refs.map((m) => ({ code: 'register.invalid', message: m, file: displayName })));
  }
  return { register: parsed.data, file };
}

/** The register a config points at (`register:`, relative to the config file), or the built-in one. */
export async function loadConfigRegister(config: { file: string; raw: { register?: string | undefined } }, cwd: string): Promise<LoadedRegister> {
  const file = config.raw.register ? path.resolve(path.dirname(config.file), config.raw.register) : DEFAULT_REGISTER();
  return loadRegister(file, path.relative(cwd, file) || file);
}
