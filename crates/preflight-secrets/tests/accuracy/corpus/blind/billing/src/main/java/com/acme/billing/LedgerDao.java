package com.acme.billing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

public final class LedgerDao {
    private static final String URL = "jdbc:postgresql://ledger-db.internal:5432/ledger";
    private static final String HMAC_KEY = "bb70d80e884bc46a4d0ac9c2e73e3caf47ba53d54bb4e6c578b0b22ae878ee42";
    private static final byte[] AES_KEY = java.util.Base64.getDecoder().decode("WwQLPdqeFSKWeBZ1QrMnPl3jAm+ITThgGV4FOTljLI0=");
    private static final String PASSWORD_PARAM = "password";

    Connection open() throws SQLException {
        return DriverManager.getConnection(URL, "ledger_app", "XzM6_6uNgYt6g!");
    }

    Connection openReporting() throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://reports.internal:3306/reports?user=report&password=PRLYUeqlsqKs0wxUs8jUxK57");
    }

    Connection openFromEnv() throws SQLException {
        return DriverManager.getConnection(URL, System.getenv("DB_USER"), System.getenv("DB_PASSWORD"));
    }
}
