-- the table comment changed, the column comment and the index comment are gone.
CREATE TABLE patients (id integer PRIMARY KEY, dob date);
COMMENT ON TABLE patients IS 'PHI';
CREATE INDEX patients_dob ON patients (dob);
