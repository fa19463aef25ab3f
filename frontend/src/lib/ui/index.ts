/** Small presentational pieces shared by the panels. */
export { Field } from './Field';
export { isNotFound } from './httpStatus';
export { PanelMessage, type PanelMessageKind } from './PanelMessage';
export { OperatorTokenDialog } from './OperatorTokenDialog';
