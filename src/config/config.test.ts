import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('metricsPublic', () => {
  it('is off by default, on with VERITRAIL_METRICS_PUBLIC=true or 1, and the flag wins', () => {
    expect(loadConfig({}, {}).metricsPublic).toBe(false);
    for (const [v, want] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const)
      expect(loadConfig({}, { VERITRAIL_METRICS_PUBLIC: v }).metricsPublic, v).toBe(want);
    expect(
      loadConfig({ metricsPublic: true }, { VERITRAIL_METRICS_PUBLIC: 'false' }),
    ).toMatchObject({ metricsPublic: true });
  });

  it('refuses any other value, naming the setting', () => {
    expect(() => loadConfig({}, { VERITRAIL_METRICS_PUBLIC: 'yes' })).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: [expect.objectContaining({ path: 'metricsPublic' })],
      }),
    );
  });
});

describe('syslog receiver settings', () => {
  it('are off by default and read from the environment, flags winning', () => {
    const c = loadConfig({}, {});
    expect(c.syslogUdpPort).toBeUndefined();
    expect(c.syslogTcpPort).toBeUndefined();
    expect(c).toMatchObject({ syslogHost: '127.0.0.1', syslogTenant: 'default' });
    expect(
      loadConfig(
        { syslogTcpPort: '6515' },
        {
          VERITRAIL_SYSLOG_UDP_PORT: '0',
          VERITRAIL_SYSLOG_TCP_PORT: '5514',
          VERITRAIL_SYSLOG_TENANT: 'edge',
          VERITRAIL_SYSLOG_MAX_MESSAGE_BYTES: '8192',
        },
      ),
    ).toMatchObject({
      syslogUdpPort: 0,
      syslogTcpPort: 6515,
      syslogTenant: 'edge',
      syslogMaxMessageBytes: 8192,
    });
  });

  it('refuses bad ports, tenants and sizes, naming the setting', () => {
    for (const [env, path] of [
      [{ VERITRAIL_SYSLOG_UDP_PORT: '70000' }, 'syslogUdpPort'],
      [{ VERITRAIL_SYSLOG_TCP_PORT: 'five' }, 'syslogTcpPort'],
      [{ VERITRAIL_SYSLOG_TENANT: 'Bad Tenant' }, 'syslogTenant'],
      [{ VERITRAIL_SYSLOG_TENANT: '_system' }, 'syslogTenant'],
      [{ VERITRAIL_SYSLOG_MAX_MESSAGE_BYTES: '100' }, 'syslogMaxMessageBytes'],
    ] as const)
      expect(() => loadConfig({}, env), path).toThrow(
        expect.objectContaining({ details: [expect.objectContaining({ path })] }),
      );
  });
});

describe('detection settings', () => {
  it('load the built-in pack unless turned off, and take a GeoIP database path', () => {
    expect(loadConfig({}, {})).toMatchObject({ builtinRules: true });
    expect(loadConfig({}, {}).geoipDb).toBeUndefined();
    expect(
      loadConfig({}, { VERITRAIL_BUILTIN_RULES: 'false', VERITRAIL_GEOIP_DB: '/x/city.mmdb' }),
    ).toMatchObject({ builtinRules: false, geoipDb: '/x/city.mmdb' });
    expect(loadConfig({ builtinRules: false }, {})).toMatchObject({ builtinRules: false });
    expect(() => loadConfig({}, { VERITRAIL_BUILTIN_RULES: 'no' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: 'builtinRules' })] }),
    );
  });
});

describe('report schedules', () => {
  it('take the schedule file from the flag, else the environment', () => {
    expect(loadConfig({}, {}).reportSchedules).toBeUndefined();
    const env = { VERITRAIL_REPORT_SCHEDULES: '/etc/veritrail/schedules.yaml' };
    expect(loadConfig({}, env).reportSchedules).toBe('/etc/veritrail/schedules.yaml');
    expect(loadConfig({ reportSchedules: 'mine.yaml' }, env).reportSchedules).toBe('mine.yaml');
  });
});
