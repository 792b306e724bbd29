/**
 * The contract with the server extension (docs/rest-api.md): requests,
 * endpoints, the event stream, and the types they carry.
 */
export * from './availability';
export * from './connection';
export * from './endpoints';
export * from './events';
export * from './keys';
export * from './request';
export * from './resource';
export * from './runs';
export * from './schedules';
export * from './sse';
export * from './statuses';
