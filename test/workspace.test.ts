import { readFileSync } from 'node:fs';
import * as autodiff from '@chainrule/autodiff';
import * as graph from '@chainrule/graph';
import * as nn from '@chainrule/nn';
import * as onnx from '@chainrule/onnx';
import * as optim from '@chainrule/optim';
import { describe, expect, it } from 'vitest';

const packages = [
  ['graph', graph],
  ['autodiff', autodiff],
  ['optim', optim],
  ['nn', nn],
  ['onnx', onnx],
] as const;

function versionOnDisk(dir: string): unknown {
  const url = new URL(`../packages/${dir}/package.json`, import.meta.url);
  const manifest = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return manifest.version;
}

describe('workspace packages', () => {
  it.each(packages)('@chainrule/%s exports VERSION equal to its package.json version', (dir, mod) => {
    expect(typeof mod.VERSION).toBe('string');
    expect(mod.VERSION).toBe(versionOnDisk(dir));
  });
});
