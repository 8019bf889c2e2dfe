import { randomBytes } from 'node:crypto';

/** Bearer tokens issued by `/api/oauth/token`; they expire in wall-clock time, like PISTE's. */
export class TokenRegistry {
  private readonly tokens = new Map<string, number>();
  private issuedCount = 0;

  issue(ttlSeconds: number): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + ttlSeconds * 1000);
    this.issuedCount++;
    if (this.tokens.size > 10_000) {
      this.purge();
    }
    return token;
  }

  isValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && Date.now() < expiresAt;
  }

  expireAll(): void {
    for (const token of this.tokens.keys()) {
      this.tokens.set(token, 0);
    }
  }

  get issued(): number {
    return this.issuedCount;
  }

  private purge(): void {
    const now = Date.now();
    for (const [token, expiresAt] of this.tokens) {
      if (expiresAt <= now) {
        this.tokens.delete(token);
      }
    }
  }
}
