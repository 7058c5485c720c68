/** API paths shared by the server, the SDK's HTTP client and the dashboard. */
export const API_PREFIX = '/api';
export const EVENTS_PATH = '/api/events';
export const DEFAULT_SERVER_PORT = 4200;
export const DEFAULT_SERVER_HOST = '127.0.0.1';
