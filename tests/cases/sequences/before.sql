CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 1;
CREATE SEQUENCE ticket_numbers;
CREATE TABLE tickets (id bigserial PRIMARY KEY, title text);
