// CLI flags as config layers: the flag names are the config keys.
import { loadConfigFile, type RawConfig } from '../config';

export interface CliFlags {
  config?: string;
  json?: boolean;
  'fail-on-inconclusive'?: boolean;
  help?: boolean;
  [key: string]: string | boolean | undefined;
}

const NOT_CONFIG = new Set(['config', 'json', 'fail-on-inconclusive', 'help']);

export function flagsToRaw(flags: CliFlags): RawConfig {
  const raw: RawConfig = {};
  for (const [k, v] of Object.entries(flags)) if (!NOT_CONFIG.has(k) && v !== undefined) raw[k] = v;
  if (flags['fail-on-inconclusive']) raw['fail-on'] = 'inconclusive';
  if (flags['count-calls'] !== undefined) raw['count-calls'] = String(flags['count-calls']);
  if (flags.decompose !== undefined) raw.decompose = String(flags.decompose);
  return raw;
}

/** Config file (if any) overridden by flags. */
export function configLayers(flags: CliFlags): RawConfig[] {
  return flags.config ? [loadConfigFile(flags.config), flagsToRaw(flags)] : [flagsToRaw(flags)];
}
