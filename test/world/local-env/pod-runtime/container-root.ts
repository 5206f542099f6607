// A container's root: the image's unpacked filesystem under a fresh writable layer, its user, its /etc/hosts.
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { V1Container, V1PodSecurityContext } from '@kubernetes/client-node';
import { ContainerConfigError } from './field-ref.ts';

export interface ContainerRoot {
  /** The image's unpacked root filesystem, shared read-only by every container of the image. */
  rootfs: string;
  /** This instance's overlay directories: upper (its writes), work and merged (the mount point). */
  layerDir: string;
  readOnly: boolean;
  uid: number;
  gid: number;
  /** The pod's /etc/hosts, written by the runtime as the kubelet does. */
  hostsFile: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

async function passwd(rootfs: string): Promise<PasswdEntry[]> {
  const text = await fs.readFile(path.join(rootfs, 'etc', 'passwd'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .filter((f) => f.length >= 6)
    .map(([name, , uid, gid, , home]) => ({ name: name!, uid: Number(uid), gid: Number(gid), home: home! }));
}

/**
 * The user a container runs as: securityContext (container over pod) over the image's USER, by number or by a
 * name from the image's /etc/passwd; refuses to run as root when runAsNonRoot asks it to, as the kubelet does.
 */
export async function containerUser(
  rootfs: string,
  imageUser: string,
  container: V1Container,
  pod: V1PodSecurityContext | undefined,
): Promise<{ uid: number; gid: number; home: string }> {
  const entries = await passwd(rootfs);
  const [userPart = '', groupPart] = imageUser.split(':');
  let uid = 0;
  let gid: number | undefined;
  if (userPart !== '') {
    const entry = /^\d+$/.test(userPart) ? undefined : entries.find((e) => e.name === userPart);
    if (!/^\d+$/.test(userPart) && !entry) {
      throw new ContainerConfigError(`the image's user "${userPart}" is not in its /etc/passwd`);
    }
    uid = entry ? entry.uid : Number(userPart);
    gid = entry?.gid;
  }
  if (groupPart !== undefined && /^\d+$/.test(groupPart)) gid = Number(groupPart);
  const sc = container.securityContext;
  uid = sc?.runAsUser ?? pod?.runAsUser ?? uid;
  gid = sc?.runAsGroup ?? pod?.runAsGroup ?? gid ?? entries.find((e) => e.uid === uid)?.gid ?? uid;
  if ((sc?.runAsNonRoot ?? pod?.runAsNonRoot) && uid === 0) {
    throw new ContainerConfigError('container has runAsNonRoot and image will run as root');
  }
  return { uid, gid, home: entries.find((e) => e.uid === uid)?.home ?? '/' };
}

/** bubblewrap arguments that make the merged overlay the container's root, with its hosts file and user. */
export function rootArgs(root: ContainerRoot, hostname: string | undefined): string[] {
  const args = ['--bind', path.join(root.layerDir, 'merged'), '/', '--dev', '/dev', '--proc', '/proc'];
  if (hostname) args.push('--unshare-uts', '--hostname', hostname);
  args.push('--ro-bind', root.hostsFile, '/etc/hosts', '--ro-bind', '/etc/resolv.conf', '/etc/resolv.conf');
  return args;
}

/** Arguments that come after the volume mounts: read-only root, then the switch to the container's user. */
export function finishArgs(root: ContainerRoot): string[] {
  const args = root.readOnly ? ['--remount-ro', '/'] : [];
  // a user namespace maps the container's uid to root outside, so volumes stay writable as with fsGroup
  if (root.uid !== 0 || root.gid !== 0) {
    args.push('--unshare-user', '--uid', String(root.uid), '--gid', String(root.gid));
  }
  return args;
}

/** Absolute path of a host program: container environments carry the image's PATH, not the host's. */
export function hostProgram(name: string): string {
  for (const dir of (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = path.join(dir, name);
    if (dir && fsSync.existsSync(candidate)) return candidate;
  }
  return name;
}

/**
 * The command that starts bubblewrap for a fresh instance: the overlay is mounted in a private mount namespace,
 * so it disappears with the container's processes; bubblewrap's own arguments follow.
 */
export async function overlayLauncher(root: ContainerRoot): Promise<string[]> {
  await fs.rm(root.layerDir, { recursive: true, force: true });
  const dirs = ['upper', 'work', 'merged'].map((d) => path.join(root.layerDir, d));
  for (const dir of dirs) await fs.mkdir(dir, { recursive: true });
  const script =
    '"$1" -t overlay overlay -o "lowerdir=$2,upperdir=$3,workdir=$4" "$5" && shift 5 && exec "$@"';
  return [
    hostProgram('unshare'),
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    script,
    'sh',
    hostProgram('mount'),
    root.rootfs,
    ...dirs,
    hostProgram('bwrap'),
  ];
}

/** A mount path inside the image, with the image's own symlinks (like /var/run -> /run) resolved within it. */
export async function resolveInRoot(rootfs: string, mountPath: string): Promise<string> {
  const parts = path.resolve('/', mountPath).split('/').filter(Boolean);
  let resolved = '/';
  for (let i = 0, hops = 0; i < parts.length; i++) {
    const next = path.join(resolved, parts[i]!);
    const link = await fs.readlink(path.join(rootfs, next)).catch(() => undefined);
    if (link === undefined || hops++ > 40) {
      resolved = next;
      continue;
    }
    const target = path.resolve(link.startsWith('/') ? '/' : resolved, link);
    parts.splice(0, i + 1, ...target.split('/').filter(Boolean));
    resolved = '/';
    i = -1;
  }
  return resolved;
}
