import { describe, expect, test, vi } from 'vitest';
import { selectBackendFrom, type BackendCandidate, type BackendName } from './backend-selection.js';
import { CsrnetError } from './errors.js';

const ok = (name: BackendName): BackendCandidate => ({ name, load: async () => {} });
const broken = (name: BackendName, why: string): BackendCandidate => ({
  name,
  load: async () => {
    throw new Error(why);
  },
});

describe('selectBackendFrom (injected loaders and setBackend)', () => {
  test('auto takes the first candidate that loads and initialises, reporting the others', async () => {
    const setBackend = vi.fn(async (name: string) => name !== 'webgl');
    const selection = await selectBackendFrom('auto', [broken('tensorflow', 'no binding'), ok('webgl'), ok('wasm'), ok('cpu')], 'Test', setBackend);
    expect(selection).toEqual({
      name: 'wasm',
      tried: [
        { name: 'tensorflow', error: 'no binding' },
        { name: 'webgl', error: 'tf.setBackend() could not initialise it' },
      ],
    });
    expect(setBackend.mock.calls.map((c) => c[0])).toEqual(['webgl', 'wasm']);
  });

  test('a named backend that cannot load is BACKEND_UNAVAILABLE with the reason', async () => {
    const p = selectBackendFrom('tensorflow', [broken('tensorflow', 'Cannot find package'), ok('cpu')], 'Test', async () => true);
    await expect(p).rejects.toThrow(new CsrnetError('BACKEND_UNAVAILABLE', undefined, "backend 'tensorflow' is unavailable in Test (tried tensorflow: Cannot find package)"));
  });

  test('a backend the platform does not offer, and auto with nothing working', async () => {
    await expect(selectBackendFrom('webgl', [ok('cpu')], 'Test', async () => true)).rejects.toThrow("backend 'webgl' is not available in Test (candidates: cpu)");
    await expect(selectBackendFrom('auto', [broken('wasm', 'x'), broken('cpu', 'y')], 'Test', async () => true)).rejects.toThrow(
      'no tfjs backend could be started in Test (tried wasm: x; cpu: y)',
    );
  });

  test('a candidate learns whether auto is choosing, so it can refuse a slow variant only then', async () => {
    const contexts: unknown[] = [];
    const gpu: BackendCandidate = {
      name: 'webgpu',
      async load(context) {
        contexts.push(context);
        if (context.auto) throw new Error('software adapter');
      },
    };
    expect(await selectBackendFrom('auto', [gpu, ok('wasm')], 'Test', async () => true)).toEqual({ name: 'wasm', tried: [{ name: 'webgpu', error: 'software adapter' }] });
    expect(await selectBackendFrom('webgpu', [gpu, ok('wasm')], 'Test', async () => true)).toEqual({ name: 'webgpu', tried: [] });
    expect(contexts).toEqual([{ auto: true }, { auto: false }]);
  });

  test('an unknown preference is CONFIG_INVALID', async () => {
    await expect(selectBackendFrom('gpu' as BackendName, [ok('cpu')], 'Test', async () => true)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
