// The HTML report and its compact Markdown companion.
export { renderReport, defaultEnvironment, type ReportInput } from './render';
export { reportMarkdownExtras, perRoundShifts } from './markdown-extras';
export { writeReport, REPORT_FILE } from './write';
