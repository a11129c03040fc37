// Copies the console's static files (index.html, console.css) beside its compiled scripts in
// dist/console: the one folder the server serves at /console/.
import { cpSync } from 'node:fs';

cpSync(new URL('../static/', import.meta.url), new URL('../../dist/console/', import.meta.url), {
  recursive: true,
});
