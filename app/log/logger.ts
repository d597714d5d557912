/**
 * Structured log lines (JSON, one per line). Never put personal or biometric
 * data in `fields`: the log is not encrypted.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface LogRecord {
  at: string;
  level: LogLevel;
  scope: string;
  msg: string;
  fields?: LogFields;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function stderrSink(minLevel: LogLevel = 'info'): LogSink {
  return (record) => {
    if (order[record.level] >= order[minLevel]) process.stderr.write(`${JSON.stringify(record)}\n`);
  };
}

/** Keeps records in memory: for tests that assert what was logged. */
export function memorySink(): LogSink & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  const sink = ((record: LogRecord) => {
    records.push(record);
  }) as LogSink & { records: LogRecord[] };
  sink.records = records;
  return sink;
}

export function createLogger(scope: string, sink: LogSink): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    sink(fields === undefined ? { at: new Date().toISOString(), level, scope, msg } : { at: new Date().toISOString(), level, scope, msg, fields });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => createLogger(`${scope}.${sub}`, sink),
  };
}
