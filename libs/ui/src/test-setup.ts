import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';
import { registerLocaleData } from '@angular/common';
import localeFr from '@angular/common/locales/fr';
import { installBrowserFakes } from './testing/browser-fakes';

registerLocaleData(localeFr);
setupZonelessTestEnv();
installBrowserFakes();
