export { TrendsPanel } from './TrendsPanel';
export { TRENDS_TEXT } from './trendsText';
