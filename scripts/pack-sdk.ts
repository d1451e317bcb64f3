// `npm run pack:sdk`: the SDK as a partner installs it — built to JavaScript with type
// declarations (packages/sdk/dist), staged with a package.json that points at the build, and
// packed by `npm pack` into dist/ (prints the tarball's path). Inside the workspace the SDK stays
// TypeScript source, read as it is by the tests and the services.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@p2p/kit';

export function packSdk(into = resolve(REPO_ROOT, 'dist')): string {
  const sdk = resolve(REPO_ROOT, 'packages/sdk');
  rmSync(resolve(sdk, 'dist'), { recursive: true, force: true });
  execFileSync(resolve(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', resolve(sdk, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  const source = JSON.parse(readFileSync(resolve(sdk, 'package.json'), 'utf8')) as {
    version: string;
    description: string;
    dependencies: Record<string, string>;
  };
  const stage = resolve(REPO_ROOT, 'dist/sdk-package');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  cpSync(resolve(sdk, 'dist'), resolve(stage, 'dist'), { recursive: true });
  cpSync(resolve(sdk, 'README.md'), resolve(stage, 'README.md'));
  const published = {
    name: '@p2p/sdk',
    version: source.version,
    description: source.description,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
    files: ['dist', 'README.md'],
    dependencies: source.dependencies,
    license: 'UNLICENSED',
  };
  writeFileSync(resolve(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  mkdirSync(into, { recursive: true });
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: stage, encoding: 'utf8' });
  return resolve(into, out.trim().split('\n').at(-1)!);
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(packSdk());
