// Creates the control plane's CA, serving certificate and service-account key pair with openssl.
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ControlPlaneCerts {
  caFile: string;
  caKeyFile: string;
  servingCertFile: string;
  servingKeyFile: string;
  serviceAccountKeyFile: string;
  serviceAccountPublicKeyFile: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function ensureCerts(dir: string): ControlPlaneCerts {
  const certs: ControlPlaneCerts = {
    caFile: join(dir, 'ca.crt'),
    caKeyFile: join(dir, 'ca.key'),
    servingCertFile: join(dir, 'apiserver.crt'),
    servingKeyFile: join(dir, 'apiserver.key'),
    serviceAccountKeyFile: join(dir, 'sa.key'),
    serviceAccountPublicKeyFile: join(dir, 'sa.pub'),
  };
  if (existsSync(certs.servingCertFile) && existsSync(certs.serviceAccountPublicKeyFile)) return certs;
  openssl(['genrsa', '-out', certs.caKeyFile, '2048']);
  openssl([
    'req',
    '-x509',
    '-new',
    '-nodes',
    '-days',
    '3650',
    '-key',
    certs.caKeyFile,
    '-subj',
    '/CN=aurora-operator-local-ca',
    '-out',
    certs.caFile,
  ]);
  const ext = join(dir, 'apiserver.ext');
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' +
      'extendedKeyUsage=serverAuth\n',
  );
  openssl(['genrsa', '-out', certs.servingKeyFile, '2048']);
  const csr = join(dir, 'apiserver.csr');
  openssl(['req', '-new', '-key', certs.servingKeyFile, '-subj', '/CN=kube-apiserver', '-out', csr]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    certs.caFile,
    '-CAkey',
    certs.caKeyFile,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    ext,
    '-out',
    certs.servingCertFile,
  ]);
  openssl(['genrsa', '-out', certs.serviceAccountKeyFile, '2048']);
  openssl(['rsa', '-in', certs.serviceAccountKeyFile, '-pubout', '-out', certs.serviceAccountPublicKeyFile]);
  return certs;
}
