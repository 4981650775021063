// A taken port is the most likely start-up failure (another collector on 4318,
// a second editor window). Say which port, who holds it when we can tell, and what to do.
import { promises as fs } from 'node:fs';

export interface PortHolder {
  readonly pid: number;
  /** Command line, shortened; '' when unreadable. */
  readonly command: string;
}

export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';

  constructor(
    readonly host: string,
    readonly port: number,
    readonly holder: PortHolder | undefined,
  ) {
    const who = holder ? ` by process ${holder.pid}${holder.command ? ` (${holder.command})` : ''}` : '';
    super(
      `port ${port} on ${host} is already in use${who}. ` +
        'Choose another port (setting agentTrail.listener.port, or --port N on the command line), ' +
        'or 0 for any free port.',
    );
    this.name = 'PortInUseError';
  }
}

/** Inodes of sockets listening on `port`, from /proc/net/tcp and tcp6 (Linux). */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (!local || cols[3] !== '0A' /* LISTEN */) continue;
      if (local.slice(local.lastIndexOf(':') + 1) === portHex && cols[9] && cols[9] !== '0') inodes.add(cols[9]);
    }
  }
  return inodes;
}

async function commandOf(pid: number): Promise<string> {
  try {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    const cmd = raw.split('\0').filter(Boolean).join(' ');
    return cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd;
  } catch {
    return '';
  }
}

/**
 * Best effort, Linux only: finds the process whose file descriptors include the
 * listening socket. Processes of other users are unreadable; then undefined.
 */
export async function findPortHolder(port: number): Promise<PortHolder | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const inodes = await listeningInodes(port);
    if (inodes.size === 0) return undefined;
    const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
    const pids = (await fs.readdir('/proc')).filter((d) => /^\d+$/.test(d));
    for (const pid of pids) {
      let fds: string[];
      try {
        fds = await fs.readdir(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        try {
          if (wanted.has(await fs.readlink(`/proc/${pid}/fd/${fd}`))) {
            return { pid: Number(pid), command: await commandOf(Number(pid)) };
          }
        } catch {
          // The descriptor closed meanwhile.
        }
      }
    }
  } catch {
    // /proc missing or unreadable: fall back to no holder.
  }
  return undefined;
}
