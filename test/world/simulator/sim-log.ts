// Plain-text logger on stderr in the scheduler's two styles: logback (Java) and glog (libmesos).

export interface SimLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /** A libmesos line, e.g. glog('replica.cpp:638', 'Replica in EMPTY status ...'). */
  glog(source: string, msg: string): void;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function stamp(d: Date): string {
  return `${pad(d.getMonth() + 1)}${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function createSimLog(
  component: string,
  write: (line: string) => void = (l) => process.stderr.write(l),
): SimLog {
  const line = (level: string, msg: string): void =>
    write(`${level}${stamp(new Date())} [main, ${component}] ${msg}\n`);
  return {
    info: (m) => line('I', m),
    warn: (m) => line('W', m),
    error: (m) => line('E', m),
    glog: (src, m) => write(`I${stamp(new Date())}000 ${process.pid} ${src}] ${m}\n`),
  };
}
