import { describe, expect, test } from 'vitest';
import { describeAdapter, isSoftwareAdapter, plainAdapterInfo, plainLimits } from './webgpu-adapter.js';

// What Dawn 0.6.2 reports for Mesa 25's lavapipe (measured), and typical hardware adapters.
const lavapipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1', isFallbackAdapter: true };
const nvidia = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', isFallbackAdapter: false };

describe('webgpu adapter info', () => {
  test('software adapters: Dawn’s fallback flag, Mesa’s architecture, or a known CPU driver’s name', () => {
    expect(isSoftwareAdapter(lavapipe)).toBe(true);
    expect(isSoftwareAdapter({ ...lavapipe, isFallbackAdapter: undefined, architecture: '' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', architecture: '', device: '', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', device: '', description: 'Intel(R) UHD Graphics 770' })).toBe(false);
  });

  test('descriptions for messages', () => {
    expect(describeAdapter(lavapipe)).toBe('llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 [mesa, software]');
    expect(describeAdapter(nvidia)).toBe('NVIDIA H200 [nvidia, hopper]');
    expect(describeAdapter({ vendor: '', architecture: '', device: 'dev', description: '' })).toBe('dev');
  });

  test('prototype getters become plain data', () => {
    class Limits {
      get maxBufferSize() {
        return 4294967295;
      }
      get maxStorageBufferBindingSize() {
        return 134217728;
      }
    }
    class Info {
      get vendor() {
        return 'mesa';
      }
    }
    expect(plainLimits(new Limits())).toEqual({});
    // Dawn's GPUSupportedLimits getters are enumerable on the prototype; a class's are not, so define them so.
    const dawnLike = Object.create(Object.defineProperties({}, { maxBufferSize: { get: () => 4294967295, enumerable: true }, label: { get: () => 'x', enumerable: true } }));
    expect(plainLimits(dawnLike)).toEqual({ maxBufferSize: 4294967295 });
    expect(plainAdapterInfo(new Info() as never)).toEqual({ vendor: 'mesa', architecture: '', device: '', description: '', isFallbackAdapter: false });
  });
});
