export { syncRoutes } from './sync.routes.ts';
export { authorizeScope, parseScopeItem, parseScopes, type ScopeCursor } from './sync.scopes.ts';
