-- Custom SQL migration file, put your code below! --
-- DATA FIX (issue 11 item 10, hand-written; no schema change):
-- Idempotency records used to keep whole answers of register/login/refresh (access and refresh
-- tokens in plaintext) and of anonymous callers keyed by address. Neither is replayed any more;
-- forget them so no token stays readable in the database. Refresh tokens themselves were already
-- stored as SHA-256 hashes: no session is invalidated by this.
DELETE FROM "idempotency_keys"
WHERE "owner" LIKE 'ip:%'
   OR "fingerprint" LIKE 'POST /api/v1/auth/%'
   OR "fingerprint" LIKE 'POST /api/v1/me/calendar-token%';
