import { describe, expect, test } from 'vitest';
import { checkModelUrl, modelOrigins, PRETRAINED_MODEL_ORIGINS } from './model-origins.ts';

describe('modelOrigins', () => {
  test("GitHub's release download hosts always; CROWD_MODEL_ORIGINS adds origins, space- or comma-separated, without duplicates", () => {
    expect(modelOrigins()).toEqual(['https://github.com', 'https://objects.githubusercontent.com', 'https://release-assets.githubusercontent.com']);
    expect(modelOrigins(' https://models.example.org, http://localhost:8080/  https://github.com ')).toEqual([...PRETRAINED_MODEL_ORIGINS, 'https://models.example.org', 'http://localhost:8080']);
  });

  test('an entry that is not exactly an http(s) origin is an error naming it', () => {
    expect(() => modelOrigins('models.example.org')).toThrow('CROWD_MODEL_ORIGINS: "models.example.org" is not a URL; expected origins such as https://models.example.org or http://localhost:8080');
    expect(() => modelOrigins('https://models.example.org/csrnet/')).toThrow('CROWD_MODEL_ORIGINS: "https://models.example.org/csrnet/" is not an http(s) origin (scheme://host[:port], no path); did you mean https://models.example.org?');
    expect(() => modelOrigins('ftp://example.org')).toThrow(/is not an http\(s\) origin/);
  });
});

describe('checkModelUrl', () => {
  const page = 'https://crowd.example.net/app/index.html';
  const allowed = modelOrigins('https://models.example.org');

  test('the page\'s own origin (relative URLs too) and the allowed origins pass', () => {
    expect(checkModelUrl('model/model.json', page, allowed).href).toBe('https://crowd.example.net/app/model/model.json');
    expect(checkModelUrl(' https://github.com/leeyeehoo/CSRNet-pytorch/releases/download/v1/PartAmodel_best.pth.tar ', page, allowed).origin).toBe('https://github.com');
    expect(checkModelUrl('https://models.example.org/a.onnx', page, allowed).pathname).toBe('/a.onnx');
  });

  test('any other origin is refused with the allowed list, how to add one and the file alternative', () => {
    expect(() => checkModelUrl('https://evil.example.com/model.onnx', page, allowed)).toThrow(
      'https://evil.example.com is not an allowed model origin, so nothing was fetched. This app may load models only from https://crowd.example.net, https://github.com, https://objects.githubusercontent.com, https://release-assets.githubusercontent.com, https://models.example.org. ' +
        'To allow another origin, build or serve the app with CROWD_MODEL_ORIGINS="https://evil.example.com" (the README explains). Or download the model and pick the file with "Load model files…".',
    );
    // Same host, another port or scheme: another origin.
    expect(() => checkModelUrl('http://crowd.example.net/model.onnx', page, allowed)).toThrow(/^http:\/\/crowd\.example\.net is not an allowed model origin/);
    expect(() => checkModelUrl('http://[::1', page, allowed)).toThrow('"http://[::1" is not a URL.');
  });
});
