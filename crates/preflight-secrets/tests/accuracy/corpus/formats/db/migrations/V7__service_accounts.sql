-- MySQL service accounts
CREATE USER 'orders'@'10.%' IDENTIFIED BY 'fMscR%H~IDJF~V';
CREATE USER 'readonly'@'%' IDENTIFIED WITH mysql_native_password BY 'BhI!GFs~p4ErqmG';
ALTER USER 'backup'@'localhost' IDENTIFIED BY 'lu^q.ANNL95fFtHj';
CREATE USER 'legacy'@'%' IDENTIFIED BY PASSWORD '*8270C2C382FADF1D23D32F2902C2F91980D3855A';
GRANT SELECT ON orders.* TO 'readonly'@'%';
INSERT INTO api_clients (name, client_id, client_secret) VALUES ('mobile', 'e33c7a08-3ed9-4158-aa51-9f77d38274e0', 'x5MdoE71rdYVDi1Q0vV21DmjxG5NPg07KxLc3Gtb');
INSERT INTO users (email, password_hash) VALUES ('admin@acme.io', '$argon2id$v=19$m=65536,t=3,p=4$lyBPB/sYp59PFfu17oY46g$yZADZwCx1MucbGyF02I/SIFE/WQpP+PQAG6gG5FKqGg');
INSERT INTO webhooks (url, secret) VALUES ('https://partner.example.com/hook', :'webhook_secret');
