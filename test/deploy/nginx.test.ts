import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/dev-server';

const shipped = readFileSync(
  path.resolve(__dirname, '..', '..', 'deploy', 'nginx', 'switchboard.conf'),
  'utf8',
);
const work = mkdtempSync(path.join(tmpdir(), 'switchboard-nginx-'));
const nginxBin = ['/usr/sbin/nginx', 'nginx'].find((bin) => {
  try {
    execFileSync(bin, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

interface Ports {
  http: number;
  https: number;
  upstream: number;
}

/** The shipped site with this test's certificate and ports, inside a minimal nginx.conf. */
function mainConfig(site: string, ports: Ports): string {
  const local = site
    .replaceAll('/etc/ssl/switchboard/', `${work}/`)
    .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${ports.upstream};`)
    .replaceAll(/listen (\[::\]:)?80;/g, (_m, v6: string | undefined) =>
      v6 ? '' : `listen 127.0.0.1:${ports.http};`,
    )
    .replaceAll(/listen (\[::\]:)?443 ssl;/g, (_m, v6: string | undefined) =>
      v6 ? '' : `listen 127.0.0.1:${ports.https} ssl;`,
    );
  writeFileSync(path.join(work, 'switchboard.conf'), local);
  return `daemon off;
master_process off;
pid ${work}/nginx.pid;
error_log stderr crit;
events {}
http {
  access_log off;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  fastcgi_temp_path ${work}/fastcgi;
  uwsgi_temp_path ${work}/uwsgi;
  scgi_temp_path ${work}/scgi;
  include ${work}/switchboard.conf;
}
`;
}

function nginxTest(site: string): Promise<{ code: number; output: string }> {
  const file = path.join(work, 'test.conf');
  writeFileSync(file, mainConfig(site, { http: 1, https: 2, upstream: 3 }));
  return new Promise((resolve) => {
    execFile(nginxBin!, ['-t', '-e', 'stderr', '-p', work, '-c', file], (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? -1) : 0, output: stdout + stderr });
    });
  });
}

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
}

let nginx: ChildProcess | undefined;
let upstream: http.Server | undefined;
const seen: Seen[] = [];
let httpsPort = 0;

beforeAll(async () => {
  if (!nginxBin) throw new Error('nginx is not installed: apt-get install nginx (.ci/run does)');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-keyout', path.join(work, 'privkey.pem'), '-out', path.join(work, 'fullchain.pem')],
    ],
    { stdio: 'ignore' },
  );
  // The webhook server's stand-in: it records what nginx forwards.
  upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
  const ports = {
    http: await freePort(),
    https: await freePort(),
    upstream: (upstream.address() as AddressInfo).port,
  };
  httpsPort = ports.https;
  const file = path.join(work, 'live.conf');
  writeFileSync(file, mainConfig(shipped, ports));
  nginx = spawn(nginxBin, ['-e', 'stderr', '-p', work, '-c', file], { stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    if ((await post('/healthz', '').catch(() => undefined)) !== undefined) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('nginx did not start');
});

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    nginx.kill('SIGQUIT');
    await new Promise((r) => nginx!.once('exit', r));
  }
  await new Promise((r) => (upstream ? upstream.close(r) : r(undefined)));
  rmSync(work, { recursive: true, force: true });
});

function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
  tls: Pick<https.RequestOptions, 'maxVersion' | 'minVersion'> = {},
): Promise<{ status: number; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: httpsPort,
        path: url,
        method: 'POST',
        rejectUnauthorized: false,
        agent: false,
        ...tls,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      },
      (res) => {
        res.resume();
        const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
        res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('deploy/nginx', () => {
  it('passes nginx -t', async () => {
    const { code, output } = await nginxTest(shipped);
    expect(output).toContain('test is successful');
    expect(code).toBe(0);
  });

  it('is a check that fails: nginx -t refuses a broken copy', async () => {
    const { code, output } = await nginxTest(
      shipped.replace('proxy_read_timeout 10s;', 'proxy_read_timeout;'),
    );
    expect(code).not.toBe(0);
    expect(output).toMatch(/invalid number of arguments in "proxy_read_timeout"/);
  });

  it('says what the issue asks: TLS 1.2+, 64k bodies, a 10 s read timeout', () => {
    expect(shipped).toMatch(/^\s*ssl_protocols TLSv1\.2 TLSv1\.3;$/m);
    expect(shipped).toMatch(/^\s*client_max_body_size 64k;$/m);
    expect(shipped).toMatch(/^\s*proxy_read_timeout 10s;$/m);
  });

  it('forwards the URL exactly as sent and the headers the signature check rebuilds it from', async () => {
    seen.length = 0;
    const url = '/voice/inbound?step=a%2Fb&x=%20y&x=1';
    const res = await post(url, 'CallSid=CA1', {
      host: 'voice.example.com',
      'x-twilio-signature': 'c2lnbmF0dXJl',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'http',
    });
    expect(res).toEqual({ status: 200, protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    const [got] = seen;
    expect(got?.url).toBe(url);
    expect(got?.headers).toMatchObject({
      host: 'voice.example.com',
      'x-forwarded-host': 'voice.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': String(httpsPort),
      // nginx is the edge: what a client claims is replaced, not appended to.
      'x-forwarded-for': '127.0.0.1',
      'x-twilio-signature': 'c2lnbmF0dXJl',
    });
  });

  it('refuses a body over 64 kB with 413 before it reaches the server', async () => {
    seen.length = 0;
    expect((await post('/voice/inbound', 'a'.repeat(64 * 1024 + 1))).status).toBe(413);
    expect((await post('/voice/inbound', 'a'.repeat(60 * 1024))).status).toBe(200);
    expect(seen).toHaveLength(1);
  });

  it('speaks TLS 1.2 to a client that offers nothing newer', async () => {
    const res = await post('/healthz', '', {}, { maxVersion: 'TLSv1.2' });
    expect(res).toEqual({ status: 200, protocol: 'TLSv1.2' });
  });
});
