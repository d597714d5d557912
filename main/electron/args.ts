/**
 * The shell's command line: `--config <file>` for a real station, or
 * `--demo [--data-dir <dir>]` for the demo profile. Chromium and Node
 * switches (`--inspect=0`, `--remote-debugging-port=0`, `--no-sandbox`, …)
 * and the app path that precede ours are not our business and are ignored;
 * the caller logs them. Both `--opt value` and `--opt=value` are read.
 */
export type ShellArgs =
  | { kind: 'config'; file: string }
  | { kind: 'demo'; dataDir: string | null }
  | { kind: 'error'; message: string };

export const usage = 'Start Balcão with --config <file>, or --demo [--data-dir <dir>] for the demo profile.';

export function parseShellArgs(argv: readonly string[]): ShellArgs & { ignored: string[] } {
  let config: string | null = null;
  let dataDir: string | null = null;
  let demo = false;
  const ignored: string[] = [];
  const problems: string[] = [];

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : null;
    const value = (): string | null => {
      if (inline !== null) return inline.length > 0 ? inline : null;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) return null;
      i += 1;
      return next;
    };
    if (name === '--config') {
      const v = value();
      if (v === null) problems.push('--config needs a file');
      else if (config !== null) problems.push('--config given twice');
      else config = v;
    } else if (name === '--data-dir') {
      const v = value();
      if (v === null) problems.push('--data-dir needs a folder');
      else if (dataDir !== null) problems.push('--data-dir given twice');
      else dataDir = v;
    } else if (name === '--demo') {
      if (inline !== null) problems.push('--demo takes no value');
      demo = true;
    } else {
      ignored.push(arg);
    }
  }

  const error = (message: string) => ({ kind: 'error' as const, message, ignored });
  if (problems.length > 0) return error(`${problems.join('; ')}. ${usage}`);
  if (config !== null && demo) return error(`--config and --demo cannot be used together. ${usage}`);
  if (config !== null && dataDir !== null) return error(`--data-dir belongs to --demo; a station's data folder is set in its configuration file. ${usage}`);
  if (config !== null) return { kind: 'config', file: config, ignored };
  if (demo) return { kind: 'demo', dataDir, ignored };
  return error(usage);
}
