/** The adapters of outbound streams, picked by destination type (the composition root's factory). */
import type { Destination, DestinationFactory, OutboundStreamRecord } from '../app/ports.js';
import { EmailDestination } from './email.js';
import { FileDestination } from './file.js';
import { SlackDestination } from './slack.js';
import { SplunkHecDestination } from './splunk-hec.js';
import { SyslogDestination } from './syslog.js';
import { WebhookDestination } from './webhook.js';

export function destinationFactory(version: string): DestinationFactory {
  return (stream: OutboundStreamRecord): Destination => {
    const d = stream.destination;
    switch (d.type) {
      case 'webhook':
        return new WebhookDestination(d);
      case 'syslog':
        return new SyslogDestination(d, version);
      case 'splunk_hec':
        return new SplunkHecDestination(d);
      case 'file':
        return new FileDestination(d);
      case 'slack':
        return new SlackDestination(d);
      case 'email':
        return new EmailDestination(d);
    }
  };
}
