import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { redactDatabaseUrl, startServer } from '../../main.js';
import type { Output } from '../output.js';

export function serveCommand(program: Command, out: () => Output): void {
  program
    .command('serve')
    .description('run the Veritrail server (HTTP API) on a SQLite data folder or PostgreSQL')
    .option('--data <dir>', 'data folder (env VERITRAIL_DATA)', undefined)
    .option(
      '--db <url>',
      'PostgreSQL instead of SQLite: postgres://user@host:5432/db[?schema=name] (env VERITRAIL_DATABASE_URL)',
    )
    .option('--port <n>', 'port, 0 for any free one (env VERITRAIL_PORT)', undefined)
    .option('--host <host>', 'address to listen on (env VERITRAIL_HOST)', undefined)
    .option('--demo', 'load demo events into tenant "demo" when it is empty')
    .option('--log-requests', 'log every request (tokens are redacted)')
    .option(
      '--rate-limit <n>',
      'requests per minute per credential, 0 for none (env VERITRAIL_RATE_LIMIT; default 6000)',
    )
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (env VERITRAIL_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert (env VERITRAIL_TLS_KEY)')
    .option(
      '--metrics-public',
      'serve GET /metrics without a token (env VERITRAIL_METRICS_PUBLIC=true|false|1|0)',
    )
    .option(
      '--rules <path>',
      'detection rule folder or file, repeatable (env VERITRAIL_RULES, comma-separated; default: the built-in pack)',
      (v: string, acc: string[] = []) => [...acc, v],
    )
    .option(
      '--no-builtin-rules',
      'do not load the built-in rule pack, only --rules (env VERITRAIL_BUILTIN_RULES=false)',
    )
    .option(
      '--geoip-db <file>',
      'MaxMind or DB-IP city database (.mmdb) for impossible-travel rules (env VERITRAIL_GEOIP_DB)',
    )
    .option(
      '--report-schedules <file>',
      'YAML file of report schedules: reports written to a folder on a cron schedule (env VERITRAIL_REPORT_SCHEDULES)',
    )
    .option(
      '--syslog-udp <port>',
      'receive syslog over UDP on this port, 0 for any free one (env VERITRAIL_SYSLOG_UDP_PORT)',
    )
    .option(
      '--syslog-tcp <port>',
      'receive syslog over TCP on this port, 0 for any free one (env VERITRAIL_SYSLOG_TCP_PORT)',
    )
    .option(
      '--syslog-host <host>',
      'address the syslog listeners bind (env VERITRAIL_SYSLOG_HOST; default 127.0.0.1)',
    )
    .option(
      '--syslog-tenant <tenant>',
      'tenant whose log syslog messages go to (env VERITRAIL_SYSLOG_TENANT; default "default")',
    )
    .action(
      async (o: {
        data?: string;
        db?: string;
        port?: string;
        host?: string;
        demo?: boolean;
        logRequests?: boolean;
        rateLimit?: string;
        tlsCert?: string;
        tlsKey?: string;
        metricsPublic?: boolean;
        syslogUdp?: string;
        syslogTcp?: string;
        syslogHost?: string;
        syslogTenant?: string;
        rules?: string[];
        builtinRules?: boolean;
        geoipDb?: string;
        reportSchedules?: string;
      }) => {
        const config = loadConfig({
          dataDir: o.data,
          databaseUrl: o.db,
          port: o.port,
          host: o.host,
          logRequests: o.logRequests,
          rateLimit: o.rateLimit,
          tlsCert: o.tlsCert,
          tlsKey: o.tlsKey,
          metricsPublic: o.metricsPublic,
          syslogUdpPort: o.syslogUdp,
          syslogTcpPort: o.syslogTcp,
          syslogHost: o.syslogHost,
          syslogTenant: o.syslogTenant,
          rules: o.rules,
          // Commander sets it true by default: only an explicit --no-builtin-rules counts.
          builtinRules: o.builtinRules === false ? false : undefined,
          geoipDb: o.geoipDb,
          reportSchedules: o.reportSchedules,
        });
        const o_ = out();
        const server = await startServer(config, {
          demo: o.demo ?? false,
          onError: (e) => o_.error(`background job: ${(e as Error).message}`),
          onLog: (line) => o_.info(line),
        });
        const syslog = server.syslog;
        const at = (port: number) =>
          `${syslog?.host.includes(':') ? `[${syslog.host}]` : syslog?.host}:${port}`;
        const syslogText = syslog
          ? `; syslog on ${[
              ...(syslog.udpPort === undefined ? [] : [`udp ${at(syslog.udpPort)}`]),
              ...(syslog.tcpPort === undefined ? [] : [`tcp ${at(syslog.tcpPort)}`]),
            ].join(', ')} into tenant "${config.syslogTenant}"`
          : '';
        if (server.generatedAdminToken) {
          o_.info(
            `admin token (shown once; set VERITRAIL_ADMIN_TOKEN to choose your own):\n  ${server.generatedAdminToken}`,
          );
        }
        if (server.demoEvents > 0)
          o_.info(`loaded ${server.demoEvents} demo events into tenant "demo"`);
        o_.result(
          {
            url: server.url,
            data: config.dataDir,
            ...(config.databaseUrl ? { database: redactDatabaseUrl(config.databaseUrl) } : {}),
            ...(server.generatedAdminToken ? { admin_token: server.generatedAdminToken } : {}),
            ...(server.consoleUrl ? { console_url: server.consoleUrl } : {}),
            ...(syslog
              ? {
                  syslog: {
                    host: syslog.host,
                    ...(syslog.udpPort === undefined ? {} : { udp_port: syslog.udpPort }),
                    ...(syslog.tcpPort === undefined ? {} : { tcp_port: syslog.tcpPort }),
                    tenant: config.syslogTenant,
                  },
                }
              : {}),
          },
          () =>
            `Veritrail listening on ${server.url} (${config.databaseUrl ? `database: ${redactDatabaseUrl(config.databaseUrl)}, signing key in ${config.dataDir}` : `data: ${config.dataDir}`})${syslogText}${server.consoleUrl ? `\nweb console: ${server.consoleUrl} (sign in with the admin token)` : ''}`,
        );
        const stop = () => {
          o_.info(
            'shutting down: finishing commits (the process leading the jobs signs a final checkpoint)',
          );
          server.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
