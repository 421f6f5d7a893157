export { requirePlatformAdmin } from './identity.admin.ts';
export { presentUser } from './identity.presenter.ts';
export { findUserById, type UserRow } from './identity.repository.ts';
export { identityRoutes } from './identity.routes.ts';
export { users } from './identity.tables.ts';
