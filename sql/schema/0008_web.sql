-- 0008_web.sql — what the server-rendered residents' pages (server/h_web.c) read: one statement per
-- page. api_web_search wraps api_search (0004) and api_web_entry wraps api_entry_get (0003); both add
-- the Dutch labels of the vocabularies and areas, so the C renderer never shows a bare code.
-- Nothing here changes data; visibility rules stay those of the wrapped functions.
--
-- Wave 2 moved the functions, triggers and views to sql/api/ (one current
-- definition each, applied by every migrate); what stays here is applied once.

