-- 0011 boundary fixes (review of issue 12, after 0009 was applied): 0009 stays as it shipped;
-- these replace four of its functions.
--   * sk_org_write: moving an organisation's home needs every municipality it is active in.
--   * sk_mod_entry_update, sk_mod_entry_delete: a moderator's scope is checked on the locked row.
--   * api_activity_occurrences: occurrences after sk_until are not hidden (sk_occ_expand stops by
--     itself at COUNT/UNTIL; sk_until may lie before a sparse rule's last occurrence).
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

