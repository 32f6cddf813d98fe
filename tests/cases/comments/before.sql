CREATE TABLE patients (id integer PRIMARY KEY, dob date);
COMMENT ON TABLE patients IS 'PHI: access is audited';
COMMENT ON COLUMN patients.dob IS 'date of birth';
CREATE INDEX patients_dob ON patients (dob);
COMMENT ON INDEX patients_dob IS 'for age queries';
