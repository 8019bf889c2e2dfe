import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';
import { registerLocaleData } from '@angular/common';
import localeFr from '@angular/common/locales/fr';
import { installBrowserFakes } from '@cd31/ui/testing';

registerLocaleData(localeFr);
setupZonelessTestEnv();
// chart.js needs a 2D canvas context, chart.js and ag-grid a ResizeObserver: jsdom has neither.
installBrowserFakes();
