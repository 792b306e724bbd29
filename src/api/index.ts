/**
 * The contract with the server extension (docs/rest-api.md): requests,
 * endpoints, the event stream, and the types they carry.
 */
export * from './availability';
export * from './changes';
export * from './endpoints';
export * from './keys';
export * from './liveUpdates';
export * from './request';
export * from './resource';
export * from './runs';
export * from './schedules';
export * from './statuses';
