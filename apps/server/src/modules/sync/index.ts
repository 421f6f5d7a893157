export { accessChangeOf, socketAccess } from './sync.revocations.ts';
export { syncRoutes } from './sync.routes.ts';
export {
  authorizeScope,
  parseScopeItem,
  parseScopes,
  type ScopeCursor,
  scopeAuthorizer,
} from './sync.scopes.ts';
