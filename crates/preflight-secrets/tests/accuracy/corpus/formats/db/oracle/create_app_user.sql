-- Oracle schema owner
CREATE USER billing_owner IDENTIFIED BY "5e_8N2o^bv6gaiMqh!"
  DEFAULT TABLESPACE billing_data QUOTA UNLIMITED ON billing_data;
ALTER USER billing_app IDENTIFIED BY BqdztR9NWF6m_1hg;
CREATE USER ops_ro IDENTIFIED BY &ops_ro_password;
CREATE DATABASE LINK crm_link CONNECT TO crm IDENTIFIED BY "s7v1qkO+jWf.7Gp" USING 'CRMPROD';
