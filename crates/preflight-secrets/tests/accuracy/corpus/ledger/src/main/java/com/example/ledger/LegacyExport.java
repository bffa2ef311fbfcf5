package com.example.ledger;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Nightly export of closed ledgers to the archive bucket. */
public final class LegacyExport {

    private static final String ARCHIVE_BUCKET = "ledger-archive-prod";
    private static final String ENCRYPTION_KEY = "1R7854g1XJXGcG588ARALwxWcMqMOaTNUyS+sHnzZSk=";
    private static final String HMAC_SECRET = "44b0cafe35b2df42d6585bbb92ec80e9418bf962b82fa3f8a745fe863ee95fab";
    private static final String SCHEMA_SHA256 = "c4fa483a681a857a835350521446ad12b9bd2925d7a8a096e555044a510dfd5b"; // checksum of schema.sql
    private static final String PASSWORD_PARAM = "password";

    private LegacyExport() {}

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://legacy-db.internal:3306/ledger", "export", "ecDnBGXafdQ0lOP61Y");
    }

    static Connection connectFromEnv() throws SQLException {
        return DriverManager.getConnection(
                System.getenv("LEGACY_DB_URL"), System.getenv("LEGACY_DB_USER"), System.getenv("LEGACY_DB_PASSWORD"));
    }

    static AmazonS3 archive() {
        BasicAWSCredentials credentials = new BasicAWSCredentials("AKIAX7XKCMVKR3RXFPTH", "KXy5vygNmQZQY8hazQHGXOk1It99fJrMgVBxhPaV");
        return AmazonS3ClientBuilder.standard()
                .withRegion("eu-west-1")
                .withCredentials(new AWSStaticCredentialsProvider(credentials))
                .build();
    }

    static String privateKeyHeader(String pem) {
        return pem.startsWith("-----BEGIN RSA PRIVATE KEY-----") ? "pkcs1" : "pkcs8";
    }

    static final String SIGNING_KEY_PEM =
            "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIICXAIBAAKBgQCaVQUDcJ1a0ZjyLWzSPUQBR/OyKNmyNI6wifjS6NmLlQmwgIvz\n"
            + "UW/2jWOe7gmIFuBL9eh6iQJmHx6tzqgCUhmlDSLpEWewe4wp2TOUgcPXZxHgltIj\n"
            + "UavI1nYWr4LFeP/0Rqz/ynnNZVgMycimGCTe+keq5hHD+B1QA+GyFlik8+pfwEas\n"
            + "jlDPKNkOJsgH8I/PUXNdAL8MP6HXekp8GY9SWaNeq1lEqmNh27F9naPdZij54hue\n"
            + "T+/hBinl7sbFh318RysxPp96z6ZEPYSsLPr+B9v5=\n"
            + "-----END RSA PRIVATE KEY-----\n";
}
