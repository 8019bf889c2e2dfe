/** Test helpers for the Angular projects' Jest setups (jsdom lacks what charts and grids need). */
export { installBrowserFakes } from './browser-fakes';
