// Printing configs (`workbench config`, `workbench train --cfg`) and the documented schema
// (`workbench config --schema`, `workbench train --help`).
import { stringify } from 'yaml';
import { schemaEntries, type ResolvedConfig } from './schema.js';
import { allowedText } from './validate.js';

/** The config as YAML, keys in schema order. */
export function formatConfig(config: ResolvedConfig | Record<string, unknown>): string {
  return stringify(config, { lineWidth: 0 });
}

/** Every key with its default, allowed values, env var and doc, grouped by namespace. */
export function schemaHelp(): string {
  const lines: string[] = [];
  let namespace: string | undefined;
  for (const e of schemaEntries()) {
    const ns = e.key.includes('.') ? e.key.slice(0, e.key.indexOf('.')) : '';
    if (ns !== namespace) {
      lines.push('', ns ? `${ns}:` : '(top level):');
      namespace = ns;
    }
    const def = JSON.stringify(e.default);
    const env = e.env ? `, env ${e.env}` : '';
    lines.push(`  ${e.key.padEnd(24)} ${e.doc}`, `  ${''.padEnd(24)} default ${def}; ${allowedText(e)}${env}`);
  }
  return lines.join('\n').trimStart();
}
