-- invoice_numbers steps by 10 and cycles; ticket_numbers is gone; batch_numbers is new.
CREATE SEQUENCE invoice_numbers START 1000 INCREMENT 10 CYCLE;
CREATE SEQUENCE batch_numbers;
CREATE TABLE tickets (id bigserial PRIMARY KEY, title text);
