/**
 * Alerts: the node-wide live stream, and urgent arrivals (FLASH, IMMEDIATE) raised as a banner
 * that stays until opened, a sound, a desktop notification, and a count in the tab title and
 * favicon. Screens with counts reload on `arrivals`.
 */
export { AlertBanner, DesktopAlertsButton } from './alert-banner';
export { alerts, arrivals, connectAlerts, disconnectAlerts, isUrgentArrival } from './alert-store';
export { precedenceName, startAttention, titleWithAlerts } from './attention';
