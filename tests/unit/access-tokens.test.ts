// Verifying access tokens (lib/auth/tokens.ts): a token that verified is remembered for a minute at
// most, never past its expiry, and only for the configuration that verified it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyAccessToken } from '../../lib/auth/tokens';
import { hs256Token, TEST_JWT_SECRET } from '../support/auth';

const config = { jwtSecret: TEST_JWT_SECRET };

afterEach(() => {
  vi.useRealTimers();
});

describe('verifyAccessToken', () => {
  it('accepts a valid token again, and refuses it once expired although it verified before', async () => {
    const token = await hs256Token({ expiresIn: 30 });
    expect((await verifyAccessToken(token, config)).outcome).toBe('valid');
    expect((await verifyAccessToken(token, config)).outcome).toBe('valid');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    expect(await verifyAccessToken(token, config)).toEqual({ outcome: 'invalid', reason: 'ERR_JWT_EXPIRED' });
  });

  it('checks a remembered token again after a minute', async () => {
    const token = await hs256Token({ expiresIn: 3600 });
    expect((await verifyAccessToken(token, config)).outcome).toBe('valid');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    // Verified again, and still valid: what was remembered is gone, what is checked is the same.
    expect((await verifyAccessToken(token, config)).outcome).toBe('valid');
  });

  it('does not carry a token that verified under one secret, issuer or project over to another', async () => {
    const token = await hs256Token();
    expect((await verifyAccessToken(token, config)).outcome).toBe('valid');
    expect(await verifyAccessToken(token, { jwtSecret: 'y'.repeat(64) })).toEqual({ outcome: 'invalid', reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expect(await verifyAccessToken(token, { ...config, issuer: 'https://other.supabase.co/auth/v1' })).toMatchObject({ outcome: 'invalid' });
    expect(await verifyAccessToken(token, { supabaseUrl: 'https://other.supabase.co' })).toMatchObject({ outcome: 'invalid' });
  });

  it('never remembers a refusal', async () => {
    const forged = await hs256Token({ secret: 'z'.repeat(64) });
    for (let i = 0; i < 2; i++) expect((await verifyAccessToken(forged, config)).outcome).toBe('invalid');
  });
});
