export { FactoryPanel } from './FactoryPanel';
