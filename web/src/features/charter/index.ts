/** Charter: a channel's charter (parties, languages, deadlines by precedence) and its changes. */
export { CharterView } from './charter';
