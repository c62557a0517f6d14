-- seed
CREATE TABLE patients (id varchar(40), first varchar(50), last varchar(50), dob date, ssn varchar(11), phone varchar(20));
INSERT INTO patients VALUES ('pt-100200', 'Roswitha', 'Klausner', '1962-05-17', '999-63-1044', '330-555-2810');
INSERT INTO `patients` (`first`, `last`, `birthdate`, `zip`, `email`) VALUES
  ('Anselm', 'O''Dwyer', '1990-01-31', '44113', 'anselm.od@mailhost.net'),
  ("Wren", 'Tiller', '2005-08-08', '44114', NULL);
INSERT INTO payers (name, address, city, zip, phone) VALUES ('Acme Health', '1 Payer Plaza', 'Akron', '44301', '330-555-2000');
COPY public.patients (id, first, last, birthdate, deathdate, drivers) FROM stdin;
pt-300400	Ignatia	Vroom	1944-09-01	2021-12-24	S99963104
\.
