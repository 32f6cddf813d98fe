CREATE TABLE payment_methods (id integer PRIMARY KEY, brand varchar(20), last4 char(4));
CREATE TABLE legacy_exports (id integer PRIMARY KEY);
CREATE TABLE reports (id integer PRIMARY KEY, title text, archived_at timestamptz);
CREATE INDEX reports_title ON reports (title);
COMMENT ON TABLE reports IS 'monthly reports';
