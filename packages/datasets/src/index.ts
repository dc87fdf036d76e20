export { hello } from '@crowd/density';
