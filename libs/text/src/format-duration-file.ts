// Where format-duration.js lies on disk: the dashboard server serves this very file to the browser.
import { fileURLToPath } from 'node:url';

export const FORMAT_DURATION_FILE = fileURLToPath(new URL('./format-duration.js', import.meta.url));
