// The HTML report and its compact Markdown companion.
export { renderReport } from './render';
export { reportMarkdownExtras } from './markdown-extras';
export { writeReport } from './write';
