/**
 * Imported for its effect by code that runs outside an extension (Node tests and benchmarks,
 * the offline report checker): the UI strings are then the English file's. Never imported by
 * the extension's own pages or content script, which get theirs from the browser.
 */
import english from '../public/_locales/en/messages.json';
import { useMessagesOutsideExtension } from './i18n';

useMessagesOutsideExtension(english);
