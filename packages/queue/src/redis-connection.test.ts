import { closedPort, startRedisServer, type TestRedis } from '@crowd/test-utils';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { QueueError } from './errors.ts';
import { connectRedis, redactUrl, redisFailure } from './redis-connection.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

describe('connectRedis', () => {
  test('connects to a running server and answers', async () => {
    const client = await connectRedis(redis.url);
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  test('nothing listening: REDIS_UNAVAILABLE naming the URL and the socket error, after the connect time-out (never a hang)', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const error = await connectRedis(url, { connectTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect((error as Error).message).toBe(`cannot reach Redis at ${url} within 1.5 s (connect ECONNREFUSED 127.0.0.1:${url.split(':')[2]}): is redis-server running there, and is the port open?`);
  });

  test('a URL that is not redis:// is refused before connecting; passwords never appear in messages', async () => {
    await expect(connectRedis('http://localhost:6379')).rejects.toMatchObject({ code: 'INPUT_INVALID', message: '--redis: expected a redis:// or rediss:// URL, got "http://localhost:6379"' });
    await expect(connectRedis('localhost:6379')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(redactUrl('redis://user:secret@db.example:6380/2')).toBe('redis://user:***@db.example:6380/2');
    const error = await connectRedis(`redis://:secret@127.0.0.1:${await closedPort()}`, { connectTimeoutMs: 300 }).catch((e: Error) => e);
    expect((error as Error).message).toContain('redis://:***@127.0.0.1:');
    expect((error as Error).message).not.toContain('secret');
  });

  test('a worker connection rides out a Redis crash and restart, and says so once each way', async () => {
    const lines: string[] = [];
    const client = await connectRedis(redis.url, { role: 'worker', onStatus: (line) => lines.push(line) });
    await client.set('crowd:test:before', '1');
    await redis.crashAndRestart(300);
    // Issued while Redis may still be coming back: waits, then runs.
    expect(await client.get('crowd:test:before')).toBe('1');
    expect(lines).toEqual([`lost the connection to Redis at ${redis.url}; reconnecting`, `reconnected to Redis at ${redis.url}`]);
    await client.quit();
  });

  test('redisFailure names the URL for connection errors and passes others through', () => {
    const lost = redisFailure(new Error('Connection is closed.'), 'redis://:pw@h:1');
    expect(lost).toMatchObject({ code: 'REDIS_UNAVAILABLE', message: 'lost Redis at redis://:***@h:1 (Connection is closed.)' });
    const other = new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(redisFailure(other, 'redis://h:1')).toBe(other);
  });
});
