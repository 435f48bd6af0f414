import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, InvalidRemoteError, describeRemote, grpcTarget, parseRemote, redactRemote } from './connection-string.js';

describe('parseRemote', () => {
  it('reads host and port, defaulting the port to 15002', () => {
    expect(parseRemote('sc://127.0.0.1:15102')).toMatchObject({ host: '127.0.0.1', port: 15102, useSsl: false, headers: {} });
    expect(parseRemote('sc://spark.example')).toMatchObject({ host: 'spark.example', port: DEFAULT_PORT });
    expect(parseRemote('sc://spark.example/')).toMatchObject({ host: 'spark.example', port: DEFAULT_PORT });
  });

  it('reads the known parameters and passes the others on as headers', () => {
    const spec = parseRemote(
      'sc://host:443/;token=s3cr%3Bet;user_id=ana;use_ssl=true;user_agent=etl;session_id=0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0;x-tenant=blue',
    );
    expect(spec).toEqual({
      host: 'host',
      port: 443,
      token: 's3cr;et',
      userId: 'ana',
      useSsl: true,
      userAgent: 'etl',
      sessionId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      headers: { 'x-tenant': 'blue' },
    });
  });

  it('keeps IPv6 hosts bracketed for gRPC', () => {
    const spec = parseRemote('sc://[::1]:15002');
    expect(spec.host).toBe('[::1]');
    expect(grpcTarget(spec)).toBe('[::1]:15002');
    expect(describeRemote(spec)).toBe('sc://[::1]:15002');
  });

  it.each([
    ['http://host:15002', 'not of the form'],
    ['sc://host:99999', 'bad port'],
    ['sc://host:1/;token', 'not key=value'],
    ['sc://host:1/;use_ssl=yes', 'use_ssl must be true or false'],
    ['sc://host:1/;session_id=abc', 'session_id must be a UUID'],
  ])('rejects %s', (remote, problem) => {
    expect(() => parseRemote(remote)).toThrow(InvalidRemoteError);
    expect(() => parseRemote(remote)).toThrow(problem);
  });

  it('never shows a token in messages', () => {
    expect(redactRemote('sc://h:1/;token=abc;user_id=x')).toBe('sc://h:1/;token=***;user_id=x');
    expect(() => parseRemote('sc://h:1/;token=abc;use_ssl=maybe')).toThrow(/token=\*\*\*/);
  });
});
