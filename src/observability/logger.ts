import { pino, type Logger } from 'pino';

/**
 * The gateway's structured JSON logger (pino: fast, one line per event). Nothing secret is
 * logged on purpose; the redaction list is the safety net should a header object slip in.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'kms-grants-gateway' },
    redact: {
      paths: [
        'token',
        '*.token',
        'headers.authorization',
        'headers["x-auth-token"]',
        '*.headers.authorization',
        '*.headers["x-auth-token"]',
        'secretKey',
        '*.secretKey',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
