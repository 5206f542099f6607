// Creates the control plane's CA, serving certificates, the apiserver's kubelet client certificate and the
// service-account key pair with openssl.
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
  kubelet: KubeletCerts;
}

/** The node's serving certificate and the client certificate the apiserver presents to it, in the CA's directory. */
export interface KubeletCerts {
  caFile: string;
  servingCertFile: string;
  servingKeyFile: string;
  apiserverClientCertFile: string;
  apiserverClientKeyFile: string;
}

/** The common name of the apiserver's kubelet client certificate, the only caller the node's log API answers. */
export const APISERVER_KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

/** The node address the pod runtime registers and serves its kubelet API on (loopback only). */
export const NODE_IP = '127.0.0.1';

export function kubeletCertFiles(pkiDir: string): KubeletCerts {
  return {
    caFile: join(pkiDir, 'ca.crt'),
    servingCertFile: join(pkiDir, 'kubelet.crt'),
    servingKeyFile: join(pkiDir, 'kubelet.key'),
    apiserverClientCertFile: join(pkiDir, 'apiserver-kubelet-client.crt'),
    apiserverClientKeyFile: join(pkiDir, 'apiserver-kubelet-client.key'),
  };
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

interface Issue {
  dir: string;
  name: string;
  subject: string;
  extensions: string;
  certFile: string;
  keyFile: string;
}

function issueCert(ca: { caFile: string; caKeyFile: string }, req: Issue): void {
  const ext = join(req.dir, `${req.name}.ext`);
  const csr = join(req.dir, `${req.name}.csr`);
  writeFileSync(ext, req.extensions);
  openssl(['genrsa', '-out', req.keyFile, '2048']);
  openssl(['req', '-new', '-key', req.keyFile, '-subj', req.subject, '-out', csr]);
  const signing = ['-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-CAcreateserial', '-days', '3650'];
  openssl(['x509', '-req', '-in', csr, ...signing, '-extfile', ext, '-out', req.certFile]);
}

// an environment created before the node served logs gains these on its next start
function ensureKubeletCerts(dir: string, ca: { caFile: string; caKeyFile: string }): KubeletCerts {
  const files = kubeletCertFiles(dir);
  if (!existsSync(files.servingCertFile)) {
    issueCert(ca, {
      dir,
      name: 'kubelet',
      subject: '/CN=system:node:local-node/O=system:nodes',
      extensions: `subjectAltName=IP:${NODE_IP}\nextendedKeyUsage=serverAuth\n`,
      certFile: files.servingCertFile,
      keyFile: files.servingKeyFile,
    });
  }
  if (!existsSync(files.apiserverClientCertFile)) {
    issueCert(ca, {
      dir,
      name: 'apiserver-kubelet-client',
      subject: `/CN=${APISERVER_KUBELET_CLIENT_CN}/O=system:masters`,
      extensions: 'extendedKeyUsage=clientAuth\n',
      certFile: files.apiserverClientCertFile,
      keyFile: files.apiserverClientKeyFile,
    });
  }
  return files;
}

export function ensureCerts(dir: string): ControlPlaneCerts {
  const certs: ControlPlaneCerts = {
    caFile: join(dir, 'ca.crt'),
    caKeyFile: join(dir, 'ca.key'),
    servingCertFile: join(dir, 'apiserver.crt'),
    servingKeyFile: join(dir, 'apiserver.key'),
    serviceAccountKeyFile: join(dir, 'sa.key'),
    serviceAccountPublicKeyFile: join(dir, 'sa.pub'),
    kubelet: kubeletCertFiles(dir),
  };
  if (existsSync(certs.servingCertFile) && existsSync(certs.serviceAccountPublicKeyFile)) {
    ensureKubeletCerts(dir, certs);
    return certs;
  }
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
  issueCert(certs, {
    dir,
    name: 'apiserver',
    subject: '/CN=kube-apiserver',
    extensions:
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' +
      'extendedKeyUsage=serverAuth\n',
    certFile: certs.servingCertFile,
    keyFile: certs.servingKeyFile,
  });
  openssl(['genrsa', '-out', certs.serviceAccountKeyFile, '2048']);
  openssl(['rsa', '-in', certs.serviceAccountKeyFile, '-pubout', '-out', certs.serviceAccountPublicKeyFile]);
  ensureKubeletCerts(dir, certs);
  return certs;
}
