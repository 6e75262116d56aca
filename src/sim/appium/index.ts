export { AppwardenSimDriver } from './driver.ts';
