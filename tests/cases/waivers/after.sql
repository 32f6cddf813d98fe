-- payment_methods.brand is wider (medium by default, critical by rule); legacy_exports was
-- dropped under a waiver that is still valid; reports.archived_at was dropped under a waiver
-- that has expired; reports_title is missing (no rule); the comment changed (low, raised to
-- high by a kind-specific rule).
CREATE TABLE payment_methods (id integer PRIMARY KEY, brand varchar(40), last4 char(4));
CREATE TABLE reports (id integer PRIMARY KEY, title text);
COMMENT ON TABLE reports IS 'reports';
