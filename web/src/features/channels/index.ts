/**
 * Channels: the list of channels with their state, links and what awaits receipt; one channel's
 * live timeline (causal order, delivery per party, virtualised), composing a note, and the entry
 * inspector that verifies an entry's signature and chain in the browser. The channel screen hosts
 * the other features' views as tabs.
 */
export { ChannelListScreen } from './channel-list';
export { ChannelTimelineScreen } from './channel-timeline';
