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
    private static final String ENCRYPTION_KEY = "Hmdfdr3S1/3QJDjHRbGusEu0W/3FtxUfgZ2slFXVwWU=";
    private static final String HMAC_SECRET = "0dcbf90a6a15f5ad0765316e313c600cc2ea2f128c8f57d4447330243b8510ec";
    private static final String SCHEMA_SHA256 = "85174be38274df0024bce71da743376a720759fdef79e481c5bb3678f951cdbc"; // checksum of schema.sql
    private static final String PASSWORD_PARAM = "password";

    private LegacyExport() {}

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:mysql://legacy-db.internal:3306/ledger", "export", "desMiX3mraEn1KSfbF");
    }

    static Connection connectFromEnv() throws SQLException {
        return DriverManager.getConnection(
                System.getenv("LEGACY_DB_URL"), System.getenv("LEGACY_DB_USER"), System.getenv("LEGACY_DB_PASSWORD"));
    }

    static AmazonS3 archive() {
        BasicAWSCredentials credentials = new BasicAWSCredentials("AKIA6YFN4MKN45PUVEBG", "qqelSRIoKbq/yiw9IbR3xyuedP4dquUwGdEdRyHb");
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
            + "MIICXAIBAAKBgQCRIu2Gj2HEre2O3nlG9LQJTzD0Iar1R4LvIOFous1Ym61CS2JX\n"
            + "LEC8NbeCD/UAC6G+CWT4aXGo/mc+vrguliPuHBQhmNJe0UBscTblGlldP/KaTgs8\n"
            + "KHG7bVHeYa/hUuLrvopJRY+7YzUo37gfKfTeUMaR79+xmrjj6TvViA+rLSbWpfq4\n"
            + "I5JpZmNkSMBtm/y22ioyUzVJScw+a0MHn4U/tQssuOm8k/vDz04scGQk9Jq9ScZ5\n"
            + "5EWnHybwmQjLvrmo8Y88Y5sPJA6+84XLpJUjtxv6=\n"
            + "-----END RSA PRIVATE KEY-----\n";
}
