import { type Logger, pino } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'muster' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.refreshToken', '*.accessToken'],
      remove: true,
    },
  });
}
